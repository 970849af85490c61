import datetime

from django.urls import reverse

from tests.counselling.factories import SessionFactory, make_visitor


def test_it_shows_sessions_and_people_per_month_on_the_dashboard(
    login, programme_manager, counsellor_a, counsellor_b, centre_a, centre_b
):
    ana = make_visitor(counsellor_a, centre_a, destinations=["DE"])
    besa = make_visitor(counsellor_b, centre_b, given_name="Besa", destinations=["IT"])
    for day in [datetime.date(2026, 2, 3), datetime.date(2026, 2, 20)]:
        SessionFactory(visitor=ana, counsellor=counsellor_a, date=day)
    SessionFactory(visitor=besa, counsellor=counsellor_b, date=datetime.date(2026, 3, 1))

    response = login(programme_manager).get(reverse("reports:dashboard"), {"year": 2026})
    data = response.context["data"]
    assert data["people_reached"] == 2
    assert data["total_sessions"] == 3
    february = [row for row in data["activity"] if row["month"].month == 2]
    assert february == [
        {"month": datetime.date(2026, 2, 1), "centre__country": "RS", "sessions": 2, "people": 1}
    ]
    assert {row["destination"] for row in data["destinations"]} == {"DE", "IT"}
    page = response.content.decode()
    assert "<svg" in page
    assert "<title>Feb: 2</title>" in page


def test_it_limits_a_coordinator_to_their_country(login, coordinator_a, counsellor_b, centre_b):
    besa = make_visitor(counsellor_b, centre_b, given_name="Besa")
    SessionFactory(visitor=besa, counsellor=counsellor_b, date=datetime.date(2026, 3, 1))
    response = login(coordinator_a).get(
        reverse("reports:dashboard"), {"year": 2026, "country": "AL"}
    )
    assert response.context["data"]["total_sessions"] == 0


def test_it_shows_the_tvr_pipeline_and_assignments_on_the_dashboard(login, programme_manager):
    from returns.models import Application, Assignment, Mode
    from tests.returns.factories import ApplicationFactory, AssignmentFactory

    ApplicationFactory.create_batch(2, status=Application.Status.SHORTLISTED)
    AssignmentFactory(
        start=datetime.date(2026, 5, 1),
        end=datetime.date(2026, 5, 30),
        status=Assignment.Status.COMPLETED,
    )
    data = (
        login(programme_manager).get(reverse("reports:dashboard"), {"year": 2026}).context["data"]
    )
    pipeline = {row["status"]: row["count"] for row in data["pipeline"]}
    assert pipeline["Shortlisted"] == 2
    assert pipeline["Approved by programme"] == 1
    assert [(row["mode"], row["count"]) for row in data["assignments"]] == [
        (str(Mode.PHYSICAL.label), 1)
    ]
