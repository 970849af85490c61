"""The visitor ↔ centre relation: kept by every write that links a visitor to a centre, and the
index that answers "which visitors may this user see"."""

import pytest
from django.db import connection
from django.utils.timezone import localdate

from counselling import selectors, services
from counselling.models import GroupSession, Topic, Visitor, VisitorCentre
from tests.counselling.factories import make_visitor


def links(visitor) -> set[tuple[str, bool, bool, bool]]:
    return {
        (link.centre.code, link.registered_here, link.served_here, link.attended_here)
        for link in VisitorCentre.objects.filter(visitor=visitor).select_related("centre")
    }


def log_session(user, visitor, centre):
    return services.session_log(
        user=user,
        visitor=visitor,
        centre=centre,
        topics=Topic.objects.filter(code="legal-channels"),
        date=localdate(),
        mode="in_person",
    )


def test_it_links_a_registered_visitor_to_the_centre(counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    assert links(visitor) == {("NS", True, False, False)}


def test_it_links_the_centre_that_served_a_visitor_after_the_proof_of_presence(
    counsellor_a, counsellor_b, centre_a, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a, year_of_birth=1990)
    services.presence_confirm(
        user=counsellor_b,
        visitor=visitor,
        centre=centre_b,
        reason="visit",
        given_name="Ivana",
        year_of_birth=1990,
    )
    log_session(counsellor_b, visitor, centre_b)

    assert links(visitor) == {("NS", True, False, False), (centre_b.code, False, True, False)}
    # Served is not seen: the serving centre's scope is unchanged once the visit is over.
    visitor.presence_grants.all().delete()
    assert not Visitor.objects.visible_to(counsellor_b).filter(pk=visitor.pk).exists()
    assert Visitor.objects.visible_to(counsellor_a).filter(pk=visitor.pk).exists()


def test_it_links_group_attendance(counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    services.group_session_log(
        user=counsellor_a,
        centre=centre_a,
        topics=[],
        facilitators=[counsellor_a],
        attendees=[visitor],
        counts={},
        type=GroupSession.Type.INFORMATION,
        date=localdate(),
        place="Hall",
        total_participants=3,
    )
    assert links(visitor) == {("NS", True, False, True)}


def test_it_moves_the_links_of_a_merged_record(manager_a, counsellor_a, centre_a, centre_a2):
    keep = make_visitor(counsellor_a, centre_a)
    remove = make_visitor(manager_a, centre_a, given_name="Ivanka")
    log_session(counsellor_a, remove, centre_a)

    services.visitor_merge(user=manager_a, keep=keep, remove=remove)

    assert links(keep) == {("NS", True, True, False)}
    assert links(remove) == set()
    assert list(Visitor.objects.visible_to(manager_a)) == [keep]


def test_it_gives_a_coordinator_the_visitors_of_the_country(
    coordinator_a, counsellor_a, counsellor_b, centre_a, centre_b
):
    ours = make_visitor(counsellor_a, centre_a)
    make_visitor(counsellor_b, centre_b)
    assert list(Visitor.objects.visible_to(coordinator_a)) == [ours]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Tiny test tables are cheapest to scan whole; forbidding scans where an index can
        # answer leaves a sequential scan only where no index could.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("persona", ["counsellor_a", "coordinator_a"])
def test_it_answers_the_visitor_list_from_the_index(request, persona, counsellor_a, centre_a):
    user = request.getfixturevalue(persona)
    log_session(counsellor_a, make_visitor(counsellor_a, centre_a), centre_a)

    plan = _plan(selectors.visitor_list(user=user)[:50])

    assert "Seq Scan on counselling_session" not in plan
    assert "Seq Scan on counselling_visitor" not in plan
    assert "visitor_active_by_" in plan


def test_it_counts_the_session_list_without_distinct(counsellor_a, centre_a):
    from counselling.api.views import SessionViewSet

    view = SessionViewSet()
    view.request = type("Request", (), {"user": counsellor_a})()
    sql = str(view.get_queryset().query)
    assert "DISTINCT" not in sql.upper()
    assert "Seq Scan on counselling_session" not in _plan(view.get_queryset()[:100])


def _sessions_elsewhere(session, count: int) -> None:
    """Copies of a session in a scope of no test user, and fresh statistics: with a handful of
    rows every index of the table costs the same to the planner, which then takes any. The
    copies skip the triggers (they would put them back in the visitor's scope)."""
    columns = [
        field.column
        for field in type(session)._meta.concrete_fields
        if field.column not in {"id", "visitor_centre_id", "visitor_country", "legacy_row"}
    ]
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"INSERT INTO counselling_session ({names}, visitor_centre_id, visitor_country, "
            f"legacy_row) SELECT {names}, -1, 'ZZ', 'copy ' || n::text "
            "FROM counselling_session, generate_series(1, %s) AS n WHERE id = %s",
            [count, session.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        cursor.execute("ANALYZE counselling_session")


@pytest.mark.parametrize("persona", ["counsellor_a", "coordinator_a"])
def test_it_walks_the_session_list_of_a_scope_down_its_index(
    request, persona, counsellor_a, centre_a
):
    from counselling.api.views import SessionViewSet

    user = request.getfixturevalue(persona)
    session = log_session(counsellor_a, make_visitor(counsellor_a, centre_a), centre_a)
    _sessions_elsewhere(session, 2000)
    view = SessionViewSet()
    view.request = type("Request", (), {"user": user})()

    page = _plan(view.get_queryset()[:100])
    count = _plan(view.get_queryset().order_by().values("pk"))

    # Either index of the copied scope (session_scope): the tables are too small to price them.
    assert "session_live_by_" in page
    assert "session_live_by_" in count
    assert "Sort" not in page  # the index holds the order: no sort of the whole scope
    assert "counselling_visitorcentre" not in page  # the visitors of the page only: joined
    assert "counselling_visitor" not in count


def test_it_follows_a_centre_that_moves_to_another_country(coordinator_a, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    centre_a.country = "AL"
    centre_a.save()
    assert not Visitor.objects.visible_to(coordinator_a).filter(pk=visitor.pk).exists()
