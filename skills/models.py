"""Reference classifications: economic sectors (NACE Rev. 2.1), occupations (ISCO-08, ESCO),
skills (ESCO), education levels (ISCED 2011) and language levels (CEFR).

Classifications are used, not invented (DOMAIN.md): codes and ESCO URIs are kept as published so
that data can be exchanged with the EU's own tools.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django_countries import countries

from centres.models import PROGRAMME_COUNTRIES
from msc_portal.fields import BoundedTextField, SensibleDateField

from .reference_names import ISCO_CONTEXT, NACE_CONTEXT


class IscedLevel(models.IntegerChoices):
    """ISCED 2011 levels of education."""

    EARLY_CHILDHOOD = 0, _("0 Early childhood education")
    PRIMARY = 1, _("1 Primary education")
    LOWER_SECONDARY = 2, _("2 Lower secondary education")
    UPPER_SECONDARY = 3, _("3 Upper secondary education")
    POST_SECONDARY = 4, _("4 Post-secondary non-tertiary education")
    SHORT_CYCLE_TERTIARY = 5, _("5 Short-cycle tertiary education")
    BACHELOR = 6, _("6 Bachelor's or equivalent")
    MASTER = 7, _("7 Master's or equivalent")
    DOCTORAL = 8, _("8 Doctoral or equivalent")


class CefrLevel(models.TextChoices):
    """Common European Framework of Reference for Languages; ordered from lowest to highest."""

    A1 = "A1", _("A1 Beginner")
    A2 = "A2", _("A2 Elementary")
    B1 = "B1", _("B1 Intermediate")
    B2 = "B2", _("B2 Upper intermediate")
    C1 = "C1", _("C1 Advanced")
    C2 = "C2", _("C2 Proficient")

    @classmethod
    def rank(cls, level: str) -> int:
        """1 for A1 … 6 for C2, so that levels can be compared."""
        return list(cls.values).index(level) + 1


class Sector(models.Model):
    """A NACE Rev. 2.1 entry: section (A–V), division (01–99), group (01.1) or class (01.11)."""

    class Level(models.IntegerChoices):
        SECTION = 1, _("section")
        DIVISION = 2, _("division")
        GROUP = 3, _("group")
        CLASS = 4, _("class")

    code = models.CharField(_("code"), max_length=8, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    name = models.CharField(_("name"), max_length=300)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("economic sector (NACE Rev. 2.1)")
        verbose_name_plural = _("economic sectors (NACE Rev. 2.1)")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The name in the active language (sections and divisions are in the catalogues)."""
        return pgettext(NACE_CONTEXT, self.name)

    def section(self) -> "Sector":
        """The NACE section (A–V) this entry belongs to; at most three look-ups up the tree."""
        sector = self
        while sector.parent_id is not None:
            sector = sector.parent
        return sector


class IscoGroup(models.Model):
    """An ISCO-08 group: major (1 digit), sub-major (2), minor (3) or unit group (4)."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=300)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    esco_uri = models.URLField(_("ESCO URI"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ISCO-08 group")
        verbose_name_plural = _("ISCO-08 groups")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The name in the active language (major and sub-major groups are in the catalogues)."""
        return pgettext(ISCO_CONTEXT, self.name)

    @property
    def level(self) -> int:
        return len(self.code)


class Occupation(models.Model):
    """An ESCO occupation, filed under one ISCO-08 unit group."""

    esco_uri = models.URLField(_("ESCO URI"), max_length=300, unique=True)
    code = models.CharField(_("ESCO code"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=300)
    alt_labels = models.TextField(_("other names"), blank=True)
    description = models.TextField(_("description"), blank=True)
    isco_group = models.ForeignKey(
        IscoGroup, on_delete=models.PROTECT, related_name="occupations", null=True, blank=True
    )
    skills = models.ManyToManyField("Skill", through="OccupationSkill", related_name="occupations")

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Skill(models.Model):
    """An ESCO skill or knowledge concept; the starter set may hold skills without an ESCO URI."""

    class Type(models.TextChoices):
        SKILL = "skill/competence", _("skill or competence")
        KNOWLEDGE = "knowledge", _("knowledge")

    esco_uri = models.URLField(_("ESCO URI"), max_length=300, blank=True)
    name = models.CharField(_("name"), max_length=300)
    alt_labels = models.TextField(_("other names"), blank=True)
    description = models.TextField(_("description"), blank=True)
    skill_type = models.CharField(_("type"), max_length=20, choices=Type.choices, blank=True)
    reuse_level = models.CharField(_("reuse level"), max_length=30, blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="skills")

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["esco_uri"], condition=~Q(esco_uri=""), name="skill_esco_uri_unique"
            ),
        ]

    def __str__(self):
        return self.name


class OccupationSkill(models.Model):
    """ESCO's occupation–skill relation: essential or optional for the occupation."""

    class Relation(models.TextChoices):
        ESSENTIAL = "essential", _("essential")
        OPTIONAL = "optional", _("optional")

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE)
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE)
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occupation", "skill"], name="occupation_skill_unique"),
        ]

    def __str__(self):
        return f"{self.occupation} – {self.skill} ({self.relation})"


# --- The skills-needs database and training opportunities ------------------------------------

EU_MEMBER_STATES = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
]  # fmt: skip
WESTERN_BALKANS = PROGRAMME_COUNTRIES


def region_choices() -> list[tuple[str, str]]:
    """Western Balkan countries first, then the EU member states, each by name."""
    return [(code, countries.name(code)) for code in WESTERN_BALKANS] + sorted(
        ((code, countries.name(code)) for code in EU_MEMBER_STATES), key=lambda c: c[1]
    )


def eu_country_choices() -> list[tuple[str, str]]:
    return sorted(((code, countries.name(code)) for code in EU_MEMBER_STATES), key=lambda c: c[1])


class SkillDemandQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The skills-needs database holds no personal data: anyone may browse all of it."""
        return self

    def overlapping(self, start=None, end=None):
        """Records whose period overlaps [start, end]; an open bound does not restrict."""
        queryset = self
        if start:
            queryset = queryset.filter(period_end__gte=start)
        if end:
            queryset = queryset.filter(period_start__lte=end)
        return queryset


class SkillDemand(models.Model):
    """Demand for an occupation or skill in one region and sector, as one source reported it."""

    class Shortage(models.IntegerChoices):
        LOW = 1, _("low")
        MODERATE = 2, _("moderate")
        HIGH = 3, _("high")
        SEVERE = 4, _("severe")

    class SourceType(models.TextChoices):
        SURVEY = "survey", _("labour-market survey")
        EMPLOYMENT_SERVICE = "employment_service", _("employment-service data")
        EU_SHORTAGE_LIST = "eu_shortage_list", _("EU shortage list")
        HOST_REQUEST = "host_request", _("host institution request")
        OTHER = "other", _("other")

    region = models.CharField(_("region"), max_length=2, choices=region_choices)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="demands", verbose_name=_("sector")
    )
    # The sector's NACE section, kept so that demand is counted per section by the database.
    section = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+", editable=False)
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("occupation")
    )
    isco_group = models.ForeignKey(
        IscoGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("occupation group (ISCO-08)"),
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("skill")
    )
    shortage = models.PositiveSmallIntegerField(_("level of shortage"), choices=Shortage.choices)
    workers_needed = models.PositiveIntegerField(
        _("workers needed"), null=True, blank=True, help_text=_("If the source gives a number.")
    )
    source_type = models.CharField(_("type of source"), max_length=20, choices=SourceType.choices)
    source_name = models.CharField(_("source"), max_length=200)
    source_url = models.URLField(_("link to the source"), blank=True)
    period_start = SensibleDateField(_("period from"))
    period_end = SensibleDateField(_("period to"))
    notes = BoundedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SkillDemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill demand record")
        verbose_name_plural = _("skill demand records")
        ordering = ["-period_end", "region", "pk"]
        indexes = [models.Index(fields=["section", "region"], name="skilldemand_section_region")]

    def __str__(self):
        return f"{self.get_region_display()} · {self.sector.code} · {self.demand_label}"

    def save(self, *args, **kwargs):
        self.section = self.sector.section()
        super().save(*args, **kwargs)

    @property
    def demand_label(self) -> str:
        what = self.occupation or self.isco_group or self.skill
        return str(what) if what else ""

    def clean(self):
        errors = {}
        if not (self.occupation_id or self.isco_group_id or self.skill_id):
            errors["occupation"] = _(
                "Say which occupation, occupation group or skill is in demand."
            )
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class TrainingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_on(self, day):
        return self.filter(application_deadline__gte=day)


class TrainingOpportunity(models.Model):
    """A paid training or internship in the EU for graduate students, with a return incentive."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("paid training")
        INTERNSHIP = "internship", _("internship")
        TRAINEESHIP = "traineeship", _("traineeship")
        SCHOLARSHIP = "scholarship", _("scholarship with return commitment")

    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, choices=eu_country_choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("sector")
    )
    description = BoundedTextField(_("description"))
    eligibility = BoundedTextField(_("who may apply"), blank=True)
    min_education = models.PositiveSmallIntegerField(
        _("minimum education"), choices=IscedLevel.choices, null=True, blank=True
    )
    stipend = models.DecimalField(
        _("monthly stipend"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    stipend_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    return_incentive = BoundedTextField(
        _("incentive to return"),
        blank=True,
        help_text=_("What a participant gains by coming back, e.g. a job offer or a grant."),
    )
    return_obligation_years = models.PositiveSmallIntegerField(
        _("years of work at home required"), null=True, blank=True
    )
    application_deadline = SensibleDateField(_("application deadline"))
    start_date = SensibleDateField(_("starts"), null=True, blank=True)
    end_date = SensibleDateField(_("ends"), null=True, blank=True)
    url = models.URLField(_("where to apply"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training opportunity")
        verbose_name_plural = _("training opportunities")
        ordering = ["application_deadline", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The training cannot end before it starts.")})
