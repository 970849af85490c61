"""What leaves the portal in a donor report: the same protected figures in every output."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import CentreMembership
from reports import renderers, services
from reports.indicators import ReportQuery
from reports.models import ReportRun
from reports.report_data import build_report
from tests.accounts.factories import UserFactory

SINCE = datetime.date(2025, 12, 1)
Q1 = ReportQuery(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))
STATUSES = {"published", "suppressed-primary", "suppressed-secondary"}


@pytest.fixture
def staffed(centre_a, centre_a2, centre_b):
    """Six staff at Novi Sad, two at Niš, three at Tirana."""
    UserFactory.create_batch(6, centres=[centre_a])
    UserFactory.create_batch(2, centres=[centre_a2])
    UserFactory.create_batch(3, centres=[centre_b])
    CentreMembership.objects.update(since=SINCE)


def _ask(client, **choices):
    data = {
        "period": "quarter",
        "year": 2026,
        "number": 1,
        "indicators": ["centre_staff"],
        "disaggregations": ["country", "centre"],
        "output_format": "csv",
        "suppression": "on",
        **choices,
    }
    response = client.post(reverse("reports:builder"), data)
    assert response.status_code == 302, response.context["form"].errors
    run = ReportRun.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    services.report_run_render(run_id=run.pk)
    run.refresh_from_db()
    return run


def test_it_writes_a_csv_that_spreadsheets_open_with_balkan_letters_and_named_dimensions(
    login, programme_manager, staffed
):
    content = _ask(login(programme_manager)).file.read()
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert any(row["Centre"] == "Migrant Service Centre Niš" for row in rows)
    columns = {"country": "Country", "centre": "Centre"}
    for row in rows:
        assert row["Status"] in STATUSES
        assert row["Breakdown"] in {"total", "country", "centre"}
        if row["Breakdown"] != "total":
            assert row[columns[row["Breakdown"]]], row
        if row["Status"] != "published":
            assert row["Value"] in {"<5", "x"}
            assert row["Note"]
    by_centre = [row for row in rows if row["Breakdown"] == "centre"]
    # Every country with every centre, zeros included: 2 countries and the total, 3 centres.
    assert len(by_centre) == 9
    assert {row["Value"] for row in by_centre if row["Country"] == "AL"} >= {"0"}
    tirana = next(r for r in by_centre if r["Country"] == "AL" and "Tirana" in r["Centre"])
    assert (tirana["Value"], tirana["Status"]) == ("<5", "suppressed-primary")
    hidden_for_it = [row for row in rows if row["Status"] == "suppressed-secondary"]
    assert hidden_for_it
    assert all(row["Value"] == "x" for row in hidden_for_it)


def test_it_explains_the_marks_in_the_workbook_and_the_pdf(staffed):
    data = build_report(query=Q1, indicator_ids=["centre_staff"], disaggregations=["centre"])
    book = load_workbook(io.BytesIO(renderers.write_xlsx(data)))
    definitions = [str(c.value) for row in book["Definitions"].iter_rows() for c in row]
    assert any(text.startswith("<5: a count from 1 to 4") for text in definitions)
    assert any("x: a count hidden so that a small count" in text for text in definitions)
    assert "x: a count hidden" in renderers._suppression_text(data)


def test_it_draws_in_the_pdf_chart_exactly_the_published_totals(db, staffed):
    data = build_report(
        query=Q1, indicator_ids=["centre_staff", "group_sessions"], disaggregations=["centre"]
    )
    header, rows = renderers.summary_rows(data)
    total = header.index("Total")
    series = renderers.chart_series(data)
    for (name, value, _target), row in zip(series, rows, strict=True):
        assert name == row[0]
        published = row[total]
        assert value == (published if isinstance(published, int) else None)
    staff = {name: value for name, value, _target in series}["Centre staff in service"]
    assert staff is None  # hidden in the table (it would give Albania's 3 away): no bar
    renderers.write_pdf(data)  # and the chart is drawn without it


def test_it_compares_a_run_only_with_a_submitted_run_of_the_same_scope(
    login, programme_manager, coordinator_a, staffed, centre_a2, centre_b
):
    network = _ask(login(programme_manager))
    login(programme_manager).post(reverse("reports:run_submit", args=[network.pk]))

    own = _ask(login(coordinator_a))
    page = login(coordinator_a).get(reverse("reports:run_detail", args=[own.pk])).content.decode()
    assert "Changed since" not in page  # a network run is no baseline for one country
    assert "AL" not in page
    assert "Tirana" not in page

    serbia = _ask(login(programme_manager), countries=["RS"])
    login(programme_manager).post(reverse("reports:run_submit", args=[serbia.pk]))
    UserFactory.create_batch(5, centres=[centre_a2])  # Niš: from 2 to 7
    UserFactory.create_batch(5, centres=[centre_b])
    CentreMembership.objects.update(since=SINCE)
    newer = _ask(login(coordinator_a))
    response = login(coordinator_a).get(reverse("reports:run_detail", args=[newer.pk]))
    changes = response.context["changes"]
    assert changes, "Serbia's figures changed since the Serbian report was submitted"
    assert {change["submitted_run"] for change in changes} == {ReportRun.objects.get(pk=serbia.pk)}
    places = {change["place"] for change in changes}
    assert "RS" in places
    assert any("|centre|" in place for place in places)  # breakdowns compared too
    assert all("AL" not in place and "Tirana" not in place for place in places)
    for change in changes:  # as published: never a small count in the clear
        for figure in (change["before"], change["now"]):
            assert figure in ("<5", "x") or not 0 < figure < 5
    page = response.content.decode()
    assert "Tirana" not in page


def test_it_gives_the_api_the_figures_as_published(api_client, login, programme_manager, staffed):
    run = _ask(login(programme_manager))
    api_client.force_authenticate(programme_manager)
    answer = api_client.get(reverse("api:reportrun-detail", args=[run.pk])).json()
    staff = answer["figures"]["centre_staff"]
    assert staff["AL"] == "<5"
    assert staff["total"] == "x"
    assert staff == run.figures["indicators"]["centre_staff"]
