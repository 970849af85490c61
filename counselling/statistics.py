"""Centre statistics: contacts and people reached, disaggregated, computed by the database.

"People reached" counts a person once however many sessions, centres or months they appear in
(DOMAIN.md); "sessions" counts contacts. Ages are taken at the end of the period, so each
person falls in one age band.

Periods of whole months (a month, a quarter, a year) are read from the statistics summary
(counselling/summary.py: month × centre × visitor rows kept by every session write), so they
cost the same however long the history is; other periods are counted from the sessions. Both
give the same figures.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from centres.models import Centre

from .models import (
    AGE_BAND_CHOICES,
    AGE_BANDS,
    UNKNOWN_AGE_BAND,
    GroupCount,
    GroupSession,
    MigrationStatus,
    Session,
    Sex,
    StatisticsCell,
    StatisticsDestinationMonth,
    StatisticsMonth,
    StatisticsTopicMonth,
    Topic,
    topic_label,
)
from .summary import summary_kept

LATE_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def whole_months(self) -> bool:
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1


def age_band_expression(reference_year: int, field: str = "visitor__year_of_birth"):
    whens = []
    for label, low, high in AGE_BANDS:
        # born in [reference_year - high, reference_year - low]
        condition = Q(**{f"{field}__lte": reference_year - low})
        if high is not None:
            condition &= Q(**{f"{field}__gte": reference_year - high})
        whens.append(When(condition, then=Value(label)))
    return Case(*whens, default=Value(UNKNOWN_AGE_BAND), output_field=CharField())


def _people_by(sessions, key: str, labels: dict, name: str = "") -> list[dict]:
    """Sessions and people by `key`; each row names its value `name` (the visitor's field on
    the sessions, whichever table the figures come from)."""
    rows = sessions.values(key).annotate(**_figures(sessions))
    return _labelled(
        [(row[key], row["sessions"], row["people"]) for row in rows], labels, name or key
    )


def _labelled(rows, labels: dict, name: str) -> list[dict]:
    """(value, sessions, people) rows, labelled, most people first (then most sessions)."""
    rows = sorted(rows, key=lambda row: (-row[2], -row[1], str(row[0])))
    return [
        {
            "label": labels.get(value, value or _("not recorded")),
            name: value,
            "sessions": sessions,
            "people": people,
        }
        for value, sessions, people in rows
    ]


def centre_statistics(
    *, user, period: Period, centre: Centre | None = None, country: str = ""
) -> dict:
    centres = Centre.objects.staffed_by(user)
    if country:
        centres = centres.filter(country=country)
    if centre is not None:
        centres = centres.filter(pk=centre.pk)
    level = cell_level(user=user, centre=centre, country=country)
    if period.whole_months and summary_kept() and level is not None:
        figures = _figures_from_cells(level, period)
    else:
        figures = _figures_of_centres(centres, period)
    return _with_groups({**figures, **_group_figures(centres, period)})


def cell_level(*, user, centre: Centre | None = None, country: str = "") -> str | None:
    """The cells that hold the figures of what the user asked for: a country's code, "" for
    the network, None when the scope is one centre or a few (their month rows are read)."""
    if centre is not None:
        return None
    scope = user.scope
    if scope.whole_network:
        return country  # the network ("") or one of its countries
    if scope.country and country in ("", scope.country):
        return scope.country
    return None


def _figures_of_centres(centres, period: Period) -> dict:
    if period.whole_months and summary_kept():
        months = {"month__gte": period.start, "month__lte": period.end, "centre__in": centres}
        sessions = StatisticsMonth.objects.filter(**months)
        topic_rows = StatisticsTopicMonth.objects.filter(**months)
        destination_rows = StatisticsDestinationMonth.objects.filter(**months)
    else:
        sessions = Session.objects.live().filter(
            centre__in=centres, date__gte=period.start, date__lte=period.end
        )
        topic_rows = destination_rows = sessions
    if _summary(sessions):
        totals, by_visitor = _people_in_one_pass(sessions, period)
    else:
        totals = sessions.aggregate(**_figures(sessions))
        by_visitor = {
            "by_sex": _people_by(sessions, "visitor__sex", dict(Sex.choices)),
            "by_age_band": _by_age_band(sessions, period),
            "by_migration_status": _people_by(
                sessions, "visitor__migration_status", dict(MigrationStatus.choices)
            ),
        }
    monthly = [
        {"month": row["month"], "sessions": row["sessions"], "people": row["people"]}
        for row in _with_month(sessions).values("month").annotate(**_figures(sessions))
    ]
    return {
        "totals": totals,
        "months": monthly,
        **by_visitor,
        "by_topic": _topic_rows(_topics(topic_rows)),
        "by_destination": _by_destination(destination_rows),
        "quality": data_quality(sessions),
    }


def cells_in(level: str, period: Period):
    """The cells of a country ("": the network) in a period of whole months."""
    return StatisticsCell.objects.filter(
        country=level, month__gte=period.start, month__lte=period.end
    )


def cell_people(period: Period):
    """People reached in the period, summed over cells: each person in the first month of the
    period they came in (their previous month before the period, or none)."""
    first_in_period = Q(prev_month__isnull=True) | Q(prev_month__lt=period.start)
    return Coalesce(Sum("people", filter=first_in_period), 0)


def _figures_from_cells(level: str, period: Period) -> dict:
    """The figures of a country or the network from the cells: two small aggregates."""
    from django_countries import countries

    cells = cells_in(level, period)
    values: dict[str, list] = {}
    for row in cells.values("dimension", "value").annotate(
        sessions=Sum("sessions"), people=cell_people(period), missing=Sum("missing"),
        late=Sum("late"),
    ):  # fmt: skip
        values.setdefault(row["dimension"], []).append(row)
    monthly = [
        {"month": row["month"], "sessions": row["sessions"], "people": row["people"]}
        for row in cells.filter(dimension=StatisticsCell.Dimension.ALL)
        .values("month")
        .annotate(sessions=Sum("sessions"), people=Sum("people"))
        .order_by("month")
        if row["sessions"]
    ]

    def rows(dimension) -> list[tuple]:
        return [
            (row["value"], row["sessions"], row["people"])
            for row in values.get(dimension, [])
            if row["sessions"] or row["people"]
        ]

    everyone = values.get(StatisticsCell.Dimension.ALL, [{}])[0]
    bands: dict[str, list[int]] = {}
    for year, sessions, people in rows(StatisticsCell.Dimension.YEAR_OF_BIRTH):
        band = _age_band(period.end.year, int(year) if year else None)
        figures = bands.setdefault(band, [0, 0])
        figures[0] += sessions
        figures[1] += people
    topic_names = dict(Topic.objects.values_list("pk", "name"))
    topics = sorted(
        (
            {"topics__name": topic_names.get(int(value)) if value else None,
             "sessions": sessions, "people": people}
            for value, sessions, people in rows(StatisticsCell.Dimension.TOPIC)
        ),
        key=lambda row: -row["sessions"],
    )  # fmt: skip
    destinations = sorted(
        (
            {"label": countries.name(code), "sessions": sessions, "people": people}
            for code, sessions, people in sorted(rows(StatisticsCell.Dimension.SESSION_DESTINATION))
        ),
        key=lambda row: -row["people"],
    )  # fmt: skip
    return {
        "totals": {
            "sessions": everyone.get("sessions") or 0,
            "people": everyone.get("people") or 0,
        },
        "months": monthly,
        "by_sex": _labelled(rows(StatisticsCell.Dimension.SEX), dict(Sex.choices), "visitor__sex"),
        "by_age_band": _age_band_rows([(band, s, p) for band, (s, p) in bands.items()]),
        "by_migration_status": _labelled(
            rows(StatisticsCell.Dimension.MIGRATION_STATUS),
            dict(MigrationStatus.choices),
            "visitor__migration_status",
        ),
        "by_topic": _topic_rows(topics),
        "by_destination": destinations,
        "quality": _quality_of_counsellors(values.get(StatisticsCell.Dimension.COUNSELLOR, [])),
    }


def _age_band(reference_year: int, year_of_birth: int | None) -> str:
    if year_of_birth is None:
        return UNKNOWN_AGE_BAND
    age = reference_year - year_of_birth
    for label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return UNKNOWN_AGE_BAND


def _quality_of_counsellors(rows: list[dict]) -> list[dict]:
    names = dict(
        get_user_model()
        .objects.filter(pk__in=[int(row["value"]) for row in rows])
        .values_list("pk", "full_name")
    )
    quality = [
        {
            "counsellor_id": int(row["value"]),
            "counsellor__full_name": names.get(int(row["value"]), ""),
            "total": row["sessions"],
            "missing": row["missing"],
            "late": row["late"],
        }
        for row in rows
        if row["sessions"]
    ]
    return _quality_shares(sorted(quality, key=lambda row: row["counsellor__full_name"]))


def _topic_rows(topics) -> list[dict]:
    return [
        {
            "label": topic_label(row["topics__name"]) if row["topics__name"] else _("no topic"),
            **row,
        }
        for row in topics
    ]


def _group_figures(centres, period: Period) -> dict:
    """Group sessions: counted from their rows (a few per centre and month), and the group
    participants added to the months of the individual figures (see `_with_groups`)."""
    groups = GroupSession.objects.live().filter(
        centre__in=centres, date__gte=period.start, date__lte=period.end
    )
    participants = {
        row["month"]: row["participants"]
        for row in groups.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(participants=Sum("total_participants"))
    }
    return {
        "group_sessions": groups.count(),
        "group_participants": sum(participants.values()),
        "group_months": participants,
        "group_counts": _group_counts(groups),
    }


def _with_groups(figures: dict) -> dict:
    """The page's figures: totals and months with the group sessions, and the chart."""
    monthly = {row["month"]: row for row in figures.pop("months")}
    for month, participants in figures.pop("group_months").items():
        monthly.setdefault(month, {"month": month, "sessions": 0, "people": 0})
        monthly[month]["group_participants"] = participants
    months = [monthly[key] for key in sorted(monthly)]
    figures["totals"]["group_sessions"] = figures.pop("group_sessions")
    figures["totals"]["group_participants"] = figures.pop("group_participants")
    return {**figures, "months": months, "chart": _chart(months)}


def _summary(rows) -> bool:
    return rows.model is not Session


def _figures(rows) -> dict:
    """Sessions and people reached: counted from sessions, or summed from summary rows."""
    if _summary(rows):
        return {"sessions": Coalesce(Sum("sessions"), 0), "people": Count("visitor", distinct=True)}
    return {"sessions": Count("id", distinct=True), "people": Count("visitor", distinct=True)}


def _with_month(rows):
    return rows if _summary(rows) else rows.annotate(month=TruncMonth("date"))


def _topics(rows) -> list[dict]:
    if not _summary(rows):
        return list(rows.values("topics__name").annotate(**_figures(rows)).order_by("-sessions"))
    figures = rows.values("topic__name").annotate(**_figures(rows)).order_by("-sessions")
    return [
        {"topics__name": row["topic__name"], "sessions": row["sessions"], "people": row["people"]}
        for row in figures
    ]


def _group_counts(groups) -> dict:
    """People counted (not registered) at group sessions: a sex × age band table."""
    cells = {
        (row["sex"], row["age_band"]): row["n"]
        for row in GroupCount.objects.filter(group_session__in=groups)
        .values("sex", "age_band")
        .annotate(n=Sum("count"))
    }
    bands = [label for label, _low, _high in AGE_BANDS]
    rows = [
        {
            "label": sex_label,
            "cells": [cells.get((sex, band), 0) for band in bands],
            "total": sum(cells.get((sex, band), 0) for band in bands),
        }
        for sex, sex_label in Sex.choices
    ]
    return {"bands": dict(AGE_BAND_CHOICES).values(), "rows": rows, "total": sum(cells.values())}


def _by_age_band(sessions, period: Period) -> list[dict]:
    rows = _people_by(sessions.annotate(band=age_band_expression(period.end.year)), "band", {})
    return _age_band_rows([(row["band"], row["sessions"], row["people"]) for row in rows])


def _age_band_rows(rows) -> list[dict]:
    labels = {**dict(AGE_BAND_CHOICES), UNKNOWN_AGE_BAND: _("unknown")}
    order = list(labels)
    return sorted(_labelled(rows, labels, "band"), key=lambda row: order.index(row["band"]))


def _people_in_one_pass(rows, period: Period) -> tuple[dict, dict]:
    """Totals and people by sex, age band and status from the summary in one pass: each
    visitor once (their sessions summed), then GROUPING SETS over them."""
    per_visitor = rows.values("visitor").annotate(
        v_sessions=Sum("sessions"),
        v_sex=Max("sex"),
        v_band=Max(age_band_expression(period.end.year, "year_of_birth")),
        v_status=Max("migration_status"),
    )
    sql, params = per_visitor.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GROUPING(v_sex), GROUPING(v_band), GROUPING(v_status), v_sex, v_band,"
            " v_status, COALESCE(SUM(v_sessions), 0)::bigint, COUNT(*)"
            f" FROM ({sql}) AS per_visitor"
            " GROUP BY GROUPING SETS ((), (v_sex), (v_band), (v_status))",
            params,
        )
        result = cursor.fetchall()
    totals, sex, band, status = {}, [], [], []
    for no_sex, no_band, no_status, v_sex, v_band, v_status, sessions, people in result:
        if no_sex and no_band and no_status:
            totals = {"sessions": sessions, "people": people}
        elif not no_sex:
            sex.append((v_sex, sessions, people))
        elif not no_band:
            band.append((v_band, sessions, people))
        else:
            status.append((v_status, sessions, people))
    return totals, {
        "by_sex": _labelled(sex, dict(Sex.choices), "visitor__sex"),
        "by_age_band": _age_band_rows(band),
        "by_migration_status": _labelled(
            status, dict(MigrationStatus.choices), "visitor__migration_status"
        ),
    }


def _by_destination(sessions) -> list[dict]:
    """Destinations discussed. Stored as comma-separated ISO codes, so each code is counted
    with a filtered aggregate (a 2-letter code can only match itself in that list)."""
    from django_countries import countries

    if _summary(sessions):
        figures = {
            row["destination"]: row
            for row in sessions.values("destination").annotate(**_figures(sessions))
        }
        rows = [
            {"label": countries.name(code), "sessions": row["sessions"], "people": row["people"]}
            for code, row in sorted(figures.items())
        ]
        return sorted(rows, key=lambda row: -row["people"])
    combos = sessions.exclude(destinations="").values_list("destinations", flat=True).distinct()
    codes = sorted({code for combo in combos for code in combo.split(",") if code})
    if not codes:
        return []
    aggregates = {}
    for code in codes:
        match = Q(destinations__contains=code)
        aggregates[f"s_{code}"] = Count("id", filter=match, distinct=True)
        aggregates[f"p_{code}"] = Count("visitor", filter=match, distinct=True)
    figures = sessions.aggregate(**aggregates)
    rows = [
        {
            "label": countries.name(code),
            "sessions": figures[f"s_{code}"],
            "people": figures[f"p_{code}"],
        }
        for code in codes
    ]
    return sorted(rows, key=lambda row: -row["people"])


def data_quality(sessions) -> list[dict]:
    """Per counsellor: sessions missing key fields, and sessions logged more than 7 days late."""
    if _summary(sessions):
        visitor_missing = Q(visitor_incomplete=True)
        rows = (
            sessions.values("counsellor_id", "counsellor__full_name")
            .annotate(
                total=Sum("sessions"),
                missing=Sum(
                    Case(When(visitor_missing, then=F("sessions")), default=F("incomplete"))
                ),
                late=Sum("late"),
            )
            .order_by("counsellor__full_name")
        )
        return _quality_shares(rows)
    has_topic = Exists(Session.topics.through.objects.filter(session_id=OuterRef("pk")))
    missing = (
        Q(has_topic=False)
        | Q(duration_minutes__isnull=True)
        | Q(visitor__year_of_birth__isnull=True)
        | Q(visitor__education__isnull=True)
    )
    rows = (
        sessions.annotate(has_topic=has_topic)
        .values("counsellor_id", "counsellor__full_name")
        .annotate(
            total=Count("id"),
            missing=Count("id", filter=missing),
            # Imported legacy rows were logged on paper long ago: not late at the desk.
            late=Count(
                "id",
                filter=Q(created_at__date__gt=F("date") + LATE_AFTER)
                & ~Q(source=Session.Source.IMPORT),
            ),
        )
        .order_by("counsellor__full_name")
    )
    return _quality_shares(rows)


def _quality_shares(rows) -> list[dict]:
    return [
        {
            **row,
            "missing_share": round(100 * row["missing"] / row["total"]),
            "late_share": round(100 * row["late"] / row["total"]),
        }
        for row in rows
    ]


def _chart(months: list[dict]) -> dict:
    """Bar geometry for the server-rendered SVG chart of sessions and people per month."""
    peak = max([m["sessions"] for m in months] + [1])
    height, bar = 160, 12
    bars = []
    for index, month in enumerate(months):
        x = 40 + index * (2 * bar + 10)
        sessions_h = round(height * month["sessions"] / peak)
        people_h = round(height * month["people"] / peak)
        bars.append(
            {
                "month": month["month"],
                "x": x,
                "x2": x + bar,
                "sessions_y": 10 + height - sessions_h,
                "sessions_h": sessions_h,
                "people_y": 10 + height - people_h,
                "people_h": people_h,
                "label_x": x + bar,
            }
        )
    return {
        "bars": bars,
        "width": 60 + len(months) * (2 * bar + 10),
        "height": height + 40,
        "baseline": 10 + height,
        "peak": peak,
        "bar": bar,
    }
