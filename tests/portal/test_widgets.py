import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from counselling.forms import SessionForm

GROUPED = [("Usual", [("DE", "Germany"), ("AT", "Austria")]), ("All", [("FR", "France & co")])]


class OptionsForm(forms.Form):
    one = forms.ChoiceField(choices=[("", "—"), ("a", "<A>"), ("b", "B")])
    several = forms.MultipleChoiceField(choices=GROUPED)
    number = forms.TypedChoiceField(choices=[(1, 1000), (2, 2000)], coerce=int)


def _ours_and_djangos(field, attrs: dict) -> tuple[str, str]:
    widget, name, value = field.field.widget, field.html_name, field.value()
    return (
        widget.render(name, value, attrs=attrs),  # FORM_RENDERER: the project's templates
        widget.render(name, value, attrs=attrs, renderer=DjangoTemplates()),
    )


@pytest.mark.parametrize(
    "data", [None, {"one": "a", "several": ["AT", "FR"], "number": "2"}], ids=["empty", "chosen"]
)
def test_it_writes_selects_exactly_as_django_does(data):
    """The project's select template writes the options in Python (portal.select_options)."""
    form = OptionsForm(data)
    for field in form:
        attrs = {"id": field.auto_id, "class": "a&b", "data-searchable": True, "hidden": False}
        ours, django = _ours_and_djangos(field, attrs)
        assert ours == django
        assert ours.count("<option") == len(list(field.field.widget.subwidgets("x", None)))


def test_it_writes_the_session_forms_long_lists_as_django_does(counsellor_a):
    form = SessionForm({"destinations": ["DE", "XK"], "mode": "phone"}, user=counsellor_a)
    for name in ["centre", "mode", "destinations", "outcome"]:
        ours, django = _ours_and_djangos(form[name], {"id": form[name].auto_id})
        assert ours == django
