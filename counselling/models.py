"""Visitors of the centres, their individual and group sessions, referrals, consent and audit.

Access: `Visitor.objects.visible_to(user)` is THE rule for personal data here. Sessions and
referrals are visible with their visitor; group sessions with their centre. Another centre
reaches a visitor only for one visit, after the visitor's proof of presence:
`Visitor.objects.present_for(user)` (a PresenceGrant) opens what the session needs, no more.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Right
from django.utils.dates import MONTHS
from django.utils.timezone import localdate, now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from django_countries.fields import CountryField

from accounts.models import CENTRE_ROLES, Role
from accounts.permissions import Permission
from centres.models import PartnerOrganisation
from msc_portal.choices import ChoiceLabels
from msc_portal.fields import BoundedTextField, SensibleDateField
from msc_portal.languages import language_choices
from skills.models import IscedLevel


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other or not stated")


# DOMAIN.md's bands for disaggregation: (label, lowest age, highest age or None).
AGE_BANDS = [
    ("0-14", 0, 14),
    ("15-17", 15, 17),
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65+", 65, None),
]
AGE_BAND_CHOICES = [(label, label.replace("-", "–")) for label, _low, _high in AGE_BANDS]
UNKNOWN_AGE_BAND = "unknown"


def age_band(
    year_of_birth: int | None, on: date | None = None, month_of_birth: int | None = None
) -> str:
    """The band of someone born in that year (and month, where known) on a date.

    With the year only, the age is the one reached in the date's year; with the month too, one
    less if the birthday month comes after the date's month.
    """
    if not year_of_birth:
        return UNKNOWN_AGE_BAND
    on = on or localdate()
    age = on.year - year_of_birth - (1 if month_of_birth and month_of_birth > on.month else 0)
    for label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return UNKNOWN_AGE_BAND


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    UNEMPLOYED = "unemployed", _("Unemployed")
    STUDENT = "student", _("In education")
    INACTIVE = "inactive", _("Not working, not looking")
    RETIRED = "retired", _("Retired")


class IscoMajorGroup(models.TextChoices):
    """ISCO-08 major groups (the first digit of an ISCO-08 code)."""

    ARMED_FORCES = "0", _("0 Armed forces occupations")
    MANAGERS = "1", _("1 Managers")
    PROFESSIONALS = "2", _("2 Professionals")
    TECHNICIANS = "3", _("3 Technicians and associate professionals")
    CLERICAL = "4", _("4 Clerical support workers")
    SERVICE_SALES = "5", _("5 Service and sales workers")
    AGRICULTURE = "6", _("6 Skilled agricultural, forestry and fishery workers")
    CRAFT = "7", _("7 Craft and related trades workers")
    OPERATORS = "8", _("8 Plant and machine operators, and assemblers")
    ELEMENTARY = "9", _("9 Elementary occupations")


class MigrationStatus(models.TextChoices):
    POTENTIAL_MIGRANT = "potential_migrant", _("Potential migrant")
    RETURNEE = "returnee", _("Returnee")
    MIGRANT_WORKER = "migrant_worker", _("Migrant worker abroad")
    FAMILY_MEMBER = "family_member", _("Family member of a migrant")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")


class IntentionPurpose(models.TextChoices):
    WORK = "work", _("Work")
    STUDY = "study", _("Study")
    FAMILY = "family", _("Family")
    OTHER = "other", _("Other")


class IntentionTimeframe(models.TextChoices):
    SIX_MONTHS = "6m", _("Within 6 months")
    ONE_YEAR = "12m", _("Within a year")
    TWO_YEARS = "24m", _("Within two years")
    LATER = "later", _("Later")
    UNDECIDED = "undecided", _("Undecided")


class ConsentPurpose(models.TextChoices):
    SERVICE = "service", _("Service (keep a named record)")
    RESEARCH = "research", _("Research use")
    CONTACT = "contact", _("Contact by the centre")


# Fields that identify a person: kept only with service consent.
IDENTIFYING_FIELDS = ("given_name", "family_name", "phone", "email", "id_number")
# Phones match on their last digits: +381 60 123 4567 and 060 123 4567 are one number.
PHONE_MATCH_DIGITS = 8
# The profile that is kept for every visitor and counted in statistics.
PROFILE_FIELDS = (
    "sex",
    "year_of_birth",
    "month_of_birth",
    "citizenship",
    "residence_country",
    "municipality",
    "education",
    "employment_status",
    "occupation",
    "languages",
    "migration_status",
    "destinations",
    "intention_purpose",
    "intention_timeframe",
    "has_job_offer",
    "has_admission",
)


def _scope_filter(user, centre_path: str):
    """Q for rows whose centre (at `centre_path`) lies in a centre user's or coordinator's scope."""
    scope = user.scope
    if user.role in CENTRE_ROLES:
        return Q(**{f"{centre_path}__in": scope.centre_ids})
    if user.role == Role.COUNTRY_COORDINATOR and scope.country:
        return Q(**{f"{centre_path}__country": scope.country})
    return None


class LiveQuerySet(models.QuerySet):
    def live(self):
        """Rows not deleted: THE filter of every list, statistic and report (a correction
        deletes softly, so that the history of what was counted stays)."""
        return self.filter(deleted_at__isnull=True)


class SoftDeletable(ChoiceLabels, models.Model):
    """A row deleted by a correction: kept, with who, when and why, but counted nowhere."""

    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    delete_reason = models.CharField(_("reason for deleting"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


def registered_in_scope(user):
    """Ids of the visitors registered at the user's centres (a coordinator: country), merged-away
    records excluded, from the visitor ↔ centre relation's partial indexes; None: no scope."""
    rule = registered_rule(user, centre="centre", country="country")
    if rule is None:
        return None
    return VisitorCentre.objects.filter(rule, registered_here=True).values("visitor_id")


def registered_rule(user, *, centre: str, country: str):
    """Q for rows whose registration centre (field `centre`) is one of the user's centres, or
    whose country (field `country`) is the coordinator's; None: no scope."""
    if not user.is_authenticated:
        return None
    scope = user.scope
    if user.role in CENTRE_ROLES:
        return Q(**{f"{centre}__in": scope.centre_ids})
    if user.role == Role.COUNTRY_COORDINATOR and scope.country:
        return Q(**{country: scope.country})
    return None


class VisitorQuerySet(LiveQuerySet):
    def visible_to(self, user):
        """Visitors registered at, or served by, the user's centres (a coordinator: country).

        Programme managers see statistics only; experts, hosts and administrators nothing.
        Merged-away records are hidden: their sessions live on the kept record.
        """
        # The rule of registered_in_scope, read from the visitor's own centre: a page of the
        # list is a walk down the partial indexes below, its count an index-only scan.
        rule = registered_rule(user, centre="centre", country="centre__country")
        return self.none() if rule is None else self.active().filter(rule)

    def present_for(self, user):
        """Other centres' visitors whose proof of presence this user has taken, for the
        length of the visit: their name to confirm, their consent and the session form."""
        if not user.is_authenticated or user.role not in CENTRE_ROLES:
            return self.none()
        grants = PresenceGrant.objects.filter(
            visitor=OuterRef("pk"), user=user, expires_at__gt=now()
        )
        return self.active().filter(Exists(grants))

    def open_for_session(self, user):
        """Visitors the user may log a session, consent or referral for."""
        return self.visible_to(user) | self.present_for(user)

    def active(self):
        return self.filter(merged_into__isnull=True, deleted_at__isnull=True)


class VisitorCentre(models.Model):
    """Which centres a visitor is linked to: registered at, served at (an individual session),
    attended a group session at. One row per visitor and centre, with the centre's country, so
    that a scope ("my centres", "my country") is one index look-up.

    Derived data: `VisitorCentre.refresh(visitor_ids)` rebuilds the rows of those visitors from
    the visitors, sessions and attendances, in the transaction of the write that changed them
    (registration, session, group session, merge, import, demo data); migration 0013 filled it.
    """

    visitor = models.ForeignKey("Visitor", on_delete=models.CASCADE, related_name="centre_links")
    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    country = models.CharField(max_length=2)
    registered_here = models.BooleanField(default=False)
    served_here = models.BooleanField(default=False)
    attended_here = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("visitor's centre")
        constraints = [
            models.UniqueConstraint(fields=["centre", "visitor"], name="one_link_per_centre")
        ]
        # Partial indexes for the scopes (visible_to): the planner reaches the visitors of a
        # centre by a nested loop over these instead of scanning all visitors.
        indexes = [
            models.Index(
                fields=["centre", "visitor"],
                condition=Q(registered_here=True),
                name="registered_at_centre",
            ),
            models.Index(
                fields=["country", "visitor"],
                condition=Q(registered_here=True),
                name="registered_in_country",
            ),
        ]

    def __str__(self):
        return f"{self.visitor_id} @ {self.centre_id}"

    # Portable SQL (PostgreSQL and the SQLite demo): MAX over 0/1 rather than bool_or.
    REFRESH_SQL = """
        INSERT INTO counselling_visitorcentre
            (visitor_id, centre_id, country, registered_here, served_here, attended_here)
        SELECT link.visitor_id, link.centre_id, c.country,
               MAX(CASE WHEN link.kind = 'r' THEN 1 ELSE 0 END) = 1,
               MAX(CASE WHEN link.kind = 's' THEN 1 ELSE 0 END) = 1,
               MAX(CASE WHEN link.kind = 'a' THEN 1 ELSE 0 END) = 1
        FROM (
            SELECT id AS visitor_id, centre_id, 'r' AS kind FROM counselling_visitor
            WHERE id IN ({ids}) AND merged_into_id IS NULL
            UNION ALL
            SELECT DISTINCT visitor_id, centre_id, 's' FROM counselling_session
            WHERE visitor_id IN ({ids})
            UNION ALL
            SELECT DISTINCT a.visitor_id, g.centre_id, 'a' FROM counselling_groupattendance a
            JOIN counselling_groupsession g ON g.id = a.group_session_id
            WHERE a.visitor_id IN ({ids})
        ) link
        JOIN centres_centre c ON c.id = link.centre_id
        GROUP BY link.visitor_id, link.centre_id, c.country
    """
    # Ids per statement: well under SQLite's limit of bound parameters (the list is bound 3×).
    REFRESH_BATCH = 5000

    # A new session adds at most one link and takes none away: one upsert, where refresh()
    # locks, deletes and rebuilds all the visitor's links (5 statements on every session).
    SERVED_SQL = """
        INSERT INTO counselling_visitorcentre
            (visitor_id, centre_id, country, registered_here, served_here, attended_here)
        SELECT %s, id, country, FALSE, TRUE, FALSE FROM centres_centre WHERE id = %s
        ON CONFLICT (centre_id, visitor_id) DO UPDATE SET served_here = TRUE
        WHERE NOT counselling_visitorcentre.served_here
    """

    @classmethod
    def link_served(cls, *, visitor_id: int, centre_id: int) -> None:
        """Records that the visitor was served at the centre (call in the session's
        transaction); the unique constraint on (centre, visitor) settles concurrent calls."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(cls.SERVED_SQL, [visitor_id, centre_id])

    @classmethod
    def refresh(cls, visitor_ids) -> None:
        """Rebuilds the links of these visitors (call inside the write's transaction).

        The visitors' rows are locked first, in id order: two writes for the same visitor at
        once rebuild its links one after the other, never both inserting the same link."""
        from django.db import connection, transaction

        ids = sorted({int(pk) for pk in visitor_ids})
        for start in range(0, len(ids), cls.REFRESH_BATCH):
            batch = ids[start : start + cls.REFRESH_BATCH]
            with transaction.atomic():
                locked = Visitor.objects.select_for_update().filter(pk__in=batch).order_by("pk")
                list(locked.values_list("pk", flat=True))
                cls.objects.filter(visitor_id__in=batch).delete()
                placeholders = ", ".join(["%s"] * len(batch))
                with connection.cursor() as cursor:
                    cursor.execute(cls.REFRESH_SQL.format(ids=placeholders), batch * 3)


class Visitor(SoftDeletable):
    """A person served by a centre. Deleted (softly) only when the import that created them
    is rolled back."""

    code = models.CharField(_("visitor code"), max_length=20, unique=True, editable=False)
    centre = models.ForeignKey(
        "centres.Centre",
        on_delete=models.PROTECT,
        related_name="visitors",
        verbose_name=_("registered at"),
    )
    # Identity: only with service consent (see clean()).
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # Any identity document number the visitor chooses to give: it finds them again across
    # the network (services.visitor_probable_matches). Kept as upper-case letters and digits.
    id_number = models.CharField(
        _("ID document number"),
        max_length=50,
        blank=True,
        help_text=_("Optional: only if the visitor offers it."),
    )
    # Profile: always kept, counted in statistics.
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    year_of_birth = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    # What the visitor gives: the year, or the month and year, of birth (never the day).
    month_of_birth = models.PositiveSmallIntegerField(
        _("month of birth"),
        null=True,
        blank=True,
        choices=list(MONTHS.items()),
        help_text=_("Optional. With it, ages in reports are exact at the end of each period."),
    )
    citizenship = CountryField(_("citizenship"), blank=True)
    residence_country = CountryField(_("country of residence"), blank=True)
    municipality = models.CharField(_("municipality of residence"), max_length=100, blank=True)
    education = models.PositiveSmallIntegerField(
        _("education (ISCED 2011)"), choices=IscedLevel.choices, null=True, blank=True
    )
    employment_status = models.CharField(
        _("employment status"), max_length=20, choices=EmploymentStatus.choices, blank=True
    )
    occupation = models.CharField(
        _("occupation (ISCO-08 major group)"),
        max_length=1,
        choices=IscoMajorGroup.choices,
        blank=True,
    )
    languages = models.JSONField(
        _("languages spoken"), default=list, blank=True, help_text=_("ISO 639-1 codes.")
    )
    migration_status = models.CharField(
        _("migration status"), max_length=20, choices=MigrationStatus.choices
    )
    destinations = CountryField(_("intended destinations"), multiple=True, blank=True)
    intention_purpose = models.CharField(
        _("purpose of migration"), max_length=10, choices=IntentionPurpose.choices, blank=True
    )
    intention_timeframe = models.CharField(
        _("timeframe"), max_length=10, choices=IntentionTimeframe.choices, blank=True
    )
    has_job_offer = models.BooleanField(_("has a job offer"), default=False)
    has_admission = models.BooleanField(_("has a study admission"), default=False)
    # Current consent, kept in step with ConsentEvent rows by services.consent_record().
    consent_service = models.BooleanField(_("consent: service"), default=False)
    consent_research = models.BooleanField(_("consent: research"), default=False)
    consent_contact = models.BooleanField(_("consent: contact"), default=False)

    # The card's PIN (hashed), shown once at registration: the visitor's proof of presence at
    # another centre. Visitors registered before it prove presence with name and year of birth.
    pin_hash = models.CharField(max_length=128, blank=True, editable=False)

    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    # The reference an old log used for the person (legacy import), unique per centre.
    legacy_ref = models.CharField(_("legacy reference"), max_length=100, blank=True)
    session_import = models.ForeignKey(
        "SessionImport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visitors",
        editable=False,
    )
    # When names, contacts and free text were removed (retention or erasure on request).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), default=now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = VisitorQuerySet.as_manager()

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["phone"]),
            # Duplicate checks: the last 8 digits of the phone, and the ID number. The
            # trigram index on the unaccented full name is PostgreSQL's (migration 0017).
            models.Index(Right("phone", PHONE_MATCH_DIGITS), name="visitor_phone_tail"),
            models.Index(
                fields=["id_number"], name="visitor_id_number", condition=~Q(id_number="")
            ),
            # The lists of a scope in their order (Meta.ordering) and their counts: a centre's
            # visitors, and all visitors for a country's (whose centres are many).
            models.Index(
                fields=["centre", "-created_at"],
                condition=Q(merged_into__isnull=True, deleted_at__isnull=True),
                name="visitor_active_by_centre",
            ),
            models.Index(
                fields=["-created_at"],
                condition=Q(merged_into__isnull=True, deleted_at__isnull=True),
                name="visitor_active_by_created",
            ),
        ]
        constraints = [
            # A record is never merged into itself; that it is not merged into a merged record
            # (a chain or a cycle) is checked by a PostgreSQL trigger (migration 0015).
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="visitor_not_merged_into_itself"
            ),
            models.UniqueConstraint(
                fields=["centre", "legacy_ref"],
                condition=~Q(legacy_ref=""),
                name="legacy_ref_once_per_centre",
            ),
        ]

    def __str__(self):
        return self.code

    def kept_record(self) -> "Visitor":
        """The record this one lives on: itself, or the one it was merged into.

        Merges never leave a chain (the trigger of migration 0015), but records merged before
        it may, until `manage.py repair_merges` runs; the walk stops at a cycle."""
        seen = {self.pk}
        record = self
        while record.merged_into_id is not None and record.merged_into_id not in seen:
            seen.add(record.merged_into_id)
            record = record.merged_into
        return record

    def clean(self):
        super().clean()
        # Phones are kept as + and digits, so that duplicates are found however they were typed.
        self.phone = "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        self.id_number = "".join(ch for ch in self.id_number.upper() if ch.isalnum())
        if not self.consent_service:
            named = [f for f in IDENTIFYING_FIELDS if getattr(self, f)]
            if named:
                raise ValidationError(
                    dict.fromkeys(named, _("Without service consent no name or contact is kept."))
                )
        if self.year_of_birth and self.year_of_birth > localdate().year:
            raise ValidationError({"year_of_birth": _("The year of birth is in the future.")})
        if self.month_of_birth and not self.year_of_birth:
            raise ValidationError({"month_of_birth": _("Give the year of birth with the month.")})
        known = {code for code, _name in language_choices()}
        unknown = [code for code in self.languages if code not in known]
        if unknown:
            raise ValidationError({"languages": _("Unknown language codes: %s") % unknown})

    @property
    def is_anonymous(self) -> bool:
        return not self.consent_service

    def proves_presence(self, *, pin: str = "", given_name: str = "", year_of_birth=None) -> bool:
        """True when what the person told matches: the card's PIN, or their given name and
        year of birth (both recorded)."""
        if pin and self.pin_hash and check_password(pin.strip(), self.pin_hash):
            return True
        return bool(
            given_name
            and year_of_birth
            and self.given_name
            and self.year_of_birth
            and given_name.strip().casefold() == self.given_name.strip().casefold()
            and int(year_of_birth) == self.year_of_birth
        )

    @property
    def display_name(self) -> str:
        name = f"{self.given_name} {self.family_name}".strip()
        return name or str(_("Anonymous visitor"))

    @property
    def age_band(self) -> str:
        return age_band(self.year_of_birth, month_of_birth=self.month_of_birth)


class ConsentEvent(ChoiceLabels, models.Model):
    class Action(models.TextChoices):
        GIVEN = "given", _("given")
        WITHDRAWN = "withdrawn", _("withdrawn")

    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="consent_events")
    purpose = models.CharField(_("purpose"), max_length=10, choices=ConsentPurpose.choices)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=now)

    class Meta:
        verbose_name = _("consent event")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.purpose} {self.action}"


TOPIC_CONTEXT = "counselling topic"
# The names migration 0002 seeds, for the translation catalogues; a topic an administrator adds
# later shows as typed. makemessages reads the context only from a literal.
SEEDED_TOPIC_NAMES = (
    pgettext_lazy("counselling topic", "Legal labour migration channels"),
    pgettext_lazy("counselling topic", "Entry and residence conditions"),
    pgettext_lazy("counselling topic", "Recognition of qualifications"),
    pgettext_lazy("counselling topic", "Study abroad"),
    pgettext_lazy("counselling topic", "Risks of irregular migration"),
    pgettext_lazy("counselling topic", "Trafficking awareness"),
    pgettext_lazy("counselling topic", "Pre-departure orientation"),
    pgettext_lazy("counselling topic", "Reintegration support"),
    pgettext_lazy("counselling topic", "Employment at home"),
    pgettext_lazy("counselling topic", "Social security and rights abroad"),
    pgettext_lazy("counselling topic", "Other"),
)


def topic_label(name: str) -> str:
    """A topic's name in the active language, for rows read with values()."""
    return pgettext(TOPIC_CONTEXT, name)


class Topic(models.Model):
    """A topic of counselling; the catalogue is configurable (admin), seeded by a migration."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "name"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return topic_label(self.name)


class SessionQuerySet(LiveQuerySet):
    def visible_to(self, user):
        """Sessions of the visitors the user sees (Visitor.objects.visible_to), wherever held.

        The same rule as registered_in_scope, read from the copy of the visitor's registration
        centre and country on the session (session_scope), so that a page is an index walk."""
        from .session_scope import session_scope_kept

        if not session_scope_kept():
            registered = registered_in_scope(user)
            return self.none() if registered is None else self.live().filter(visitor__in=registered)
        rule = registered_rule(user, centre="visitor_centre", country="visitor_country")
        return self.none() if rule is None else self.live().filter(rule)


class Outcome(models.TextChoices):
    """Where the visitor stands after a session: counted by the report indicator
    `session_outcomes`."""

    INFORMED = "informed", _("Informed")
    REFERRED = "referred", _("Referred to a service")
    PLANS_LEGAL = "plans_legal", _("Plans to migrate legally")
    STAYS = "stays", _("Decided to stay")
    REINTEGRATING = "reintegrating", _("Returned and reintegrating")
    UNDECIDED = "undecided", _("Undecided")


class Session(SoftDeletable):
    """One individual counselling contact with one visitor."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        ONLINE = "online", _("Online")
        OUTREACH = "outreach", _("Outreach")

    class Source(models.TextChoices):
        DESK = "desk", _("Logged at the desk")
        API = "api", _("Logged through the API")
        IMPORT = "import", _("Imported from a legacy log")

    class Service(models.TextChoices):
        INFORMATION = "information", _("Information")
        COUNSELLING = "counselling", _("Counselling")
        CV_HELP = "cv_help", _("CV or application help")
        PRE_DEPARTURE = "pre_departure", _("Pre-departure orientation")
        REFERRAL = "referral", _("Referral")

    visitor = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="sessions")
    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="sessions")
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="counselling_sessions"
    )
    date = SensibleDateField(_("date"), default=localdate)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    topics = models.ManyToManyField(Topic, related_name="sessions", verbose_name=_("topics"))
    destinations = CountryField(_("destinations discussed"), multiple=True, blank=True)
    services = models.JSONField(_("services provided"), default=list, blank=True)
    notes = BoundedTextField(
        _("notes"), blank=True, help_text=_("Seen by the centre's staff only.")
    )
    follow_up_date = SensibleDateField(_("follow-up date"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(_("logged"), default=now)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.DESK, editable=False
    )
    # A legacy import's row: which import brought it, and the row's fingerprint, unique per
    # centre, so that the same row in a later file is skipped.
    session_import = models.ForeignKey(
        "SessionImport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        editable=False,
    )
    legacy_row = models.CharField(max_length=64, blank=True, editable=False)
    # Copies of the visitor's registration centre and its country (None and '' once the
    # visitor is merged away), kept by triggers: see session_scope. Read by visible_to only.
    # No constraint of its own: Visitor.centre holds the reference (and protects the centre).
    visitor_centre = models.ForeignKey(
        "centres.Centre",
        on_delete=models.DO_NOTHING,
        null=True,
        editable=False,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    visitor_country = models.CharField(max_length=2, blank=True, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["centre", "date"]),
            # The counsellor's home page: their last sessions, their centres' follow-ups due.
            # Without them PostgreSQL walked every visitor of the centre (a parallel scan of
            # all visitors for a busy one) to find a handful of sessions.
            models.Index(
                fields=["counsellor", "-created_at"],
                condition=Q(deleted_at__isnull=True),
                name="session_by_counsellor",
            ),
            models.Index(
                fields=["centre", "follow_up_date"],
                condition=Q(
                    deleted_at__isnull=True, follow_up_done=False, follow_up_date__isnull=False
                ),
                name="session_follow_up_open",
            ),
            # The lists of a scope in their order (Meta.ordering), and their counts.
            models.Index(
                fields=["visitor_centre", "-date", "-id"],
                condition=Q(deleted_at__isnull=True),
                name="session_live_by_centre",
            ),
            models.Index(
                fields=["visitor_country", "-date", "-id"],
                condition=Q(deleted_at__isnull=True),
                name="session_live_by_country",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "legacy_row"],
                condition=~Q(legacy_row=""),
                name="legacy_row_once_per_centre",
            )
        ]

    def __str__(self):
        return f"{self.visitor.code} {self.date}"

    def clean(self):
        super().clean()
        unknown = set(self.services) - set(self.Service.values)
        if unknown:
            raise ValidationError({"services": _("Unknown services: %s") % sorted(unknown)})
        if self.date and self.date > localdate():
            raise ValidationError({"date": _("A session cannot be in the future.")})
        if self.follow_up_date and self.date and self.follow_up_date < self.date:
            raise ValidationError(
                {"follow_up_date": _("The follow-up cannot be before the session.")}
            )

    @property
    def service_labels(self) -> list[str]:
        labels = dict(self.Service.choices)
        return [str(labels.get(code, code)) for code in self.services]

    def notes_visible_to(self, user) -> bool:
        """Notes are for the staff of the centre that wrote them."""
        return user.role in CENTRE_ROLES and self.centre_id in user.scope.centre_ids


class GroupSessionQuerySet(LiveQuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        rule = _scope_filter(user, "centre")
        return self.none() if rule is None else self.live().filter(rule)


class GroupSession(SoftDeletable):
    class Type(models.TextChoices):
        INFORMATION = "information", _("Information session")
        PRE_DEPARTURE = "pre_departure", _("Pre-departure orientation")
        REINTEGRATION = "reintegration", _("Reintegration course")
        JOB_FAIR = "job_fair", _("Job fair")
        OUTREACH = "outreach", _("School or university outreach")
        OTHER = "other", _("Other")

    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.PROTECT, related_name="group_sessions"
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    date = SensibleDateField(_("date"), default=localdate)
    place = models.CharField(_("place"), max_length=200)
    topics = models.ManyToManyField(Topic, related_name="group_sessions", verbose_name=_("topics"))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="facilitated_group_sessions",
        verbose_name=_("facilitators"),
    )
    attendees = models.ManyToManyField(
        Visitor,
        through="GroupAttendance",
        related_name="group_sessions",
        verbose_name=_("attendees"),
    )
    total_participants = models.PositiveIntegerField(
        _("total participants"),
        help_text=_("Everyone present: registered visitors and people not registered."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("logged"), default=now)

    objects = GroupSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.get_type_display()} {self.date}"


class GroupAttendance(models.Model):
    group_session = models.ForeignKey(GroupSession, on_delete=models.CASCADE)
    visitor = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="group_attendances")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group_session", "visitor"], name="attend_group_session_once"
            )
        ]

    def __str__(self):
        return f"{self.visitor_id} @ {self.group_session_id}"


class GroupCount(ChoiceLabels, models.Model):
    """People not registered, counted by sex and age band."""

    group_session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="counts")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    age_band = models.CharField(_("age band"), max_length=10, choices=AGE_BAND_CHOICES)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group_session", "sex", "age_band"], name="one_count_per_cell"
            )
        ]

    def __str__(self):
        return f"{self.sex} {self.age_band}: {self.count}"


class ReferralQuerySet(LiveQuerySet):
    def visible_to(self, user):
        registered = registered_in_scope(user)
        return self.none() if registered is None else self.live().filter(visitor__in=registered)

    def open(self):
        return self.filter(status__in=Referral.OPEN_STATUSES)


class Referral(SoftDeletable):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        SERVICE_RECEIVED = "service_received", _("Service received")
        DECLINED = "declined", _("Declined")
        NO_RESPONSE = "no_response", _("No response")

    OPEN_STATUSES = (Status.SENT, Status.ACCEPTED)
    # Which status may follow which: a referral is closed once the outcome is known.
    TRANSITIONS = {
        Status.SENT: {Status.ACCEPTED, Status.DECLINED, Status.NO_RESPONSE},
        Status.ACCEPTED: {Status.SERVICE_RECEIVED, Status.DECLINED, Status.NO_RESPONSE},
        Status.NO_RESPONSE: {Status.ACCEPTED, Status.DECLINED},
    }

    visitor = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="referrals")
    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="referrals")
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("partner organisation"),
    )
    service = models.CharField(
        _("service"), max_length=20, choices=PartnerOrganisation.Service.choices
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SENT
    )
    sent_on = SensibleDateField(_("sent on"), default=localdate)
    status_changed_on = SensibleDateField(_("status since"), default=localdate)
    outcome = BoundedTextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["sent_on", "pk"]

    def __str__(self):
        return f"{self.visitor.code} → {self.partner}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def next_statuses(self) -> list[str]:
        return sorted(self.TRANSITIONS.get(self.status, ()))

    def clean(self):
        super().clean()
        if self.partner_id and self.centre_id and self.partner.country != self.centre.country:
            raise ValidationError(
                {"partner": _("Choose a partner organisation in the centre's country.")}
            )


class ReferralEvent(ChoiceLabels, models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=Referral.Status.choices)
    date = SensibleDateField(_("date"), default=localdate)
    note = BoundedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return f"{self.status} {self.date}"


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Audit entries a manager may search: about their centres' data (a coordinator: their
        country's) or made by the colleagues they see; a programme manager: the network."""
        if not user.is_authenticated or not user.can(Permission.SEARCH_AUDIT):
            return self.none()
        if user.scope.whole_network:
            return self.all()
        about = _scope_filter(user, "centre")
        if about is None:
            return self.none()
        # A colleague's entries that concern no centre (expert profiles, reports, denials);
        # those about another centre are that centre's manager's to read.
        colleagues = get_user_model().objects.visible_to(user).values("pk")
        return self.filter(about | Q(centre__isnull=True, user__in=colleagues))


class AuditEvent(ChoiceLabels, models.Model):
    """Who read, created, changed, exported or merged personal data (never the values).

    Append-only: a PostgreSQL trigger (migration 0008) refuses UPDATE and DELETE, and a visitor
    with audit entries cannot be deleted (PROTECT), so the trail outlives any mistake or cover-up.
    `centre` is the centre whose data was reached, so that its manager finds the entry; a list or
    search records how many rows it showed (`count`), never what was typed.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        VIEWED = "viewed", _("viewed")
        EXPORTED = "exported", _("exported")
        MERGED = "merged", _("merged")
        CONSENT = "consent", _("consent recorded")
        PRESENCE = "presence", _("presence proved at another centre")
        NO_PROOF = "no_proof", _("presence not proved")
        LISTED = "listed", _("list viewed")
        SEARCHED = "searched", _("searched")
        API_READ = "api_read", _("read through the API")
        EXPERT_VIEWED = "expert_viewed", _("expert profile viewed")
        CV_DOWNLOADED = "cv_downloaded", _("CV downloaded")
        REPORT_DOWNLOADED = "report_downloaded", _("report downloaded")
        RESEARCH_EXPORT = "research_export", _("research data exported")
        ACCESS_DENIED = "access_denied", _("access denied")
        ACCESS_GRANTED = "access_granted", _("staff access granted")
        ERASED = "erased", _("erased on request")
        CORRECTED = "corrected", _("corrected")
        DELETED = "deleted", _("deleted")
        IMPORTED = "imported", _("imported")
        IMPORT_ROLLED_BACK = "import_rolled_back", _("import rolled back")
        UNMERGED = "unmerged", _("merge undone")

    visitor = models.ForeignKey(
        Visitor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    centre = models.ForeignKey(
        "centres.Centre",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centre"),
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("when"), default=now)
    count = models.PositiveIntegerField(_("rows shown"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["centre", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self):
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


# How long the proof of presence opens a visitor to another centre: one visit.
PRESENCE_GRANT_LENGTH = timedelta(hours=4)


class PresenceGrant(models.Model):
    """A counsellor of another centre took the visitor's proof of presence: for one visit they
    may confirm the name, record consent and log the session (see VisitorQuerySet.present_for).
    Written to the visitor's audit trail, which the registering centre's manager reads."""

    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="presence_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    granted_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("proof of presence")
        ordering = ["-granted_at"]

    def __str__(self):
        return f"{self.visitor_id} @ {self.centre_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class TrainingInterestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Those of the visitors the user may see (the visitor's rule, in one place)."""
        return self.filter(visitor__in=Visitor.objects.visible_to(user))


class TrainingInterest(ChoiceLabels, models.Model):
    """A student visitor was told of a listed graduate training, or applied to it."""

    class Status(models.TextChoices):
        INFORMED = "informed", _("Informed")
        APPLIED = "applied", _("Applied")

    visitor = models.ForeignKey(
        Visitor, on_delete=models.PROTECT, related_name="training_interests"
    )
    training = models.ForeignKey(
        "skills.TrainingOpportunity",
        on_delete=models.PROTECT,
        related_name="interests",
        verbose_name=_("training"),
    )
    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    date = SensibleDateField(_("date"), default=localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = TrainingInterestQuerySet.as_manager()

    class Meta:
        verbose_name = _("training interest")
        verbose_name_plural = _("training interests")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["visitor", "training", "status"], name="training_interest_once"
            ),
        ]

    def __str__(self):
        return f"{self.visitor} — {self.training} ({self.get_status_display()})"


class SessionImport(models.Model):
    """One legacy import: the file's fingerprint (SHA-256), what it added and skipped.

    Rolled back as a whole by a manager (services.session_import_roll_back): its sessions are
    deleted softly and the visitors it created, if nothing else refers to them, are anonymised
    and hidden."""

    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("file"), max_length=255)
    fingerprint = models.CharField(_("fingerprint (SHA-256)"), max_length=64, db_index=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    sessions_added = models.PositiveIntegerField(_("sessions added"), default=0)
    visitors_added = models.PositiveIntegerField(_("visitors added"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    # [{"row": n, "reason": text}]: what the report said was skipped, and why.
    skipped = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("imported"), default=now)
    rolled_back_at = models.DateTimeField(_("rolled back"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("legacy import")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d})"


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an Idempotency-Key header, per user: a client that
    retries gets it again and nothing is created twice (counselling/api/idempotency.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    path = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self):
        return self.key


# How long a merge can be undone; after it the merge is final (and shown so).
MERGE_UNDO_WINDOW = timedelta(days=30)


class VisitorMerge(models.Model):
    """One merge of `removed` into `kept`, with what it moved, so that it can be undone within
    MERGE_UNDO_WINDOW (services.visitor_merge_undo). At most one merge of a record is in force.

    `moved` holds primary keys only: {"sessions": [...], "referrals": [...],
    "consent_events": [...], "attendances": [...], "attendances_dropped": [group session ids
    the kept record already attended], "repointed": [records merged into `removed` before]}."""

    kept = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="merges_kept")
    removed = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="merges_removed")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged"), default=now)
    moved = models.JSONField(default=dict)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        verbose_name = _("visitor merge")
        ordering = ["-merged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["removed"],
                condition=Q(undone_at__isnull=True),
                name="one_merge_in_force_per_record",
            )
        ]

    def __str__(self):
        return f"{self.removed_id} -> {self.kept_id}"

    @property
    def undo_until(self):
        return self.merged_at + MERGE_UNDO_WINDOW

    @property
    def can_be_undone(self) -> bool:
        return self.undone_at is None and now() < self.undo_until


class DistinctPeople(models.Model):
    """A coordinator's or the programme's decision that two probable duplicates are two
    people: the pair leaves the review queue. `first` is the record with the lower id."""

    first = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("pair of different people")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinct_pair_once"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="pair_ordered"),
        ]

    def __str__(self):
        return f"{self.first_id} ≠ {self.second_id}"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An import is seen by the person who uploaded it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)


class ImportJob(models.Model):
    """A legacy log upload, stored and then checked and imported by a background task
    (counselling.import_jobs), all or nothing; its page follows the progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("checking and importing")
        DONE = "done", _("imported")
        REJECTED = "rejected", _("nothing imported")
        FAILED = "failed", _("failed")

    IN_PROGRESS = (Status.QUEUED, Status.RUNNING)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="+")
    # Never served: MEDIA_ROOT is private; the file is deleted once the import has ended.
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    sessions = models.PositiveIntegerField(_("sessions imported"), default=0)
    visitors = models.PositiveIntegerField(_("new visitors"), default=0)
    # [{"row": 3, "column": "date", "reason": "..."}, ...]: the row-numbered report.
    errors = models.JSONField(_("problems"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    # What the import added and skipped, and its roll-back (set when it is done).
    session_import = models.OneToOneField(
        SessionImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="job"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS


class StatisticsMonth(models.Model):
    """Derived, narrow table of the statistics (counselling/summary.py keeps it): one row per
    month × centre × counsellor × visitor with that visitor's live sessions there. Pages sum
    the sessions and count distinct visitors, so "people reached" stays exact."""

    month = models.DateField()
    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+")
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="+")
    # The visitor's profile as it is now (a trigger on the visitor keeps it), so that no count
    # joins the visitors.
    sex = models.CharField(max_length=1, blank=True)
    year_of_birth = models.PositiveSmallIntegerField(null=True)
    migration_status = models.CharField(max_length=20, blank=True)
    visitor_incomplete = models.BooleanField(default=False)  # no year of birth or education
    visitor_destinations = models.CharField(max_length=749, blank=True)  # intended, ISO codes
    sessions = models.PositiveIntegerField()
    # Sessions without a topic or a duration (the visitor's missing fields are added at query
    # time), and sessions logged more than a week late at the desk (imports excluded).
    incomplete = models.PositiveIntegerField()
    late = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "month", "counsellor", "visitor"], name="statistics_month_once"
            )
        ]
        indexes = [models.Index(fields=["visitor", "centre", "month"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.centre_id} {self.visitor_id}: {self.sessions}"


class StatisticsTopicMonth(models.Model):
    """Sessions per month × centre × visitor × topic (topic empty: a session with none)."""

    month = models.DateField()
    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, related_name="+")
    sessions = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["centre", "month"]),
            models.Index(fields=["visitor", "centre", "month"]),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.topic_id}: {self.sessions}"


class StatisticsDestinationMonth(models.Model):
    """Sessions per month × centre × visitor × destination discussed (ISO code)."""

    month = models.DateField()
    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="+")
    destination = models.CharField(max_length=2)
    sessions = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["centre", "month"]),
            models.Index(fields=["visitor", "centre", "month"]),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.destination}: {self.sessions}"


class StatisticsCell(models.Model):
    """People reached and sessions per country (or the network) × month × one breakdown value,
    derived from the month tables above (counselling/summary.py keeps it), so that a year of a
    country or of the whole network sums a few thousand rows instead of a row per visitor.

    `people` stays exact for any range of whole months: a visitor counts in the cell of each
    month they were served in (per country: in that country), with `prev_month` the previous
    month they were served in before (None: never). The people of months m1…m2 are the cells of
    those months with no `prev_month` from m1 on: each person once, in the first month of the
    range they came. Topics and destinations discussed keep a `prev_month` of their own.

    Rows are added, never updated: each write adds the difference it makes (old rows with
    negative figures), so concurrent writers never wait on a shared row; `summary_compact` folds
    them together now and then. Readers always SUM.
    """

    class Dimension(models.TextChoices):
        ALL = "all"
        SEX = "sex"
        YEAR_OF_BIRTH = "yob"
        MIGRATION_STATUS = "status"
        VISITOR_DESTINATION = "vdest"  # where the visitor intends to go (the profile)
        TOPIC = "topic"  # topic id; "" for sessions with none
        SESSION_DESTINATION = "sdest"  # destinations discussed in the sessions
        COUNSELLOR = "counsellor"  # counsellor id: sessions, missing and late only

    country = models.CharField(max_length=2, blank=True)  # "": the whole network
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    value = models.CharField(max_length=20, blank=True)
    month = models.DateField()
    prev_month = models.DateField(null=True)
    sessions = models.IntegerField()
    people = models.IntegerField()
    missing = models.IntegerField()  # sessions missing a key field (data quality)
    late = models.IntegerField()  # sessions logged more than a week late at the desk

    class Meta:
        indexes = [models.Index(fields=["country", "month", "dimension"])]

    def __str__(self):
        return f"{self.country or 'network'} {self.month:%Y-%m} {self.dimension}={self.value}"
