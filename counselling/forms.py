from datetime import date, timedelta

from django import forms
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import User
from centres.models import Centre, PartnerOrganisation
from msc_portal.concurrency import VersionedFormMixin
from msc_portal.fields import TEXT_MAX_LENGTH, sensible_date
from msc_portal.languages import language_choices
from msc_portal.widgets import DateInput

from . import codes
from .models import (
    AGE_BAND_CHOICES,
    IDENTIFYING_FIELDS,
    PROFILE_FIELDS,
    AuditEvent,
    GroupSession,
    Referral,
    Session,
    Sex,
    Topic,
    TrainingInterest,
    Visitor,
)
from .services import TooManyAttempts, visitor_find_by_code

NO_CONSENT_NO_NAME = _(
    "Without service consent the visitor is recorded anonymously: leave name and contacts empty."
)


class ShortListIterator(forms.models.ModelChoiceIterator):
    """The choices of a short list (a user's centres, the topics) from the field's queryset,
    read once per form: Django walks a server-side cursor (DECLARE, FETCH, CLOSE) each time
    the choices are listed, which pays for long lists only."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ShortChoiceField(forms.ModelChoiceField):
    iterator = ShortListIterator


class ShortMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ShortListIterator


def centre_field(user, *, bound: bool = False) -> forms.ModelChoiceField:
    """The user's centres; the first is the default, so most users never touch it (a bound
    form shows what was sent: no default to look up)."""
    centres = Centre.objects.staffed_by(user).active().order_by("name")
    field = ShortChoiceField(label=_("Centre"), queryset=centres, empty_label=None)
    if not bound:
        field.initial = next(iter(field.queryset), None)  # the list the options are read from
    return field


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a visitor"),
        max_length=100,
        help_text=_("Visitor code, name or phone number."),
    )


def _usual_destinations_first(form) -> None:
    from .selectors import destination_choices

    if "destinations" in form.fields:
        form.fields["destinations"].choices = destination_choices()
        form.fields["destinations"].help_text = _(
            "You can choose several; the network's usual destinations come first."
        )


class VisitorForm(VersionedFormMixin, forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), choices=language_choices, required=False
    )

    class Meta:
        model = Visitor
        fields = [*IDENTIFYING_FIELDS, *PROFILE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _usual_destinations_first(self)

    def clean(self):
        data = super().clean()
        consent = data.get("consent_service", self.instance.consent_service)
        if not consent:
            for name in IDENTIFYING_FIELDS:
                if data.get(name):
                    self.add_error(name, NO_CONSENT_NO_NAME)
        return data

    def _post_clean(self):
        # Consent lives on the registration form; the model's own rule is checked in services.
        consent = self.cleaned_data.get("consent_service")
        if consent is not None:
            self.instance.consent_service = consent
        super()._post_clean()


class VisitorRegisterForm(VisitorForm):
    consent_service = forms.BooleanField(
        label=_("Consents to a named record (service)"),
        required=False,
        help_text=_("Without it, no name or contact details are kept."),
    )
    consent_research = forms.BooleanField(label=_("Consents to research use"), required=False)
    consent_contact = forms.BooleanField(label=_("Agrees to be contacted"), required=False)
    confirm_new = forms.BooleanField(
        label=_("This is a different person: register a new visitor"), required=False
    )

    field_order = ["centre", "consent_service", "consent_research", "consent_contact"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"] = centre_field(user, bound=self.is_bound)
        self.order_fields(self.field_order)

    def consents(self) -> dict[str, bool]:
        return {
            purpose: self.cleaned_data[f"consent_{purpose}"]
            for purpose in ("service", "research", "contact")
        }

    def profile(self) -> dict:
        skip = {"centre", "consent_service", "consent_research", "consent_contact", "confirm_new"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=[("service", ""), ("research", ""), ("contact", "")])
    given = forms.BooleanField(required=False)


class ConsentWithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("The visitor withdraws this consent and has been told what it means."),
    )


class SessionForm(forms.ModelForm):
    """Quick to fill from the keyboard: date today, the user's centre, in person, by default."""

    services = forms.MultipleChoiceField(
        label=_("Services provided"),
        choices=Session.Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = ShortMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Session
        fields = [
            "date",
            "mode",
            "duration_minutes",
            "topics",
            "destinations",
            "services",
            "outcome",
            "notes",
            "follow_up_date",
        ]
        widgets = {
            "date": DateInput,
            "follow_up_date": DateInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"] = centre_field(user, bound=self.is_bound)
        self.fields["date"].initial = localdate()
        self.fields["date"].widget.attrs["autofocus"] = True
        _usual_destinations_first(self)
        self.order_fields(["centre", "date", "mode", "duration_minutes", "topics"])


class SessionEditForm(VersionedFormMixin, SessionForm):
    """Correcting a session: it stays at its centre."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["centre"]
        self.fields["date"].widget.attrs.pop("autofocus", None)


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for deleting"),
        max_length=300,
        help_text=_(
            "For the audit trail and the visitor's timeline, e.g. “logged twice”. No names."
        ),
    )


class PresenceForm(forms.Form):
    """The proof a visitor of another centre gives at the desk: what only they know."""

    centre = forms.ModelChoiceField(queryset=Centre.objects.none())
    pin = forms.CharField(
        label=_("PIN on the visitor's card"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    given_name = forms.CharField(
        label=_("Or: the visitor's given name"), required=False, max_length=100
    )
    year_of_birth = forms.IntegerField(
        label=_("and year of birth"), required=False, min_value=1900, max_value=2100
    )
    reason = forms.CharField(
        label=_("Reason for the visit"),
        max_length=200,
        help_text=_("Written to the visitor's audit trail, which their centre's manager reads."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"] = centre_field(user, bound=self.is_bound)
        self.order_fields(["centre", "pin", "given_name", "year_of_birth", "reason"])

    def clean(self):
        data = super().clean()
        if not data.get("pin") and not (data.get("given_name") and data.get("year_of_birth")):
            raise forms.ValidationError(
                _("Enter the PIN on the card, or the given name and year of birth.")
            )
        return data


def _count_field_name(sex: str, band: str) -> str:
    return f"count_{sex}_{band.replace('-', '_').replace('+', 'plus')}"


class GroupSessionForm(forms.ModelForm):
    attendee_codes = forms.CharField(
        label=_("Registered visitors present"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visitor codes, one per line or separated by commas."),
    )
    topics = ShortMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = GroupSession
        fields = ["type", "date", "place", "topics", "facilitators", "total_participants"]
        widgets = {"date": DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["centre"] = centre_field(user, bound=self.is_bound)
        self.fields["date"].initial = localdate()
        staff = User.objects.filter(centres__in=Centre.objects.staffed_by(user)).distinct()
        self.fields["facilitators"].queryset = staff
        self.fields["facilitators"].initial = [user.pk]
        self.fields["facilitators"].required = False
        self.count_fields = []
        for sex, sex_label in Sex.choices:
            for band, band_label in AGE_BAND_CHOICES:
                name = _count_field_name(sex, band)
                self.fields[name] = forms.IntegerField(
                    label=f"{sex_label} {band_label}", required=False, min_value=0
                )
                self.count_fields.append((sex, band, name))
        self.order_fields(["centre", "type", "date", "place"])

    @property
    def count_rows(self):
        """The count inputs as a table: one row per sex, one column per age band."""
        return [
            (label, [self[_count_field_name(sex, band)] for band, _band in AGE_BAND_CHOICES])
            for sex, label in Sex.choices
        ]

    @property
    def plain_fields(self):
        counted = {name for _sex, _band, name in self.count_fields}
        return [field for field in self if field.name not in counted]

    def clean_attendee_codes(self):
        from . import codes

        raw = self.cleaned_data["attendee_codes"].replace(",", "\n").split()
        wanted = [codes.normalise(code) for code in raw if code.strip()]
        found = {v.code: v for v in Visitor.objects.visible_to(self.user).filter(code__in=wanted)}
        try:
            for code in wanted:
                # Another centre's visitor, present with their card: attendance is recorded,
                # and opens nothing of their record.
                if code not in found and (
                    visitor := visitor_find_by_code(user=self.user, raw_code=code)
                ):
                    found[code] = visitor
        except TooManyAttempts as error:
            raise forms.ValidationError(str(error)) from error
        missing = [code for code in wanted if code not in found]
        if missing:
            raise forms.ValidationError(
                _("Unknown visitor codes: %(codes)s"), params={"codes": ", ".join(missing)}
            )
        return list(dict.fromkeys(found[code] for code in wanted))

    def counts(self) -> dict:
        return {
            (sex, band): self.cleaned_data.get(name) or 0 for sex, band, name in self.count_fields
        }


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["partner", "service", "sent_on", "outcome"]
        widgets = {"sent_on": DateInput, "outcome": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"] = centre_field(user, bound=self.is_bound)
        countries = Centre.objects.staffed_by(user).values("country")
        self.fields["partner"].queryset = PartnerOrganisation.objects.active().filter(
            country__in=countries
        )
        self.order_fields(["centre", "partner", "service"])


class GroupSessionEditForm(VersionedFormMixin, GroupSessionForm):
    """Correcting a group session: it stays at its centre; attendance and counts start from
    what was recorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["centre"]
        group = self.instance
        self.fields["facilitators"].initial = list(group.facilitators.values_list("pk", flat=True))
        self.fields["attendee_codes"].initial = "\n".join(
            group.attendees.order_by("code").values_list("code", flat=True)
        )
        for count in group.counts.all():
            name = _count_field_name(count.sex, count.age_band)
            if name in self.fields:
                self.fields[name].initial = count.count


class ReferralEditForm(VersionedFormMixin, ReferralForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["centre"]


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    date = forms.DateField(
        label=_("Date"), initial=localdate, widget=DateInput, validators=[sensible_date]
    )
    note = forms.CharField(
        label=_("Outcome note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Referral.Status.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in referral.next_statuses()]


class MergeForm(forms.Form):
    keep = forms.CharField(label=_("Keep this visitor (code)"), max_length=20)
    remove = forms.CharField(label=_("Merge this visitor into it (code)"), max_length=20)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _visitor(self, name):
        from . import codes

        code = codes.normalise(self.cleaned_data[name])
        visitor = Visitor.objects.visible_to(self.user).filter(code=code).first()
        if visitor is None:
            raise forms.ValidationError(_("No visitor of your centres has this code."))
        return visitor

    def clean_keep(self):
        return self._visitor("keep")

    def clean_remove(self):
        return self._visitor("remove")


class DuplicatePairForm(forms.Form):
    """A decision on a pair of the review queue (records by id; scope checked by the view)."""

    first = forms.IntegerField(widget=forms.HiddenInput)
    second = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[
            ("keep_first", _("Merge: keep the first record")),
            ("keep_second", _("Merge: keep the second record")),
            ("distinct", _("Not the same person")),
        ]
    )


class EraseForm(forms.Form):
    """Article 17: the visitor asked to be erased. The reason goes to the audit trail."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For the audit trail, e.g. the date of the visitor's request. No names."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I confirm that the visitor asked for their data to be erased. Names, contacts and "
            "notes are removed for good."
        ),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Legacy log (CSV or XLSX)"),
        help_text=_(
            "Use the template: one row per session. Nothing is saved unless all rows are valid."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"] = centre_field(user, bound=self.is_bound)
        self.order_fields(["centre", "file"])


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


class StatisticsForm(forms.Form):
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=Centre.objects.none(), required=False, empty_label=_("All")
    )
    start = forms.DateField(
        label=_("From"), widget=DateInput, required=False, validators=[sensible_date]
    )
    end = forms.DateField(
        label=_("To"), widget=DateInput, required=False, validators=[sensible_date]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        centres = Centre.objects.staffed_by(user)
        self.fields["centre"].queryset = centres.order_by("name")
        if user.scope.whole_network:
            codes = centres.order_by("country").values_list("country", flat=True).distinct()
            self.fields["country"] = forms.ChoiceField(
                label=_("Country"),
                required=False,
                choices=[("", _("All")), *[(c, countries.name(c)) for c in codes]],
            )
            self.order_fields(["country", "centre"])

    def clean(self):
        data = super().clean()
        # By default the last twelve whole months, this one included: whole months are read
        # from the statistics summary (counselling/statistics.py), other periods are counted.
        end = data.get("end") or _month_end(localdate())
        months = end.year * 12 + end.month - 1 - 11
        start = data.get("start") or date(months // 12, months % 12 + 1, 1)
        if start > end:
            raise forms.ValidationError(_("The start is after the end."))
        data["start"], data["end"] = start, end
        return data


class AuditSearchForm(forms.Form):
    """Filters of the manager's audit page; every field is optional."""

    user = forms.ModelChoiceField(
        label=_("Who"), queryset=User.objects.none(), required=False, empty_label=_("All")
    )
    visitor = forms.CharField(label=_("Visitor code"), required=False, max_length=20)
    action = forms.ChoiceField(
        label=_("What"), choices=[("", _("All")), *AuditEvent.Action.choices], required=False
    )
    start = forms.DateField(
        label=_("From"), widget=DateInput, required=False, validators=[sensible_date]
    )
    end = forms.DateField(
        label=_("To"), widget=DateInput, required=False, validators=[sensible_date]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.visible_to(user).order_by("full_name")

    def clean_visitor(self):
        return codes.normalise(self.cleaned_data["visitor"])


class TrainingInterestForm(forms.ModelForm):
    class Meta:
        model = TrainingInterest
        fields = ["training", "status", "date"]
        widgets = {"date": DateInput, "status": forms.RadioSelect}

    def __init__(self, *args, user, **kwargs):
        from skills.models import TrainingOpportunity

        super().__init__(*args, **kwargs)
        self.fields["centre"] = centre_field(user, bound=self.is_bound)
        self.fields["training"].queryset = TrainingOpportunity.objects.published().order_by("title")
        self.order_fields(["centre", "training", "status", "date"])
