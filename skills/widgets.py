"""Autocomplete pickers for skills and occupations (thousands of entries once ESCO is imported).

Use them as the widget of a ModelChoiceField or ModelMultipleChoiceField, in any app's form:

    from skills.models import Skill
    from skills.widgets import OccupationPicker, SkillPicker

    class NeedForm(forms.ModelForm):
        essential_skills = forms.ModelMultipleChoiceField(
            Skill.objects.all(), widget=SkillPicker(multiple=True)
        )

        class Meta:
            model = Need
            fields = ["occupation", "essential_skills"]
            widgets = {"occupation": OccupationPicker()}

and render the form with `{% include "includes/form.html" %}` as usual. The widget renders an
ARIA 1.2 combobox (a text box with role="combobox" and a listbox) that asks
`skills:skill_picker` / `skills:occupation_picker` for matches through htmx as the user types;
`static/js/picker.js` (loaded by base.html) does the keyboard navigation and the choosing. The
chosen entries are submitted as hidden inputs named after the field, one per choice; without
JavaScript nothing can be searched, so the pickers need it (as every htmx page does).
Only the chosen entries are looked up when the form is shown, never the whole list.
"""

from django import forms
from django.urls import reverse


class PickerWidget(forms.Widget):
    template_name = "skills/widgets/picker.html"
    url_name = ""

    def __init__(self, attrs=None, multiple=False):
        super().__init__(attrs)
        self.allow_multiple_selected = multiple

    def format_value(self, value):
        if value in (None, ""):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False if self.allow_multiple_selected else name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = []
        ids = [v for v in context["widget"]["value"] if v.isdigit()]
        queryset = getattr(self.choices, "queryset", None) if hasattr(self, "choices") else None
        if ids and queryset is not None:
            chosen = list(queryset.filter(pk__in=ids))
        context["widget"].update(
            {
                "url": reverse(self.url_name),
                "multiple": self.allow_multiple_selected,
                "chosen": chosen,
                "listbox_id": f"{context['widget']['attrs'].get('id', name)}_listbox",
            }
        )
        return context


class SkillPicker(PickerWidget):
    url_name = "skills:skill_picker"


class OccupationPicker(PickerWidget):
    url_name = "skills:occupation_picker"


class IscoPicker(PickerWidget):
    """The ISCO-08 unit groups, for the occupation while ESCO is not imported."""

    url_name = "skills:isco_picker"
