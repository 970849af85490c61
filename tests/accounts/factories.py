import factory

from accounts.models import CentreMembership, Role, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    role = Role.COUNSELLOR
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def centres(self, create, extracted, **kwargs):
        for centre in extracted or ():
            CentreMembership.objects.create(user=self, centre=centre)
