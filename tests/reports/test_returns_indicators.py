"""TVR indicators on a hand-counted data set, Q1 2026.

- needs published in Q1: an ICU need in Serbia (health, physical, filled) and an e-learning
  need in Albania (education, virtual, still published); one need published in April
- applications in Q1: two to the ICU need, one to the e-learning need
- assignments ending in Q1: one physical (20 days, report: 14 people trained) and one virtual
  (8 days, no report yet) both completed; one cancelled (not counted)
"""

import datetime

import pytest

from reports.indicators import ReportQuery, registry
from returns.models import Application, Assignment, ExpertReport, Mode, Need
from tests.returns.factories import (
    ApplicationFactory,
    AssignmentFactory,
    HostFactory,
    NeedFactory,
    SectorFactory,
)

Q1 = ReportQuery(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))


def at(month, day):
    return datetime.datetime(2026, month, day, 10, tzinfo=datetime.UTC)


@pytest.fixture
def tvr(db):
    health = SectorFactory(code="Q", name="Human health and social work activities")
    education = SectorFactory(code="P", name="Education")
    icu = NeedFactory(
        host=HostFactory(country="RS", sector=health),
        sector=health,
        mode=Mode.PHYSICAL,
        status=Need.Status.FILLED,
        published_at=at(1, 15),
    )
    elearning = NeedFactory(
        host=HostFactory(country="AL", sector=education),
        sector=education,
        mode=Mode.VIRTUAL,
        published_at=at(2, 1),
    )
    NeedFactory(host=HostFactory(country="RS", sector=health), sector=health, published_at=at(4, 2))
    for need, created in [(icu, at(1, 20)), (icu, at(2, 2)), (elearning, at(3, 3))]:
        ApplicationFactory(need=need, created_at=created, mode=need.mode)
    physical = AssignmentFactory(
        application=ApplicationFactory(
            need=icu, created_at=at(4, 9), status=Application.Status.APPROVED
        ),
        mode=Mode.PHYSICAL,
        start=datetime.date(2026, 2, 1),
        end=datetime.date(2026, 2, 28),
        working_days=20,
        status=Assignment.Status.REPORTED,
    )
    ExpertReport.objects.create(
        assignment=physical, activities="ICU training", outputs="Protocols", people_trained=14
    )
    AssignmentFactory(
        application=ApplicationFactory(
            need=elearning, created_at=at(4, 9), status=Application.Status.APPROVED
        ),
        mode=Mode.VIRTUAL,
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 20),
        working_days=8,
        status=Assignment.Status.COMPLETED,
    )
    AssignmentFactory(
        application=ApplicationFactory(
            need=elearning, created_at=at(4, 9), status=Application.Status.APPROVED
        ),
        start=datetime.date(2026, 1, 5),
        end=datetime.date(2026, 1, 30),
        status=Assignment.Status.CANCELLED,
    )


def by(identifier, *dimensions):
    rows = registry[identifier].rows(Q1, dimensions)
    return {tuple(row[d] for d in dimensions): row["value"] for row in rows}


def test_it_counts_needs_published_and_filled_by_country_sector_and_mode(tvr):
    assert registry["skill_needs_published"].total(Q1) == 2
    assert by("skill_needs_published", "country") == {("RS",): 1, ("AL",): 1}
    assert by("skill_needs_published", "mode") == {("physical",): 1, ("virtual",): 1}
    assert registry["skill_needs_filled"].total(Q1) == 1


def test_it_counts_applications_received_in_the_period(tvr):
    assert registry["tvr_applications_received"].total(Q1) == 3
    assert by("tvr_applications_received", "sector") == {
        ("Education",): 1,
        ("Human health and social work activities",): 2,
    }


def test_it_counts_completed_assignments_days_and_people_trained(tvr):
    assert registry["assignments_completed"].total(Q1) == 2
    assert by("assignments_completed", "mode") == {("physical",): 1, ("virtual",): 1}
    assert registry["expert_working_days"].total(Q1) == 28
    assert by("expert_working_days", "country") == {("RS",): 20, ("AL",): 8}
    assert registry["people_trained"].total(Q1) == 14
