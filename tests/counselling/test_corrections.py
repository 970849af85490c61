"""Corrections: edit and soft delete of sessions, group sessions and referrals, with history."""

import datetime

from django.urls import reverse
from django.utils.timezone import localdate, now

from counselling.models import AuditEvent, GroupSession, Referral, Session, Topic
from reports.indicators import ReportQuery, registry
from tests.counselling.factories import (
    GroupSessionFactory,
    ReferralFactory,
    SessionFactory,
    make_visitor,
)
from tests.edits import edit_version


def _session(counsellor, centre, **fields):
    visitor = make_visitor(counsellor, centre)
    return SessionFactory(visitor=visitor, counsellor=counsellor, **fields)


def _edit_data(session, **changes):
    data = {
        "date": session.date.isoformat(),
        "mode": session.mode,
        "duration_minutes": session.duration_minutes or "",
        "topics": [t.pk for t in session.topics.all()],
        "outcome": session.outcome,
        "notes": session.notes,
    }
    data.update(changes)
    return data


def test_an_edited_session_shows_its_history(login, counsellor_a, centre_a):
    session = _session(counsellor_a, centre_a)
    client = login(counsellor_a)
    url = reverse("counselling:session_edit", args=[session.pk])
    assert client.get(url).status_code == 200
    data = _edit_data(session, duration_minutes=45, outcome="plans_legal")
    response = client.post(url, {**data, **edit_version(client, url)})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.duration_minutes, session.outcome) == (45, "plans_legal")
    event = AuditEvent.objects.get(action=AuditEvent.Action.CORRECTED)
    assert event.visitor == session.visitor
    assert "duration_minutes" in event.detail
    assert "outcome" in event.detail
    page = client.get(reverse("counselling:visitor_detail", args=[session.visitor.code]))
    assert "Corrected" in page.text
    assert "Session: duration (minutes), outcome" in page.text
    assert "Plans to migrate legally" in page.text


def test_the_timeline_shows_topics_destinations_services_and_outcome(login, counsellor_a, centre_a):
    session = _session(
        counsellor_a, centre_a, destinations=["DE"], services=["cv_help"], outcome="stays"
    )
    page = login(counsellor_a).get(
        reverse("counselling:visitor_detail", args=[session.visitor.code])
    )
    for text in ("Germany", "CV or application help", "Decided to stay", "Legal labour"):
        assert text in page.text


def test_a_deleted_session_leaves_lists_statistics_and_reports(
    login, counsellor_a, manager_a, centre_a
):
    kept = _session(counsellor_a, centre_a)
    gone = _session(counsellor_a, centre_a)
    client = login(counsellor_a)
    url = reverse("counselling:session_delete", args=[gone.pk])
    assert client.post(url, {"reason": ""}).status_code == 200  # the reason is required
    assert client.post(url, {"reason": "logged twice"}).status_code == 302
    gone.refresh_from_db()
    assert gone.is_deleted
    assert gone.delete_reason == "logged twice"
    query = ReportQuery(start=localdate() - datetime.timedelta(days=1), end=localdate())
    assert registry["individual_sessions"].total(query) == 1
    stats = login(manager_a).get(
        reverse("counselling:statistics"),
        {"start": query.start.isoformat(), "end": query.end.isoformat()},
    )
    assert stats.context["totals"]["sessions"] == 1
    page = login(counsellor_a).get(reverse("counselling:visitor_detail", args=[gone.visitor.code]))
    assert "logged twice" in page.text
    assert [i["object"] for i in page.context["timeline"] if i["kind"] == "session"] == []
    assert Session.objects.visible_to(counsellor_a).get() == kept
    assert client.get(reverse("counselling:session_edit", args=[gone.pk])).status_code == 404


def test_counsellors_correct_only_within_the_window_managers_any_time(
    login, counsellor_a, manager_a, centre_a, settings
):
    settings.SESSION_EDIT_WINDOW_DAYS = 14
    old = _session(counsellor_a, centre_a)
    Session.objects.filter(pk=old.pk).update(created_at=now() - datetime.timedelta(days=30))
    url = reverse("counselling:session_edit", args=[old.pk])
    assert login(counsellor_a).get(url).status_code == 403
    delete = reverse("counselling:session_delete", args=[old.pk])
    assert login(counsellor_a).post(delete, {"reason": "x"}).status_code == 403
    assert login(manager_a).get(url).status_code == 200
    assert login(manager_a).post(delete, {"reason": "wrong visitor"}).status_code == 302


def test_another_centre_cannot_correct(login, counsellor_a, centre_a, counsellor_b, centre_b):
    session = _session(counsellor_a, centre_a)
    referral = ReferralFactory(visitor=session.visitor, created_by=counsellor_a)
    group = GroupSessionFactory(centre=centre_a, created_by=counsellor_a)
    client = login(counsellor_b)
    for name, pk in (
        ("session_edit", session.pk),
        ("session_delete", session.pk),
        ("referral_edit", referral.pk),
        ("referral_delete", referral.pk),
        ("group_session_edit", group.pk),
        ("group_session_delete", group.pk),
    ):
        url = reverse(f"counselling:{name}", args=[pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"reason": "x"}).status_code == 404, name
    assert not Session.objects.filter(deleted_at__isnull=False).exists()


def test_a_referral_is_corrected_and_deleted(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    referral = ReferralFactory(visitor=visitor, created_by=counsellor_a)
    client = login(counsellor_a)
    url = reverse("counselling:referral_edit", args=[referral.pk])
    response = client.post(
        url,
        {
            "partner": referral.partner.pk,
            "service": "training",
            "sent_on": referral.sent_on.isoformat(),
            "outcome": "",
            **edit_version(client, url),
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get().service == "training"
    client.post(
        reverse("counselling:referral_delete", args=[referral.pk]), {"reason": "wrong partner"}
    )
    assert not Referral.objects.visible_to(counsellor_a).exists()
    assert not client.get(reverse("counselling:referral_list")).context["page"].object_list


def test_a_group_session_is_corrected_and_deleted(login, counsellor_a, centre_a):
    group = GroupSessionFactory(centre=centre_a, created_by=counsellor_a)
    group.topics.set(Topic.objects.filter(code="legal-channels"))
    visitor = make_visitor(counsellor_a, centre_a)
    client = login(counsellor_a)
    url = reverse("counselling:group_session_edit", args=[group.pk])
    response = client.post(
        url,
        {
            **edit_version(client, url),
            "type": group.type,
            "date": group.date.isoformat(),
            "place": "Library",
            "topics": [t.pk for t in group.topics.all()],
            "facilitators": [counsellor_a.pk],
            "total_participants": 12,
            "attendee_codes": visitor.code,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    group.refresh_from_db()
    assert (group.place, group.total_participants) == ("Library", 12)
    assert list(group.attendees.all()) == [visitor]
    assert AuditEvent.objects.filter(action="corrected", visitor=visitor).exists()
    client.post(
        reverse("counselling:group_session_delete", args=[group.pk]), {"reason": "cancelled"}
    )
    assert not GroupSession.objects.visible_to(counsellor_a).exists()
    assert registry["group_sessions"].total(ReportQuery(start=group.date, end=group.date)) == 0


def test_the_outcome_is_counted_by_the_report_indicator(counsellor_a, centre_a):
    _session(counsellor_a, centre_a, outcome="plans_legal")
    _session(counsellor_a, centre_a, outcome="plans_legal")
    _session(counsellor_a, centre_a, outcome="stays")
    _session(counsellor_a, centre_a)
    query = ReportQuery(start=localdate(), end=localdate())
    rows = registry["session_outcomes"].rows(query, ("outcome",))
    assert {row["outcome"]: row["value"] for row in rows} == {"plans_legal": 2, "stays": 1}


def test_a_stale_correction_is_refused_and_shows_what_changed(
    login, counsellor_a, manager_a, centre_a
):
    session = _session(counsellor_a, centre_a)
    url = reverse("counselling:session_edit", args=[session.pk])
    mine = login(counsellor_a)
    opened = edit_version(mine, url)  # the counsellor opened the form first
    theirs = login(manager_a)
    data = _edit_data(session, duration_minutes=50)
    assert theirs.post(url, {**data, **edit_version(theirs, url)}).status_code == 302
    response = mine.post(url, {**_edit_data(session, duration_minutes=20), **opened})
    assert response.status_code == 200
    assert "Someone else saved this record" in response.text
    session.refresh_from_db()
    assert session.duration_minutes == 50, "the manager's correction stays"
