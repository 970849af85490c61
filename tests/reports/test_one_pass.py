"""The report's one pass (GROUPING SETS) gives the figures of each indicator's own query."""

import pytest
from django.utils.timezone import now

from counselling.models import GroupAttendance, Sex
from reports.indicators import DISAGGREGATIONS, one_pass_rows, registry, report_groupings
from tests.counselling.factories import GroupSessionFactory, SessionFactory, make_visitor
from tests.reports.test_counselling_indicators import Q1, day, hand_counted  # noqa: F401

# The indicators defined in code (the registry also reads count indicators from the database).
ONE_PASS = [item for item in dict.values(registry) if item.one_pass]


def _as_set(rows, by):
    # Counts are whole numbers, as the indicators' own queries give them (not Decimal).
    assert all(type(row["value"]) is int for row in rows)
    return {(tuple(row[name] for name in by), row["value"]) for row in rows}


@pytest.fixture
def with_attendance_and_birth_months(hand_counted, counsellor_a, centre_a):  # noqa: F811
    # Born in May 2011: 14 at the end of March 2026, 15 by the year alone.
    dara = make_visitor(
        counsellor_a, centre_a, given_name="Dara", sex=Sex.OTHER, year_of_birth=2011,
        month_of_birth=5,
    )  # fmt: skip
    nobody = make_visitor(counsellor_a, centre_a, given_name="Nela", year_of_birth=None)
    group = GroupSessionFactory.create(
        centre=centre_a, created_by=counsellor_a, date=day(3, 3), total_participants=5
    )
    GroupAttendance.objects.create(group_session=group, visitor=dara)
    GroupAttendance.objects.create(group_session=group, visitor=nobody)
    SessionFactory(
        visitor=dara, centre=centre_a, counsellor=counsellor_a, date=day(3, 4), outcome="informed"
    )
    # Deleted softly: counted nowhere, by the one pass as by the indicators' own queries.
    SessionFactory(
        visitor=nobody, centre=centre_a, counsellor=counsellor_a, date=day(3, 5),
        outcome="stays", destinations=["DE"], deleted_at=now(), delete_reason="wrong person",
    )  # fmt: skip
    gone = GroupSessionFactory.create(
        centre=centre_a, created_by=counsellor_a, date=day(3, 6), total_participants=2,
        deleted_at=now(), delete_reason="never held",
    )  # fmt: skip
    GroupAttendance.objects.create(group_session=gone, visitor=nobody)
    return hand_counted


def test_it_covers_the_people_and_session_indicators():
    assert {item.identifier for item in ONE_PASS} >= {
        "visitors_counselled",
        "individual_sessions",
        "people_reached",
        "returnees_supported",
        "visitors_by_destination",
        "session_outcomes",
    }


def test_it_gives_every_grouping_the_figures_of_the_indicators_own_query(
    with_attendance_and_birth_months,
):
    dimensions = list(DISAGGREGATIONS)
    figures = one_pass_rows(Q1, ONE_PASS, dimensions)
    for item in ONE_PASS:
        for by in report_groupings(item, dimensions):
            assert _as_set(figures[(item.identifier, by)], by) == _as_set(
                item.compute(Q1, by), by
            ), (item.identifier, by)


def test_it_asks_the_database_once_per_source_for_all_the_groupings(
    with_attendance_and_birth_months, django_assert_max_num_queries
):
    with django_assert_max_num_queries(len({item.one_pass for item in ONE_PASS})):
        one_pass_rows(Q1, ONE_PASS, list(DISAGGREGATIONS))
