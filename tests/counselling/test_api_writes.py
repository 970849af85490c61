"""The write API: the pages' services, rules and scope, and idempotency keys on POST."""

from datetime import timedelta

from django.utils.timezone import localdate, now

from counselling import tasks
from counselling.models import (
    AuditEvent,
    GroupSession,
    IdempotencyKey,
    Referral,
    Session,
    Visitor,
)
from tests.centres.factories import PartnerOrganisationFactory
from tests.counselling.factories import ReferralFactory, SessionFactory, make_visitor
from tests.edits import if_match

VISITOR = {
    "sex": "F",
    "year_of_birth": 1990,
    "migration_status": "potential_migrant",
    "consent_service": True,
    "given_name": "Mira",
    "family_name": "Jović",
    "destinations": ["de"],
}


def test_a_post_retried_with_the_same_idempotency_key_creates_one_visitor(
    api_client, counsellor_a, centre_a
):
    api_client.force_authenticate(counsellor_a)
    body = {**VISITOR, "centre": centre_a.pk}
    first = api_client.post("/api/v1/visitors/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    assert first.json()["card_pin"]
    retry = api_client.post("/api/v1/visitors/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["code"] == first.json()["code"]
    assert "card_pin" not in retry.json(), "the PIN is shown once, never kept"
    assert Visitor.objects.count() == 1
    other = api_client.post(
        "/api/v1/visitors/", {**body, "year_of_birth": 1991}, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422
    assert Visitor.objects.count() == 1


def test_the_answers_kept_for_retries_are_purged_once_expired(
    api_client, counsellor_a, centre_a, settings
):
    """A kept answer names the visitor: after IDEMPOTENCY_KEY_HOURS the nightly run deletes it,
    and the same key then registers anew (a new request, not a retry)."""
    api_client.force_authenticate(counsellor_a)
    body = {**VISITOR, "centre": centre_a.pk}
    first = api_client.post("/api/v1/visitors/", body, HTTP_IDEMPOTENCY_KEY="k-old")
    api_client.post(
        "/api/v1/visitors/", {**body, "confirm_new": True}, HTTP_IDEMPOTENCY_KEY="k-new"
    )
    kept = IdempotencyKey.objects.get(key="k-old")
    assert kept.response["given_name"] == "Mira"
    kept.created_at = now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS, minutes=1)
    kept.save(update_fields=["created_at"])

    assert tasks.purge_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["k-new"]
    again = api_client.post(
        "/api/v1/visitors/", {**body, "confirm_new": True}, HTTP_IDEMPOTENCY_KEY="k-old"
    )
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert again.json()["code"] != first.json()["code"]


def test_an_idempotency_key_is_per_user(api_client, counsellor_a, manager_a, centre_a):
    body = {**VISITOR, "consent_service": False, "given_name": "", "family_name": ""}
    body["centre"] = centre_a.pk
    api_client.force_authenticate(counsellor_a)
    assert api_client.post("/api/v1/visitors/", body, HTTP_IDEMPOTENCY_KEY="x").status_code == 201
    api_client.force_authenticate(manager_a)
    body["confirm_new"] = True
    assert api_client.post("/api/v1/visitors/", body, HTTP_IDEMPOTENCY_KEY="x").status_code == 201
    assert Visitor.objects.count() == 2


def test_a_refused_post_keeps_no_key(api_client, counsellor_a, centre_a):
    api_client.force_authenticate(counsellor_a)
    body = {**VISITOR, "consent_service": False, "centre": centre_a.pk}
    refused = api_client.post("/api/v1/visitors/", body, HTTP_IDEMPOTENCY_KEY="k")
    assert refused.status_code == 400
    assert "given_name" in refused.json()
    body.update(given_name="", family_name="")
    assert api_client.post("/api/v1/visitors/", body, HTTP_IDEMPOTENCY_KEY="k").status_code == 201


def test_the_api_warns_of_a_probable_duplicate(api_client, counsellor_a, centre_a):
    known = make_visitor(
        counsellor_a, centre_a, given_name="Mira", family_name="Jović", year_of_birth=1990
    )
    api_client.force_authenticate(counsellor_a)
    response = api_client.post("/api/v1/visitors/", {**VISITOR, "centre": centre_a.pk})
    assert response.status_code == 400
    assert known.code in response.json()["confirm_new"][0]


def test_it_registers_only_at_ones_own_centre_and_updates_only_ones_own_visitors(
    api_client, counsellor_a, centre_a, counsellor_b, centre_b
):
    theirs = make_visitor(counsellor_b, centre_b)
    api_client.force_authenticate(counsellor_a)
    response = api_client.post("/api/v1/visitors/", {**VISITOR, "centre": centre_b.pk})
    assert response.status_code == 400
    assert "centre" in response.json()
    assert (
        api_client.patch(f"/api/v1/visitors/{theirs.code}/", {"municipality": "X"}).status_code
        == 404
    )
    mine = make_visitor(counsellor_a, centre_a)
    url = f"/api/v1/visitors/{mine.code}/"
    response = api_client.patch(url, {"municipality": "Zemun"}, **if_match(api_client, url))
    assert response.status_code == 200, response.content
    mine.refresh_from_db()
    assert mine.municipality == "Zemun"
    assert AuditEvent.objects.filter(visitor=mine, action="changed").exists()


def test_a_stale_visitor_update_is_refused_and_says_what_changed(
    api_client, counsellor_a, centre_a
):
    visitor = make_visitor(counsellor_a, centre_a, phone="+381 64 111 111")
    api_client.force_authenticate(counsellor_a)
    url = f"/api/v1/visitors/{visitor.code}/"
    read_before = if_match(api_client, url)
    assert api_client.patch(url, {"municipality": "Zemun"}).status_code == 428
    colleague = api_client.patch(url, {"phone": "+381 64 222 222"}, **read_before)
    assert colleague.status_code == 200
    stale = api_client.patch(url, {"phone": "+381 64 333 333"}, **read_before)
    assert stale.status_code == 412
    assert [change["field"] for change in stale.json()["changes"]] == ["phone"]
    visitor.refresh_from_db()
    assert visitor.phone == "+38164222222", "nothing is overwritten silently"
    fresh = api_client.patch(url, {"phone": "+381 64 333 333"}, HTTP_IF_MATCH=stale["ETag"])
    assert fresh.status_code == 200


def test_it_logs_a_group_session_with_attendance_and_counts(api_client, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    api_client.force_authenticate(counsellor_a)
    body = {
        "centre": centre_a.pk,
        "type": "information",
        "place": "Library",
        "topics": ["legal-channels"],
        "attendees": [visitor.code],
        "total_participants": 5,
        "counts": [{"sex": "F", "age_band": "18-24", "count": 3}],
    }
    response = api_client.post("/api/v1/group-sessions/", body, HTTP_IDEMPOTENCY_KEY="g")
    assert response.status_code == 201, response.content
    again = api_client.post("/api/v1/group-sessions/", body, HTTP_IDEMPOTENCY_KEY="g")
    assert again.json()["id"] == response.json()["id"]
    group = GroupSession.objects.get()
    assert list(group.attendees.all()) == [visitor]
    assert group.counts.get().count == 3
    too_many = api_client.post("/api/v1/group-sessions/", {**body, "total_participants": 2})
    assert too_many.status_code == 400
    assert GroupSession.objects.count() == 1


def test_it_records_referrals_and_their_follow_up(
    api_client, counsellor_a, centre_a, counsellor_b, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a)
    partner = PartnerOrganisationFactory(country="RS")
    api_client.force_authenticate(counsellor_a)
    body = {
        "visitor": visitor.code,
        "centre": centre_a.pk,
        "partner": partner.pk,
        "service": "legal",
    }
    response = api_client.post("/api/v1/referrals/", body)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    moved = api_client.post(f"/api/v1/referrals/{pk}/transition/", {"status": "accepted"})
    assert moved.status_code == 200, moved.content
    assert Referral.objects.get().status == "accepted"
    wrong = api_client.post(f"/api/v1/referrals/{pk}/transition/", {"status": "sent"})
    assert wrong.status_code == 400
    api_client.force_authenticate(counsellor_b)
    other = api_client.post(f"/api/v1/referrals/{pk}/transition/", {"status": "declined"})
    assert other.status_code == 404
    assert api_client.post("/api/v1/referrals/", {**body, "centre": centre_b.pk}).status_code == 400


def test_it_marks_a_follow_up_done(api_client, counsellor_a, centre_a, counsellor_b):
    visitor = make_visitor(counsellor_a, centre_a)
    session = SessionFactory(visitor=visitor, counsellor=counsellor_a, follow_up_date=localdate())
    api_client.force_authenticate(counsellor_b)
    url = f"/api/v1/sessions/{session.pk}/follow-up-done/"
    assert api_client.post(url).status_code == 404
    api_client.force_authenticate(counsellor_a)
    assert api_client.post(url).status_code == 200
    assert Session.objects.get().follow_up_done


def test_a_visitor_present_with_their_code_is_opened_by_their_proof(
    api_client, counsellor_a, centre_a, counsellor_b, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a, given_name="Ana", year_of_birth=1990)
    api_client.force_authenticate(counsellor_b)
    url = f"/api/v1/visitors/{visitor.code}/presence/"
    wrong = api_client.post(
        url,
        {"centre": centre_b.pk, "reason": "walk-in", "given_name": "Eva", "year_of_birth": 1990},
    )
    assert wrong.status_code == 400
    ok = api_client.post(
        url,
        {"centre": centre_b.pk, "reason": "walk-in", "given_name": "ana", "year_of_birth": 1990},
    )
    assert ok.status_code == 201, ok.content
    session = api_client.post(
        "/api/v1/sessions/",
        {
            "visitor": visitor.code,
            "centre": centre_b.pk,
            "topics": ["legal-channels"],
            "outcome": "informed",
        },
    )
    assert session.status_code == 201, session.content
    assert session.json()["outcome"] == "informed"
    assert AuditEvent.objects.filter(visitor=visitor, action="presence").exists()
    # The proof opens the visit, not the record.
    assert api_client.get(f"/api/v1/visitors/{visitor.code}/").status_code == 404
    assert (
        api_client.post(
            "/api/v1/referrals/",
            {
                "visitor": visitor.code,
                "centre": centre_b.pk,
                "partner": ReferralFactory(visitor=visitor, created_by=counsellor_a).partner.pk,
                "service": "legal",
            },
        ).status_code
        == 400
    )


def test_the_schema_documents_every_write(api_client, counsellor_a):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(public=True)
    paths = schema["paths"]
    for path in (
        "/api/v1/visitors/",
        "/api/v1/group-sessions/",
        "/api/v1/referrals/",
        "/api/v1/sessions/",
        "/api/v1/visitors/{code}/presence/",
        "/api/v1/referrals/{id}/transition/",
    ):
        post = paths[path]["post"]
        assert "Idempotency-Key" in [p["name"] for p in post["parameters"]], path
        assert {"201", "200"} & set(post["responses"]), path
        assert "422" in post["responses"]
    assert "patch" in paths["/api/v1/visitors/{code}/"]
