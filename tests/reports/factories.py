import datetime

import factory

from reports.models import Project


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Labour mobility project {n}")
    donors = "EU IPA"
    start = datetime.date(2026, 1, 1)
    end = datetime.date(2027, 12, 31)
