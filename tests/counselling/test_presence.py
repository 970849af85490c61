"""Issue 12, point 1: another centre reaches a visitor only with the visitor's proof."""

from django.urls import reverse
from django.utils.timezone import localdate, now

from accounts.models import Role
from counselling import codes, services
from counselling.models import AuditEvent, GroupAttendance, PresenceGrant, Topic, Visitor
from tests.accounts.factories import UserFactory
from tests.counselling.factories import make_visitor


def _proof(centre, **fields):
    return {"centre": centre.pk, "reason": "job counselling", **fields}


def test_it_gives_nothing_for_a_computed_code_of_another_centre(
    login, counsellor_a, centre_a, counsellor_b, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a, family_name="Berisha", phone="+38164123456")
    client = login(counsellor_b)
    # An attacker who knows one code tries its neighbours, with valid check characters.
    number = int(visitor.code.split("-")[2])
    computed = [
        codes.format_code("RS", "NS", n, codes.RANDOM_DIGITS) for n in (number - 1, number + 1)
    ]
    for code in [c for c in computed if c]:
        assert client.get(reverse("counselling:session_create", args=[code])).status_code == 404
    # Even the real code opens nothing without the visitor's proof.
    for name in ("visitor_detail", "visitor_edit", "referral_create", "session_create"):
        response = client.get(reverse(f"counselling:{name}", args=[visitor.code]))
        assert response.status_code in (302, 404)
        assert "Berisha" not in response.text
    consent = reverse("counselling:visitor_consent", args=[visitor.code])
    assert client.post(consent, {"purpose": "contact", "given": "on"}).status_code == 404
    response = client.get(f"/api/v1/visitors/{visitor.code}/")
    assert response.status_code in (401, 403, 404)
    topic = Topic.objects.get(code="study-abroad")
    data = {"centre": centre_b.pk, "date": localdate(), "mode": "in_person", "topics": [topic.pk]}
    client.post(reverse("counselling:session_create", args=[visitor.code]), data)
    assert not visitor.sessions.exists()


def test_it_refuses_a_wrong_proof_and_audits_it(
    login, counsellor_a, centre_a, counsellor_b, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a, family_name="Berisha")
    client = login(counsellor_b)
    url = reverse("counselling:presence_confirm", args=[visitor.code])
    wrong_pin = "000000" if visitor.card_pin != "000000" else "111111"
    response = client.post(url, _proof(centre_b, pin=wrong_pin))
    assert response.status_code == 200
    assert "does not match" in response.text
    response = client.post(url, _proof(centre_b, given_name="Ivana", year_of_birth=1990))
    assert "does not match" in response.text
    failed = AuditEvent.objects.filter(visitor=visitor, action=AuditEvent.Action.NO_PROOF)
    assert failed.count() == 2
    assert failed.first().user == counsellor_b
    assert centre_b.name in failed.first().detail
    assert not Visitor.objects.open_for_session(counsellor_b).filter(pk=visitor.pk).exists()


def test_it_accepts_given_name_and_year_of_birth_for_cards_without_a_pin(
    login, counsellor_a, centre_a, counsellor_b, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a, given_name="Ivana", year_of_birth=1995)
    Visitor.objects.filter(pk=visitor.pk).update(pin_hash="")  # registered before PINs
    client = login(counsellor_b)
    url = reverse("counselling:presence_confirm", args=[visitor.code])
    proof = _proof(centre_b, given_name=" ivana ", year_of_birth=1995)
    response = client.post(url, proof)
    assert response.url == reverse("counselling:session_create", args=[visitor.code])


def test_it_rate_limits_proofs_per_user(login, counsellor_a, centre_a, counsellor_b, centre_b):
    visitor = make_visitor(counsellor_a, centre_a)
    client = login(counsellor_b)
    url = reverse("counselling:presence_confirm", args=[visitor.code])
    wrong_pin = "000000" if visitor.card_pin != "000000" else "111111"
    for _ in range(services.PRESENCE_ATTEMPTS):
        assert client.post(url, _proof(centre_b, pin=wrong_pin)).status_code == 200
    response = client.post(url, _proof(centre_b, pin=visitor.card_pin))
    assert response.status_code == 429, "even the right PIN waits once the limit is reached"
    assert not Visitor.objects.open_for_session(counsellor_b).filter(pk=visitor.pk).exists()


def test_it_rate_limits_look_ups_of_other_centres_codes(
    login, counsellor_a, centre_a, counsellor_b
):
    visitor = make_visitor(counsellor_a, centre_a)
    client = login(counsellor_b)
    search = reverse("counselling:search")
    for number in range(services.CODE_LOOKUPS_PER_HOUR):
        code = codes.format_code("RS", "NS", number, codes.RANDOM_DIGITS) or visitor.code
        client.post(search, {"q": code}, HTTP_HX_REQUEST="true")
    response = client.post(search, {"q": visitor.code}, HTTP_HX_REQUEST="true")
    assert "Too many look-ups" in response.text
    assert visitor.code not in response.text
    response = client.post(search, {"q": visitor.code})
    assert response.status_code == 429
    url = reverse("counselling:presence_confirm", args=[visitor.code])
    assert client.get(url).status_code == 429


def test_it_audits_the_proof_with_its_reason_for_the_registering_manager(
    login, counsellor_a, centre_a, manager_a, counsellor_b, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a)
    client = login(counsellor_b)
    url = reverse("counselling:presence_confirm", args=[visitor.code])
    client.post(url, _proof(centre_b, pin=visitor.card_pin, reason="pre-departure advice"))
    event = AuditEvent.objects.get(visitor=visitor, action=AuditEvent.Action.PRESENCE)
    assert event.user == counsellor_b
    assert "pre-departure advice" in event.detail
    audit = login(manager_a).get(reverse("counselling:visitor_audit", args=[visitor.code]))
    assert "pre-departure advice" in audit.text
    assert centre_b.name in audit.text
    listed = login(manager_a).get(reverse("counselling:presence_list"))
    assert visitor.code in listed.text
    assert "pre-departure advice" in listed.text
    assert login(counsellor_a).get(reverse("counselling:presence_list")).status_code == 403


def test_it_opens_name_consent_and_session_form_only_for_the_visit(
    login, counsellor_a, centre_a, counsellor_b, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a, family_name="Berisha", phone="+38164123456")
    client = login(counsellor_b)
    presence = reverse("counselling:presence_confirm", args=[visitor.code])
    client.post(presence, _proof(centre_b, pin=visitor.card_pin))
    session_url = reverse("counselling:session_create", args=[visitor.code])
    page = client.get(session_url)
    assert "Berisha" in page.text
    assert "38164123456" not in page.text, "the phone is not needed for the session"
    consent = reverse("counselling:visitor_consent", args=[visitor.code])
    assert client.post(consent, {"purpose": "contact", "given": "on"}).status_code == 302
    visitor.refresh_from_db()
    assert visitor.consent_contact
    assert client.get(reverse("counselling:visitor_detail", args=[visitor.code])).status_code == 404
    assert client.get(reverse("counselling:visitor_edit", args=[visitor.code])).status_code == 404
    PresenceGrant.objects.filter(visitor=visitor).update(expires_at=now())  # hours later
    assert client.get(session_url).url == presence, "the next visit needs a new proof"


def test_it_records_attendance_by_another_centres_code_without_opening_the_record(
    login, counsellor_a, centre_a, centre_b
):
    manager_b = UserFactory(role=Role.CENTRE_MANAGER, centres=[centre_b])
    visitor = make_visitor(counsellor_a, centre_a, family_name="Berisha")
    client = login(manager_b)
    data = {
        "centre": centre_b.pk,
        "type": "information",
        "date": localdate(),
        "place": "Tirana",
        "total_participants": 5,
        "attendee_codes": visitor.code,
    }
    response = client.post(reverse("counselling:group_session_create"), data)
    assert response.status_code == 302
    assert GroupAttendance.objects.filter(visitor=visitor).exists()
    assert not Visitor.objects.open_for_session(manager_b).filter(pk=visitor.pk).exists()
    detail = client.get(response.url)
    assert visitor.code in detail.text
    assert "Berisha" not in detail.text


def test_it_shows_the_cards_pin_once_and_keeps_only_its_hash(login, counsellor_a, centre_a):
    client = login(counsellor_a)
    data = {
        "centre": centre_a.pk,
        "consent_service": "on",
        "given_name": "Marija",
        "sex": "F",
        "migration_status": "potential_migrant",
    }
    response = client.post(reverse("counselling:visitor_create"), data, follow=True)
    visitor = Visitor.objects.get()
    text = response.content.decode()
    pin = text.split("PIN for the card: ")[1][:6]
    assert pin.isdigit()
    assert pin not in visitor.pin_hash
    assert visitor.proves_presence(pin=pin)
    again = client.get(reverse("counselling:visitor_detail", args=[visitor.code]))
    assert f"PIN for the card: {pin}" not in again.text
