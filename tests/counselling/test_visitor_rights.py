"""Issue 12, point 6: a manager exports everything held about a visitor (GDPR Article 15/20)
and erases it on request (Article 17), with statistics kept."""

import json

from django.urls import reverse

from counselling.models import AuditEvent, Session, Visitor
from tests.counselling.factories import ReferralFactory, SessionFactory, make_visitor


def test_it_exports_the_visitors_data_as_json_and_audits_it(
    login, manager_a, counsellor_a, centre_a
):
    visitor = make_visitor(counsellor_a, centre_a, phone="+38164555666")
    SessionFactory(visitor=visitor, counsellor=counsellor_a, notes="Asked about Austria.")
    ReferralFactory(visitor=visitor, created_by=counsellor_a, outcome="Waiting.")

    response = login(manager_a).get(reverse("counselling:visitor_export", args=[visitor.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert f'filename="{visitor.code}.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["given_name"] == "Ivana"
    assert data["profile"]["phone"] == "+38164555666"
    assert "pin_hash" not in data["profile"]
    assert {event["purpose"] for event in data["consent_history"]} >= {"service", "research"}
    assert data["sessions"][0]["notes"] == "Asked about Austria."
    assert data["referrals"][0]["outcome"] == "Waiting."
    assert data["group_attendance"] == []
    assert any(access["action"] == "created" for access in data["accesses"])
    exported = visitor.audit_events.filter(action=AuditEvent.Action.EXPORTED, user=manager_a)
    assert exported.count() == 1


def test_it_leaves_out_notes_written_at_another_centre_and_names_that_centre(
    login, manager_a, counsellor_a, centre_a, counsellor_b, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a)
    SessionFactory(visitor=visitor, counsellor=counsellor_a, notes="Asked about Austria.")
    SessionFactory(
        visitor=visitor, centre=centre_b, counsellor=counsellor_b, notes="Family in Tirana."
    )

    response = login(manager_a).get(reverse("counselling:visitor_export", args=[visitor.code]))

    assert "Family in Tirana" not in response.content.decode()
    data = json.loads(response.content)
    notes = {session["centre"]: session["notes"] for session in data["sessions"]}
    assert notes == {centre_a.name: "Asked about Austria.", centre_b.name: None}
    assert data["notes_held_elsewhere"] == [centre_b.name]


def test_it_refuses_the_export_to_a_counsellor(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    response = login(counsellor_a).get(reverse("counselling:visitor_export", args=[visitor.code]))
    assert response.status_code == 403
    assert not visitor.audit_events.filter(action=AuditEvent.Action.EXPORTED).exists()


def test_it_erases_names_on_request_and_keeps_the_counts(login, manager_a, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a, email="ivana@example.org")
    SessionFactory(visitor=visitor, counsellor=counsellor_a, notes="Lives with her sister.")
    client = login(manager_a)
    url = reverse("counselling:visitor_erase", args=[visitor.code])

    unconfirmed = client.post(url, {"reason": "Request by letter of 3 May"})
    assert unconfirmed.status_code == 200
    assert Visitor.objects.get(pk=visitor.pk).given_name == "Ivana"

    response = client.post(url, {"reason": "Request by letter of 3 May", "confirm": "on"})

    assert response.status_code == 302
    visitor.refresh_from_db()
    assert (visitor.given_name, visitor.family_name, visitor.email) == ("", "", "")
    assert visitor.anonymised_at is not None
    assert (visitor.sex, visitor.year_of_birth) == ("F", 1995)
    assert Visitor.objects.filter(centre=centre_a).count() == 1
    assert Session.objects.filter(visitor=visitor).count() == 1
    assert Session.objects.get(visitor=visitor).notes == ""
    erased = visitor.audit_events.get(action=AuditEvent.Action.ERASED)
    assert erased.user == manager_a
    assert erased.detail == "Request by letter of 3 May"
    page = client.get(response["Location"])
    assert "Ivana" not in page.content.decode()


def test_it_answers_404_for_another_centres_visitor(login, coordinator_a, counsellor_b, centre_b):
    visitor = make_visitor(counsellor_b, centre_b)
    client = login(coordinator_a)
    assert client.get(reverse("counselling:visitor_export", args=[visitor.code])).status_code == 404
    erase = client.post(
        reverse("counselling:visitor_erase", args=[visitor.code]),
        {"reason": "x", "confirm": "on"},
    )
    assert erase.status_code == 404
    assert Visitor.objects.get(pk=visitor.pk).given_name == "Ivana"
