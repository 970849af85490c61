"""The programme dashboard's figures: aggregates only, computed by the database, cached briefly.

Country coordinators get the same dashboard limited to their country. Like every output, the
dashboard shows only published figures (reports/suppression.py): the month-by-country table with
the monthly bars and the year's total is protected as one table; the figures standing alone (top
lists, the pipeline, progress) hide counts below the threshold.

Sessions, people reached, topics and destinations of whole months are read from the statistics
summary (counselling/summary.py), so a year costs the same however long the history is; the
same figures as counted from the sessions (the indicators), which other periods still use.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import get_language, pgettext
from django_countries import countries as country_names

from counselling.models import (
    Session,
    StatisticsCell,
    StatisticsMonth,
    StatisticsTopicMonth,
    Topic,
    Visitor,
    topic_label,
)
from counselling.statistics import Period, cell_people, cells_in
from counselling.summary import summary_kept
from returns.models import Application, Assignment, Mode
from skills.reference_names import NACE_CONTEXT

from .indicators import ReportQuery, registry
from .models import IndicatorTarget
from .suppression import DEFAULT_THRESHOLD, published_figure, suppress

CACHE_SECONDS = 600
VERSION_KEY = "dashboard:version"


@dataclass(frozen=True)
class DashboardFilter:
    start: date
    end: date
    countries: tuple[str, ...] = ()

    @property
    def cache_key(self) -> str:
        # Names in the figures (countries, topics, sectors) are in the language of the page; the
        # version changes with the results framework, so that a new target shows at once.
        version = cache.get(VERSION_KEY, 0)
        return (
            f"dashboard:{version}:{get_language()}:{self.start}:{self.end}:"
            f"{','.join(self.countries)}"
        )

    @property
    def whole_months(self) -> bool:
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1


def dashboard_invalidate() -> None:
    """Drops every cached dashboard (after a change of projects, targets or indicators)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def _sessions(flt: DashboardFilter):
    sessions = Session.objects.live().filter(date__range=(flt.start, flt.end))
    if flt.countries:
        sessions = sessions.filter(centre__country__in=flt.countries)
    return sessions


def _summary(model, flt: DashboardFilter):
    """Summary rows of the filter's months and countries (None: the period is not whole months)."""
    if not (flt.whole_months and summary_kept()):
        return None
    rows = model.objects.filter(month__range=(flt.start, flt.end))
    if flt.countries:
        rows = rows.filter(centre__country__in=flt.countries)
    return rows


def _cells(flt: DashboardFilter):
    """The summary's cells of the filter (counselling.models.StatisticsCell): the network's
    with no country, a country's with one (None: the period is not whole months, or several
    countries: their people are counted from the month rows)."""
    if not (flt.whole_months and summary_kept()) or len(flt.countries) > 1:
        return None
    level = flt.countries[0] if flt.countries else ""
    return cells_in(level, Period(flt.start, flt.end))


def monthly_activity(flt: DashboardFilter) -> list[dict]:
    """Sessions and people reached per month and country (people once per month and country)."""
    if flt.whole_months and summary_kept():
        # Each country's cells: a person counts once in a month of a country.
        cells = StatisticsCell.objects.filter(
            month__range=(flt.start, flt.end), dimension=StatisticsCell.Dimension.ALL
        ).exclude(country="")
        if flt.countries:
            cells = cells.filter(country__in=flt.countries)
        rows = (
            cells.values("month", "country")
            .annotate(sessions=Sum("sessions"), people=Sum("people"))
            .order_by("month", "country")
        )
        return [
            {"month": row["month"], "centre__country": row["country"],
             "sessions": row["sessions"], "people": row["people"]}
            for row in rows
            if row["sessions"]
        ]  # fmt: skip
    return list(
        _sessions(flt)
        .annotate(month=TruncMonth("date"))
        .values("month", "centre__country")
        .annotate(sessions=Count("id"), people=Count("visitor", distinct=True))
        .order_by("month", "centre__country")
    )


def top_topics(flt: DashboardFilter, limit: int = 10) -> list[dict]:
    cells = _cells(flt)
    summary = _summary(StatisticsTopicMonth, flt)
    if cells is not None:
        names = dict(Topic.objects.values_list("pk", "name"))
        counts = [
            {"topics__name": names[int(row["value"])], "count": row["count"]}
            for row in cells.filter(dimension=StatisticsCell.Dimension.TOPIC)
            .exclude(value="")
            .values("value")
            .annotate(count=Sum("sessions"))
            if row["count"]
        ]
        rows = sorted(counts, key=lambda row: (-row["count"], row["topics__name"]))[:limit]
    elif summary is not None:
        rows = [
            {"topics__name": row["topic__name"], "count": row["count"]}
            for row in summary.exclude(topic=None)
            .values("topic__name")
            .annotate(count=Sum("sessions"))
            .order_by("-count", "topic__name")[:limit]
        ]
    else:
        rows = _top_topics_live(flt, limit)
    return [
        {**row, "name": topic_label(row["topics__name"]), "count": published_figure(row["count"])}
        for row in rows
    ]


def _top_topics_live(flt: DashboardFilter, limit: int) -> list[dict]:
    return list(
        _sessions(flt)
        .values("topics__name")
        .exclude(topics__name=None)
        .annotate(count=Count("id"))
        .order_by("-count", "topics__name")[:limit]
    )


def _people_by_destination(flt: DashboardFilter) -> list[dict]:
    """People counselled by their intended destination (the indicator visitors_by_destination,
    by destination), from the summary: one conditional count per country, in one query."""
    cells = _cells(flt)
    if cells is not None:
        return [
            {"destination": row["value"], "value": row["people"]}
            for row in cells.filter(dimension=StatisticsCell.Dimension.VISITOR_DESTINATION)
            .values("value")
            .annotate(people=cell_people(Period(flt.start, flt.end)))
            .order_by("value")
            if row["people"]
        ]
    summary = _summary(StatisticsMonth, flt)
    if summary is None:
        return registry["visitors_by_destination"].rows(
            ReportQuery(start=flt.start, end=flt.end, countries=flt.countries), ("destination",)
        )
    summary = summary.exclude(visitor__destinations="")
    listed = summary.values_list("visitor__destinations", flat=True).distinct()
    codes = sorted({code for value in listed for code in value.split(",") if code})
    counts = summary.aggregate(
        **{
            code: Count("visitor", distinct=True, filter=Q(visitor__destinations__contains=code))
            for code in codes
        }
    )
    return [{"destination": code, "value": counts[code]} for code in codes if counts[code]]


def _people_reached(flt: DashboardFilter) -> int:
    cells = _cells(flt)
    if cells is not None:
        period = Period(flt.start, flt.end)
        return cells.filter(dimension=StatisticsCell.Dimension.ALL).aggregate(
            n=cell_people(period)
        )["n"]
    summary = _summary(StatisticsMonth, flt)
    if summary is None:
        query = ReportQuery(start=flt.start, end=flt.end, countries=flt.countries)
        return registry["visitors_counselled"].total(query)
    return summary.aggregate(n=Count("visitor", distinct=True))["n"]


def top_destinations(flt: DashboardFilter, limit: int = 10) -> list[dict]:
    people = _people_by_destination(flt)
    top = sorted(people, key=lambda row: (-row["value"], row["destination"]))[:limit]
    return [
        {
            **row,
            "name": country_names.name(row["destination"]),
            "value": published_figure(row["value"]),
        }
        for row in top
    ]


def indicator_progress(flt: DashboardFilter) -> list[dict]:
    """Each project indicator with targets inside the period: its value against the target and
    the baseline, per country where the target names one (within the dashboard's countries)."""
    targets = (
        IndicatorTarget.objects.filter(period_start__gte=flt.start, period_end__lte=flt.end)
        .select_related("project_indicator__project")
        .order_by("project_indicator__project__name", "project_indicator__indicator", "country")
    )
    if flt.countries:
        targets = targets.filter(Q(country="") | Q(country__in=flt.countries))
    progress: dict[tuple, dict] = {}
    for target in targets:
        attached = target.project_indicator
        country = str(target.country or "")
        key = (attached.project.name, attached.indicator, country)
        entry = progress.setdefault(
            key,
            {
                "project": attached.project.name,
                "indicator": attached.indicator,
                "country": country,
                "country_name": country_names.name(country) if country else "",
                "target": 0,
                "baseline": 0,
            },
        )
        entry["target"] += target.value
        entry["baseline"] += target.baseline
    for entry in progress.values():
        countries = (entry["country"],) if entry["country"] else flt.countries
        query = ReportQuery(start=flt.start, end=flt.end, countries=countries)
        item = registry.get(entry["indicator"])
        entry["name"] = item.name if item else entry["indicator"]
        value = item.total(query) if item else 0
        entry["value"] = published_figure(value)
        # A percentage of a hidden figure would give it away.
        shown = entry["target"] and isinstance(entry["value"], int)
        entry["percent"] = min(100, round(100 * value / entry["target"])) if shown else 0
    return list(progress.values())


def tvr_pipeline(flt: DashboardFilter) -> list[dict]:
    """Applications by state now (whatever the period), in the order of the workflow."""
    applications = Application.objects.all()
    if flt.countries:
        applications = applications.filter(need__host__country__in=flt.countries)
    counts = dict(applications.values_list("status").annotate(count=Count("id")))
    return [
        {"status": label, "count": published_figure(counts.get(value, 0))}
        for value, label in Application.Status.choices
    ]


def assignments_by_mode_and_sector(flt: DashboardFilter) -> list[dict]:
    assignments = Assignment.objects.filter(end__range=(flt.start, flt.end)).exclude(
        status=Assignment.Status.CANCELLED
    )
    if flt.countries:
        assignments = assignments.filter(application__need__host__country__in=flt.countries)
    rows = (
        assignments.values("mode", "application__need__sector__name")
        .annotate(count=Count("id"))
        .order_by("application__need__sector__name", "mode")
    )
    modes = dict(Mode.choices)
    return [
        {
            "sector": pgettext(NACE_CONTEXT, row["application__need__sector__name"]),
            "mode": str(modes.get(row["mode"], row["mode"])),
            "count": published_figure(row["count"]),
        }
        for row in rows
    ]


def _activity(flt: DashboardFilter) -> dict:
    """Sessions (and people) by month and country, protected as tables whose row totals are the
    monthly bars and whose grand total is the year's figure."""
    activity = monthly_activity(flt)
    months = sorted({row["month"] for row in activity})
    countries = sorted({row["centre__country"] for row in activity})
    cells = {(row["month"], row["centre__country"]): row for row in activity}

    def table(measure: str):
        return suppress(
            [[(cells.get((m, c)) or {}).get(measure, 0) for c in countries] for m in months],
            DEFAULT_THRESHOLD,
        )

    sessions, people = table("sessions"), table("people")
    last_column, last_row = len(countries), len(months)
    return {
        "months": months,
        "countries": countries,
        # Months down, countries across: sessions and people for each month and country.
        "activity_table": [
            {
                "month": month,
                "cells": [
                    {"sessions": sessions.display(r, c), "people": people.display(r, c)}
                    for c in range(len(countries))
                ],
            }
            for r, month in enumerate(months)
        ],
        "per_month": [(month, sessions.display(r, last_column)) for r, month in enumerate(months)],
        "total_sessions": sessions.display(last_row, last_column),
    }


def dashboard_data(flt: DashboardFilter) -> dict:
    data = cache.get(flt.cache_key)
    if data is None:
        data = {
            **_activity(flt),
            "people_reached": published_figure(_people_reached(flt)),
            "registered_visitors": published_figure(
                Visitor.objects.live()
                .filter(
                    created_at__date__range=(flt.start, flt.end),
                    **({"centre__country__in": flt.countries} if flt.countries else {}),
                )
                .count()
            ),
            "topics": top_topics(flt),
            "destinations": top_destinations(flt),
            "progress": indicator_progress(flt),
            "pipeline": tvr_pipeline(flt),
            "assignments": assignments_by_mode_and_sector(flt),
        }
        cache.set(flt.cache_key, data, CACHE_SECONDS)
    return data
