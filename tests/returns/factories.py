import datetime

import factory
from django.utils.timezone import now

from accounts.models import Role
from returns.models import (
    Application,
    Assignment,
    Availability,
    ExpertLanguage,
    ExpertProfile,
    ExpertSkill,
    Host,
    HostMembership,
    Mode,
    Need,
    NeedLanguage,
    Programme,
)
from skills.models import IscedLevel, Occupation, Sector, Skill
from tests.accounts.factories import UserFactory

TODAY = datetime.date(2026, 11, 23)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["code"]

    code = "Q"
    level = Sector.Level.SECTION
    name = "Human health and social work activities"


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation

    esco_uri = factory.Sequence(lambda n: f"http://data.europa.eu/esco/occupation/test-{n}")
    name = factory.Sequence(lambda n: f"Occupation {n}")


def midweb() -> Programme:
    return Programme.objects.get(code="midweb")


class HostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Host
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Clinical Centre {n}")
    kind = Host.Kind.HOSPITAL
    country = "RS"
    city = "Novi Sad"
    sector = factory.SubFactory(SectorFactory)
    focal_point_name = "Mira Focal"
    focal_point_email = "focal@example.org"
    verified_at = factory.LazyFunction(now)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        for user in extracted or ():
            HostMembership.objects.create(host=self, user=user)


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need
        skip_postgeneration_save = True

    host = factory.SubFactory(HostFactory)
    programme = factory.LazyFunction(midweb)
    title = factory.Sequence(lambda n: f"Training nurses in intensive care {n}")
    description = "Train the ICU team on new ventilators."
    sector = factory.SubFactory(SectorFactory)
    mode = Mode.PHYSICAL
    duration_days = 20
    window_start = TODAY + datetime.timedelta(days=30)
    window_end = TODAY + datetime.timedelta(days=120)
    status = Need.Status.PUBLISHED
    published_at = factory.LazyFunction(now)

    @factory.post_generation
    def essential_skills(self, create, extracted, **kwargs):
        self.essential_skills.set(extracted or [SkillFactory()])

    @factory.post_generation
    def optional_skills(self, create, extracted, **kwargs):
        self.optional_skills.set(extracted or [])

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        for language, level in extracted or ():
            NeedLanguage.objects.create(need=self, language=language, min_level=level)


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    """An eligible MIDWEB expert: from Serbia, living in Germany, a master's, 8 years."""

    class Meta:
        model = ExpertProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.EXPERT)
    country_of_origin = "RS"
    country_of_residence = "DE"
    city_of_residence = "Berlin"
    citizenships = ["RS", "DE"]
    residence_status = ExpertProfile.ResidenceStatus.PERMANENT
    isced_level = IscedLevel.MASTER
    field_of_education = "Nursing"
    years_experience = 8
    preferred_mode = Mode.EITHER
    bio = "ICU nurse in Berlin."
    consent_at = factory.LazyFunction(now)

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        for skill in extracted or ():
            ExpertSkill.objects.create(expert=self, skill=skill)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        for language, level in extracted or ():
            ExpertLanguage.objects.create(expert=self, language=language, level=level)

    @factory.post_generation
    def availability(self, create, extracted, **kwargs):
        for start, end in extracted or ():
            Availability.objects.create(expert=self, start=start, end=end)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    need = factory.SubFactory(NeedFactory)
    expert = factory.SubFactory(ExpertProfileFactory)
    motivation = "I trained ICU teams in Berlin for five years."
    proposed_start = TODAY + datetime.timedelta(days=40)
    proposed_end = TODAY + datetime.timedelta(days=70)
    mode = Mode.PHYSICAL
    status = Application.Status.SUBMITTED
    proposed_at = factory.LazyAttribute(
        lambda o: now() if o.status in ("proposed", "accepted", "declined", "approved") else None
    )


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    application = factory.SubFactory(ApplicationFactory, status=Application.Status.APPROVED)
    mode = Mode.PHYSICAL
    start = TODAY + datetime.timedelta(days=40)
    end = TODAY + datetime.timedelta(days=70)
    working_days = 20
    status = Assignment.Status.PLANNED
