"""A counsellor records that a student visitor was told of a listed training, or applied."""

import pytest
from django.urls import reverse

from counselling.models import TrainingInterest
from tests.counselling.factories import make_visitor

from .factories import TrainingFactory

pytestmark = pytest.mark.django_db


def _record(client, visitor, training, status, centre):
    return client.post(
        reverse("counselling:training_interest_create", args=[visitor.code]),
        {"centre": centre.pk, "training": training.pk, "status": status, "date": "2026-03-02"},
    )


def test_the_catalogue_counts_the_visitors_informed_and_applied(
    login, counsellor_a, centre_a, programme_manager
):
    training = TrainingFactory()
    ana = make_visitor(counsellor_a, centre_a, given_name="Ana")
    besa = make_visitor(counsellor_a, centre_a, given_name="Besa")
    client = login(counsellor_a)
    for visitor, status in [(ana, "informed"), (besa, "informed"), (besa, "applied")]:
        response = _record(client, visitor, training, status, centre_a)
        assert response.status_code == 302
    page = client.get(reverse("counselling:visitor_detail", args=[besa.code]))
    assert training.title in page.text
    for user in (counsellor_a, programme_manager):
        detail = login(user).get(reverse("skills:training_detail", args=[training.pk]))
        assert "Visitors informed: 2 · applied: 1" in detail.text
        listing = login(user).get(reverse("skills:training_list"))
        assert "Visitors informed: 2 · applied: 1" in listing.text


def test_it_refuses_the_same_record_twice(login, counsellor_a, centre_a):
    training = TrainingFactory()
    ana = make_visitor(counsellor_a, centre_a)
    client = login(counsellor_a)
    _record(client, ana, training, "informed", centre_a)
    response = _record(client, ana, training, "informed", centre_a)
    assert response.status_code == 200
    assert "already recorded" in response.text
    assert TrainingInterest.objects.count() == 1


def test_another_centre_cannot_record_for_a_visitor(login, counsellor_a, counsellor_b, centre_a):
    TrainingFactory()
    ana = make_visitor(counsellor_a, centre_a)
    response = login(counsellor_b).get(
        reverse("counselling:training_interest_create", args=[ana.code])
    )
    assert response.status_code == 404


def test_the_public_catalogue_shows_no_counts(client):
    training = TrainingFactory()
    page = client.get(reverse("skills:training_detail", args=[training.pk]))
    assert "Visitors informed" not in page.text
