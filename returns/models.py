"""The Temporary and Virtual Return programme: host institutions and their skill needs, diaspora
experts, eligibility, applications and assignments.

Access rules live in one place per model: each QuerySet's `visible_to(user)`. A host member's
institutions come from `HostMembership`; an expert's file is their `ExpertProfile`.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Role
from counselling.models import Sex
from msc_portal.fields import BoundedTextField, SensibleDateField
from msc_portal.languages import language_choices
from skills.models import CefrLevel, IscedLevel

from .storage import cv_path, private_storage

EUR = "EUR"


class Mode(models.TextChoices):
    PHYSICAL = "physical", _("Physical (on site)")
    VIRTUAL = "virtual", _("Virtual (remote)")
    EITHER = "either", _("Either")


def is_programme_staff(user) -> bool:
    return user.is_authenticated and user.role == Role.PROGRAMME_MANAGER


# --- Host institutions ------------------------------------------------------------------------


class HostQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verified_at__isnull=False)

    def visible_to(self, user):
        """Programme staff see every institution; a host member sees their own."""
        if not user.is_authenticated:
            return self.none()
        if is_programme_staff(user):
            return self.all()
        if user.role == Role.HOST_MEMBER:
            return self.filter(memberships__user=user)
        return self.none()


class Host(models.Model):
    class Kind(models.TextChoices):
        PUBLIC_ADMINISTRATION = "public_administration", _("Public administration")
        UNIVERSITY = "university", _("University")
        HOSPITAL = "hospital", _("Hospital")
        SCHOOL = "school", _("School")
        COMPANY = "company", _("Company")
        NGO = "ngo", _("NGO")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100)
    sector = models.ForeignKey(
        "skills.Sector", on_delete=models.PROTECT, related_name="+", verbose_name=_("sector")
    )
    focal_point_name = models.CharField(_("focal point"), max_length=200)
    focal_point_email = models.EmailField(_("focal point's e-mail"))
    focal_point_phone = models.CharField(_("focal point's phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("registered"), default=now)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = HostQuerySet.as_manager()

    class Meta:
        verbose_name = _("host institution")
        verbose_name_plural = _("host institutions")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class HostMembership(models.Model):
    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="host_memberships"
    )
    since = models.DateTimeField(_("since"), default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["host", "user"], name="one_membership_per_host"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.host}"


class HostInvitation(models.Model):
    """A colleague invited by a member; the e-mailed link carries a signed id, not the address."""

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.host}"


# --- Programmes and eligibility ---------------------------------------------------------------


class Programme(models.Model):
    """A return programme (MIDWEB, …) and its eligibility rules; empty country lists mean any."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    origin_countries = CountryField(_("countries of origin allowed"), multiple=True, blank=True)
    residence_countries = CountryField(
        _("countries of residence allowed"), multiple=True, blank=True
    )
    min_isced = models.PositiveSmallIntegerField(
        _("minimum education (ISCED)"), choices=IscedLevel.choices, null=True, blank=True
    )
    min_years_experience = models.PositiveSmallIntegerField(
        _("minimum years of experience"), default=0
    )
    min_days = models.PositiveSmallIntegerField(_("minimum assignment length (working days)"))
    max_days = models.PositiveSmallIntegerField(_("maximum assignment length (working days)"))
    is_default = models.BooleanField(_("default for new needs"), default=False)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_programme"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.min_days and self.max_days and self.min_days > self.max_days:
            raise ValidationError(
                {"max_days": _("The maximum length must not be below the minimum.")}
            )


# --- Skill needs ------------------------------------------------------------------------------


class OccupationMixin:
    """Needs and profiles store the ISCO-08 unit group in every case: chosen directly when ESCO is
    not imported, else taken from the chosen ESCO occupation (the finer choice wins)."""

    def save(self, *args, **kwargs):
        if self.occupation_id:
            group_id = self.occupation.isco_group_id
            if group_id and group_id != self.isco_group_id:
                self.isco_group_id = group_id
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "isco_group"}
        super().save(*args, **kwargs)

    @property
    def occupation_label(self) -> str:
        return str(self.occupation or self.isco_group or "")


class NeedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Need.Status.PUBLISHED)

    def visible_to(self, user):
        """Published needs for everyone; a host's own in any state; all for the programme."""
        published = Q(status=Need.Status.PUBLISHED)
        if not user.is_authenticated:
            return self.filter(published)
        if is_programme_staff(user):
            return self.all()
        if user.role == Role.HOST_MEMBER:
            return self.filter(published | Q(host__memberships__user=user)).distinct()
        if user.role == Role.EXPERT:  # and the needs they applied to, whatever became of them
            return self.filter(published | Q(applications__expert__user=user)).distinct()
        return self.filter(published)

    def managed_by(self, user):
        """The needs a user works on: a host member's institutions' own (not the others'
        published needs they may read); every need for the programme; none for others."""
        if is_programme_staff(user):
            return self.all()
        if user.is_authenticated and user.role == Role.HOST_MEMBER:
            return self.filter(host__memberships__user=user).distinct()
        return self.none()


class Need(OccupationMixin, models.Model):
    """A skill need written up as Terms of Reference by a host institution."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        PUBLISHED = "published", _("Published")
        FILLED = "filled", _("Filled")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    host = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="needs")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="needs")
    title = models.CharField(_("title"), max_length=200)
    description = BoundedTextField(_("description"))
    sector = models.ForeignKey(
        "skills.Sector", on_delete=models.PROTECT, related_name="+", verbose_name=_("sector")
    )
    occupation = models.ForeignKey(
        "skills.Occupation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation"),
    )
    isco_group = models.ForeignKey(
        "skills.IscoGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"code__regex": r"^[0-9]{4}$"},
        verbose_name=_("occupation (ISCO-08 unit group)"),
        help_text=_("Set from the ESCO occupation when one is chosen."),
    )
    essential_skills = models.ManyToManyField(
        "skills.Skill", related_name="+", verbose_name=_("essential skills")
    )
    optional_skills = models.ManyToManyField(
        "skills.Skill", related_name="+", blank=True, verbose_name=_("optional skills")
    )
    min_isced = models.PositiveSmallIntegerField(
        _("minimum education (ISCED)"), choices=IscedLevel.choices, null=True, blank=True
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    duration_days = models.PositiveSmallIntegerField(
        _("duration (working days)"), validators=[MinValueValidator(1)]
    )
    window_start = SensibleDateField(_("from"))
    window_end = SensibleDateField(_("until"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    deliverables = BoundedTextField(_("deliverables"), blank=True)
    experts_wanted = models.PositiveSmallIntegerField(
        _("number of experts"), default=1, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill need")
        verbose_name_plural = _("skill needs")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.window_start and self.window_end and self.window_start > self.window_end:
            raise ValidationError({"window_end": _("The window must end after it starts.")})
        programme = self.programme if self.programme_id else None
        if (
            programme
            and self.duration_days
            and not (programme.min_days <= self.duration_days <= programme.max_days)
        ):
            raise ValidationError(
                {
                    "duration_days": _(
                        "%(programme)s assignments last %(min)s to %(max)s working days."
                    )
                    % {"programme": programme, "min": programme.min_days, "max": programme.max_days}
                }
            )


class NeedLanguage(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=3, choices=language_choices)
    min_level = models.CharField(_("minimum level"), max_length=2, choices=CefrLevel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["need", "language"], name="one_level_per_language"),
        ]

    def __str__(self):
        return f"{self.get_language_display()} ≥ {self.min_level}"


# --- Diaspora experts ------------------------------------------------------------------------


class ExpertQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Own file; programme staff all; host members the experts proposed to their host."""
        if not user.is_authenticated:
            return self.none()
        if is_programme_staff(user):
            return self.all()
        if user.role == Role.HOST_MEMBER:
            proposed = Application.objects.visible_to(user).values("expert")
            return self.filter(pk__in=proposed)
        return self.filter(user=user)


class ExpertProfile(OccupationMixin, models.Model):
    class ResidenceStatus(models.TextChoices):
        CITIZEN = "citizen", _("Citizen of the country of residence")
        PERMANENT = "permanent", _("Permanent resident")
        TEMPORARY = "temporary", _("Temporary resident")
        OTHER = "other", _("Other")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert_profile",
    )
    country_of_origin = CountryField(_("country of origin"), blank=True)
    country_of_residence = CountryField(_("country of residence"), blank=True)
    city_of_residence = models.CharField(_("city of residence"), max_length=100, blank=True)
    citizenships = CountryField(_("citizenships"), multiple=True, blank=True)
    residence_status = models.CharField(
        _("residence status"), max_length=10, choices=ResidenceStatus.choices, blank=True
    )
    occupation = models.ForeignKey(
        "skills.Occupation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation"),
    )
    isco_group = models.ForeignKey(
        "skills.IscoGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"code__regex": r"^[0-9]{4}$"},
        verbose_name=_("occupation (ISCO-08 unit group)"),
        help_text=_("Set from the ESCO occupation when one is chosen."),
    )
    sectors = models.ManyToManyField(
        "skills.Sector", blank=True, related_name="+", verbose_name=_("sectors")
    )
    isced_level = models.PositiveSmallIntegerField(
        _("highest education (ISCED)"), choices=IscedLevel.choices, null=True, blank=True
    )
    field_of_education = models.CharField(_("field of education"), max_length=200, blank=True)
    years_experience = models.PositiveSmallIntegerField(
        _("years of professional experience"), default=0
    )
    preferred_mode = models.CharField(
        _("preferred mode"), max_length=10, choices=Mode.choices, default=Mode.EITHER
    )
    bio = BoundedTextField(_("short bio"), blank=True, max_length=2000)
    cv = models.FileField(_("CV (PDF)"), storage=private_storage, upload_to=cv_path, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    created_at = models.DateTimeField(default=now)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.user) if self.user else _("Anonymised expert #%(id)s") % {"id": self.pk}


class ExpertSkill(models.Model):
    class Proficiency(models.IntegerChoices):
        BASIC = 1, _("Basic")
        INTERMEDIATE = 2, _("Intermediate")
        ADVANCED = 3, _("Advanced")
        EXPERT = 4, _("Expert")

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey("skills.Skill", on_delete=models.PROTECT, related_name="+")
    proficiency = models.PositiveSmallIntegerField(
        _("proficiency"), choices=Proficiency.choices, default=Proficiency.ADVANCED
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["expert", "skill"], name="one_entry_per_skill"),
        ]

    def __str__(self):
        return f"{self.skill} ({self.get_proficiency_display()})"


class ExpertLanguage(models.Model):
    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=3, choices=language_choices)
    level = models.CharField(_("level"), max_length=2, choices=CefrLevel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["expert", "language"], name="one_entry_per_language"),
        ]

    def __str__(self):
        return f"{self.get_language_display()} {self.level}"


class Availability(models.Model):
    expert = models.ForeignKey(
        ExpertProfile, on_delete=models.CASCADE, related_name="availabilities"
    )
    start = SensibleDateField(_("from"))
    end = SensibleDateField(_("until"))

    class Meta:
        ordering = ["start"]
        verbose_name_plural = _("availability windows")

    def __str__(self):
        return f"{self.start} – {self.end}"

    def clean(self):
        if self.start and self.end and self.start > self.end:
            raise ValidationError({"end": _("The window must end after it starts.")})


# --- Applications -----------------------------------------------------------------------------


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The expert's own; a host's once proposed to it; all for programme staff."""
        if not user.is_authenticated:
            return self.none()
        if is_programme_staff(user):
            return self.all()
        if user.role == Role.HOST_MEMBER:
            return self.filter(
                need__host__memberships__user=user, proposed_at__isnull=False
            ).distinct()
        if user.role == Role.EXPERT:
            return self.filter(expert__user=user)
        return self.none()


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SCREENING = "screening", _("Screening")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        PROPOSED = "proposed", _("Proposed to host")
        ACCEPTED = "accepted", _("Accepted by host")
        DECLINED = "declined", _("Declined by host")
        APPROVED = "approved", _("Approved by programme")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="applications")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="applications")
    motivation = BoundedTextField(_("motivation"))
    proposed_start = SensibleDateField(_("proposed start"))
    proposed_end = SensibleDateField(_("proposed end"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    created_at = models.DateTimeField(default=now)
    proposed_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["need", "expert"], name="one_application_per_need"),
        ]

    def __str__(self):
        return f"{self.expert} → {self.need}"

    def clean(self):
        if self.proposed_start and self.proposed_end and self.proposed_start > self.proposed_end:
            raise ValidationError({"proposed_end": _("The end must come after the start.")})
        need = self.need if self.need_id else None
        if need is None:
            return
        if (
            self.proposed_start
            and self.proposed_end
            and not (
                need.window_start <= self.proposed_start and self.proposed_end <= need.window_end
            )
        ):
            raise ValidationError(
                {
                    "proposed_start": _("Propose dates between %(start)s and %(end)s.")
                    % {"start": need.window_start, "end": need.window_end}
                }
            )
        if need.mode != Mode.EITHER and self.mode and self.mode != need.mode:
            raise ValidationError(
                {"mode": _("This need asks for: %(mode)s.") % {"mode": need.get_mode_display()}}
            )


class StatusChange(models.Model):
    """One recorded transition of an application or an assignment: who, when, why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    assignment = models.ForeignKey(
        "Assignment", on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=now)
    comment = BoundedTextField(_("comment"), blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=True) ^ Q(assignment__isnull=True),
                name="status_change_of_one_object",
            ),
        ]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"

    def _label(self, status: str) -> str:
        choices = Application.Status if self.application_id else Assignment.Status
        return str(choices(status).label) if status in choices.values else status

    @property
    def from_label(self) -> str:
        return self._label(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)


# --- Assignments ------------------------------------------------------------------------------


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The expert's own; the host's; all for programme staff."""
        if not user.is_authenticated:
            return self.none()
        if is_programme_staff(user):
            return self.all()
        if user.role == Role.HOST_MEMBER:
            return self.filter(application__need__host__memberships__user=user).distinct()
        if user.role == Role.EXPERT:
            return self.filter(application__expert__user=user)
        return self.none()


class Assignment(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        REPORTED = "reported", _("Reported")
        EVALUATED = "evaluated", _("Evaluated")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="assignment"
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    start = SensibleDateField(_("start"))
    end = SensibleDateField(_("end"))
    working_days = models.PositiveSmallIntegerField(
        _("working days"), validators=[MinValueValidator(1)]
    )
    deliverables = BoundedTextField(_("deliverables"), blank=True)
    currency = models.CharField(max_length=3, default=EUR, editable=False)
    travel = models.DecimalField(_("travel"), max_digits=10, decimal_places=2, default=Decimal(0))
    per_diem_rate = models.DecimalField(
        _("per diem (a day)"), max_digits=8, decimal_places=2, default=Decimal(0)
    )
    accommodation = models.DecimalField(
        _("accommodation"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    insurance = models.DecimalField(
        _("insurance"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    fee = models.DecimalField(_("fee"), max_digits=10, decimal_places=2, default=Decimal(0))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(default=now)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-start"]

    def __str__(self):
        return str(self.application)

    def clean(self):
        if self.start and self.end and self.start > self.end:
            raise ValidationError({"end": _("The end must come after the start.")})

    @property
    def per_diem_total(self) -> Decimal:
        return self.per_diem_rate * self.working_days

    @property
    def budget_total(self) -> Decimal:
        return self.travel + self.per_diem_total + self.accommodation + self.insurance + self.fee


class ExpertReport(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="report")
    activities = BoundedTextField(_("activities"))
    outputs = BoundedTextField(_("outputs"))
    people_trained = models.PositiveIntegerField(_("people trained"), default=0)
    submitted_at = models.DateTimeField(default=now)

    def __str__(self):
        return str(self.assignment)


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class HostEvaluation(models.Model):
    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="evaluation"
    )
    overall = models.PositiveSmallIntegerField(_("overall (1–5)"), validators=RATING)
    relevance = models.PositiveSmallIntegerField(
        _("relevance to the need (1–5)"), validators=RATING
    )
    expertise = models.PositiveSmallIntegerField(_("expertise shown (1–5)"), validators=RATING)
    comments = BoundedTextField(_("comments"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=now)

    def __str__(self):
        return str(self.assignment)


# --- Surveys ----------------------------------------------------------------------------------


class SurveyAudience(models.TextChoices):
    EXPERT = "expert", _("Expert")
    HOST = "host", _("Host institution")


class SurveyMoment(models.TextChoices):
    BEFORE = "before", _("Before the assignment")
    END = "end", _("At the end")
    YEAR_AFTER = "year_after", _("One year after")


class SurveyQuestion(models.Model):
    """A question the programme asks one audience at one moment of every assignment.

    A question may feed an indicator (`measures`): its positive answers are a rating of 4 or 5,
    or the first option of a choice (list the option that means "yes" first).
    """

    class Kind(models.TextChoices):
        RATING = "rating", _("Rating from 1 to 5")
        CHOICE = "choice", _("One choice among options")
        TEXT = "text", _("Free text")

    class Measure(models.TextChoices):
        LASTING_CHANGE = "lasting_change", _("Lasting change at the host")
        STILL_IN_CONTACT = "still_in_contact", _("Expert still in contact with the host")

    audience = models.CharField(_("asked to"), max_length=10, choices=SurveyAudience.choices)
    moment = models.CharField(_("moment"), max_length=12, choices=SurveyMoment.choices)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices)
    options = BoundedTextField(
        _("options"),
        max_length=2000,
        blank=True,
        help_text=_("For a choice: one option a line, “yes” first."),
    )
    measures = models.CharField(
        _("feeds the indicator"), max_length=20, choices=Measure.choices, blank=True
    )
    required = models.BooleanField(_("answer required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=10)
    is_active = models.BooleanField(_("asked"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["audience", "moment", "order", "pk"]

    def __str__(self):
        return self.text

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def clean(self):
        if self.kind == self.Kind.CHOICE and len(self.option_list) < 2:
            raise ValidationError({"options": _("A choice needs at least two options.")})
        if self.measures and self.kind == self.Kind.TEXT:
            raise ValidationError(
                {"measures": _("Only a rating or a choice can feed an indicator.")}
            )


class SurveyResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Programme staff see all; an expert the expert surveys of their own assignments; a host
        member the host surveys of their institutions' assignments."""
        if not user.is_authenticated:
            return self.none()
        if is_programme_staff(user):
            return self.all()
        if user.role == Role.HOST_MEMBER:
            return self.filter(
                audience=SurveyAudience.HOST,
                assignment__application__need__host__memberships__user=user,
            ).distinct()
        if user.role == Role.EXPERT:
            return self.filter(
                audience=SurveyAudience.EXPERT, assignment__application__expert__user=user
            )
        return self.none()

    def open(self):
        return self.filter(submitted_at__isnull=True)


class SurveyResponse(models.Model):
    """One survey of one assignment for one audience at one moment: opened, then answered."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="surveys")
    audience = models.CharField(_("asked to"), max_length=10, choices=SurveyAudience.choices)
    moment = models.CharField(_("moment"), max_length=12, choices=SurveyMoment.choices)
    opened_at = models.DateTimeField(_("opened"), default=now)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("answered"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "audience", "moment"], name="one_survey_per_moment"
            ),
        ]

    def __str__(self):
        return f"{self.assignment} — {self.get_audience_display()}, {self.get_moment_display()}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    choice = models.CharField(max_length=300, blank=True)
    text = BoundedTextField(blank=True)
    # Whether the answer counts as "yes" for the question's indicator, fixed when answered.
    positive = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_a_question"),
        ]

    def __str__(self):
        return f"{self.question}: {self.display}"

    @property
    def display(self) -> str:
        return str(self.rating) if self.rating is not None else (self.choice or self.text)


# --- Capacity building of officials -----------------------------------------------------------


class OfficialTraining(models.Model):
    """A training or workshop for officials and policymakers (consular officials among them)."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        WORKSHOP = "workshop", _("Workshop")
        REGIONAL_WORKSHOP = "regional_workshop", _("Regional workshop")
        STUDY_VISIT = "study_visit", _("Study visit")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    date = SensibleDateField(_("date"))
    country = CountryField(_("country"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200)
    topics = BoundedTextField(_("topics"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("training of officials")
        verbose_name_plural = _("trainings of officials")
        ordering = ["-date", "title"]

    def __str__(self):
        return self.title


class OfficialParticipant(models.Model):
    Sex = Sex

    training = models.ForeignKey(
        OfficialTraining, on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(_("name"), max_length=200)
    institution = models.CharField(_("institution"), max_length=200)
    function = models.CharField(_("function"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    country = CountryField(_("country of the institution"))
    is_consular = models.BooleanField(_("consular official"), default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["name"]

    def __str__(self):
        return self.name


class InternshipIdentification(models.Model):
    """Temporary work or study internships a consular official identified in the destination."""

    class Kind(models.TextChoices):
        WORK = "work", _("Temporary work")
        STUDY = "study", _("Study")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    identified_by = models.ForeignKey(
        OfficialParticipant,
        on_delete=models.PROTECT,
        related_name="internships",
        limit_choices_to={"is_consular": True},
        verbose_name=_("consular official"),
    )
    identified_on = SensibleDateField(_("identified on"))
    destination = CountryField(_("destination country"))
    employer = models.CharField(_("employer or school"), max_length=200)
    sector = models.ForeignKey(
        "skills.Sector", on_delete=models.PROTECT, related_name="+", verbose_name=_("sector")
    )
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    notes = BoundedTextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("internship identified")
        verbose_name_plural = _("internships identified")
        ordering = ["-identified_on"]

    def __str__(self):
        return f"{self.employer} ({self.get_destination_display()})"
