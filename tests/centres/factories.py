import factory

from centres.models import Centre, PartnerOrganisation


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre
        django_get_or_create = ["country", "code"]

    name = factory.LazyAttribute(lambda o: f"Migrant Service Centre {o.city}")
    code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    country = "RS"
    city = factory.Faker("city")
    host_office = factory.LazyAttribute(lambda o: f"Employment service, {o.city} office")
    email = factory.LazyAttribute(lambda o: f"msc.{o.code.lower()}@example.org")
    languages = factory.LazyFunction(lambda: ["sr", "en"])


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    country = "RS"
    city = "Belgrade"
    services = factory.LazyFunction(lambda: ["legal"])
