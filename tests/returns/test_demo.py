from io import StringIO

import pytest
from django.core.management import call_command

from returns.models import Application, Assignment, ExpertProfile, Host, Need

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Host, Need, ExpertProfile, Application, Assignment)]


def test_it_seeds_every_state_once_however_often_it_runs(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=StringIO())
    counts = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == counts
    for model in (Need, Application, Assignment):
        assert set(model.objects.values_list("status", flat=True)) == set(model.Status.values)
    host = Host.objects.get(memberships__user__email="host@demo.example.org")
    assert host.is_verified
    assert Host.objects.filter(verified_at__isnull=True).exists()
    expert = ExpertProfile.objects.get(user__email="expert@demo.example.org")
    assert expert.skills.count() == 4
    assert expert.languages.count() == 4
    assert expert.availabilities.exists()
    assert expert.isced_level
    assert Application.objects.filter(expert=expert).count() >= 3


def test_the_demo_has_occupations_surveys_targets_and_capacity_building(settings, client):
    import datetime

    from django.urls import reverse

    from reports.indicators import ReportQuery, registry
    from reports.models import IndicatorTarget
    from returns.models import SurveyResponse

    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=StringIO())
    # no ESCO import: the picker searches the ISCO-08 unit groups shipped with the project
    for query, found in [("software developers", "2512"), ("nursing professionals", "2221")]:
        assert found in client.get(reverse("skills:isco_picker"), {"q": query}).text
    assert not ExpertProfile.objects.filter(isco_group__isnull=True).exists()
    assert IndicatorTarget.objects.exclude(baseline=0).exists()
    answered = SurveyResponse.objects.filter(submitted_at__isnull=False)
    assert set(answered.values_list("audience", flat=True)) == {"expert", "host"}
    today = datetime.date.today()
    year = ReportQuery(start=today - datetime.timedelta(days=365), end=today)
    assert registry["hosts_reporting_lasting_change"].total(year) == 100
    assert registry["officials_trained"].total(year) == 7
    assert registry["internship_places_identified"].total(year) == 10
    assert registry["count_job_fairs"].total(year) >= 0
