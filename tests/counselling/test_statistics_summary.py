"""The statistics summary (counselling/summary.py) follows every write: the statistics page,
the dashboard and the donor report's indicators agree after a late session, a correction, a
deletion and a merge; a rebuild gives the same rows; a period of odd days, counted from the
sessions, gives the same figures."""

from datetime import date

import pytest
from django.urls import reverse

from counselling import services
from counselling.models import Session, StatisticsMonth, StatisticsTopicMonth, Topic
from counselling.summary import summary_rebuild
from reports.dashboard import DashboardFilter, monthly_activity, top_topics
from reports.dashboard import _people_reached as dashboard_people_reached
from reports.indicators import ReportQuery, registry
from tests.counselling.factories import make_visitor
from tests.counselling.test_statistics import PERIOD, known_data  # noqa: F401

YEAR = ReportQuery(start=date(2025, 1, 1), end=date(2025, 12, 31), countries=("RS",))


def figures(client) -> dict:
    """What the coordinator reads on the statistics page, and what the report and dashboard say."""
    page = client.get(reverse("counselling:statistics"), PERIOD).context
    flt = DashboardFilter(start=YEAR.start, end=YEAR.end, countries=YEAR.countries)
    activity = monthly_activity(flt)
    return {
        "page": (page["totals"]["sessions"], page["totals"]["people"]),
        "report": (
            registry["individual_sessions"].total(YEAR),
            registry["visitors_counselled"].total(YEAR),
        ),
        "dashboard": (sum(row["sessions"] for row in activity), dashboard_people_reached(flt)),
        "months": [(m["month"].month, m["sessions"], m["people"]) for m in page["months"]],
    }


@pytest.fixture
def coordinator_page(login, coordinator_a, known_data):  # noqa: F811
    return login(coordinator_a)


def test_a_late_session_a_correction_and_a_deletion_change_page_and_report_alike(
    coordinator_page, counsellor_a, centre_a
):
    before = figures(coordinator_page)
    assert before["page"] == before["report"] == before["dashboard"] == (4, 2)

    # Logged today for February: a late session in a closed month.
    visitor = make_visitor(counsellor_a, centre_a, given_name="Drita", year_of_birth=1990)
    legal = Topic.objects.get(code="legal-channels")
    session = services.session_log(
        user=counsellor_a, visitor=visitor, centre=centre_a, topics=[legal], date=date(2025, 2, 3)
    )
    late = figures(coordinator_page)
    assert late["page"] == late["report"] == late["dashboard"] == (5, 3)
    assert late["months"] == [(2, 1, 1), (3, 3, 2), (5, 1, 1)]

    # Corrected to June: February is empty again, June counts it.
    services.session_update(session=session, user=counsellor_a, date=date(2025, 6, 9))
    moved = figures(coordinator_page)
    assert moved["page"] == moved["report"] == moved["dashboard"] == (5, 3)
    assert moved["months"] == [(3, 3, 2), (5, 1, 1), (6, 1, 1)]

    # Deleted softly: counted nowhere.
    services.session_delete(session=Session.objects.get(pk=session.pk), user=counsellor_a,
                            reason="logged for the wrong person")  # fmt: skip
    assert figures(coordinator_page) == before


def test_a_late_session_shows_in_the_data_quality_of_its_counsellor(
    login,
    manager_a,
    counsellor_a,
    centre_a,
    known_data,  # noqa: F811
):
    client = login(manager_a)
    quality = client.get(reverse("counselling:statistics"), PERIOD).context["quality"]
    assert [(row["total"], row["missing"], row["late"]) for row in quality] == [(3, 1, 1)]
    visitor = make_visitor(counsellor_a, centre_a, given_name="Drita", education=6)
    services.session_log(
        user=counsellor_a, visitor=visitor, centre=centre_a, topics=[], date=date(2025, 4, 1)
    )
    quality = client.get(reverse("counselling:statistics"), PERIOD).context["quality"]
    # No topic: missing; logged today for April: late.
    assert [(row["total"], row["missing"], row["late"]) for row in quality] == [(4, 2, 2)]


def test_a_merge_counts_the_person_once_on_the_page_and_in_the_report(
    coordinator_page, manager_a, centre_a
):
    ana, bojan = Session.objects.filter(centre=centre_a).order_by("visitor__pk").values_list(
        "visitor", flat=True
    ).distinct()  # fmt: skip
    from counselling.models import Visitor

    services.visitor_merge(
        user=manager_a, keep=Visitor.objects.get(pk=ana), remove=Visitor.objects.get(pk=bojan)
    )
    merged = figures(coordinator_page)
    assert merged["page"] == merged["report"] == merged["dashboard"] == (4, 1)
    assert merged["months"] == [(3, 3, 1), (5, 1, 1)]


def test_the_rebuild_gives_the_rows_the_writes_kept(coordinator_page):
    def rows():
        return (
            sorted(StatisticsMonth.objects.values_list("month", "centre", "counsellor", "visitor",
                                                       "sessions", "incomplete", "late")),
            sorted(StatisticsTopicMonth.objects.values_list("month", "centre", "visitor",
                                                            "topic", "sessions"), key=str),
        )  # fmt: skip

    kept = rows()
    assert kept[0]
    summary_rebuild()
    assert rows() == kept


def test_a_period_of_odd_days_is_counted_from_the_sessions_alike(coordinator_page):
    whole = coordinator_page.get(reverse("counselling:statistics"), PERIOD).context
    odd = coordinator_page.get(
        reverse("counselling:statistics"), {"start": "2025-03-05", "end": "2025-12-30"}
    ).context
    for key in ("totals", "by_sex", "by_age_band", "by_migration_status", "by_topic"):
        assert odd[key] == whole[key], key
    assert odd["by_destination"] == whole["by_destination"]
    assert odd["quality"] == whole["quality"]
    flt = DashboardFilter(start=date(2025, 3, 5), end=date(2025, 12, 30), countries=("RS",))
    assert top_topics(flt) == top_topics(
        DashboardFilter(start=YEAR.start, end=YEAR.end, countries=("RS",))
    )


def test_a_corrected_profile_moves_the_person_in_the_breakdowns(
    coordinator_page, manager_a, centre_a
):
    bojan = Session.objects.filter(centre=centre_a, duration_minutes=None).get().visitor
    services.visitor_update(visitor=bojan, user=manager_a, sex="F", year_of_birth=2000)
    context = coordinator_page.get(reverse("counselling:statistics"), PERIOD).context
    assert {r["label"]: r["people"] for r in context["by_sex"]} == {"Female": 2}
    assert {r["band"]: r["people"] for r in context["by_age_band"]} == {"25-34": 2}
