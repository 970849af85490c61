"""Reference classifications: economic sectors (NACE Rev. 2.1), occupations (ISCO-08, ESCO),
skills (ESCO), education levels (ISCED 2011) and language levels (CEFR).

Classifications are used, not invented (DOMAIN.md): codes and ESCO URIs are kept as published so
that data can be exchanged with the EU's own tools.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
        return f"{self.code} {self.name}"

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
        return f"{self.code} {self.name}"

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
