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
    # Two people, three sessions: small counts, shown as such wherever they appear.
    assert data["people_reached"] == "<5"
    assert data["total_sessions"] == "<5"
    assert data["countries"] == ["AL", "RS"]
    february = next(row for row in data["activity_table"] if row["month"].month == 2)
    assert february["cells"] == [{"sessions": 0, "people": 0}, {"sessions": "<5", "people": "<5"}]
    assert {row["destination"] for row in data["destinations"]} == {"DE", "IT"}
    page = response.content.decode()
    assert "<svg" in page
    assert "<title>Feb: &lt;5</title>" in page  # no bar drawn for a hidden figure
    assert 'height="0"' in page


def test_it_shows_figures_of_five_and_more_on_the_dashboard(
    login, programme_manager, counsellor_a, centre_a
):
    for number in range(6):
        visitor = make_visitor(counsellor_a, centre_a, given_name=f"V{number}")
        SessionFactory(visitor=visitor, counsellor=counsellor_a, date=datetime.date(2026, 2, 3))
    response = login(programme_manager).get(reverse("reports:dashboard"), {"year": 2026})
    data = response.context["data"]
    assert (data["people_reached"], data["total_sessions"]) == (6, 6)
    assert "<title>Feb: 6</title>" in response.content.decode()


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
    assert pipeline["Shortlisted"] == "<5"  # 2, a small count
    assert pipeline["Approved by programme"] == "<5"
    assert pipeline["Withdrawn"] == 0
    assert [(row["mode"], row["count"]) for row in data["assignments"]] == [
        (str(Mode.PHYSICAL.label), "<5")
    ]
