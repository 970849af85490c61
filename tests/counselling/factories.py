import factory
from django.utils.timezone import localdate

from counselling import services
from counselling.models import (
    GroupSession,
    MigrationStatus,
    Referral,
    Session,
    Sex,
    Topic,
    Visitor,
)
from tests.centres.factories import PartnerOrganisationFactory


def make_visitor(user, centre, *, consent=True, **fields) -> Visitor:
    """A visitor registered through the service, so that codes and consent are real."""
    defaults = {
        "given_name": "Ivana",
        "family_name": "Kovačević",
        "sex": Sex.FEMALE,
        "year_of_birth": 1995,
        "migration_status": MigrationStatus.POTENTIAL_MIGRANT,
    }
    defaults.update(fields)
    consents = {"service": consent, "research": consent, "contact": False}
    return services.visitor_register(user=user, centre=centre, consents=consents, **defaults)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    visitor = None
    centre = factory.LazyAttribute(lambda o: o.visitor.centre)
    counsellor = None
    date = factory.LazyFunction(localdate)
    mode = Session.Mode.IN_PERSON
    duration_minutes = 30

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        self.topics.set(extracted or Topic.objects.filter(code="legal-channels"))


class GroupSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupSession

    centre = None
    type = GroupSession.Type.INFORMATION
    date = factory.LazyFunction(localdate)
    place = "Town hall"
    total_participants = 10
    created_by = None


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    visitor = None
    centre = factory.LazyAttribute(lambda o: o.visitor.centre)
    partner = factory.LazyAttribute(
        lambda o: PartnerOrganisationFactory(country=str(o.visitor.centre.country))
    )
    service = "legal"
    created_by = None
