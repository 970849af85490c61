import csv
import io

from django.urls import reverse

from counselling.models import Topic
from reports import services
from reports.models import ReportRun
from tests.counselling.factories import SessionFactory, make_visitor


def test_it_exports_only_consenting_visitors_without_anything_that_names_them(
    login, programme_manager, counsellor_a, centre_a
):
    consenting = make_visitor(counsellor_a, centre_a, given_name="Milica", phone="+381601234")
    declined = make_visitor(counsellor_a, centre_a, given_name="Zoran", consent=False)
    topics = list(Topic.objects.order_by("code")[:2])
    for visitor in [consenting, consenting, declined]:
        session = SessionFactory(visitor=visitor, counsellor=counsellor_a, notes="private note")
        session.topics.set(topics)

    response = login(programme_manager).post(
        reverse("reports:research_export"),
        {"start": "2020-01-01", "end": "2030-12-31", "output_format": "csv"},
    )
    run = ReportRun.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    services.report_run_render(run_id=run.pk)
    run.refresh_from_db()
    content = run.file.read().decode()
    rows = list(csv.DictReader(io.StringIO(content)))

    assert len(rows) == 2
    assert {row["person"] for row in rows} == {rows[0]["person"]}  # one pseudonymous person
    assert rows[0]["topics"] == ";".join(t.code for t in topics)
    for secret in ["Milica", "Zoran", "+381601234", "private note", consenting.code]:
        assert secret not in content


def test_it_refuses_research_data_to_coordinators(login, coordinator_a):
    response = login(coordinator_a).get(reverse("reports:research_export"))
    assert response.status_code == 403
