"""Trainings and workshops for officials, and internships consular officials identify."""

import datetime

import pytest
from django.urls import reverse

from reports.indicators import ReportQuery, registry
from returns.models import InternshipIdentification, OfficialTraining

from .factories import SectorFactory

pytestmark = pytest.mark.django_db
SPRING = ReportQuery(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30))


def _participant(n, name, sex, consular=False):
    data = {
        f"participants-{n}-name": name,
        f"participants-{n}-institution": "Ministry of Labour",
        f"participants-{n}-function": "Head of unit",
        f"participants-{n}-sex": sex,
        f"participants-{n}-country": "RS",
    }
    if consular:
        data[f"participants-{n}-is_consular"] = "on"
    return data


def _workshop(client):
    data = {
        "title": "Regional workshop on circular migration",
        "kind": "regional_workshop",
        "date": "2026-03-10",
        "country": "RS",
        "location": "Belgrade",
        "organiser": "MSC network",
        "participants-TOTAL_FORMS": "3",
        "participants-INITIAL_FORMS": "0",
        **_participant(0, "Ana", "F"),
        **_participant(1, "Marko", "M", consular=True),
        **_participant(2, "Jelena", "F"),
    }
    return client.post(reverse("returns:official_training_create"), data)


def test_an_officials_trained_indicator_counts_a_workshops_participants_by_sex(
    login, programme_manager
):
    response = _workshop(login(programme_manager))
    assert response.status_code == 302
    workshop = OfficialTraining.objects.get()
    assert workshop.participants.count() == 3
    trained = registry["officials_trained"]
    assert trained.total(SPRING) == 3
    by_sex = {row["sex"]: row["value"] for row in trained.rows(SPRING, ("sex",))}
    assert by_sex == {"F": 2, "M": 1}
    by_country = trained.rows(SPRING, ("country", "sex"))
    assert {(str(r["country"]), r["sex"], r["value"]) for r in by_country} == {
        ("RS", "F", 2),
        ("RS", "M", 1),
    }
    assert registry["official_workshops_held"].total(SPRING) == 1
    page = login(programme_manager).get(reverse("returns:capacity_overview"))
    assert "3 participants (2 women, 1 consular)" in page.text


def test_internships_identified_by_a_consular_official_count_their_places(login, programme_manager):
    client = login(programme_manager)
    _workshop(client)
    consul = OfficialTraining.objects.get().participants.get(is_consular=True)
    sector = SectorFactory(code="86", level=2)
    response = client.post(
        reverse("returns:internship_create"),
        {
            "identified_by": consul.pk,
            "kind": "work",
            "identified_on": "2026-04-02",
            "destination": "DE",
            "employer": "Klinikum Nord",
            "sector": sector.pk,
            "places": "4",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert InternshipIdentification.objects.get().places == 4
    assert registry["internship_places_identified"].total(SPRING) == 4


def test_only_consular_officials_identify_internships(login, programme_manager):
    client = login(programme_manager)
    _workshop(client)
    not_consul = OfficialTraining.objects.get().participants.get(name="Ana")
    response = client.post(
        reverse("returns:internship_create"),
        {"identified_by": not_consul.pk, "kind": "work", "places": "1"},
    )
    assert response.status_code == 200
    assert "identified_by" in response.context["form"].errors


def test_hosts_and_experts_cannot_open_capacity_building(login, host, expert):
    for user in (host, expert):
        assert login(user).get(reverse("returns:capacity_overview")).status_code == 403
