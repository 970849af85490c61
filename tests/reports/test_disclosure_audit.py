"""The disclosure audit: an intruder reads a donor report's files and tries to work out a hidden
count from the published ones (tests/reports/disclosure.py)."""

import datetime
import io

from django.utils import translation
from django_countries import countries as country_names
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from msc_portal.demo import SEEDERS
from reports import renderers
from reports.indicators import DISAGGREGATIONS, ReportQuery, registry
from reports.report_data import build_report
from reports.suppression import PRIMARY, PUBLISHED, SECONDARY, grid, suppress_linked
from tests.reports.disclosure import (
    assert_nothing_disclosed,
    merge,
    places_from_csv,
    places_from_pdf_text,
    places_from_xlsx,
    truth_of,
)

COUNTS = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 30])


def _places(tables, countries, columns_of):
    """The places of linked tables as the audit reads them from a file."""
    places, truth = {}, {}
    summary = tables[0]
    for r, country in enumerate([*countries, ""]):
        places[("i", "", country, "")] = summary.display(r, 0)
        truth[("i", "", country, "")] = summary.values[r][0]
    for number, table in enumerate(tables[1:]):
        for r, country in enumerate([*countries, ""]):
            for c in range(columns_of[number]):
                place = ("i", f"d{number}", country, f"v{c}")
                places[place], truth[place] = table.display(r, c), table.values[r][c]
    return places, truth


@st.composite
def linked_tables(draw):
    rows = draw(st.integers(min_value=1, max_value=4))
    widths = draw(st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=2))
    country_totals = None
    tables = []
    for width in widths:
        if country_totals is None:
            cells = draw(
                st.lists(
                    st.lists(COUNTS, min_size=width, max_size=width), min_size=rows, max_size=rows
                )
            )
            country_totals = [sum(row) for row in cells]
        else:  # a second breakdown of the same figures: each row adds up to the same total
            cells = []
            for total in country_totals:
                cuts = sorted(
                    draw(st.lists(st.integers(0, total), min_size=width - 1, max_size=width - 1))
                )
                bounds = [0, *cuts, total]
                cells.append([bounds[i + 1] - bounds[i] for i in range(width)])
        tables.append(grid(cells))
    summary = [[total] for total in country_totals] + [[sum(country_totals)]]
    return rows, widths, [summary, *tables]


# Two breakdowns that pin a small country total together although each is protected alone
# (found by a random run): the joint check of the linked tables must cover it.
PINNED_TOGETHER = (
    4,
    [3, 4],
    [
        [[0], [1], [1], [10], [12]],
        [[0, 0, 0, 0], [0, 0, 1, 1], [1, 0, 0, 1], [0, 5, 5, 10], [1, 5, 6, 12]],
        [[0, 0, 0, 0, 0], [0, 0, 0, 1, 1], [0, 0, 0, 1, 1], [0, 0, 6, 4, 10], [0, 0, 6, 6, 12]],
    ],
)


@settings(max_examples=150, deadline=None)
@example(PINNED_TOGETHER)
@given(linked_tables())
def test_it_leaves_no_hidden_count_derivable_in_generated_tables(example):
    rows, widths, values = example
    tables = suppress_linked(values)
    countries = [f"C{r}" for r in range(rows)]
    places, truth = _places(tables, countries, widths)
    assert_nothing_disclosed(places, truth)
    for table in tables:
        for r in range(table.rows):
            for c in range(table.columns):
                value, status = table.values[r][c], table.status[r][c]
                if 0 < value < 5:
                    assert status == PRIMARY
                if status == SECONDARY:  # never labelled as what it is not
                    assert table.display(r, c) == "x"
                    assert value >= 5
                if status == PUBLISHED:
                    assert table.display(r, c) == value


def _demo(settings):
    settings.DEMO_VISITORS_PER_COUNTRY = 60
    for _name, seed in SEEDERS:
        seed(lambda message: None)


def test_it_discloses_no_hidden_count_across_the_files_of_the_demo_report(db, settings):
    _demo(settings)
    year = datetime.date.today().year
    query = ReportQuery(start=datetime.date(year - 1, 1, 1), end=datetime.date(year, 12, 31))
    choices = {
        "query": query,
        "indicator_ids": sorted(registry),
        "disaggregations": [*DISAGGREGATIONS],
    }
    with translation.override("en"):
        data = build_report(**choices)
        truth = truth_of(build_report(**choices, suppression=False))
        by_name = {str(country_names.name(code)): code for code in data.countries}
        from_csv = places_from_csv(renderers.write_csv(data))
        from_xlsx = places_from_xlsx(renderers.write_xlsx(data), by_name)
        pdf = renderers.write_pdf(data)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    from_pdf = places_from_pdf_text(text, data)
    # Every file prints the same figure, or the same mark, in the same place.
    for place, value in [*from_xlsx.items(), *from_pdf.items()]:
        assert from_csv[place] == value, place
    assert any(value == "x" for value in from_pdf.values())
    assert any(value == "<5" for value in from_pdf.values())
    assert_nothing_disclosed(merge(from_csv, from_xlsx, from_pdf), truth)
    assert "x: a count hidden" in text
