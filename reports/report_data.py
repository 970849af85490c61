"""The figures of an indicator report, gathered once and then written as XLSX, CSV or PDF."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext
from django_countries import countries as country_names

from .indicators import DISAGGREGATIONS, Indicator, ReportQuery, registry
from .models import IndicatorTarget, Project
from .suppression import DEFAULT_THRESHOLD, SuppressedTable, suppress


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
    indicator: Indicator
    total: int
    by_country: dict[str, int]
    baseline: Decimal | None = None
    target: Decimal | None = None
    breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def percent_of_target(self) -> Decimal | None:
        if not self.target:
            return None
        return (Decimal(self.total) * 100 / self.target).quantize(Decimal("0.1"))


@dataclass
class ReportData:
    title: str
    query: ReportQuery
    countries: list[str]
    results: list[IndicatorResult]
    suppression: bool
    threshold: int

    def shown(self, value: int) -> int | str:
        """A single figure as shown: small counts hidden when suppression is on."""
        if self.suppression and 0 < value < self.threshold:
            return f"<{self.threshold}"
        return value

    def figures(self) -> dict:
        """The true figures, kept with a run so that later runs can show what changed."""
        return {
            result.indicator.identifier: {"total": result.total, **result.by_country}
            for result in self.results
        }


def _label(dimension: str, value) -> str:
    if dimension == "country":
        return str(country_names.name(value) or value)
    return "—" if value in (None, "") else str(value)


def _breakdown(
    indicator: Indicator, query: ReportQuery, dimension: str, countries: list[str], threshold: int
) -> Breakdown:
    cells_by_key = {
        (row["country"], row[dimension]): row["value"]
        for row in indicator.rows(query, ("country", dimension))
    }
    values = sorted({key[1] for key in cells_by_key}, key=lambda v: (v is None, str(v)))
    column_totals = {row[dimension]: row["value"] for row in indicator.rows(query, (dimension,))}
    row_totals = {row["country"]: row["value"] for row in indicator.rows(query, ("country",))}
    table = suppress(
        [[cells_by_key.get((country, value), 0) for value in values] for country in countries],
        threshold,
        row_totals=[row_totals.get(country, 0) for country in countries],
        column_totals=[column_totals.get(value, 0) for value in values],
        grand_total=indicator.total(query),
    )
    return Breakdown(
        dimension=dimension,
        row_labels=[_label("country", country) for country in countries],
        row_keys=countries,
        column_labels=[_label(dimension, value) for value in values],
        table=table,
    )


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
    results = []
    all_countries: set[str] = set()
    for item in indicators:
        by_country = (
            {row["country"]: row["value"] for row in item.rows(query, ("country",))}
            if "country" in item.disaggregations
            else {}
        )
        all_countries |= set(by_country)
        baseline, target = _target(project, item.identifier, query)
        results.append(
            IndicatorResult(
                indicator=item,
                total=item.total(query),
                by_country=by_country,
                baseline=baseline,
                target=target,
            )
        )
    countries = sorted(all_countries | set(query.countries))
    for result in results:
        item = result.indicator
        if "country" not in item.disaggregations:
            continue
        for dimension in disaggregations:
            if dimension != "country" and dimension in item.disaggregations:
                result.breakdowns.append(_breakdown(item, query, dimension, countries, threshold))
    title = project.name if project else gettext("MSC network report")
    return ReportData(
        title=title,
        query=query,
        countries=countries,
        results=results,
        suppression=suppression,
        threshold=threshold,
    )


__all__ = ["DISAGGREGATIONS", "ReportData", "build_report"]
