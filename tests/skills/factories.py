import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from skills.models import (
    IscoGroup,
    Occupation,
    Sector,
    Skill,
    SkillDemand,
    TrainingOpportunity,
)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"Z{n}")
    level = Sector.Level.SECTION
    name = factory.LazyAttribute(lambda o: f"Sector {o.code}")


class IscoGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IscoGroup
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{n % 9000 + 1000}")
    name = factory.LazyAttribute(lambda o: f"Unit group {o.code}")


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation

    esco_uri = factory.Sequence(lambda n: f"http://data.europa.eu/esco/occupation/test-{n}")
    name = factory.Sequence(lambda n: f"occupation {n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    esco_uri = factory.Sequence(lambda n: f"http://data.europa.eu/esco/skill/test-{n}")
    name = factory.Sequence(lambda n: f"skill {n}")
    skill_type = Skill.Type.SKILL


class SkillDemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillDemand

    region = "DE"
    sector = factory.SubFactory(SectorFactory)
    skill = factory.SubFactory(SkillFactory)
    shortage = SkillDemand.Shortage.HIGH
    source_type = SkillDemand.SourceType.SURVEY
    source_name = "Labour-market survey 2025"
    period_start = datetime.date(2025, 1, 1)
    period_end = datetime.date(2025, 12, 31)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingOpportunity

    title = factory.Sequence(lambda n: f"Paid traineeship {n}")
    provider = "European Institute of Public Administration"
    kind = TrainingOpportunity.Kind.TRAINEESHIP
    country = "AT"
    city = "Vienna"
    description = "Six months in a public institution, with a return grant."
    stipend = Decimal("1200.00")
    return_obligation_years = 2
    application_deadline = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=30)
    )
