"""Duplicates across the network (issue 10): found despite diacritics and small spelling
differences, told to the counsellor as a centre name only, reviewed and merged by the
coordinator, counted once, reversible for 30 days."""

import datetime

import pytest
from django.urls import reverse

from counselling import services
from counselling.duplicates import duplicate_pairs, probable_matches
from counselling.models import Session, Visitor, VisitorMerge
from counselling.statistics import Period, centre_statistics
from tests.counselling.factories import SessionFactory, make_visitor


def _register(client, centre, **fields):
    data = {
        "centre": centre.pk,
        "consent_service": "on",
        "given_name": "Marko",
        "family_name": "Testovic",
        "sex": "M",
        "year_of_birth": 1990,
        "migration_status": "potential_migrant",
    }
    data.update(fields)
    return client.post(reverse("counselling:visitor_create"), data)


def test_testovic_finds_testovic_at_another_centre_without_their_data(
    login, counsellor_a2, counsellor_a, centre_a, centre_a2
):
    other = make_visitor(
        counsellor_a,
        centre_a,
        given_name="Marko",
        family_name="Testović",
        year_of_birth=1990,
        phone="+381641234567",
    )

    response = _register(login(counsellor_a2), centre_a2)

    assert response.status_code == 200  # not registered yet: the counsellor is told first
    assert response.context["elsewhere"] == [centre_a.name]
    assert response.context["duplicates"] == []
    page = response.content.decode()
    assert "A probable match is registered at another centre" in page
    assert centre_a.name in page
    assert other.code not in page
    assert "+381641234567" not in page
    assert not Visitor.objects.filter(centre=centre_a2).exists()

    confirmed = _register(login(counsellor_a2), centre_a2, confirm_new="on")
    assert confirmed.status_code == 302
    assert Visitor.objects.filter(centre=centre_a2).count() == 1


def test_it_matches_small_spelling_differences_phone_and_id_number(counsellor_a, centre_a):
    ana = make_visitor(
        counsellor_a,
        centre_a,
        given_name="Ana",
        family_name="Đorđević",
        year_of_birth=1988,
        phone="+381 64 555 1234",
        id_number="ab-123 456",
    )

    def found(**identity):
        return list(probable_matches(**identity)) == [ana]

    assert found(given_name="ana", family_name="DJORDJEVIC", year_of_birth=1988)
    assert found(given_name="Ana", family_name="Dordevic", year_of_birth=1988)
    assert not found(given_name="Ana", family_name="Dordevic", year_of_birth=1975)
    assert not found(given_name="Milan", family_name="Jovanović", year_of_birth=1988)
    assert found(phone="064 555 1234")
    assert found(id_number="AB123456")


def test_a_coordinator_merges_a_cross_centre_pair_and_the_report_counts_one_person(
    client, login, counsellor_a, counsellor_a2, coordinator_a, centre_a, centre_a2
):
    first = make_visitor(counsellor_a, centre_a, given_name="Marko", family_name="Testović")
    second = make_visitor(counsellor_a2, centre_a2, given_name="Marko", family_name="Testovic")
    day = datetime.date.today()
    SessionFactory(visitor=first, counsellor=counsellor_a, date=day)
    SessionFactory(visitor=second, counsellor=counsellor_a2, date=day)
    period = Period(day.replace(day=1), day)

    def people():
        return centre_statistics(user=coordinator_a, period=period)["totals"]["people"]

    assert people() == 2
    login(coordinator_a)
    queue = client.get(reverse("counselling:duplicate_review"))
    assert queue.status_code == 200
    (pair,) = queue.context["pairs"]
    assert {pair.first, pair.second} == {first, second}

    merged = client.post(
        reverse("counselling:duplicate_review"),
        {"first": pair.first.pk, "second": pair.second.pk, "action": "keep_first"},
    )

    assert merged.status_code == 302
    kept, removed = pair.first, pair.second
    removed.refresh_from_db()
    assert removed.merged_into_id == kept.pk
    assert Session.objects.filter(visitor=kept).count() == 2
    assert people() == 1
    assert duplicate_pairs(user=coordinator_a) == []

    merge = VisitorMerge.objects.get(removed=removed)
    undone = client.post(reverse("counselling:merge_undo", args=[merge.pk]))
    assert undone.status_code == 302
    removed.refresh_from_db()
    assert removed.merged_into_id is None
    assert Session.objects.filter(visitor=removed).count() == 1
    assert Session.objects.filter(visitor=kept).count() == 1
    assert people() == 2


def test_a_pair_marked_as_two_people_leaves_the_queue(
    login, counsellor_a, counsellor_a2, coordinator_a, centre_a, centre_a2
):
    first = make_visitor(counsellor_a, centre_a, phone="+38164111222")
    second = make_visitor(counsellor_a2, centre_a2, given_name="Other", phone="064111222")
    client = login(coordinator_a)

    client.post(
        reverse("counselling:duplicate_review"),
        {"first": first.pk, "second": second.pk, "action": "distinct"},
    )

    assert duplicate_pairs(user=coordinator_a) == []
    first.refresh_from_db(), second.refresh_from_db()
    assert first.merged_into_id is None
    assert second.merged_into_id is None


def test_the_queue_is_limited_to_the_reviewers_scope(
    counsellor_a, counsellor_b, coordinator_a, programme_manager, centre_a, centre_b, manager_a
):
    make_visitor(counsellor_a, centre_a, family_name="Testović")
    make_visitor(counsellor_b, centre_b, family_name="Testovic")

    assert duplicate_pairs(user=coordinator_a) == []  # one record is in Albania
    assert len(duplicate_pairs(user=programme_manager)) == 1
    assert duplicate_pairs(user=manager_a) == []


def test_a_manager_cannot_merge_a_record_of_another_centre(
    manager_a, counsellor_a, counsellor_a2, centre_a, centre_a2
):
    mine = make_visitor(counsellor_a, centre_a)
    theirs = make_visitor(counsellor_a2, centre_a2)

    with pytest.raises(services.PermissionDenied):
        services.visitor_merge(user=manager_a, keep=mine, remove=theirs)
