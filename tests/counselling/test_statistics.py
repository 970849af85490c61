from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils.timezone import make_aware

from counselling.models import GroupCount, Session, Topic
from tests.counselling.factories import GroupSessionFactory, SessionFactory, make_visitor

PERIOD = {"start": "2025-01-01", "end": "2025-12-31"}


@pytest.fixture
def known_data(counsellor_a, centre_a, counsellor_a2, centre_a2, counsellor_b, centre_b):
    """Counted by hand:
    - Ana (F, born 2000 -> 25 at the end of 2025, band 25-34, returnee): 2 sessions at A in
      March (one logged 10 days late), 1 at A2 in May -> 3 sessions, 1 person
    - Bojan (anonymous, M, born 2008 -> 17, band 15-17, potential migrant): 1 session at A in
      March
    - Cena (F, born 1960 -> 65, band 65+): 1 session at A2 in December 2024 (outside the period)
    - Dua at centre B (Albania): 1 session in March (outside the coordinator's country)
    - a group session at A in May with 12 participants
    """
    legal = Topic.objects.get(code="legal-channels")
    study = Topic.objects.get(code="study-abroad")
    ana = make_visitor(
        counsellor_a, centre_a, year_of_birth=2000, migration_status="returnee", education=6
    )
    bojan = make_visitor(  # anonymous: no service consent, still counted
        counsellor_a,
        centre_a,
        consent=False,
        given_name="",
        family_name="",
        sex="M",
        year_of_birth=2008,
    )
    cena = make_visitor(counsellor_a2, centre_a2, given_name="Cena", year_of_birth=1960)
    dua = make_visitor(counsellor_b, centre_b, given_name="Dua")

    def log(visitor, centre, counsellor, day, topics, logged=None, **extra):
        session = SessionFactory(
            visitor=visitor, centre=centre, counsellor=counsellor, date=day, topics=topics, **extra
        )
        logged_on = make_aware(datetime.combine(logged or day, datetime.min.time()))
        Session.objects.filter(pk=session.pk).update(created_at=logged_on)
        return session

    march = date(2025, 3, 10)
    log(ana, centre_a, counsellor_a, march, [legal], destinations=["DE"])
    log(ana, centre_a, counsellor_a, march, [legal, study], logged=march + timedelta(days=10))
    log(ana, centre_a2, counsellor_a2, date(2025, 5, 2), [study], destinations=["DE", "AT"])
    log(bojan, centre_a, counsellor_a, march, [study], duration_minutes=None)
    log(cena, centre_a2, counsellor_a2, date(2024, 12, 1), [legal])
    log(dua, centre_b, counsellor_b, march, [legal])
    group = GroupSessionFactory(
        centre=centre_a, created_by=counsellor_a, date=date(2025, 5, 20), total_participants=12
    )
    GroupCount.objects.create(group_session=group, sex="F", age_band="18-24", count=5)
    GroupCount.objects.create(group_session=group, sex="M", age_band="18-24", count=4)
    GroupCount.objects.create(group_session=group, sex="F", age_band="65+", count=1)


def test_it_counts_a_country_by_hand(login, coordinator_a, known_data):
    context = login(coordinator_a).get(reverse("counselling:statistics"), PERIOD).context
    assert context["totals"] == {
        "sessions": 4,
        "people": 2,
        "group_sessions": 1,
        "group_participants": 12,
    }
    months = [(m["month"].month, m["sessions"], m["people"]) for m in context["months"]]
    assert months == [(3, 3, 2), (5, 1, 1)]
    assert context["months"][1]["group_participants"] == 12
    assert {r["label"]: r["people"] for r in context["by_sex"]} == {"Female": 1, "Male": 1}
    assert {r["band"]: r["people"] for r in context["by_age_band"]} == {"25-34": 1, "15-17": 1}
    by_status = {r["label"]: (r["people"], r["sessions"]) for r in context["by_migration_status"]}
    assert by_status == {"Returnee": (1, 3), "Potential migrant": (1, 1)}
    by_topic = {r["label"]: (r["sessions"], r["people"]) for r in context["by_topic"]}
    assert by_topic == {
        "Legal labour migration channels": (2, 1),
        "Study abroad": (3, 2),
    }
    by_destination = {r["label"]: (r["sessions"], r["people"]) for r in context["by_destination"]}
    assert by_destination == {"Germany": (2, 1), "Austria": (1, 1)}
    counts = {row["label"]: row["cells"] for row in context["group_counts"]["rows"]}
    assert counts["Female"] == [0, 0, 5, 0, 0, 0, 0, 1]
    assert counts["Male"] == [0, 0, 4, 0, 0, 0, 0, 0]
    assert context["group_counts"]["total"] == 10


def test_it_counts_a_centre_and_its_data_quality(login, manager_a, known_data):
    context = login(manager_a).get(reverse("counselling:statistics"), PERIOD).context
    assert context["totals"]["sessions"] == 3
    assert context["totals"]["people"] == 2
    quality = {row["counsellor__full_name"]: row for row in context["quality"]}
    assert len(quality) == 1
    (row,) = quality.values()
    # Bojan's session has no duration and Bojan no education; Ana has education 6
    assert (row["total"], row["missing"], row["late"]) == (3, 1, 1)
    assert row["late_share"] == 33


def test_it_shows_programme_managers_figures_without_names(login, programme_manager, known_data):
    response = login(programme_manager).get(reverse("counselling:statistics"), PERIOD)
    assert response.context["totals"]["people"] == 3
    albania = login(programme_manager).get(
        reverse("counselling:statistics"), {**PERIOD, "country": "AL"}
    )
    assert albania.context["totals"] == {
        "sessions": 1,
        "people": 1,
        "group_sessions": 0,
        "group_participants": 0,
    }
    assert "Ivana" not in response.text, "no visitor's name on the statistics page"
    assert "<svg" in response.text


def test_it_refuses_counsellors(login, counsellor_a):
    assert login(counsellor_a).get(reverse("counselling:statistics")).status_code == 403


def test_it_agrees_with_the_report_after_a_late_session(
    login, coordinator_a, counsellor_a, centre_a, known_data
):
    """A session logged today for a day of a closed period changes that period's statistics
    and its donor report alike (the one-pass figures included)."""
    from counselling import services
    from reports.indicators import ReportQuery
    from reports.report_data import build_report

    query = ReportQuery(start=date(2025, 1, 1), end=date(2025, 12, 31), countries=("RS",))
    page = login(coordinator_a)

    def figures():
        totals = page.get(reverse("counselling:statistics"), PERIOD).context["totals"]
        report = build_report(
            query=query,
            indicator_ids=["visitors_counselled", "individual_sessions"],
            disaggregations=[],
            suppression=False,
        )
        return (totals["people"], totals["sessions"]), tuple(
            result.summary.values[-1][0] for result in report.results
        )

    before_page, before_report = figures()
    assert before_page == before_report
    late = make_visitor(counsellor_a, centre_a, given_name="Lea", year_of_birth=1999)
    services.session_log(
        user=counsellor_a,
        visitor=late,
        centre=centre_a,
        topics=Topic.objects.filter(code="legal-channels"),
        date=date(2025, 6, 30),
    )

    after_page, after_report = figures()
    assert after_page == after_report == (before_page[0] + 1, before_page[1] + 1)
