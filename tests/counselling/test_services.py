import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from counselling import services
from counselling.models import (
    AuditEvent,
    ConsentEvent,
    GroupCount,
    Referral,
    Session,
    Sex,
    Topic,
    Visitor,
)
from tests.counselling.factories import ReferralFactory, SessionFactory, make_visitor


def test_it_keeps_no_name_or_contact_without_service_consent(counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a, consent=False, phone="+381 64 1234567")
    visitor.refresh_from_db()
    assert (visitor.given_name, visitor.family_name, visitor.phone) == ("", "", "")
    assert visitor.is_anonymous
    assert visitor.sex == Sex.FEMALE
    assert visitor.year_of_birth == 1995
    assert not visitor.consent_events.exists()


def test_it_records_consent_events_and_erases_identity_on_withdrawal(counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a, phone="0641234567")
    assert set(visitor.consent_events.values_list("purpose", flat=True)) == {"service", "research"}
    services.consent_record(visitor=visitor, user=counsellor_a, purpose="service", given=False)
    visitor.refresh_from_db()
    assert visitor.given_name == ""
    assert visitor.phone == ""
    event = visitor.consent_events.first()
    assert (event.purpose, event.action, event.recorded_by) == (
        "service",
        ConsentEvent.Action.WITHDRAWN,
        counsellor_a,
    )
    assert visitor.audit_events.filter(action=AuditEvent.Action.CONSENT).exists()


def test_it_refuses_a_name_on_an_anonymous_profile(counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a, consent=False)
    with pytest.raises(ValidationError) as error:
        services.visitor_update(visitor=visitor, user=counsellor_a, given_name="Ana")
    assert "given_name" in error.value.message_dict


def test_it_finds_duplicates_by_name_and_year_or_phone(counsellor_a, centre_a, counsellor_b):
    existing = make_visitor(counsellor_a, centre_a, phone="+381 64 123 4567")
    by_name = services.visitor_duplicates(
        user=counsellor_a, given_name="ivana", family_name="KOVAČEVIĆ", year_of_birth=1995
    )
    by_phone = services.visitor_duplicates(user=counsellor_a, phone="064 123 4567")
    other_year = services.visitor_duplicates(
        user=counsellor_a, given_name="Ivana", family_name="Kovačević", year_of_birth=1990
    )
    elsewhere = services.visitor_duplicates(user=counsellor_b, phone="064 123 4567")
    assert list(by_name) == [existing]
    assert list(by_phone) == [existing]
    assert not other_year.exists()
    assert not elsewhere.exists(), "duplicates are looked for in the user's visible scope"


def test_it_refuses_to_register_at_someone_elses_centre(counsellor_a, centre_b):
    with pytest.raises(PermissionDenied):
        make_visitor(counsellor_a, centre_b)


def test_it_opens_another_centres_visitor_only_for_the_visit_proved(
    counsellor_a, counsellor_b, centre_b
):
    visitor = make_visitor(counsellor_a, counsellor_a.centres.get())
    assert not Visitor.objects.visible_to(counsellor_b).filter(pk=visitor.pk).exists()
    found = services.visitor_find_by_code(user=counsellor_b, raw_code=visitor.code.lower())
    assert found == visitor
    wrong = visitor.code[:-1] + ("0" if visitor.code[-1] != "0" else "1")
    assert services.visitor_find_by_code(user=counsellor_b, raw_code=wrong) is None
    topics = Topic.objects.all()[:1]
    with pytest.raises(PermissionDenied):
        services.session_log(user=counsellor_b, visitor=found, centre=centre_b, topics=topics)
    services.presence_confirm(
        user=counsellor_b,
        visitor=found,
        centre=centre_b,
        reason="job counselling",
        pin=visitor.card_pin,
    )
    services.session_log(user=counsellor_b, visitor=found, centre=centre_b, topics=topics)
    assert Visitor.objects.present_for(counsellor_b).filter(pk=visitor.pk).exists()
    assert not Visitor.objects.visible_to(counsellor_b).filter(pk=visitor.pk).exists(), (
        "a logged session does not open the whole record for ever"
    )


def test_it_validates_group_session_counts(counsellor_a, centre_a):
    visitors = [make_visitor(counsellor_a, centre_a, given_name=f"V{i}") for i in range(3)]
    common = {
        "user": counsellor_a,
        "centre": centre_a,
        "topics": [],
        "facilitators": [counsellor_a],
        "type": "information",
        "place": "School",
    }
    with pytest.raises(ValidationError, match="attendance list is longer"):
        services.group_session_log(attendees=visitors, counts={}, total_participants=2, **common)
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.group_session_log(
            attendees=[], counts={("F", "18-24"): -1}, total_participants=5, **common
        )
    with pytest.raises(ValidationError, match="exceed the total"):
        services.group_session_log(
            attendees=visitors, counts={("F", "18-24"): 3}, total_participants=5, **common
        )
    group = services.group_session_log(
        attendees=visitors,
        counts={("F", "18-24"): 2, ("M", "25-34"): 0},
        total_participants=5,
        **common,
    )
    assert group.attendees.count() == 3
    assert list(GroupCount.objects.values_list("sex", "age_band", "count")) == [("F", "18-24", 2)]


def test_it_moves_referrals_only_along_allowed_transitions(counsellor_a, centre_a):
    referral = ReferralFactory(
        visitor=make_visitor(counsellor_a, centre_a), created_by=counsellor_a
    )
    services.referral_transition(referral=referral, user=counsellor_a, status="accepted")
    services.referral_transition(
        referral=referral, user=counsellor_a, status="service_received", note="Got legal aid"
    )
    with pytest.raises(ValidationError):
        services.referral_transition(referral=referral, user=counsellor_a, status="sent")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SERVICE_RECEIVED
    assert referral.outcome == "Got legal aid"
    assert not Referral.objects.open().exists()


def test_it_merges_two_records_of_one_person(counsellor_a, manager_a, centre_a):
    keep = make_visitor(counsellor_a, centre_a)
    remove = make_visitor(counsellor_a, centre_a, given_name="Ivanna")
    SessionFactory(visitor=remove, counsellor=counsellor_a)
    with pytest.raises(PermissionDenied):
        services.visitor_merge(user=counsellor_a, keep=keep, remove=remove)
    services.visitor_merge(user=manager_a, keep=keep, remove=remove)
    assert Session.objects.get().visitor == keep
    assert list(Visitor.objects.visible_to(manager_a)) == [keep]
    assert keep.audit_events.filter(action="merged", detail=remove.code).exists()


def test_it_records_attendance_without_opening_the_visitor(
    counsellor_a, centre_a, counsellor_a2, centre_a2
):
    visitor = make_visitor(counsellor_a, centre_a)
    assert not Visitor.objects.visible_to(counsellor_a2).filter(pk=visitor.pk).exists()
    services.group_session_log(
        user=counsellor_a2,
        centre=centre_a2,
        topics=[],
        facilitators=[counsellor_a2],
        attendees=[visitor],
        counts={},
        type="information",
        place="Niš library",
        total_participants=1,
    )
    assert visitor.group_sessions.filter(centre=centre_a2).exists()
    assert not Visitor.objects.visible_to(counsellor_a2).filter(pk=visitor.pk).exists()


def test_it_audits_changes_by_field_name_without_values(counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    services.visitor_update(visitor=visitor, user=counsellor_a, phone="+38164000111", sex="F")
    event = visitor.audit_events.get(action=AuditEvent.Action.CHANGED)
    assert event.detail == "phone"
    assert "38164" not in event.detail
