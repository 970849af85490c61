"""Issue 12, point 5: every read of personal data is on an append-only audit trail, which a
manager searches within their scope."""

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from counselling import services
from counselling.models import AuditEvent, Visitor
from reports.models import ReportRun
from tests.accounts.factories import PASSWORD, UserFactory
from tests.counselling.factories import (
    GroupSessionFactory,
    ReferralFactory,
    SessionFactory,
    make_visitor,
)
from tests.returns.factories import ExpertProfileFactory
from tests.returns.routes import PDF

AUDIT = reverse("counselling:audit_search")


def test_it_refuses_to_delete_or_change_an_audit_row_in_the_database(counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    event = visitor.audit_events.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail="nothing happened")
    # Not through the ORM either: the database itself refuses.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM counselling_auditevent")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE counselling_auditevent SET action = 'viewed'")
    event.refresh_from_db()
    assert event.action == AuditEvent.Action.CREATED


def test_it_keeps_the_audit_trail_when_a_visitor_is_deleted(counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    with pytest.raises(ProtectedError), transaction.atomic():
        visitor.delete()
    assert Visitor.objects.filter(pk=visitor.pk).exists()
    assert visitor.audit_events.count() == 1


def test_it_audits_lists_and_searches_without_what_was_typed(login, counsellor_a, centre_a):
    make_visitor(counsellor_a, centre_a, family_name="Berisha")
    make_visitor(counsellor_a, centre_a, family_name="Krasniqi")
    client = login(counsellor_a)
    client.get(reverse("counselling:visitor_list"))
    client.post(reverse("counselling:search"), {"q": "Berisha"}, headers={"HX-Request": "true"})
    listed = AuditEvent.objects.get(user=counsellor_a, action=AuditEvent.Action.LISTED)
    assert listed.count == 2
    searched = AuditEvent.objects.get(user=counsellor_a, action=AuditEvent.Action.SEARCHED)
    assert searched.count == 1
    assert not AuditEvent.objects.filter(detail__icontains="Berisha").exists()


def test_it_audits_api_reads_of_sessions_and_referrals(api_client, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    session = SessionFactory(visitor=visitor, counsellor=counsellor_a)
    ReferralFactory(visitor=visitor, created_by=counsellor_a)
    api_client.force_authenticate(counsellor_a)
    assert api_client.get("/api/v1/sessions/").status_code == 200
    assert api_client.get(f"/api/v1/sessions/{session.pk}/").status_code == 200
    assert api_client.get("/api/v1/referrals/").status_code == 200
    reads = AuditEvent.objects.filter(user=counsellor_a, action=AuditEvent.Action.API_READ)
    assert sorted(reads.values_list("count", flat=True), key=str) == [1, 1, None]
    one = reads.get(count=None)
    assert one.visitor == visitor
    assert one.centre == centre_a


def test_it_audits_expert_profiles_and_cvs_read_by_staff_not_by_the_expert(
    login, expert, programme_manager
):
    profile = ExpertProfileFactory(user=expert)
    profile.cv.save("cv.pdf", ContentFile(PDF))
    for user in (expert, programme_manager):
        client = login(user)
        client.get(reverse("returns:expert_cv", args=[profile.pk]))
        client.get(reverse("returns:expert_detail", args=[profile.pk]))
    assert not AuditEvent.objects.filter(user=expert).exists()
    actions = AuditEvent.objects.filter(user=programme_manager).values_list("action", flat=True)
    assert sorted(actions) == [AuditEvent.Action.CV_DOWNLOADED, AuditEvent.Action.EXPERT_VIEWED]


def test_it_audits_access_denials(login, counsellor_a):
    assert login(counsellor_a).get(AUDIT).status_code == 403
    denied = AuditEvent.objects.get(user=counsellor_a, action=AuditEvent.Action.ACCESS_DENIED)
    assert denied.detail == "GET counselling:audit_search"


def test_it_keeps_failed_and_successful_sign_ins(counsellor_a):
    login = reverse("accounts:login")
    client = Client()
    client.post(login, {"username": counsellor_a.email, "password": "not the password"})
    client.post(login, {"username": counsellor_a.email, "password": PASSWORD})
    # The success resets the lockout counter, but the failure stays on record.
    assert AccessFailureLog.objects.filter(username=counsellor_a.email).count() == 1
    assert AccessLog.objects.filter(username=counsellor_a.email).count() == 1


def test_it_shows_a_manager_the_audit_of_their_centre_only(
    login, counsellor_a, manager_a, centre_a, counsellor_b, centre_b
):
    ours = make_visitor(counsellor_a, centre_a)
    theirs = make_visitor(counsellor_b, centre_b)
    services.audit_record(user=counsellor_b, visitor=theirs, action=AuditEvent.Action.VIEWED)
    response = login(manager_a).get(AUDIT)
    assert response.status_code == 200
    assert ours.code in response.text
    assert theirs.code not in response.text
    assert counsellor_b.full_name not in response.text


def test_it_filters_the_audit_by_user_visitor_action_and_date(
    login, counsellor_a, manager_a, centre_a
):
    first = make_visitor(counsellor_a, centre_a)
    second = make_visitor(manager_a, centre_a)
    client = login(manager_a)
    client.get(reverse("counselling:visitor_detail", args=[first.code]))
    by_visitor = client.get(AUDIT, {"visitor": first.code.lower()})
    assert first.code in by_visitor.text
    assert second.code not in by_visitor.text
    by_user = client.get(AUDIT, {"user": counsellor_a.pk})
    assert first.code in by_user.text
    assert second.code not in by_user.text
    by_action = client.get(AUDIT, {"action": "viewed"})
    assert first.code in by_action.text
    assert second.code not in by_action.text
    assert (
        "No audit entries match."
        in client.get(AUDIT, {"start": "2001-01-01", "end": "2001-01-31"}).text
    )


def test_it_shows_a_coordinator_their_country_and_a_programme_manager_the_network(
    login,
    counsellor_a,
    counsellor_a2,
    centre_a,
    centre_a2,
    counsellor_b,
    centre_b,
    coordinator_a,
    programme_manager,
):
    in_serbia = make_visitor(counsellor_a2, centre_a2)
    in_albania = make_visitor(counsellor_b, centre_b)
    country = login(coordinator_a).get(AUDIT).text
    assert in_serbia.code in country
    assert in_albania.code not in country
    network = login(programme_manager).get(AUDIT).text
    assert in_serbia.code in network
    assert in_albania.code in network


def test_it_audits_referral_and_group_pages(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    referral = ReferralFactory(visitor=visitor, created_by=counsellor_a)
    group = GroupSessionFactory(centre=centre_a, created_by=counsellor_a)
    group.attendees.add(visitor)
    client = login(counsellor_a)
    client.get(reverse("counselling:referral_list"))
    client.get(reverse("counselling:referral_detail", args=[referral.pk]))
    client.get(reverse("counselling:group_session_detail", args=[group.pk]))
    events = AuditEvent.objects.filter(user=counsellor_a).exclude(action="created")
    assert sorted(events.values_list("action", "count", "detail")) == sorted(
        [
            ("listed", 1, "referrals"),
            ("viewed", None, f"referral {referral.pk}"),
            ("listed", 1, f"group session {group.pk}"),
        ]
    )


def test_it_audits_report_and_research_downloads(login, api_client, programme_manager):
    runs = []
    for exporter in ("indicators", "research_sessions"):
        run = ReportRun.objects.create(
            exporter=exporter,
            output_format="csv",
            requested_by=programme_manager,
            status=ReportRun.Status.DONE,
            fingerprint=exporter,
        )
        run.file.save(f"{exporter}.csv", ContentFile(b"figures"))
        runs.append(run)
        assert (
            login(programme_manager).get(reverse("reports:run_download", args=[run.pk])).status_code
            == 200
        )
    api_client.force_authenticate(programme_manager)
    assert api_client.get(reverse("api:reportrun-download", args=[runs[0].pk])).status_code == 200
    actions = AuditEvent.objects.filter(user=programme_manager).values_list("action", flat=True)
    assert sorted(actions) == ["report_downloaded", "report_downloaded", "research_export"]


def test_it_keeps_the_audit_when_an_expert_on_it_deletes_their_account(login, expert):
    ExpertProfileFactory(user=expert)
    client = login(expert)
    assert client.get(AUDIT).status_code == 403  # the expert is now on the audit trail
    response = client.post(reverse("returns:expert_delete"), {"confirm": "on"}, follow=True)
    assert "Your account and personal data are deleted." in response.text
    denied = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DENIED)
    assert denied.user_id == expert.pk
    expert.refresh_from_db()
    assert expert.email != "expert@example.org"
    assert expert.full_name == ""
    assert not expert.is_active
    assert not expert.has_usable_password()


def test_it_shows_a_manager_no_colleague_entries_about_another_centre(
    login, manager_a, centre_a, centre_b, counsellor_b
):
    both = UserFactory(role="counsellor", centres=[centre_a, centre_b])
    elsewhere = make_visitor(counsellor_b, centre_b)
    services.audit_record(user=both, visitor=elsewhere, action=AuditEvent.Action.VIEWED)
    services.audit_record(user=both, action=AuditEvent.Action.EXPERT_VIEWED, detail="expert 7")
    page = login(manager_a).get(AUDIT).text
    assert elsewhere.code not in page
    assert "expert 7" in page
