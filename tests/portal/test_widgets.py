import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from counselling.forms import SessionForm

GROUPED = [("Usual", [("DE", "Germany"), ("AT", "Austria")]), ("All", [("FR", "France & co")])]


class OptionsForm(forms.Form):
    one = forms.ChoiceField(choices=[("", "—"), ("a", "<A>"), ("b", "B")])
    several = forms.MultipleChoiceField(choices=GROUPED)
    number = forms.TypedChoiceField(choices=[(1, 1000), (2, 2000)], coerce=int)
    ticks = forms.MultipleChoiceField(choices=GROUPED, widget=forms.CheckboxSelectMultiple)
    flat_ticks = forms.MultipleChoiceField(
        choices=[("x", "<X>"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    radio = forms.ChoiceField(choices=[("a", "<A>"), ("b", "B")], widget=forms.RadioSelect)


def _ours_and_djangos(field, attrs: dict) -> tuple[str, str]:
    widget, name, value = field.field.widget, field.html_name, field.value()
    return (
        widget.render(name, value, attrs=attrs),  # FORM_RENDERER: the project's templates
        widget.render(name, value, attrs=attrs, renderer=DjangoTemplates()),
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"one": "a", "several": ["AT", "FR"], "number": "2", "ticks": ["DE"], "radio": "b"},
    ],
    ids=["empty", "chosen"],
)
def test_it_writes_choices_exactly_as_django_does(data):
    """The project's select and multiple-input templates write the options in Python
    (portal.select_options, portal.input_options)."""
    form = OptionsForm(data)
    for field in form:
        attrs = {"id": field.auto_id, "class": "a&b", "data-searchable": True, "hidden": False}
        ours, django = _ours_and_djangos(field, attrs)
        assert ours == django
        options = len(list(field.field.widget.subwidgets("x", None)))
        assert ours.count("<option") + ours.count("<input") == options
        assert "&lt;" in ours or field.name in {"several", "number", "ticks"}


def test_it_writes_choices_without_an_id_as_django_does():
    field = OptionsForm()["radio"]
    ours, django = _ours_and_djangos(field, {})
    assert ours == django
    assert "<label>" in ours


def test_it_writes_the_session_forms_long_lists_as_django_does(counsellor_a):
    form = SessionForm({"destinations": ["DE", "XK"], "mode": "phone"}, user=counsellor_a)
    for name in ["centre", "mode", "destinations", "outcome", "topics", "services"]:
        ours, django = _ours_and_djangos(form[name], {"id": form[name].auto_id})
        assert ours == django
