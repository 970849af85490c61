"""The figures of an indicator report, gathered once and published once.

`build_report` reads the counts from the indicators and passes them through the one publication
step (reports/suppression.py): every output (XLSX sheets and summary, CSV, PDF tables and chart,
the run's stored figures that comparisons read) takes its figures from the protected tables
here, never from the counts.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext
from django_countries import countries as country_names

from .indicators import (
    DIMENSION_LABELS,
    DISAGGREGATIONS,
    Indicator,
    ReportQuery,
    one_pass_rows,
    registry,
)
from .models import IndicatorTarget, Project
from .suppression import DEFAULT_THRESHOLD, PUBLISHED, SuppressedTable, grid, suppress_linked


@dataclass
class Breakdown:
    """One indicator by country (rows) and one other dimension (columns), with totals."""

    dimension: str
    row_labels: list[str]
    column_labels: list[str]
    row_keys: list[str]  # country codes, in the order of row_labels
    table: SuppressedTable


@dataclass
class IndicatorResult:
    """An indicator's published figures: `summary` holds one row per country of the report and
    the total as its last row (one column); each breakdown shares those figures as its totals."""

    indicator: Indicator
    summary: SuppressedTable
    has_countries: bool
    baseline: Decimal | None = None
    target: Decimal | None = None
    breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def total(self) -> int | str:
        return self.summary.display(self.summary.rows - 1, 0)

    @property
    def total_status(self) -> str:
        return self.summary.status[self.summary.rows - 1][0]

    @property
    def chart_value(self) -> int | None:
        """The total as a bar: only where it is published."""
        return self.summary.published(self.summary.rows - 1, 0)

    def country(self, index: int) -> int | str:
        return self.summary.display(index, 0)

    @property
    def percent_of_target(self) -> Decimal | None:
        value = self.chart_value
        if not self.target or value is None:
            return None  # a percentage of a hidden total would give the total away
        return (Decimal(value) * 100 / self.target).quantize(Decimal("0.1"))

    @property
    def has_data(self) -> bool:
        return self.summary.values[-1][0] > 0


@dataclass
class ReportData:
    title: str
    query: ReportQuery
    countries: list[str]
    results: list[IndicatorResult]
    suppression: bool
    threshold: int
    # For the PDF's cover: the project (None for the whole network) and the breakdowns asked for.
    project: object = None
    disaggregations: tuple = ()

    def figures(self) -> dict:
        """The published figures (as printed in the file), kept with a run so that later runs
        of the same scope can show what changed: `{indicator: {place: figure}}` where a place is
        "total", a country code, or "country|dimension|value" for a breakdown's cell."""
        figures = {}
        for result in self.results:
            cells = {"total": result.total}
            if result.has_countries:
                for index, country in enumerate(self.countries):
                    cells[country] = result.country(index)
            for breakdown in result.breakdowns:
                keys = [*breakdown.row_keys, ""]
                for r, country in enumerate(keys):
                    for c, label in enumerate(breakdown.column_labels):
                        place = f"{country}|{breakdown.dimension}|{label}"
                        cells[place] = breakdown.table.display(r, c)
            figures[result.indicator.identifier] = cells
        return {"indicators": figures}


def _label(dimension: str, value) -> str:
    if dimension == "country":
        return str(country_names.name(value) or value)
    if dimension in DIMENSION_LABELS and value not in (None, ""):
        return DIMENSION_LABELS[dimension](value)
    return "—" if value in (None, "") else str(value)


class _Counts:
    """The counts of a report: from the one-pass sources where an indicator has one, else from
    the indicator's own query (Indicator.rows)."""

    def __init__(self, query: ReportQuery, indicators, disaggregations):
        self.query = query
        self.one_pass = one_pass_rows(query, indicators, disaggregations)

    def rows(self, indicator: Indicator, by: tuple[str, ...]) -> list[dict]:
        found = self.one_pass.get((indicator.identifier, by))
        return indicator.rows(self.query, by) if found is None else found

    def total(self, indicator: Indicator) -> int:
        rows = self.rows(indicator, ())
        return rows[0]["value"] if rows else 0


def _breakdown_values(indicator: Indicator, counts: _Counts, dimension: str, countries):
    cells_by_key = {
        (row["country"], row[dimension]): row["value"] or 0
        for row in counts.rows(indicator, ("country", dimension))
    }
    values = sorted({key[1] for key in cells_by_key}, key=lambda v: (v is None, str(v)))
    column_totals = {
        row[dimension]: row["value"] or 0 for row in counts.rows(indicator, (dimension,))
    }
    return (
        values,
        [[cells_by_key.get((country, value), 0) for value in values] for country in countries],
        [column_totals.get(value, 0) for value in values],
    )


def _result(
    item: Indicator,
    counts: "_Counts",
    countries: list[str],
    by_country: dict,
    total: int,
    disaggregations: list[str],
    threshold: int,
    suppression: bool,
) -> tuple[SuppressedTable, list[Breakdown]]:
    row_totals = [by_country.get(country, 0) for country in countries]
    summary = [[value] for value in row_totals] + [[total]]
    dimensions, tables = [], []
    if by_country or "country" in item.disaggregations:
        for dimension in disaggregations:
            if dimension != "country" and dimension in item.disaggregations:
                values, cells, column_totals = _breakdown_values(item, counts, dimension, countries)
                dimensions.append((dimension, values))
                tables.append(
                    grid(
                        cells,
                        row_totals=row_totals,
                        column_totals=column_totals,
                        grand_total=total,
                    )
                )
    if suppression:
        protected = suppress_linked([summary, *tables], threshold)
    else:
        protected = [
            SuppressedTable(values=values, threshold=threshold) for values in [summary, *tables]
        ]
    breakdowns = [
        Breakdown(
            dimension=dimension,
            row_labels=[_label("country", country) for country in countries],
            row_keys=countries,
            column_labels=[_label(dimension, value) for value in values],
            table=table,
        )
        for (dimension, values), table in zip(dimensions, protected[1:], strict=True)
    ]
    return protected[0], breakdowns


def _target(project: Project | None, identifier: str, query: ReportQuery):
    if project is None:
        return None, None
    attached = project.indicators.filter(indicator=identifier).first()
    if attached is None:
        return None, None
    targets = IndicatorTarget.objects.filter(
        project_indicator=attached, period_start__gte=query.start, period_end__lte=query.end
    )
    total = sum((t.value for t in targets), Decimal(0)) if targets else None
    return attached.baseline, total


def build_report(
    *,
    query: ReportQuery,
    indicator_ids: list[str],
    disaggregations: list[str],
    project: Project | None = None,
    suppression: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
) -> ReportData:
    indicators = sorted((registry[i] for i in indicator_ids), key=lambda i: (i.order, i.identifier))
    source = _Counts(query, indicators, disaggregations)
    counts = []
    all_countries: set[str] = set()
    for item in indicators:
        by_country = (
            {row["country"]: row["value"] or 0 for row in source.rows(item, ("country",))}
            if "country" in item.disaggregations
            else {}
        )
        all_countries |= set(by_country)
        counts.append((item, by_country, source.total(item) or 0))
    countries = sorted(all_countries | set(query.countries))
    results = []
    for item, by_country, total in counts:
        has_countries = "country" in item.disaggregations
        summary, breakdowns = _result(
            item,
            source,
            countries if has_countries else [],
            by_country,
            total,
            disaggregations,
            threshold,
            suppression,
        )
        baseline, target = _target(project, item.identifier, query)
        results.append(
            IndicatorResult(
                indicator=item,
                summary=summary,
                has_countries=has_countries,
                baseline=baseline,
                target=target,
                breakdowns=breakdowns,
            )
        )
    title = project.name if project else gettext("MSC network report")
    return ReportData(
        title=title,
        query=query,
        countries=countries,
        results=results,
        suppression=suppression,
        threshold=threshold,
        project=project,
        disaggregations=tuple(disaggregations),
    )


__all__ = ["DISAGGREGATIONS", "PUBLISHED", "ReportData", "build_report"]
