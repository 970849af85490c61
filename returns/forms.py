from datetime import timedelta

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from msc_portal.concurrency import VersionedFormMixin
from msc_portal.fields import TEXT_MAX_LENGTH, sensible_date
from msc_portal.languages import language_choices
from msc_portal.widgets import DateInput
from skills.forms import SectorChoiceField, sections_and_divisions
from skills.models import CefrLevel, Occupation, Skill
from skills.selectors import esco_imported, isco_unit_groups
from skills.widgets import IscoPicker, OccupationPicker, SkillPicker

from .models import (
    Application,
    Assignment,
    ExpertProfile,
    ExpertReport,
    ExpertSkill,
    Host,
    HostEvaluation,
    InternshipIdentification,
    Need,
    OfficialParticipant,
    OfficialTraining,
    SurveyQuestion,
)

CV_MAX_BYTES = 5 * 1024 * 1024
CV_NOT_PDF = _("The CV must be a PDF document; this file is not a PDF, whatever its name says.")
CV_UNREADABLE = _("This PDF cannot be read; it may be damaged. Please export it again.")
CV_TOO_LARGE = _("The CV may be at most 5 MB.")
CV_ACTIVE = _(
    "This PDF carries scripts, automatic actions or attached files, which a CV does not need. "
    "Please export or print it again as a plain PDF."
)
# What makes a PDF act when it is opened or clicked: scripts, launch and open actions,
# additional actions (/AA), attached files. Found as keys or as action types (/S /Launch).
PDF_ACTIVE_NAMES = frozenset(
    {"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles", "/EmbeddedFile"}
)
# A CV of 5 MB has some thousands of objects; a file with more is refused rather than walked.
PDF_MAX_OBJECTS = 200_000


# The seam for the skills app's autocomplete pickers: these three factories decide the field and
# widget of every skill, occupation and sector input of this app. Swap the widget here, once.
# Skills and occupations are searched as one types (ESCO holds thousands): skills.widgets.
def skill_field(*, label, required=True):
    return forms.ModelMultipleChoiceField(
        queryset=Skill.objects.all(),
        required=required,
        label=label,
        widget=SkillPicker(multiple=True),
    )


def one_skill_field(*, required=True):
    return forms.ModelChoiceField(
        queryset=Skill.objects.all(), required=required, label=_("Skill"), widget=SkillPicker()
    )


def occupation_field(*, required=False):
    return forms.ModelChoiceField(
        queryset=Occupation.objects.all(),
        required=required,
        label=_("Occupation"),
        widget=OccupationPicker(),
    )


class OccupationFormMixin:
    """One occupation picker: ESCO occupations when imported, else the ISCO-08 unit groups.
    The model stores the ISCO-08 unit group in both cases (OccupationMixin)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if esco_imported():
            del self.fields["isco_group"]
        else:
            del self.fields["occupation"]

    def clean(self):
        cleaned = super().clean()
        if "occupation" in self.fields:  # the group follows the ESCO occupation, even cleared
            occupation = cleaned.get("occupation")
            cleaned["isco_group"] = occupation.isco_group if occupation else None
        return cleaned


def isco_field(*, required=False):
    return forms.ModelChoiceField(
        queryset=isco_unit_groups(),
        required=required,
        label=_("Occupation"),
        help_text=_("An ISCO-08 unit group: type a few letters of the occupation or its code."),
        widget=IscoPicker(),
    )


def sector_field(*, label=None, multiple=False, required=True):
    label = label or _("Sector")
    # NACE sections and divisions (about 110): groups and classes are too fine to choose from.
    if multiple:
        return forms.ModelMultipleChoiceField(
            queryset=sections_and_divisions(), required=required, label=label
        )
    return SectorChoiceField(sections_and_divisions(), required=required, label=label)


def pdf_has_active_content(reader: PdfReader) -> bool:
    """True when any object reachable from the document's trailer names a script, an
    automatic or launch action, or an embedded file (see PDF_ACTIVE_NAMES)."""
    seen: set[tuple[int, int]] = set()
    pending = [reader.trailer]
    walked = 0
    while pending:
        node = pending.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        walked += 1
        if walked > PDF_MAX_OBJECTS:
            return True
        if isinstance(node, DictionaryObject):
            if PDF_ACTIVE_NAMES.intersection(node.keys()):
                return True
            pending.extend(node.values())
        elif isinstance(node, ArrayObject):
            pending.extend(node)
        elif isinstance(node, NameObject) and node in PDF_ACTIVE_NAMES:
            return True
    return False


def validate_pdf(upload) -> None:
    """A CV is a PDF by its content: the %PDF- signature, pypdf can read its pages, and it
    carries no active content (scripts, open or launch actions, attached files)."""
    if upload.size > CV_MAX_BYTES:
        raise ValidationError(CV_TOO_LARGE, code="too_large")
    upload.seek(0)
    if upload.read(5) != b"%PDF-":
        raise ValidationError(CV_NOT_PDF, code="not_pdf")
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if len(reader.pages) < 1:
            raise ValidationError(CV_UNREADABLE, code="unreadable")
        active = pdf_has_active_content(reader)
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise ValidationError(CV_UNREADABLE, code="unreadable") from error
    finally:
        upload.seek(0)
    if active:
        raise ValidationError(CV_ACTIVE, code="active_content")


class AccountForm(forms.Form):
    """A new person's account: name, e-mail address and password."""

    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean_password(self):
        validate_password(self.cleaned_data["password"])
        return self.cleaned_data["password"]


class HostForm(forms.ModelForm):
    sector = sector_field()

    class Meta:
        model = Host
        fields = [
            "name",
            "kind",
            "country",
            "city",
            "sector",
            "focal_point_name",
            "focal_point_email",
            "focal_point_phone",
        ]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail address"))


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    password = AccountForm.base_fields["password"]

    def clean_password(self):
        validate_password(self.cleaned_data["password"])
        return self.cleaned_data["password"]


class NeedForm(OccupationFormMixin, VersionedFormMixin, forms.ModelForm):
    sector = sector_field()
    occupation = occupation_field()
    isco_group = isco_field()
    essential_skills = skill_field(label=_("Essential skills"))
    optional_skills = skill_field(required=False, label=_("Optional skills"))

    class Meta:
        model = Need
        fields = [
            "title",
            "description",
            "sector",
            "occupation",
            "isco_group",
            "essential_skills",
            "optional_skills",
            "min_isced",
            "mode",
            "duration_days",
            "window_start",
            "window_end",
            "location",
            "deliverables",
            "experts_wanted",
        ]
        widgets = {"window_start": DateInput, "window_end": DateInput}

    SKILL_FIELDS = ("essential_skills", "optional_skills")

    def clean(self):
        data = super().clean()
        overlap = set(data.get("essential_skills") or []) & set(data.get("optional_skills") or [])
        if overlap:
            self.add_error("optional_skills", _("A skill cannot be both essential and optional."))
        return data

    def split(self) -> tuple[dict, dict]:
        """(plain fields, skill lists) for services.need_create/need_update."""
        data = dict(self.cleaned_data)
        skills = {name: data.pop(name) for name in self.SKILL_FIELDS}
        return data, skills


class LanguageLevelForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=language_choices, required=False)
    level = forms.ChoiceField(label=_("Level (CEFR)"), choices=CefrLevel.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "—"), *language_choices()]
        self.fields["level"].choices = [("", "—"), *CefrLevel.choices]

    def clean(self):
        data = super().clean()
        if bool(data.get("language")) != bool(data.get("level")):
            raise ValidationError(_("Give both the language and its level."))
        return data


class BaseRowsFormSet(forms.BaseFormSet):
    def rows(self, *names) -> list[tuple]:
        return [
            tuple(form.cleaned_data[name] for name in names)
            for form in self.forms
            if form.cleaned_data and all(form.cleaned_data.get(name) for name in names)
        ]


def _unique_rows(formset, name: str, message):
    values = [f.cleaned_data.get(name) for f in formset.forms if f.cleaned_data.get(name)]
    if len(values) != len(set(values)):
        raise ValidationError(message)


class BaseLanguageFormSet(BaseRowsFormSet):
    def clean(self):
        _unique_rows(self, "language", _("List each language once."))


LanguageFormSet = forms.formset_factory(
    LanguageLevelForm, formset=BaseLanguageFormSet, extra=3, max_num=12
)


class SkillLevelForm(forms.Form):
    skill = one_skill_field(required=False)
    proficiency = forms.TypedChoiceField(
        label=_("Proficiency"),
        choices=ExpertSkill.Proficiency.choices,
        coerce=int,
        initial=ExpertSkill.Proficiency.ADVANCED,
    )


class BaseSkillFormSet(BaseRowsFormSet):
    def clean(self):
        _unique_rows(self, "skill", _("List each skill once."))


SkillFormSet = forms.formset_factory(SkillLevelForm, formset=BaseSkillFormSet, extra=3, max_num=40)


class AvailabilityForm(forms.Form):
    start = forms.DateField(
        label=_("Available from"), required=False, widget=DateInput, validators=[sensible_date]
    )
    end = forms.DateField(
        label=_("until"), required=False, widget=DateInput, validators=[sensible_date]
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            raise ValidationError(_("Give both dates of the window."))
        if start and end and start > end:
            raise ValidationError(_("The window must end after it starts."))
        return data


AvailabilityFormSet = forms.formset_factory(
    AvailabilityForm, formset=BaseRowsFormSet, extra=2, max_num=10
)


class ExpertRegistrationForm(AccountForm):
    consent = forms.BooleanField(
        label=_(
            "I agree that the programme keeps my profile and CV to match me with host "
            "institutions and shows them to the institutions I am proposed to."
        )
    )


class ActivationResendForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)


class ExpertProfileForm(OccupationFormMixin, VersionedFormMixin, forms.ModelForm):
    occupation = occupation_field()
    isco_group = isco_field()
    sectors = sector_field(multiple=True, required=False, label=_("Sectors"))

    class Meta:
        model = ExpertProfile
        fields = [
            "country_of_origin",
            "country_of_residence",
            "city_of_residence",
            "citizenships",
            "residence_status",
            "occupation",
            "isco_group",
            "sectors",
            "isced_level",
            "field_of_education",
            "years_experience",
            "preferred_mode",
            "bio",
        ]

    def split(self) -> tuple[dict, list]:
        data = dict(self.cleaned_data)
        return data, data.pop("sectors")


class CvForm(forms.Form):
    cv = forms.FileField(
        label=_("CV (PDF, at most 5 MB)"),
        validators=[validate_pdf],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account, profile and CV will be deleted for good.")
    )


def working_days(start, end) -> int:
    """Monday to Friday from start to end, both included."""
    days, day = 0, start
    while day <= end:
        days += day.weekday() < 5
        day += timedelta(days=1)
    return days


def working_day_end(start, days: int):
    """The day on which `days` working days from `start` (included) are done."""
    day, counted = start, 0
    while True:
        counted += day.weekday() < 5
        if counted >= days:
            return day
        day += timedelta(days=1)


class ApplicationForm(forms.ModelForm):
    """Dates default to the need's duration from the start of its window; a longer period is
    possible, but only when the expert confirms it."""

    longer_on_purpose = forms.BooleanField(
        label=_("I propose a longer period than the need asks for, on purpose"), required=False
    )

    class Meta:
        model = Application
        fields = ["motivation", "proposed_start", "proposed_end", "mode"]
        widgets = {"proposed_start": DateInput, "proposed_end": DateInput}

    def __init__(self, *args, need, **kwargs):
        super().__init__(*args, **kwargs)
        self.need = need
        start = need.window_start
        end = min(working_day_end(start, need.duration_days), need.window_end)
        self.initial.update({"mode": need.mode, "proposed_start": start, "proposed_end": end})
        self.fields["proposed_end"].help_text = ngettext_lazy(
            "The need asks for %(days)s working day.",
            "The need asks for %(days)s working days.",
            "days",
        ) % {"days": need.duration_days}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("proposed_start"), cleaned.get("proposed_end")
        need = self.need
        in_window = start and end and need.window_start <= start <= end <= need.window_end
        if in_window and not cleaned.get("longer_on_purpose"):
            proposed = working_days(start, end)
            if proposed > self.need.duration_days:
                self.add_error(
                    "proposed_end",
                    _(
                        "These dates span %(proposed)s working days; the need asks for "
                        "%(days)s. Shorten them, or tick the box below to propose them anyway."
                    )
                    % {"proposed": proposed, "days": self.need.duration_days},
                )
        return cleaned


class MoveForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment (sent to the people concerned)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )


class AssignmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [
            "mode",
            "start",
            "end",
            "working_days",
            "deliverables",
            "travel",
            "per_diem_rate",
            "accommodation",
            "insurance",
            "fee",
        ]
        widgets = {"start": DateInput, "end": DateInput}


class ReportForm(forms.ModelForm):
    class Meta:
        model = ExpertReport
        fields = ["activities", "outputs", "people_trained"]


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = HostEvaluation
        fields = ["overall", "relevance", "expertise", "comments"]


# --- Surveys ----------------------------------------------------------------------------------


class SurveyQuestionForm(forms.ModelForm):
    class Meta:
        model = SurveyQuestion
        fields = [
            "audience",
            "moment",
            "text",
            "kind",
            "options",
            "measures",
            "required",
            "order",
            "is_active",
        ]
        widgets = {"options": forms.Textarea(attrs={"rows": 3})}


RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class SurveyAnswerForm(forms.Form):
    """One field a question: a rating (1–5), a choice, or free text."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {f"q{question.pk}": question for question in questions}
        for name, question in self.questions.items():
            if question.kind == SurveyQuestion.Kind.RATING:
                field = forms.ChoiceField(
                    choices=RATING_CHOICES,
                    widget=forms.RadioSelect,
                    help_text=_("1 = not at all, 5 = very much"),
                )
            elif question.kind == SurveyQuestion.Kind.CHOICE:
                options = [(option, option) for option in question.option_list]
                field = forms.ChoiceField(choices=options, widget=forms.RadioSelect)
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_LENGTH
                )
            field.label, field.required = question.text, question.required
            self.fields[name] = field

    def answers(self) -> dict:
        return {question: self.cleaned_data.get(name) for name, question in self.questions.items()}


# --- Capacity building of officials -----------------------------------------------------------


class OfficialTrainingForm(forms.ModelForm):
    class Meta:
        model = OfficialTraining
        fields = ["title", "kind", "date", "country", "location", "organiser", "topics"]
        widgets = {"date": DateInput}


ParticipantFormSet = forms.inlineformset_factory(
    OfficialTraining,
    OfficialParticipant,
    fields=["name", "institution", "function", "sex", "country", "is_consular"],
    extra=3,
    can_delete=True,
)


class InternshipForm(forms.ModelForm):
    sector = sector_field()

    class Meta:
        model = InternshipIdentification
        fields = [
            "identified_by",
            "kind",
            "identified_on",
            "destination",
            "employer",
            "sector",
            "places",
            "notes",
        ]
        widgets = {"identified_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identified_by"].queryset = OfficialParticipant.objects.filter(
            is_consular=True
        ).select_related("training")
        self.fields["identified_by"].help_text = _(
            "Consular officials are recorded as participants of a training."
        )
