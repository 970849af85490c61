from django import forms, template
from django.http import QueryDict
from django.utils.translation import gettext as _

register = template.Library()

_WIDGET_CLASSES = {
    "checkbox": "form-check-input",
    "select": "form-select",
    "selectmultiple": "form-select",
    "nullbooleanselect": "form-select",
    "radioselect": "",
    "checkboxselectmultiple": "",
}


@register.simple_tag
def render_widget(field):
    """A field's widget with Bootstrap's class and its help text and errors tied to it."""
    css = _WIDGET_CLASSES.get(field.widget_type, "form-control")
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    attrs = {}
    if field.errors:
        css = f"{css} is-invalid".strip()
        described_by += [f"{field.auto_id}_error_{n}" for n in range(1, len(field.errors) + 1)]
        attrs["aria-invalid"] = "true"
    if css:
        attrs["class"] = f"{field.field.widget.attrs.get('class', '')} {css}".strip()
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if isinstance(field.field.widget, forms.SelectMultiple) and not isinstance(
        field.field.widget, forms.CheckboxSelectMultiple
    ):
        # Every long list of which several can be chosen is the same searchable widget.
        attrs["data-searchable"] = ""
        attrs["data-placeholder"] = _("Type to search; you can choose several")
        attrs["data-no-results"] = _("Nothing matches.")
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def query_without_page(context) -> str:
    """The current query string less `page`, for pagination links that keep the filters."""
    query: QueryDict = context["request"].GET.copy()
    query.pop("page", None)
    return query.urlencode()
