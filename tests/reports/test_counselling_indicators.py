"""Counselling indicators on a small data set counted by hand.

Q1 2026, two centres in Serbia (A: Novi Sad, A2: Niš) and one in Albania (B: Tirana):
- Ana (F, born 1990, returnee, wants DE and AT for work): 2 sessions at A, 1 at A2
- Besa (F, born 2010, potential migrant, wants IT for study): 1 session at B
- Čedo (M, born 1960, returnee): 1 session at A, 1 in April (outside the quarter)
- referrals: Ana → sent at A (service received in March); Besa → sent at B (still open)
- group sessions: pre-departure at A (12 people), information at B (30 people)
"""

import datetime

import pytest
from django.db import connection

from counselling.indicators import _sessions, _with_service
from counselling.models import GroupSession, MigrationStatus, Referral, Sex, age_band
from reports.indicators import ReportQuery, registry
from tests.counselling.factories import (
    GroupSessionFactory,
    ReferralFactory,
    SessionFactory,
    make_visitor,
)

Q1 = ReportQuery(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))


def day(month, number):
    return datetime.date(2026, month, number)


@pytest.fixture
def hand_counted(counsellor_a, counsellor_a2, counsellor_b, centre_a, centre_a2, centre_b):
    ana = make_visitor(
        counsellor_a,
        centre_a,
        sex=Sex.FEMALE,
        year_of_birth=1990,
        migration_status=MigrationStatus.RETURNEE,
        destinations=["DE", "AT"],
        intention_purpose="work",
    )
    besa = make_visitor(
        counsellor_b,
        centre_b,
        given_name="Besa",
        sex=Sex.FEMALE,
        year_of_birth=2010,
        destinations=["IT"],
        intention_purpose="study",
    )
    cedo = make_visitor(
        counsellor_a,
        centre_a,
        given_name="Čedo",
        sex=Sex.MALE,
        year_of_birth=1960,
        migration_status=MigrationStatus.RETURNEE,
    )
    for date in [day(1, 10), day(2, 3)]:
        SessionFactory(visitor=ana, centre=centre_a, counsellor=counsellor_a, date=date)
    SessionFactory(
        visitor=ana,
        centre=centre_a2,
        counsellor=counsellor_a2,
        date=day(3, 1),
        services=["pre_departure"],
    )
    SessionFactory(visitor=besa, centre=centre_b, counsellor=counsellor_b, date=day(2, 14))
    SessionFactory(visitor=cedo, centre=centre_a, counsellor=counsellor_a, date=day(3, 30))
    SessionFactory(visitor=cedo, centre=centre_a, counsellor=counsellor_a, date=day(4, 2))
    ReferralFactory(
        visitor=ana,
        created_by=counsellor_a,
        sent_on=day(1, 10),
        status=Referral.Status.SERVICE_RECEIVED,
        status_changed_on=day(3, 5),
    )
    ReferralFactory(visitor=besa, created_by=counsellor_b, sent_on=day(2, 14))
    GroupSessionFactory(
        centre=centre_a,
        created_by=counsellor_a,
        date=day(2, 20),
        type=GroupSession.Type.PRE_DEPARTURE,
        total_participants=12,
    )
    GroupSessionFactory(
        centre=centre_b, created_by=counsellor_b, date=day(3, 15), total_participants=30
    )
    return {"A": centre_a.name, "A2": centre_a2.name, "B": centre_b.name}


def rows(identifier, *by):
    return {
        tuple(row[name] for name in by): row["value"] for row in registry[identifier].rows(Q1, by)
    }


def test_it_counts_a_visitor_seen_at_two_centres_once_as_a_person_and_twice_as_sessions(
    hand_counted,
):
    centres = hand_counted
    assert registry["visitors_counselled"].total(Q1) == 3
    assert rows("visitors_counselled", "centre") == {
        (centres["A"],): 2,
        (centres["A2"],): 1,
        (centres["B"],): 1,
    }
    assert rows("visitors_counselled", "country") == {("RS",): 2, ("AL",): 1}
    assert registry["individual_sessions"].total(Q1) == 5
    assert rows("individual_sessions", "centre") == {
        (centres["A"],): 3,
        (centres["A2"],): 1,
        (centres["B"],): 1,
    }


def test_it_breaks_people_down_by_sex_and_age_band_at_the_end_of_the_period(hand_counted):
    assert rows("visitors_counselled", "sex") == {("F",): 2, ("M",): 1}
    assert rows("visitors_counselled", "age_band") == {
        ("15-17",): 1,
        ("35-44",): 1,
        ("65+",): 1,
    }


def test_it_counts_returnees_group_sessions_and_orientations(hand_counted):
    assert registry["returnees_supported"].total(Q1) == 2
    assert registry["group_sessions"].total(Q1) == 2
    assert registry["group_participants"].total(Q1) == 42
    assert rows("group_participants", "country") == {("RS",): 12, ("AL",): 30}
    # 12 at the pre-departure group session and Ana's individual orientation at A2
    assert registry["pre_departure_orientations"].total(Q1) == 13


def test_it_finds_the_individual_orientations_from_their_own_index(hand_counted):
    """A network report asks for them four times: each an index look-up, not a scan of every
    session of the period."""
    sessions = _with_service(_sessions(Q1), "pre_departure")
    assert [s.centre.city for s in sessions] == ["Niš"]
    sql, params = sessions.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: cheapest to scan
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "session_pre_departure" in plan


def test_it_counts_referrals_made_and_closed_with_the_service(hand_counted):
    assert registry["referrals_made"].total(Q1) == 2
    assert registry["referrals_service_received"].total(Q1) == 1
    assert rows("referrals_made", "country") == {("RS",): 1, ("AL",): 1}


def test_it_counts_visitors_by_destination_once_per_country_named(hand_counted):
    assert rows("visitors_by_destination", "destination") == {("AT",): 1, ("DE",): 1, ("IT",): 1}
    assert registry["visitors_by_destination"].total(Q1) == 2
    assert rows("visitors_by_destination", "country", "destination") == {
        ("RS", "AT"): 1,
        ("RS", "DE"): 1,
        ("AL", "IT"): 1,
    }
    assert rows("visitors_by_destination", "purpose") == {("work",): 1, ("study",): 1}


def test_it_breaks_group_participants_down_by_sex_age_band_and_type(
    hand_counted, counsellor_a, centre_a
):
    from counselling.models import GroupAttendance, GroupCount, Visitor

    orientation = GroupSession.objects.get(type=GroupSession.Type.PRE_DEPARTURE)
    ana = Visitor.objects.get(destinations__contains="DE")
    GroupAttendance.objects.create(group_session=orientation, visitor=ana)  # F, 35-44
    GroupCount.objects.create(group_session=orientation, sex=Sex.MALE, age_band="18-24", count=7)
    assert rows("group_participants", "sex") == {("F",): 1, ("M",): 7, ("unknown",): 34}
    assert rows("group_participants", "country", "age_band") == {
        ("RS", "35-44"): 1,
        ("RS", "18-24"): 7,
        ("RS", "unknown"): 4,
        ("AL", "unknown"): 30,
    }
    assert sum(rows("group_participants", "sex").values()) == 42  # the total, exactly
    assert rows("group_sessions", "session_type") == {("information",): 1, ("pre_departure",): 1}


def test_it_reaches_each_registered_person_once_across_individual_and_group_work(
    hand_counted, counsellor_b, centre_b
):
    from counselling.models import GroupAttendance, Visitor

    information = GroupSession.objects.get(type=GroupSession.Type.INFORMATION)
    besa = Visitor.objects.get(given_name="Besa")
    ana = Visitor.objects.get(destinations__contains="DE")
    GroupAttendance.objects.create(group_session=information, visitor=besa)  # also counselled
    GroupAttendance.objects.create(group_session=information, visitor=ana)  # Ana, now in AL too
    assert registry["people_reached"].total(Q1) == 3  # Ana, Besa, Čedo: once each
    assert rows("people_reached", "country") == {("RS",): 2, ("AL",): 2}
    assert not registry["pre_departure_orientations"].counts_people
    assert "counts twice" in str(registry["pre_departure_orientations"].definition)


def test_it_places_people_in_the_age_band_of_their_age_at_the_end_of_the_period(
    counsellor_a, centre_a
):
    # Born June 1991: 34 on 31 March 2026, 35 by the end of the year.
    june = make_visitor(counsellor_a, centre_a, year_of_birth=1991, month_of_birth=6)
    year_only = make_visitor(counsellor_a, centre_a, given_name="Jovan", year_of_birth=1991)
    for visitor in (june, year_only):
        SessionFactory(visitor=visitor, centre=centre_a, counsellor=counsellor_a, date=day(2, 2))
    assert rows("visitors_counselled", "age_band") == {("25-34",): 1, ("35-44",): 1}
    year = ReportQuery(start=day(1, 1), end=datetime.date(2026, 12, 31))
    by_year = registry["visitors_counselled"].rows(year, ("age_band",))
    assert by_year == [{"age_band": "35-44", "value": 2}]
    # The profile's own band follows the same rule.
    assert age_band(1991, day(3, 31), month_of_birth=6) == "25-34"
    assert age_band(1991, day(3, 31)) == "35-44"
    assert "end of the period" in str(registry["group_participants"].definition)
