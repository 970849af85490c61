import math
from datetime import timedelta

from django import forms, template
from django.http import QueryDict
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

SELECT_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"

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


@register.simple_tag(takes_context=True)
def select_options(context, widget) -> str:
    """A select's options, written as Django's select.html and select_option.html write them but
    without an include per option: the country lists have 250 options (9 ms a list). An option
    with a template of its own is still rendered by it (templates/django/forms/widgets)."""
    parts = []
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            label = render_value_in_context(group_name, context)
            parts.append(format_html('\n  <optgroup label="{}">', label))
        for option in options:
            parts.append("\n  ")
            if option["template_name"] != SELECT_OPTION_TEMPLATE:
                included = context.template.engine.get_template(option["template_name"])
                with context.push(widget=option):
                    parts.append(included.render(context))
                continue
            value = conditional_escape(stringformat(option["value"], "s"))
            label = render_value_in_context(option["label"], context)
            parts.append(f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # every part is escaped above


INPUT_OPTION_TEMPLATES = {
    "django/forms/widgets/checkbox_option.html",
    "django/forms/widgets/radio_option.html",
}


@register.simple_tag(takes_context=True)
def input_options(context, widget) -> str:
    """Radio buttons and checkboxes, written as Django's multiple_input.html, input_option.html
    and input.html write them, without three includes per option (the session form has some
    thirty options: 6 ms a form). An option with a template of its own is still rendered by it."""
    parts = []
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            label = render_value_in_context(group_name, context)
            parts.append(f"\n  <div><label>{label}</label>")
        for option in options:
            parts.append("<div>\n    ")
            if option["template_name"] not in INPUT_OPTION_TEMPLATES:
                included = context.template.engine.get_template(option["template_name"])
                with context.push(widget=option):
                    parts.append(included.render(context))
            else:
                parts.append(_input_option(context, option))
            parts.append("</div>")
        if group_name:
            parts.append("\n  </div>")
    return mark_safe("".join(parts))  # every part is escaped above or by its template


def _input_option(context, option: dict) -> str:
    """django/forms/widgets/input_option.html with input.html"""
    attrs = option["attrs"]
    value = ""
    if option["value"] is not None:
        value = f' value="{conditional_escape(stringformat(option["value"], "s"))}"'
    # Each of Django's three templates ends with a newline, which the page keeps.
    field = (
        f'<input type="{conditional_escape(option["type"])}" '
        f'name="{conditional_escape(option["name"])}"{value}{_attrs(attrs)}>\n'
    )
    if not option["wrap_label"]:
        return f"{field}\n\n"
    label_for = f' for="{conditional_escape(attrs["id"])}"' if attrs.get("id") else ""
    label = render_value_in_context(option["label"], context)
    return f"<label{label_for}>{field} {label}</label>\n\n"


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(stringformat(value, "s"))}"'
        for name, value in attrs.items()
        if value is not False
    )


@register.filter
def whole_minutes(duration: timedelta) -> int:
    """A duration in whole minutes, rounded up, as a number `{% blocktranslate count %}` can
    choose a plural form for (`widthratio` gives a string)."""
    return math.ceil(duration.total_seconds() / 60)
