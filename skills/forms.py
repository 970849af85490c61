from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from msc_portal.concurrency import VersionedFormMixin
from msc_portal.widgets import DateInput

from .models import IscoGroup, Occupation, Sector, Skill, SkillDemand, TrainingOpportunity
from .services import IMPORT_COLUMNS
from .widgets import OccupationPicker, SkillPicker


class SectorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        indent = "" if obj.level == Sector.Level.SECTION else "— "
        return f"{indent}{obj.code} {obj.label}"


def sections_and_divisions():
    return Sector.objects.filter(level__lte=Sector.Level.DIVISION).order_by("code")


class SkillDemandForm(VersionedFormMixin, forms.ModelForm):
    sector = SectorChoiceField(
        sections_and_divisions(), label=_("Sector (NACE Rev. 2.1)"), empty_label=None
    )
    occupation = forms.ModelChoiceField(
        Occupation.objects.all(), required=False, widget=OccupationPicker(), label=_("Occupation")
    )
    isco_group = forms.ModelChoiceField(
        IscoGroup.objects.all(), required=False, label=_("Occupation group (ISCO-08)")
    )
    skill = forms.ModelChoiceField(
        Skill.objects.all(), required=False, widget=SkillPicker(), label=_("Skill")
    )
    source_url = forms.URLField(
        label=_("Link to the source"), required=False, assume_scheme="https"
    )

    class Meta:
        model = SkillDemand
        fields = [
            "region",
            "sector",
            "occupation",
            "isco_group",
            "skill",
            "shortage",
            "workers_needed",
            "source_type",
            "source_name",
            "source_url",
            "period_start",
            "period_end",
            "notes",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


MAX_IMPORT_BYTES = 5 * 1024 * 1024


class SkillDemandImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        # Column names are the file's, not words to translate.
        help_text=format_lazy(
            _(
                "UTF-8 CSV with the columns {columns}. Every row is checked; nothing is saved "
                "unless all are valid."
            ),
            columns=", ".join(IMPORT_COLUMNS),
        ),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB: split it."))
        return file


class TrainingForm(VersionedFormMixin, forms.ModelForm):
    sector = SectorChoiceField(sections_and_divisions(), required=False, label=_("Sector"))
    url = forms.URLField(label=_("Where to apply"), required=False, assume_scheme="https")

    class Meta:
        model = TrainingOpportunity
        fields = [
            "title",
            "provider",
            "kind",
            "country",
            "city",
            "sector",
            "description",
            "eligibility",
            "min_education",
            "stipend",
            "stipend_currency",
            "return_incentive",
            "return_obligation_years",
            "application_deadline",
            "start_date",
            "end_date",
            "url",
            "is_published",
        ]
        widgets = {
            "application_deadline": DateInput(),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
            "return_incentive": forms.Textarea(attrs={"rows": 3}),
        }
