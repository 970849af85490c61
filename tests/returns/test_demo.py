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
