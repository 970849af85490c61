"""The statistics cells (counselling.models.StatisticsCell): a country's and the network's
figures for any range of whole months are the ones counted from the sessions themselves, each
person once, after every kind of write; folding the cells' rows changes no figure."""

import random
from datetime import date

import pytest
from django.db.models import Count, Q

from counselling import services
from counselling.models import Session, StatisticsCell, Topic, Visitor
from counselling.statistics import Period, centre_statistics
from counselling.summary import summary_compact, summary_rebuild
from tests.counselling.factories import SessionFactory, make_visitor

MONTHS = [date(2024, 11, 1), *(date(2025, month, 1) for month in range(1, 13))]


def month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


@pytest.fixture
def served(counsellor_a, centre_a, counsellor_a2, centre_a2, counsellor_b, centre_b):
    """Twelve people served at random months and centres of two countries (RS: A and A2; AL:
    B), some several times a month, some in both countries; topics and destinations mixed."""
    rng = random.Random(14)
    topics = list(Topic.objects.order_by("pk")[:3])
    places = [(centre_a, counsellor_a), (centre_a2, counsellor_a2), (centre_b, counsellor_b)]
    for n in range(12):
        home, registrar = places[n % 3]
        visitor = make_visitor(
            registrar, home, given_name=f"P{n}", sex=rng.choice("FMX"),
            year_of_birth=rng.choice([1960, 1990, 2008, None]),
        )  # fmt: skip
        for _ in range(rng.randint(1, 6)):
            centre, counsellor = rng.choice(places)
            month = rng.choice(MONTHS)
            SessionFactory(
                visitor=visitor, centre=centre, counsellor=counsellor,
                date=month.replace(day=rng.randint(1, 28)),
                topics=rng.sample(topics, rng.randint(0, 2)),
                destinations=rng.sample(["DE", "AT", "IT"], rng.randint(0, 2)),
            )  # fmt: skip


def counted_from_sessions(period: Period, country: str) -> dict:
    sessions = Session.objects.live().filter(date__range=(period.start, period.end))
    if country:
        sessions = sessions.filter(centre__country=country)
    totals = sessions.aggregate(sessions=Count("id"), people=Count("visitor", distinct=True))
    by_sex = {
        row["visitor__sex"]: row["people"]
        for row in sessions.values("visitor__sex").annotate(people=Count("visitor", distinct=True))
    }
    topic = Topic.objects.order_by("pk").first()
    with_topic = sessions.filter(topics=topic)
    return {
        "totals": (totals["sessions"], totals["people"]),
        "by_sex": by_sex,
        "topic": (with_topic.count(), with_topic.values("visitor").distinct().count()),
        "DE": sessions.filter(destinations__contains="DE").values("visitor").distinct().count(),
    }


def read_from_cells(user, period: Period, country: str) -> dict:
    figures = centre_statistics(user=user, period=period, country=country)
    topic = Topic.objects.order_by("pk").first()
    topic_row = next((r for r in figures["by_topic"] if r["topics__name"] == topic.name), None)
    germany = next((r for r in figures["by_destination"] if r["label"] == "Germany"), None)
    return {
        "totals": (figures["totals"]["sessions"], figures["totals"]["people"]),
        "by_sex": {row["visitor__sex"]: row["people"] for row in figures["by_sex"]},
        "topic": (topic_row["sessions"], topic_row["people"]) if topic_row else (0, 0),
        "DE": germany["people"] if germany else 0,
    }


def assert_every_range_agrees(user):
    # Every range of whole months, for the network and each country.
    for first in range(len(MONTHS)):
        for last in range(first, len(MONTHS), 3):
            period = Period(MONTHS[first], month_end(MONTHS[last]))
            for country in ("", "RS", "AL"):
                expected = counted_from_sessions(period, country)
                assert read_from_cells(user, period, country) == expected, (period, country)


def test_it_counts_people_once_in_any_range_of_whole_months(programme_manager, served):
    assert StatisticsCell.objects.filter(country="").exists()
    assert_every_range_agrees(programme_manager)


def test_it_follows_corrections_deletions_merges_and_profiles(
    programme_manager, manager_a, counsellor_a, centre_a, served
):
    sessions = list(Session.objects.live().filter(centre=centre_a).order_by("pk"))
    services.session_update(session=sessions[0], user=manager_a, date=date(2025, 7, 1))
    services.session_delete(session=sessions[1], user=manager_a, reason="logged twice")
    keep, remove = Visitor.objects.filter(centre=centre_a).order_by("pk")[:2]
    services.visitor_merge(user=manager_a, keep=keep, remove=remove)
    services.visitor_update(visitor=keep, user=manager_a, sex="M", destinations=["DE"])
    assert_every_range_agrees(programme_manager)


def test_folding_the_rows_changes_no_figure(programme_manager, manager_a, centre_a, served):
    for session in Session.objects.live().filter(centre=centre_a)[:4]:
        services.session_update(session=session, user=manager_a, date=date(2025, 2, 14))
    year = Period(date(2025, 1, 1), date(2025, 12, 31))
    before = {country: read_from_cells(programme_manager, year, country) for country in ("", "RS")}
    rows = StatisticsCell.objects.count()

    summary_compact()

    assert StatisticsCell.objects.count() < rows
    # One row per cell, none summing to nothing.
    keys = ("country", "dimension", "value", "month", "prev_month")
    assert not StatisticsCell.objects.values(*keys).annotate(n=Count("id")).filter(n__gt=1)
    empty = Q(sessions=0, people=0, missing=0, late=0)
    assert not StatisticsCell.objects.filter(empty).exists()
    after = {country: read_from_cells(programme_manager, year, country) for country in ("", "RS")}
    assert after == before
    # And the rebuild from the sessions gives the same cells as the writes kept.
    kept = sorted(StatisticsCell.objects.values_list(*keys, "sessions", "people"), key=str)
    summary_rebuild()
    assert sorted(StatisticsCell.objects.values_list(*keys, "sessions", "people"), key=str) == kept
