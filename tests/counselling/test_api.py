from datetime import timedelta

import pytest
from django.utils.timezone import localdate

from counselling.models import AuditEvent, Topic
from tests.counselling.factories import (
    GroupSessionFactory,
    ReferralFactory,
    SessionFactory,
    make_visitor,
)


@pytest.fixture
def network(counsellor_a, centre_a, counsellor_a2, centre_a2, counsellor_b, centre_b):
    """One visitor at each centre, each with a session and a referral."""
    visitors = {
        "a": make_visitor(counsellor_a, centre_a),
        "a2": make_visitor(counsellor_a2, centre_a2, given_name="Goran"),
        "b": make_visitor(counsellor_b, centre_b, given_name="Besa"),
    }
    users = {"a": counsellor_a, "a2": counsellor_a2, "b": counsellor_b}
    for key, visitor in visitors.items():
        SessionFactory(visitor=visitor, counsellor=users[key], notes=f"note {key}")
        ReferralFactory(visitor=visitor, created_by=users[key])
        GroupSessionFactory(centre=visitor.centre, created_by=users[key])
    return visitors


def _codes(api_client, user, url):
    api_client.force_authenticate(user)
    response = api_client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("counsellor_a", {"a"}), ("counsellor_b", {"b"}), ("coordinator_a", {"a", "a2"})],
)
def test_it_answers_each_persona_with_their_visitors_only(
    request, api_client, network, persona, expected
):
    user = request.getfixturevalue(persona)
    codes = {v.code: k for k, v in network.items()}
    visitors = _codes(api_client, user, "/api/v1/visitors/")
    sessions = _codes(api_client, user, "/api/v1/sessions/")
    referrals = _codes(api_client, user, "/api/v1/referrals/")
    groups = _codes(api_client, user, "/api/v1/group-sessions/")
    assert {codes[row["code"]] for row in visitors} == expected
    assert {codes[row["visitor"]] for row in sessions} == expected
    assert {codes[row["visitor"]] for row in referrals} == expected
    assert len(groups) == len(expected)


@pytest.mark.parametrize("persona", ["programme_manager", "host", "expert", "administrator"])
def test_it_refuses_roles_without_counselling(request, api_client, network, persona):
    api_client.force_authenticate(request.getfixturevalue(persona))
    for url in ["/api/v1/visitors/", "/api/v1/sessions/", "/api/v1/referrals/"]:
        assert api_client.get(url).status_code == 403


def test_it_hides_notes_from_other_centres_and_coordinators(
    api_client, network, counsellor_a, counsellor_b, centre_b, coordinator_a
):
    SessionFactory(visitor=network["a"], centre=centre_b, counsellor=counsellor_b, notes="B's")
    rows = _codes(api_client, counsellor_a, f"/api/v1/sessions/?visitor={network['a'].code}")
    assert sorted(str(row["notes"]) for row in rows) == ["None", "note a"]
    rows = _codes(api_client, coordinator_a, "/api/v1/sessions/")
    assert {row["notes"] for row in rows} == {None}


def test_it_filters_sessions_by_date_topic_and_counsellor(
    api_client, counsellor_a, manager_a, centre_a
):
    visitor = make_visitor(counsellor_a, centre_a)
    study = Topic.objects.filter(code="study-abroad")
    old = SessionFactory(
        visitor=visitor, counsellor=counsellor_a, date=localdate() - timedelta(days=40)
    )
    recent = SessionFactory(visitor=visitor, counsellor=manager_a, topics=study)
    after = (localdate() - timedelta(days=7)).isoformat()
    assert [
        r["id"] for r in _codes(api_client, manager_a, f"/api/v1/sessions/?date_after={after}")
    ] == [recent.pk]
    by_topic = _codes(api_client, manager_a, "/api/v1/sessions/?topic=study-abroad")
    assert [r["id"] for r in by_topic] == [recent.pk]
    mine = _codes(api_client, manager_a, f"/api/v1/sessions/?counsellor={counsellor_a.pk}")
    assert [r["id"] for r in mine] == [old.pk]


def test_it_filters_referrals_by_status_and_records_exports(api_client, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    ReferralFactory(visitor=visitor, created_by=counsellor_a)
    ReferralFactory(visitor=visitor, created_by=counsellor_a, status="declined")
    declined = _codes(api_client, counsellor_a, "/api/v1/referrals/?status=declined")
    assert [r["status"] for r in declined] == ["declined"]
    _codes(api_client, counsellor_a, "/api/v1/visitors/")
    assert visitor.audit_events.filter(action=AuditEvent.Action.EXPORTED).count() == 1


def test_it_needs_few_queries_for_api_lists(
    api_client, counsellor_a, centre_a, django_assert_max_num_queries
):
    for i in range(15):
        visitor = make_visitor(counsellor_a, centre_a, given_name=f"P{i}")
        SessionFactory(visitor=visitor, counsellor=counsellor_a)
        ReferralFactory(visitor=visitor, created_by=counsellor_a)
    api_client.force_authenticate(counsellor_a)
    for url in ["/api/v1/visitors/", "/api/v1/sessions/", "/api/v1/referrals/"]:
        with django_assert_max_num_queries(10):
            assert len(api_client.get(url).json()["results"]) == 15


def test_it_logs_a_session_through_the_api(api_client, counsellor_a, centre_a, counsellor_b):
    visitor = make_visitor(counsellor_a, centre_a)
    payload = {
        "visitor": visitor.code,
        "centre": centre_a.pk,
        "mode": "phone",
        "topics": ["legal-channels", "recognition"],
        "destinations": ["de"],
        "notes": "Called back",
    }
    api_client.force_authenticate(counsellor_a)
    response = api_client.post("/api/v1/sessions/", payload)
    assert response.status_code == 201, response.content
    assert response.json()["topics"] == ["legal-channels", "recognition"]
    assert visitor.sessions.get().destinations[0].code == "DE"
    future = (localdate() + timedelta(days=3)).isoformat()
    response = api_client.post("/api/v1/sessions/", {**payload, "topics": ["nope"], "date": future})
    assert response.status_code == 400
    assert set(response.json()) == {"topics"}
    response = api_client.post("/api/v1/sessions/", {**payload, "date": future})
    assert response.status_code == 400
    assert "date" in response.json()
    api_client.force_authenticate(counsellor_b)
    response = api_client.post("/api/v1/sessions/", payload)
    assert response.status_code == 400
    assert set(response.json()) == {"visitor", "centre"}
    assert visitor.sessions.count() == 1


def test_it_does_not_open_a_visitor_to_the_centre_that_once_served_them(
    api_client, counsellor_a, centre_a, counsellor_b, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a)
    api_client.force_authenticate(counsellor_b)
    url = f"/api/v1/visitors/{visitor.code}/"
    assert api_client.get(url).status_code == 404
    SessionFactory(visitor=visitor, centre=centre_b, counsellor=counsellor_b)
    assert api_client.get(url).status_code == 404
