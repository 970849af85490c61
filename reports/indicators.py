"""The indicator registry: every figure a donor report can show, defined once in code.

An indicator counts something in the database for a period, optionally broken down by some of
the DISAGGREGATIONS. Its `compute(query, by)` returns one row per combination of the `by`
dimensions, `{"country": "RS", "sex": "F", "value": 12}`, aggregated by the database. Totals are
computed by calling it with fewer dimensions, never by adding rows up: an indicator that counts
people (`counts_people=True`) counts each person once in a total, whatever the number of centres
or sessions behind it.

Apps register their indicators in `<app>/indicators.py` with `@indicator(...)`; the reports
app imports every such module when Django starts (ReportsConfig.ready).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DISAGGREGATIONS: dict[str, Promise] = {
    "country": _("Country"),
    "centre": _("Centre"),
    "sex": _("Sex"),
    "age_band": _("Age band"),
    "purpose": _("Purpose of migration"),
    "destination": _("Intended destination"),
    "mode": _("Mode"),
    "sector": _("Sector"),
    "session_type": _("Type of group session"),
    "outcome": _("Outcome of the session"),
}
# How a dimension's values are named in a report, where the stored code is not a name (apps add
# theirs): e.g. the type of a group session.
DIMENSION_LABELS: dict[str, Callable[[object], str]] = {}


@dataclass(frozen=True)
class ReportQuery:
    """What a report covers: a period (inclusive) and, optionally, some countries or centres."""

    start: date
    end: date
    countries: tuple[str, ...] = ()
    centre_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Indicator:
    identifier: str
    name: str | Promise
    definition: str | Promise
    unit: str | Promise
    compute: Callable[[ReportQuery, tuple[str, ...]], list[dict]]
    disaggregations: tuple[str, ...] = ()
    # True: each person once in a total (people); False: contacts, a person may count twice.
    counts_people: bool = False
    order: int = 100
    # The name of a ONE_PASS source that computes this indicator with others over the same rows
    # in one query (its rows carry the figure under this indicator's identifier); "" for none.
    # A report uses it where it can; `compute` stays the definition and the fallback.
    one_pass: str = ""

    @property
    def measure(self) -> str:
        """Whether the indicator counts people or contacts, said in every report's definitions."""
        if self.counts_people:
            return str(_("people: each person counts once in a total"))
        return str(_("contacts or events: the same person may count more than once"))

    def total(self, query: ReportQuery) -> int:
        rows = self.compute(query, ())
        return rows[0]["value"] if rows else 0

    def rows(self, query: ReportQuery, by: tuple[str, ...]) -> list[dict]:
        unknown = set(by) - set(self.disaggregations)
        if unknown:
            raise ValueError(f"{self.identifier} cannot be broken down by {sorted(unknown)}")
        return self.compute(query, by)


class Registry(dict):
    """The indicators defined in code (the dict's own entries) and, looked up in the database
    each time, the count indicators programme managers define without code
    (`reports.models.CountIndicator`, identifiers starting with `count_`). Reads see both."""

    def _defined(self) -> dict[str, Indicator]:
        from .models import CountIndicator

        return {row.registry_id: count_indicator(row) for row in CountIndicator.objects.all()}

    def _one(self, key) -> Indicator | None:
        from .models import CountIndicator

        if not isinstance(key, str) or not key.startswith(CountIndicator.PREFIX):
            return None
        row = CountIndicator.objects.filter(
            identifier=key.removeprefix(CountIndicator.PREFIX)
        ).first()
        return count_indicator(row) if row else None

    def __missing__(self, key):
        found = self._one(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key):
        return dict.__contains__(self, key) or self._one(key) is not None

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def in_code(self, key) -> bool:
        return dict.__contains__(self, key)

    def all(self) -> dict[str, Indicator]:
        return {**dict(dict.items(self)), **self._defined()}

    def values(self):
        return self.all().values()

    def items(self):
        return self.all().items()

    def keys(self):
        return self.all().keys()

    def __iter__(self):
        return iter(self.all())

    def __len__(self):
        return len(self.all())


registry: Registry = Registry()


def count_indicator(row) -> Indicator:
    """The registry's view of a CountIndicator: evaluated through its whitelisted source."""
    from .count_sources import SOURCES

    source = SOURCES[row.source]
    filters = dict(row.filters)

    def compute(query: ReportQuery, by: tuple[str, ...]) -> list[dict]:
        return source.rows(query, filters, by)

    return Indicator(
        identifier=row.registry_id,
        name=row.name,
        definition=row.definition,
        unit=row.unit,
        compute=compute,
        disaggregations=tuple(row.disaggregations),
        counts_people=source.counts_people,
        order=1000,
    )


# One pass over shared rows: `source(query, groupings)` returns, for each grouping (a tuple of
# dimension names), rows holding those dimensions and one figure per indicator identifier, e.g.
# with GROUPING SETS. Rows whose figure is 0 are dropped for that indicator (compute() returns
# no group without rows), except in the total.
ONE_PASS: dict[str, Callable[[ReportQuery, list[tuple[str, ...]]], dict[tuple, list[dict]]]] = {}


def report_groupings(item: Indicator, disaggregations) -> list[tuple[str, ...]]:
    """The groupings a report asks an indicator for: the total, by country, and each other
    dimension of the report with and without the country."""
    groupings = [()]
    if "country" in item.disaggregations:
        groupings.append(("country",))
        for dimension in disaggregations:
            if dimension != "country" and dimension in item.disaggregations:
                groupings += [("country", dimension), (dimension,)]
    return groupings


def one_pass_rows(query: ReportQuery, indicators, disaggregations) -> dict[tuple, list[dict]]:
    """{(identifier, grouping): rows} for the indicators that have a one-pass source: one
    query per source for all their groupings. The others are not in it (see Indicator.rows)."""
    by_source: dict[str, list[Indicator]] = {}
    for item in indicators:
        if item.one_pass in ONE_PASS:
            by_source.setdefault(item.one_pass, []).append(item)
    figures: dict[tuple, list[dict]] = {}
    for source, items in by_source.items():
        wanted = {item: report_groupings(item, disaggregations) for item in items}
        groupings = sorted({by for sets in wanted.values() for by in sets}, key=len)
        result = ONE_PASS[source](query, groupings)
        for item, sets in wanted.items():
            for by in sets:
                figures[(item.identifier, by)] = [
                    {**{name: row[name] for name in by}, "value": row[item.identifier]}
                    for row in result.get(by, [])
                    if row[item.identifier] or not by
                ]
    return figures


def indicator(**definition):
    """Registers the decorated compute function as an indicator."""

    def decorator(compute):
        item = Indicator(compute=compute, **definition)
        if registry.in_code(item.identifier):
            raise ValueError(f"indicator {item.identifier} is defined twice")
        registry[item.identifier] = item
        return compute

    return decorator


def group_rows(queryset, by: tuple[str, ...], fields: dict, value) -> list[dict]:
    """Groups a queryset by the named dimensions and annotates `value`, in one query.

    `fields` maps each dimension to a model path ("centre__country") or an expression.
    """
    if not by:
        return [queryset.aggregate(value=value)]
    # Aliased, since a dimension may be named like a model field ("centre").
    paths = {
        f"dim_{name}": F(fields[name]) if isinstance(fields[name], str) else fields[name]
        for name in by
    }
    rows = queryset.values(**paths).annotate(value=value).order_by(*paths)
    return [{**{name: row[f"dim_{name}"] for name in by}, "value": row["value"]} for row in rows]


# --- Indicators of the foundation: the network itself ----------------------------------------


@indicator(
    identifier="centre_staff",
    name=_("Centre staff in service"),
    definition=_(
        "Counsellors and centre managers who are members of an active centre at the end of the "
        "period. A person working at two centres counts once in a total."
    ),
    unit=_("people"),
    disaggregations=("country", "centre"),
    counts_people=True,
    order=900,
)
def centre_staff(query: ReportQuery, by: tuple[str, ...]) -> list[dict]:
    from accounts.models import CENTRE_ROLES, CentreMembership

    memberships = CentreMembership.objects.filter(
        centre__is_active=True,
        user__is_active=True,
        user__role__in=CENTRE_ROLES,
        since__lte=query.end,
    )
    if query.countries:
        memberships = memberships.filter(centre__country__in=query.countries)
    if query.centre_ids:
        memberships = memberships.filter(centre_id__in=query.centre_ids)
    fields = {"country": "centre__country", "centre": "centre__name"}
    return group_rows(memberships, by, fields, Count("user", distinct=True))
