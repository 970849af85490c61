"""The visitor's registration centre and country copied onto the sessions (session_scope): kept
by every write, so that the session lists of a scope answer as the visitor ↔ centre relation
does."""

from django.utils.timezone import localdate

from counselling import services
from counselling.models import (
    Session,
    Visitor,
    VisitorCentre,
    VisitorMerge,
    registered_in_scope,
)
from tests.counselling.factories import SessionFactory, make_visitor


def copies(*sessions) -> list[tuple[int | None, str]]:
    rows = Session.objects.filter(pk__in=[s.pk for s in sessions]).order_by("pk")
    return list(rows.values_list("visitor_centre_id", "visitor_country"))


def assert_same_as_the_relation(*users):
    """What each user sees through the copy is what the visitor ↔ centre relation answers."""
    for user in users:
        by_relation = Session.objects.live().filter(visitor__in=registered_in_scope(user))
        assert set(Session.objects.visible_to(user)) == set(by_relation), user


def test_it_copies_the_registration_centre_of_a_session_held_elsewhere(
    counsellor_a, counsellor_b, coordinator_a, centre_a, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a)
    here = SessionFactory(visitor=visitor, counsellor=counsellor_a)
    elsewhere = SessionFactory(visitor=visitor, counsellor=counsellor_b, centre=centre_b)

    assert copies(here, elsewhere) == [(centre_a.pk, "RS"), (centre_a.pk, "RS")]
    assert set(Session.objects.visible_to(coordinator_a)) == {here, elsewhere}
    assert not Session.objects.visible_to(counsellor_b).exists()
    assert_same_as_the_relation(counsellor_a, counsellor_b, coordinator_a)


def test_it_copies_sessions_inserted_in_bulk(counsellor_a, counsellor_b, centre_a, centre_b):
    ours, theirs = make_visitor(counsellor_a, centre_a), make_visitor(counsellor_b, centre_b)
    Session.objects.bulk_create(
        Session(visitor=visitor, centre=centre_a, counsellor=counsellor_a, date=localdate())
        for visitor in (ours, theirs)
    )

    assert sorted(Session.objects.values_list("visitor_country", flat=True)) == ["AL", "RS"]
    assert_same_as_the_relation(counsellor_a, counsellor_b)


def test_it_follows_the_sessions_of_a_merge_and_its_undo(
    programme_manager, counsellor_a, counsellor_b, coordinator_a, centre_a, centre_b
):
    keep = make_visitor(counsellor_a, centre_a)
    remove = make_visitor(counsellor_b, centre_b, given_name="Ivanka")
    session = SessionFactory(visitor=remove, counsellor=counsellor_b)

    services.visitor_merge(user=programme_manager, keep=keep, remove=remove)
    assert copies(session) == [(centre_a.pk, "RS")]
    assert list(Session.objects.visible_to(counsellor_a)) == [session]
    assert_same_as_the_relation(counsellor_a, counsellor_b, coordinator_a)

    services.visitor_merge_undo(user=programme_manager, merge=VisitorMerge.objects.get())
    assert copies(session) == [(centre_b.pk, "AL")]
    assert not Session.objects.visible_to(counsellor_a).exists()
    assert_same_as_the_relation(counsellor_a, counsellor_b, coordinator_a)


def test_it_leaves_the_sessions_of_a_merged_away_record_in_no_scope(
    counsellor_a, coordinator_a, centre_a
):
    keep, remove = make_visitor(counsellor_a, centre_a), make_visitor(counsellor_a, centre_a)
    left = SessionFactory(visitor=remove, counsellor=counsellor_a)
    # As a merge made before the merge trigger might have left it (repair_merges moves these).
    Visitor.objects.filter(pk=remove.pk).update(merged_into=keep)

    assert copies(left) == [(None, "")]
    assert not Session.objects.visible_to(counsellor_a).exists()
    assert not Session.objects.visible_to(coordinator_a).exists()
    VisitorCentre.refresh([remove.pk])  # the relation agrees once refreshed
    assert_same_as_the_relation(counsellor_a, coordinator_a)


def test_it_keeps_the_copy_when_an_instance_read_before_is_saved(
    manager_a, counsellor_a, counsellor_b, centre_a, centre_b
):
    keep = make_visitor(counsellor_a, centre_a)
    remove = make_visitor(counsellor_b, centre_b, given_name="Ivanka")
    session = SessionFactory(visitor=remove, counsellor=counsellor_b)
    stale = Session.objects.get(pk=session.pk)
    Session.objects.filter(pk=session.pk).update(visitor=keep)

    stale.visitor = keep
    stale.notes = "Corrected"
    stale.save()

    assert copies(session) == [(centre_a.pk, "RS")]


def test_it_follows_a_centre_that_moves_to_another_country(coordinator_a, counsellor_a, centre_a):
    SessionFactory(visitor=make_visitor(counsellor_a, centre_a), counsellor=counsellor_a)
    centre_a.country = "AL"
    centre_a.save()

    assert list(Session.objects.values_list("visitor_country", flat=True)) == ["AL"]
    assert not Session.objects.visible_to(coordinator_a).exists()
    assert_same_as_the_relation(coordinator_a, counsellor_a)
