from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.timezone import localdate, now

from counselling import selectors
from counselling.models import AuditEvent, GroupSession, Referral, Session, Topic, Visitor
from tests.counselling.factories import ReferralFactory, SessionFactory, make_visitor

REGISTER = {
    "centre": "",
    "consent_service": "on",
    "given_name": "Marija",
    "family_name": "Stojanović",
    "phone": "+381 63 555 0101",
    "sex": "F",
    "year_of_birth": "1990",
    "migration_status": "potential_migrant",
    "destinations": ["DE", "AT"],
    "languages": ["sr", "de"],
}


def _register(client, centre, **changes):
    data = {**REGISTER, "centre": centre.pk, **changes}
    return client.post(reverse("counselling:visitor_create"), data)


def test_it_registers_a_visitor_and_opens_their_page(login, counsellor_a, centre_a):
    response = _register(login(counsellor_a), centre_a)
    visitor = Visitor.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("counselling:visitor_detail", args=[visitor.code])
    assert visitor.given_name == "Marija"
    assert {str(c) for c in visitor.destinations} == {"DE", "AT"}
    assert visitor.audit_events.get().action == AuditEvent.Action.CREATED


def test_it_warns_of_a_duplicate_before_saving(login, counsellor_a, centre_a):
    existing = make_visitor(
        counsellor_a, centre_a, given_name="Marija", family_name="Stojanović", year_of_birth=1990
    )
    client = login(counsellor_a)
    response = _register(client, centre_a, phone="")
    assert response.status_code == 200
    assert "This person may already be registered" in response.text
    assert reverse("counselling:visitor_detail", args=[existing.code]) in response.text
    assert Visitor.objects.count() == 1
    response = _register(client, centre_a, phone="", confirm_new="on")
    assert response.status_code == 302
    assert Visitor.objects.count() == 2


def test_it_refuses_a_name_without_service_consent(login, counsellor_a, centre_a):
    client = login(counsellor_a)
    response = _register(client, centre_a, consent_service="")
    assert response.status_code == 200
    assert "recorded anonymously" in response.text
    assert not Visitor.objects.exists()
    response = _register(
        client, centre_a, consent_service="", given_name="", family_name="", phone=""
    )
    visitor = Visitor.objects.get()
    assert visitor.is_anonymous
    assert visitor.given_name == ""
    page = client.get(reverse("counselling:visitor_detail", args=[visitor.code]))
    assert "Anonymous visitor" in page.text


def test_it_searches_by_post_without_names_in_the_url(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a, family_name="Berisha")
    other = make_visitor(counsellor_a, centre_a, given_name="Luan", family_name="Berisha")
    client = login(counsellor_a)
    assert client.get(reverse("counselling:search"), {"q": "Berisha"}).status_code == 405
    response = client.post(reverse("counselling:search"), {"q": "berisha"}, HTTP_HX_REQUEST="true")
    assert visitor.code in response.text
    assert other.code in response.text
    response = client.post(reverse("counselling:search"), {"q": visitor.code.lower()})
    assert response.url == reverse("counselling:visitor_detail", args=[visitor.code])


def test_it_tells_a_mistyped_code_apart(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    typo = visitor.code[:-1] + ("A" if visitor.code[-1] != "A" else "B")
    response = login(counsellor_a).post(reverse("counselling:search"), {"q": typo})
    assert response.context["mistyped_code"]
    assert "last character does not match" in response.text


def test_it_hides_other_centres_visitors_from_pages(login, counsellor_a, centre_a, counsellor_b):
    visitor = make_visitor(counsellor_a, centre_a, family_name="Berisha")
    client = login(counsellor_b)
    assert client.get(reverse("counselling:visitor_detail", args=[visitor.code])).status_code == 404
    assert visitor.code not in client.get(reverse("counselling:visitor_list")).text
    response = client.post(reverse("counselling:search"), {"q": "Berisha"}, HTTP_HX_REQUEST="true")
    assert visitor.code not in response.text


def test_it_lets_another_centre_log_a_session_by_exact_code_and_proof(
    login, counsellor_a, centre_a, counsellor_b, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a, family_name="Berisha")
    client = login(counsellor_b)
    response = client.post(
        reverse("counselling:search"), {"q": visitor.code}, HTTP_HX_REQUEST="true"
    )
    assert reverse("counselling:session_create", args=[visitor.code]) in response.text
    assert "Berisha" not in response.text, "no name before the centre has access"
    url = reverse("counselling:session_create", args=[visitor.code])
    presence = reverse("counselling:presence_confirm", args=[visitor.code])
    assert client.get(url).url == presence
    response = client.get(presence)
    assert "Berisha" not in response.text
    proof = {"centre": centre_b.pk, "pin": visitor.card_pin, "reason": "job counselling"}
    assert client.post(presence, proof).url == url
    response = client.get(url)
    assert "Berisha" in response.text, "the name is there to confirm with the visitor"
    topic = Topic.objects.get(code="study-abroad")
    data = {"centre": centre_b.pk, "date": localdate(), "mode": "in_person", "topics": [topic.pk]}
    response = client.post(url, data)
    assert response.status_code == 302
    assert client.get(reverse("counselling:visitor_detail", args=[visitor.code])).status_code == 404


def test_it_sends_a_full_code_search_to_the_session_form_of_another_centre(
    login, counsellor_a, centre_a, counsellor_b, coordinator_a, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a)
    albanian = make_visitor(counsellor_b, centre_b)
    response = login(counsellor_b).post(reverse("counselling:search"), {"q": visitor.code})
    assert response.url == reverse("counselling:session_create", args=[visitor.code])
    client = login(coordinator_a)
    response = client.post(reverse("counselling:search"), {"q": albanian.code})
    assert response.status_code == 200
    assert albanian.code not in response.text, "coordinators find no visitor outside their country"
    url = reverse("counselling:session_create", args=[albanian.code])
    assert client.get(url).status_code == 404


def test_it_goes_from_a_code_on_the_desk_to_the_session_form(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    client = login(counsellor_a)
    assert "Log a session for visitor code" in client.get(reverse("home")).text
    data = {"q": visitor.code, "then": "session"}
    response = client.post(reverse("counselling:search"), data)
    assert response.url == reverse("counselling:session_create", args=[visitor.code])


def test_it_shows_programme_managers_no_visitor(login, counsellor_a, centre_a, programme_manager):
    visitor = make_visitor(counsellor_a, centre_a)
    client = login(programme_manager)
    assert client.get(reverse("counselling:visitor_list")).status_code == 403
    assert client.get(reverse("counselling:visitor_detail", args=[visitor.code])).status_code == 403


def test_it_shows_coordinators_every_centre_of_their_country(
    login, counsellor_a, centre_a, counsellor_a2, centre_a2, counsellor_b, centre_b, coordinator_a
):
    in_a = make_visitor(counsellor_a, centre_a)
    in_a2 = make_visitor(counsellor_a2, centre_a2, given_name="Goran")
    in_b = make_visitor(counsellor_b, centre_b, given_name="Besa")
    text = login(coordinator_a).get(reverse("counselling:visitor_list")).text
    assert in_a.code in text
    assert in_a2.code in text
    assert in_b.code not in text


def test_it_logs_a_session_with_defaults_in_a_few_keys(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    client = login(counsellor_a)
    url = reverse("counselling:session_create", args=[visitor.code])
    form = client.get(url).context["form"]
    assert form["date"].value() == localdate()
    assert form["centre"].value() == centre_a.pk
    topic = Topic.objects.get(code="legal-channels")
    response = client.post(
        url,
        {
            "centre": centre_a.pk,
            "date": localdate(),
            "mode": "phone",
            "topics": [topic.pk],
            "services": ["information", "referral"],
            "destinations": ["DE"],
            "notes": "Asked about seasonal work",
            "follow_up_date": localdate() + timedelta(days=7),
        },
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.counsellor == counsellor_a
    assert session.services == ["information", "referral"]
    assert "Asked about seasonal work" in client.get(response.url).text


def test_it_keeps_notes_for_the_writing_centres_staff(
    login, counsellor_a, centre_a, counsellor_b, centre_b, coordinator_a
):
    visitor = make_visitor(counsellor_a, centre_a)
    SessionFactory(visitor=visitor, counsellor=counsellor_a, notes="Private note A")
    SessionFactory(visitor=visitor, centre=centre_b, counsellor=counsellor_b, notes="Note of B")
    url = reverse("counselling:visitor_detail", args=[visitor.code])
    text_a = login(counsellor_a).get(url).text
    assert "Private note A" in text_a
    assert "Note of B" not in text_a
    assert "Private note A" not in login(coordinator_a).get(url).text


def test_it_rejects_a_group_session_with_too_many_attendees(login, counsellor_a, centre_a):
    visitors = [make_visitor(counsellor_a, centre_a, given_name=f"P{i}") for i in range(3)]
    client = login(counsellor_a)
    data = {
        "centre": centre_a.pk,
        "type": "information",
        "date": localdate(),
        "place": "Gimnazija Novi Sad",
        "total_participants": 2,
        "attendee_codes": "\n".join(v.code for v in visitors),
        "count_F_18_24": "-3",
    }
    response = client.post(reverse("counselling:group_session_create"), data)
    assert response.status_code == 200
    assert "count_F_18_24" in response.context["form"].errors
    data["count_F_18_24"] = ""
    response = client.post(reverse("counselling:group_session_create"), data)
    assert "attendance list is longer" in response.text
    data.update(total_participants=10, count_F_18_24="4", count_M_15_17="2")
    response = client.post(reverse("counselling:group_session_create"), data)
    group = GroupSession.objects.get()
    assert response.url == reverse("counselling:group_session_detail", args=[group.pk])
    page = client.get(response.url)
    assert page.context["counted"] == 6
    assert len(page.context["attendees"]) == 3


def test_it_takes_another_centres_visitor_into_a_group_session_by_code(
    login, counsellor_a, centre_a, counsellor_b, centre_b
):
    visitor = make_visitor(counsellor_a, centre_a)
    data = {
        "centre": centre_b.pk,
        "type": "job_fair",
        "date": localdate(),
        "place": "Tirana fair",
        "total_participants": 30,
        "attendee_codes": visitor.code.lower(),
    }
    client = login(counsellor_b)
    response = client.post(reverse("counselling:group_session_create"), data)
    assert response.status_code == 302
    assert client.get(reverse("counselling:visitor_detail", args=[visitor.code])).status_code == 404
    response = client.post(
        reverse("counselling:group_session_create"), {**data, "attendee_codes": "RS-NS-9999-0"}
    )
    assert "Unknown visitor codes: RS-NS-9999-0" in response.text


def test_it_lists_open_referrals_oldest_first_and_updates_them(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    today = localdate()
    newer = ReferralFactory(visitor=visitor, created_by=counsellor_a, sent_on=today)
    older = ReferralFactory(
        visitor=visitor, created_by=counsellor_a, sent_on=today - timedelta(days=20)
    )
    ReferralFactory(visitor=visitor, created_by=counsellor_a, status=Referral.Status.DECLINED)
    client = login(counsellor_a)
    listed = list(client.get(reverse("counselling:referral_list")).context["page"])
    assert listed == [older, newer]
    url = reverse("counselling:referral_detail", args=[older.pk])
    client.post(url, {"status": "accepted", "date": today, "note": ""})
    client.post(url, {"status": "service_received", "date": today, "note": "Work permit filed"})
    older.refresh_from_db()
    assert older.status == Referral.Status.SERVICE_RECEIVED
    assert list(older.events.values_list("status", flat=True)) == [
        "accepted",
        "service_received",
    ]
    assert "This referral is closed" in client.get(url).text


def test_it_filters_referrals_by_centre_for_coordinators(
    login, counsellor_a, centre_a, counsellor_a2, centre_a2, coordinator_a
):
    in_a = ReferralFactory(visitor=make_visitor(counsellor_a, centre_a), created_by=counsellor_a)
    in_a2 = ReferralFactory(
        visitor=make_visitor(counsellor_a2, centre_a2), created_by=counsellor_a2
    )
    client = login(coordinator_a)
    assert set(client.get(reverse("counselling:referral_list")).context["page"]) == {in_a, in_a2}
    page = client.get(reverse("counselling:referral_list"), {"centre": centre_a2.pk})
    assert list(page.context["page"]) == [in_a2]


def test_it_lets_managers_merge_and_read_the_audit_trail(login, counsellor_a, manager_a, centre_a):
    keep = make_visitor(counsellor_a, centre_a)
    remove = make_visitor(counsellor_a, centre_a, given_name="Ivanna")
    SessionFactory(visitor=remove, counsellor=counsellor_a)
    client = login(manager_a)
    response = client.post(
        reverse("counselling:visitor_merge"), {"keep": keep.code, "remove": remove.code}
    )
    assert response.url == reverse("counselling:visitor_detail", args=[keep.code])
    assert Session.objects.get().visitor == keep
    old_card = client.get(reverse("counselling:visitor_detail", args=[remove.code]))
    assert old_card.url == reverse("counselling:visitor_detail", args=[keep.code])
    client.get(response.url)
    audit = client.get(reverse("counselling:visitor_audit", args=[keep.code]))
    actions = [event.action for event in audit.context["page"]]
    assert actions[:2] == ["viewed", "merged"]
    assert "created" in actions


def test_it_records_consent_withdrawal_from_the_visitor_page(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    client = login(counsellor_a)
    asked = client.post(
        reverse("counselling:visitor_consent", args=[visitor.code]), {"purpose": "service"}
    )
    confirm = reverse("counselling:consent_withdraw", args=[visitor.code, "service"])
    assert asked.url == confirm, "withdrawing is confirmed on its own page"
    visitor.refresh_from_db()
    assert not visitor.is_anonymous
    page = client.get(confirm)
    assert "Family name" in page.text
    assert "still counted in statistics" in page.text
    assert client.post(confirm, {}).status_code == 200, "the confirmation is required"
    assert client.post(confirm, {"confirm": "on"}).status_code == 302
    visitor.refresh_from_db()
    assert visitor.is_anonymous
    assert visitor.family_name == ""
    text = client.get(reverse("counselling:visitor_detail", args=[visitor.code])).text
    assert "Service (keep a named record) withdrawn" in text


def test_it_shows_follow_ups_referrals_and_sessions_on_the_home_page(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    today = localdate()
    overdue = SessionFactory(
        visitor=visitor,
        counsellor=counsellor_a,
        date=today - timedelta(days=10),
        follow_up_date=today - timedelta(days=3),
    )
    SessionFactory(visitor=visitor, counsellor=counsellor_a, follow_up_date=today)
    ReferralFactory(visitor=visitor, created_by=counsellor_a)
    client = login(counsellor_a)
    context = client.get(reverse("home")).context
    assert context["follow_ups_overdue"] == [overdue]
    assert len(context["follow_ups_today"]) == 1
    assert len(context["open_referrals"]) == 1
    assert len(context["last_sessions"]) == 2
    client.post(reverse("counselling:follow_up_done", args=[overdue.pk]))
    assert client.get(reverse("home")).context["follow_ups_overdue"] == []


def test_it_lists_the_last_sessions_still_in_sight_behind_newer_ones_out_of_it(
    counsellor_a, centre_a, counsellor_b, centre_b
):
    ours = make_visitor(counsellor_a, centre_a)
    theirs = make_visitor(counsellor_b, centre_b)
    logged = now() - timedelta(days=30)
    older = [
        SessionFactory(visitor=ours, counsellor=counsellor_a, created_at=logged + timedelta(n))
        for n in range(3)
    ]
    for n in range(12):  # logged at centre A for centre B's visitor, who is out of A's sight
        SessionFactory(
            visitor=theirs,
            centre=centre_a,
            counsellor=counsellor_a,
            created_at=logged + timedelta(days=10, minutes=n),
        )
    assert selectors.last_sessions(user=counsellor_a, count=2) == [older[2], older[1]]
    assert selectors.last_sessions(user=counsellor_a) == older[::-1]


def _many(counsellor, centre, n):
    for i in range(n):
        visitor = make_visitor(counsellor, centre, given_name=f"Person{i}")
        SessionFactory(visitor=visitor, counsellor=counsellor, follow_up_date=localdate())
        ReferralFactory(visitor=visitor, created_by=counsellor)


@pytest.mark.parametrize("size", [2, 12])
def test_it_needs_few_queries_for_the_visitor_list(
    login, counsellor_a, centre_a, size, django_assert_max_num_queries
):
    _many(counsellor_a, centre_a, size)
    client = login(counsellor_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("counselling:visitor_list"))
    assert len(response.context["page"]) == size


@pytest.mark.parametrize("size", [2, 12])
def test_it_needs_few_queries_for_the_home_page(
    login, counsellor_a, centre_a, size, django_assert_max_num_queries
):
    _many(counsellor_a, centre_a, size)
    client = login(counsellor_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    assert len(response.context["last_sessions"]) == min(size, 10)


@pytest.mark.parametrize("size", [1, 10])
def test_it_needs_few_queries_for_the_visitor_page(
    login, counsellor_a, centre_a, size, django_assert_max_num_queries
):
    visitor = make_visitor(counsellor_a, centre_a)
    for _ in range(size):
        SessionFactory(visitor=visitor, counsellor=counsellor_a)
        ReferralFactory(visitor=visitor, created_by=counsellor_a)
    client = login(counsellor_a)
    # 17: the timeline's corrections, the user's centres (which rows they may correct), and the
    # training interests; probable matches elsewhere.
    with django_assert_max_num_queries(17):
        response = client.get(reverse("counselling:visitor_detail", args=[visitor.code]))
    entries = 2 * size + 2  # sessions, referrals, and the consents given at registration
    assert len(response.context["timeline"]) == min(entries, selectors.TIMELINE_LENGTH)
    assert response.context["timeline_cut"] == (entries > selectors.TIMELINE_LENGTH)


def test_the_visitor_page_shows_the_newest_entries_and_the_rest_on_request(
    login, counsellor_a, centre_a
):
    visitor = make_visitor(counsellor_a, centre_a)
    today = localdate()
    for age in range(25):
        SessionFactory(visitor=visitor, counsellor=counsellor_a, date=today - timedelta(days=age))
    client = login(counsellor_a)
    url = reverse("counselling:visitor_detail", args=[visitor.code])

    page = client.get(url)
    dates = [item["date"] for item in page.context["timeline"]]
    assert len(dates) == selectors.TIMELINE_LENGTH
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == today  # the newest first, the consents of the registration day too
    assert today - timedelta(days=24) not in dates
    assert f"The {selectors.TIMELINE_LENGTH} newest entries are shown." in page.content.decode()
    assert 'href="?timeline=all#timeline"' in page.content.decode()

    whole = client.get(url, {"timeline": "all"})
    assert len(whole.context["timeline"]) == 27
    assert not whole.context["timeline_cut"]
    assert "Show the whole timeline" not in whole.content.decode()
