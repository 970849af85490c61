import factory

from skills.models import IscoGroup, Occupation, Sector, Skill


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
