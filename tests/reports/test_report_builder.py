"""The report builder of issue 13: one period control, every format from one run, names not
codes, and a PDF of any size (issue 16) with a cover and figures printed as counts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.forms import ReportForm, parse_period
from reports.indicators import DISAGGREGATIONS, registry
from reports.models import IndicatorTarget, ProjectIndicator, ReportRun
from reports.renderers import pdf_figure
from tests.counselling.factories import SessionFactory, make_visitor
from tests.reports.factories import ProjectFactory
from tests.reports.test_report_runs import _render, staffed_network  # noqa: F401


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2026-03", datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
        ("2026-Q2", datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
        ("2026-H2", datetime.date(2026, 7, 1), datetime.date(2026, 12, 31)),
        ("2025", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
    ],
)
def test_it_reads_a_period_from_one_control(value, start, end):
    assert parse_period(value) == (start, end)


def test_it_offers_months_quarters_half_years_years_and_a_custom_range(programme_manager):
    form = ReportForm(user=programme_manager)
    groups = [str(label) for label, _options in form.fields["period"].choices]
    assert groups == ["Month", "Quarter", "Half-year", "Year", "Other"]
    # The last finished quarter is chosen to begin with.
    today = datetime.date.today()
    start, end = parse_period(form.fields["period"].initial)
    assert end < today <= end + datetime.timedelta(days=92)
    assert (start.month - 1) % 3 == 0
    # Only the custom range asks for dates, and then both.
    data = {"period": "custom", "indicators": ["centre_staff"], "start": "2026-01-01"}
    form = ReportForm(data, user=programme_manager)
    assert not form.is_valid()
    assert "Give both dates." in form.non_field_errors()


def test_it_writes_xlsx_csv_and_pdf_from_one_run(login, programme_manager, staffed_network):  # noqa: F811
    client = login(programme_manager)
    response = client.post(
        reverse("reports:builder"),
        {"period": "2026-Q1", "indicators": ["centre_staff"], "suppression": "on"},
    )
    run = _render(ReportRun.objects.get(pk=response.url.rstrip("/").split("/")[-1]))
    page = client.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    links = {
        fmt: reverse("reports:run_download_format", args=[run.pk, fmt])
        for fmt in ["xlsx", "csv", "pdf"]
    }
    for link in links.values():
        assert link in page
    xlsx = b"".join(client.get(links["xlsx"]).streaming_content)
    csv_text = b"".join(client.get(links["csv"]).streaming_content).decode("utf-8-sig")
    pdf = PdfReader(io.BytesIO(b"".join(client.get(links["pdf"]).streaming_content)))
    assert load_workbook(io.BytesIO(xlsx))["Summary"]["A2"].value == str(
        registry["centre_staff"].name
    )
    assert "centre_staff" in csv_text
    assert str(registry["centre_staff"].name) in pdf.pages[0].extract_text()  # on the cover


def test_it_names_the_indicators_and_breakdowns_on_the_run_page(login, programme_manager):
    client = login(programme_manager)
    response = client.post(
        reverse("reports:builder"),
        {"period": "2026", "indicators": ["centre_staff"], "disaggregations": ["country"]},
    )
    page = client.get(response.url).content.decode()
    assert str(registry["centre_staff"].name) in page
    assert ">centre_staff<" not in page


def test_it_prints_targets_as_counts():
    assert pdf_figure(Decimal("600.00")) == "600"
    assert pdf_figure(Decimal("12.50")) == "12.5"
    assert pdf_figure(12000) == "12000"
    assert pdf_figure("<5") == "<5"


def test_it_renders_the_largest_report_the_builder_allows_as_pdf(
    login,
    programme_manager,
    counsellor_a,
    centre_a,
    staffed_network,  # noqa: F811
):
    """Every indicator and every breakdown, with a project's targets: the PDF renders (no
    LayoutError), starts with a cover, and its tables and charts run over several pages."""
    for year in range(1950, 2008, 3):
        visitor = make_visitor(counsellor_a, centre_a, year_of_birth=year)
        SessionFactory(visitor=visitor, counsellor=counsellor_a, date=datetime.date(2026, 2, 3))
    project = ProjectFactory()
    for code in registry:
        indicator = ProjectIndicator.objects.create(project=project, indicator=code)
        IndicatorTarget.objects.create(
            project_indicator=indicator,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 12, 31),
            value=Decimal("600.00"),
        )
    client = login(programme_manager)
    response = client.post(
        reverse("reports:builder"),
        {
            "project": project.pk,
            "period": "2026",
            "indicators": list(registry),
            "disaggregations": list(DISAGGREGATIONS),
            "output_format": "pdf",
        },
    )
    run = _render(ReportRun.objects.get(pk=response.url.rstrip("/").split("/")[-1]))
    assert run.status in (ReportRun.Status.DONE, ReportRun.Status.EMPTY), run.message
    pages = PdfReader(run.file.open("rb")).pages
    cover = pages[0].extract_text()
    assert project.name in cover
    assert project.donors in cover
    text = "\n".join(page.extract_text() for page in pages)
    assert "600.00" not in text
    assert "600" in text
    assert "Breakdowns" in text
    assert "Definitions" in text
    assert len(pages) > 4
