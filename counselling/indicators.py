"""The counselling indicators of donor reports (see reports/indicators.py).

People are placed in the country and centre of the contact that is counted, and in their sex
and age band (their age at the end of the report's period).

Group sessions: registered attendees are counted by their profile; people not registered by the
counts by sex and age band taken at the session; whoever is in the session's total but in
neither is counted under "unknown". Unregistered participants cannot be told apart from one
session to the next, so they are contacts: "people reached" counts registered visitors only.
"""

from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from reports.indicators import DIMENSION_LABELS, ONE_PASS, ReportQuery, group_rows, indicator

from .models import (
    AGE_BANDS,
    UNKNOWN_AGE_BAND,
    GroupAttendance,
    GroupCount,
    GroupSession,
    MigrationStatus,
    Outcome,
    Referral,
    Session,
)

UNKNOWN = "unknown"
DIMENSION_LABELS["session_type"] = lambda value: str(
    dict(GroupSession.Type.choices).get(value, value)
)
DIMENSION_LABELS["outcome"] = lambda value: str(dict(Outcome.choices).get(value, value))

PEOPLE = _("people")
SESSIONS = _("sessions")


def age_band_expression(path: str, on_year: int, on_month: int = 12) -> Case:
    """A visitor's age band at the end of a period (its year and month), computed by the
    database from the year of birth and, where the visitor gave it, the month: someone whose
    birthday month comes after the period's last month is a year younger."""
    month = path.replace("year_of_birth", "month_of_birth")
    later = Q(**{f"{month}__gt": on_month})
    not_later = Q(**{f"{month}__isnull": True}) | Q(**{f"{month}__lte": on_month})
    whens = [When(**{f"{path}__isnull": True}, then=Value(UNKNOWN_AGE_BAND))]
    for label, low, high in AGE_BANDS:
        year = on_year - low  # at least `low` years old: born before, or that year and not later
        condition = Q(**{f"{path}__lt": year}) | (Q(**{path: year}) & not_later)
        if high is not None:
            oldest = (
                on_year - high
            )  # at most `high`: born that year or after, or later the year before
            condition &= Q(**{f"{path}__gte": oldest}) | (Q(**{path: oldest - 1}) & later)
        whens.append(When(condition, then=Value(label)))
    return Case(*whens, default=Value(UNKNOWN_AGE_BAND), output_field=CharField())


def _age(query: ReportQuery) -> Case:
    return age_band_expression("visitor__year_of_birth", query.end.year, query.end.month)


def _in_scope(queryset, query: ReportQuery, centre_path: str = "centre"):
    if query.countries:
        queryset = queryset.filter(**{f"{centre_path}__country__in": query.countries})
    if query.centre_ids:
        queryset = queryset.filter(**{f"{centre_path}_id__in": query.centre_ids})
    return queryset


def _session_fields(query: ReportQuery) -> dict:
    return {
        "country": "centre__country",
        "centre": "centre__name",
        "sex": "visitor__sex",
        "age_band": _age(query),
        "purpose": "visitor__intention_purpose",
        "mode": "mode",
    }


def _sessions(query: ReportQuery):
    return _in_scope(Session.objects.live().filter(date__range=(query.start, query.end)), query)


def _with_service(sessions, service: str):
    """Sessions in which the service was provided. PostgreSQL: JSON containment, which the
    partial index session_pre_departure answers (migration 0025); SQLite (the demo) has no
    containment on JSON: the quoted code is matched in the list's text."""
    if connection.vendor == "postgresql":
        return sessions.filter(services__contains=[service])
    return sessions.filter(services__icontains=f'"{service}"')


PERSON_DIMENSIONS = ("country", "centre", "sex", "age_band", "purpose")


def _age_band_sql(query: ReportQuery) -> str:
    """age_band_expression in SQL: the age at the end of the period, a year less for someone
    whose birthday month comes after the period's last month."""
    age = (
        f"({int(query.end.year)} - v.year_of_birth"
        f" - CASE WHEN v.month_of_birth > {int(query.end.month)} THEN 1 ELSE 0 END)"
    )
    whens = " ".join(
        f"WHEN {age} >= {low}"
        + (f" AND {age} <= {high}" if high is not None else "")
        + f" THEN '{label}'"
        for label, low, high in AGE_BANDS
    )
    return (
        f"CASE WHEN v.year_of_birth IS NULL THEN '{UNKNOWN_AGE_BAND}' {whens} "
        f"ELSE '{UNKNOWN_AGE_BAND}' END"
    )


def _person_columns(query: ReportQuery) -> dict[str, str]:
    """The person dimensions of the one-pass queries: c is the centre, v the visitor."""
    return {
        "country": "c.country",
        "centre": "c.name",
        "sex": "v.sex",
        "age_band": _age_band_sql(query),
        "purpose": "v.intention_purpose",
    }


def _grouping_sql(groupings: list[tuple[str, ...]]) -> tuple[list[str], str, str, str]:
    """For a GROUPING SETS query over columns named d_<dimension>: the dimensions, the leading
    select list, the GROUPING() flags and the sets."""
    dimensions = sorted({name for by in groupings for name in by})
    select = "".join(f"d_{name}, " for name in dimensions)
    flags = f"GROUPING({', '.join(f'd_{name}' for name in dimensions)})" if dimensions else "0"
    sets = ", ".join("(" + ", ".join(f"d_{name}" for name in by) + ")" for by in groupings)
    return dimensions, select, flags, sets


def contacts_one_pass(query: ReportQuery, groupings: list[tuple[str, ...]]) -> dict:
    """Individual sessions and group attendances of the period in one query, every grouping the
    report needs at once (GROUPING SETS): the figures of visitors_counselled,
    individual_sessions, returnees_supported and people_reached, the same as their compute().
    Contacts are first reduced to one row per (kind, visitor, centre, mode) with their number,
    since every dimension depends on those only."""
    dimensions, select, flags, sets = _grouping_sql(groupings)
    columns = {**_person_columns(query), "mode": "x.mode"}
    where, params = _scope_sql(query)
    session = "kind = 's'"
    sql = f"""
        SELECT {select}{flags},
               coalesce(sum(contacts) FILTER (WHERE {session}), 0)::bigint,
               count(DISTINCT visitor_id) FILTER (WHERE {session}),
               count(DISTINCT visitor_id) FILTER (WHERE {session} AND returnee),
               count(DISTINCT visitor_id)
        FROM (
            SELECT {"".join(f"{columns[name]} AS d_{name}, " for name in dimensions)}
                   x.kind, x.visitor_id, x.contacts, v.migration_status = %s AS returnee
            FROM (
                SELECT 's' AS kind, visitor_id, centre_id, mode, count(*) AS contacts
                FROM counselling_session WHERE date BETWEEN %s AND %s AND deleted_at IS NULL
                GROUP BY visitor_id, centre_id, mode
                UNION ALL
                SELECT 'a', a.visitor_id, g.centre_id, NULL, count(*)
                FROM counselling_groupattendance a
                JOIN counselling_groupsession g ON g.id = a.group_session_id
                WHERE g.date BETWEEN %s AND %s AND g.deleted_at IS NULL
                GROUP BY a.visitor_id, g.centre_id
            ) x
            JOIN counselling_visitor v ON v.id = x.visitor_id
            JOIN centres_centre c ON c.id = x.centre_id
            {"WHERE " + " AND ".join(where) if where else ""}
        ) contacts
        GROUP BY GROUPING SETS ({sets})
    """
    period = [query.start, query.end]
    return _grouping_sets_rows(
        sql,
        [MigrationStatus.RETURNEE.value, *period, *period, *params],
        dimensions,
        groupings,
        ["individual_sessions", "visitors_counselled", "returnees_supported", "people_reached"],
    )


ONE_PASS["contacts"] = contacts_one_pass


def _grouping_sets_rows(sql: str, params: list, dimensions: list[str], groupings, measures):
    """Runs a GROUPING SETS query whose columns are the dimensions, GROUPING() of them, then the
    measures; returns {grouping: [rows]} (see reports.indicators.ONE_PASS)."""
    width = len(dimensions)
    # GROUPING() sets a bit, from the right, for each dimension that is not grouped on.
    by_flags = {
        sum(1 << (width - 1 - i) for i, name in enumerate(dimensions) if name not in by): by
        for by in groupings
    }
    result: dict[tuple, list[dict]] = {by: [] for by in groupings}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            values = dict(zip(dimensions, row[:width], strict=True))
            by = by_flags[row[width]]
            figures = dict(zip(measures, row[width + 1 :], strict=True))
            result[by].append({**{name: values[name] for name in by}, **figures})
    return result


def _scope_sql(query: ReportQuery) -> tuple[list[str], list]:
    where, params = [], []
    if query.countries:
        where.append("c.country = ANY(%s)")
        params.append(list(query.countries))
    if query.centre_ids:
        where.append("c.id = ANY(%s)")
        params.append(list(query.centre_ids))
    return where, params


def destinations_one_pass(query: ReportQuery, groupings: list[tuple[str, ...]]) -> dict:
    """visitors_by_destination for every grouping in one query. Its dimensions depend on the
    visitor and the centre only, so the sessions are first reduced to distinct (visitor,
    centre) pairs, then each pair is repeated for each destination the visitor named."""
    dimensions, select, flags, sets = _grouping_sql(groupings)
    columns = {**_person_columns(query), "destination": "d.code"}
    where, params = _scope_sql(query)
    sql = f"""
        SELECT {select}{flags},
               count(DISTINCT visitor_id)
        FROM (
            SELECT {"".join(f"{columns[name]} AS d_{name}, " for name in dimensions)}
                   pairs.visitor_id
            FROM (
                SELECT DISTINCT visitor_id, centre_id FROM counselling_session
                WHERE date BETWEEN %s AND %s AND deleted_at IS NULL
            ) pairs
            JOIN counselling_visitor v ON v.id = pairs.visitor_id AND v.destinations <> ''
            JOIN centres_centre c ON c.id = pairs.centre_id
            CROSS JOIN LATERAL unnest(string_to_array(v.destinations, ',')) AS d(code)
            WHERE d.code <> '' {"".join(f" AND {clause}" for clause in where)}
        ) named
        GROUP BY GROUPING SETS ({sets})
    """
    return _grouping_sets_rows(
        sql,
        [query.start, query.end, *params],
        dimensions,
        groupings,
        ["visitors_by_destination"],
    )


ONE_PASS["destinations"] = destinations_one_pass


def outcomes_one_pass(query: ReportQuery, groupings: list[tuple[str, ...]]) -> dict:
    """session_outcomes for every grouping in one query: the sessions with an outcome reduced to
    (visitor, centre, outcome) with their number first, as every dimension depends on those."""
    dimensions, select, flags, sets = _grouping_sql(groupings)
    columns = {**_person_columns(query), "outcome": "x.outcome"}
    where, params = _scope_sql(query)
    sql = f"""
        SELECT {select}{flags},
               coalesce(sum(sessions), 0)::bigint
        FROM (
            SELECT {"".join(f"{columns[name]} AS d_{name}, " for name in dimensions)}
                   x.sessions
            FROM (
                SELECT visitor_id, centre_id, outcome, count(*) AS sessions
                FROM counselling_session
                WHERE date BETWEEN %s AND %s AND deleted_at IS NULL AND outcome <> ''
                GROUP BY visitor_id, centre_id, outcome
            ) x
            JOIN counselling_visitor v ON v.id = x.visitor_id
            JOIN centres_centre c ON c.id = x.centre_id
            {"WHERE " + " AND ".join(where) if where else ""}
        ) outcomes
        GROUP BY GROUPING SETS ({sets})
    """
    return _grouping_sets_rows(
        sql, [query.start, query.end, *params], dimensions, groupings, ["session_outcomes"]
    )


ONE_PASS["outcomes"] = outcomes_one_pass


@indicator(
    identifier="visitors_counselled",
    one_pass="contacts",
    name=_("Unique visitors counselled (people reached)"),
    definition=_(
        "People who had at least one individual counselling session in the period. Each person "
        "counts once in a total, whatever the number of their sessions or the centres they "
        "visited; in a breakdown by centre they count once at each centre."
    ),
    unit=PEOPLE,
    disaggregations=PERSON_DIMENSIONS,
    counts_people=True,
    order=10,
)
def visitors_counselled(query, by):
    return group_rows(_sessions(query), by, _session_fields(query), Count("visitor", distinct=True))


@indicator(
    identifier="individual_sessions",
    one_pass="contacts",
    name=_("Individual counselling sessions"),
    definition=_("Individual sessions (contacts) logged in the period, in any mode."),
    unit=SESSIONS,
    disaggregations=(*PERSON_DIMENSIONS, "mode"),
    order=20,
)
def individual_sessions(query, by):
    return group_rows(_sessions(query), by, _session_fields(query), Count("id"))


@indicator(
    identifier="session_outcomes",
    one_pass="outcomes",
    name=_("Individual sessions by outcome"),
    definition=_(
        "Individual sessions of the period whose outcome was recorded (informed, referred, "
        "plans to migrate legally, decided to stay, returned and reintegrating, undecided), "
        "by outcome. Sessions without a recorded outcome are not counted."
    ),
    unit=SESSIONS,
    disaggregations=(*PERSON_DIMENSIONS, "outcome"),
    order=25,
)
def session_outcomes(query, by):
    fields = {**_session_fields(query), "outcome": "outcome"}
    return group_rows(_sessions(query).exclude(outcome=""), by, fields, Count("id"))


def _group_sessions(query: ReportQuery, **filters):
    sessions = GroupSession.objects.live().filter(date__range=(query.start, query.end), **filters)
    return _in_scope(sessions, query)


GROUP_FIELDS = {"country": "centre__country", "centre": "centre__name", "session_type": "type"}
PLACES = ("country", "centre", "session_type")


@indicator(
    identifier="group_sessions",
    name=_("Group sessions held"),
    definition=_(
        "Information sessions, pre-departure orientations, reintegration courses, job fairs and "
        "outreach events held in the period, by type."
    ),
    unit=SESSIONS,
    disaggregations=PLACES,
    order=30,
)
def group_sessions(query, by):
    return group_rows(_group_sessions(query), by, GROUP_FIELDS, Count("id"))


def _participants(query: ReportQuery, by: tuple[str, ...], **filters) -> list[dict]:
    """Participants of group sessions, by place and type and by sex and age band."""
    sessions = _group_sessions(query, **filters)
    places = tuple(name for name in by if name in PLACES)
    totals = group_rows(sessions, places, GROUP_FIELDS, Sum("total_participants"))
    if places == by:
        return [{**row, "value": row["value"] or 0} for row in totals]
    through = {name: f"group_session__{path}" for name, path in GROUP_FIELDS.items()}
    registered = group_rows(
        GroupAttendance.objects.filter(group_session__in=sessions),
        by,
        {
            **through,
            "sex": "visitor__sex",
            "age_band": _age(query),
        },
        Count("id"),
    )
    counted = group_rows(
        GroupCount.objects.filter(group_session__in=sessions),
        by,
        {**through, "sex": "sex", "age_band": "age_band"},
        Sum("count"),
    )
    values: dict[tuple, int] = {}
    known: dict[tuple, int] = {}
    for row in [*registered, *counted]:
        key = tuple(row[name] for name in by)
        values[key] = values.get(key, 0) + (row["value"] or 0)
        place = tuple(row[name] for name in places)
        known[place] = known.get(place, 0) + (row["value"] or 0)
    for row in totals:  # in the session's total, neither registered nor counted
        place = tuple(row[name] for name in places)
        rest = (row["value"] or 0) - known.get(place, 0)
        if rest > 0:
            key = tuple(row[name] if name in places else UNKNOWN for name in by)
            values[key] = values.get(key, 0) + rest
    return [{**dict(zip(by, key, strict=True)), "value": value} for key, value in values.items()]


@indicator(
    identifier="group_participants",
    name=_("Participants in group sessions"),
    definition=_(
        "Everyone present at group sessions in the period, registered or not (contacts: a person "
        "at two sessions counts twice). By sex and age band: registered visitors by their "
        "profile (age at the end of the period), others by the counts taken at the session; "
        "the rest as unknown."
    ),
    unit=_("participants"),
    disaggregations=(*PLACES, "sex", "age_band"),
    order=40,
)
def group_participants(query, by):
    return _participants(query, by)


@indicator(
    identifier="pre_departure_orientations",
    name=_("Pre-departure orientation contacts"),
    definition=_(
        "Participants in pre-departure orientation group sessions, plus individual sessions in "
        "which pre-departure orientation was provided, in the period. These are contacts: a "
        "person who attended a group orientation and had an individual one counts twice."
    ),
    unit=_("contacts"),
    disaggregations=("country", "centre"),
    order=50,
)
def pre_departure_orientations(query, by):
    group = _participants(query, by, type=GroupSession.Type.PRE_DEPARTURE)
    individual = group_rows(
        _with_service(_sessions(query), "pre_departure"),
        by,
        _session_fields(query),
        Count("id"),
    )
    totals: dict[tuple, int] = {}
    for row in [*group, *individual]:
        key = tuple(row[name] for name in by)
        totals[key] = totals.get(key, 0) + (row["value"] or 0)
    return [{**dict(zip(by, key, strict=True)), "value": value} for key, value in totals.items()]


@indicator(
    identifier="people_reached",
    one_pass="contacts",
    name=_("People reached (registered visitors)"),
    definition=_(
        "Registered visitors who had an individual session or attended a group session in the "
        "period. Each person counts once in a total, whatever the number of their contacts; in "
        "a breakdown by centre they count once at each centre. People not registered at a group "
        "session cannot be told apart from one session to the next and are reported as "
        "participants (contacts), not here."
    ),
    unit=PEOPLE,
    disaggregations=("country", "centre", "sex", "age_band"),
    counts_people=True,
    order=5,
)
def people_reached(query, by):
    # Two relations (sessions, attendances): the database gives each one's distinct
    # (visitor, place) pairs; a person in both is then counted once per place here.
    age = _age(query)
    fields = {"sex": "visitor__sex", "age_band": age}
    sources = [
        (_sessions(query), {"country": "centre__country", "centre": "centre__name", **fields}),
        (
            GroupAttendance.objects.filter(group_session__in=_group_sessions(query)),
            {
                "country": "group_session__centre__country",
                "centre": "group_session__centre__name",
                **fields,
            },
        ),
    ]
    people: dict[tuple, set] = {}
    for queryset, paths in sources:
        aliases = {f"dim_{name}": paths[name] for name in by}
        aliases = {k: (F(v) if isinstance(v, str) else v) for k, v in aliases.items()}
        for row in queryset.order_by().values("visitor", **aliases).distinct():
            key = tuple(row[f"dim_{name}"] for name in by)
            people.setdefault(key, set()).add(row["visitor"])
    if not by:
        return [{"value": len(people.get((), set()))}]
    return [
        {**dict(zip(by, key, strict=True)), "value": len(visitors)}
        for key, visitors in sorted(people.items(), key=lambda item: str(item[0]))
    ]


@indicator(
    identifier="returnees_supported",
    one_pass="contacts",
    name=_("Returnees supported"),
    definition=_(
        "People registered as returning migrants who had at least one individual session in the "
        "period; each person counts once in a total."
    ),
    unit=PEOPLE,
    disaggregations=PERSON_DIMENSIONS,
    counts_people=True,
    order=60,
)
def returnees_supported(query, by):
    sessions = _sessions(query).filter(visitor__migration_status=MigrationStatus.RETURNEE)
    return group_rows(sessions, by, _session_fields(query), Count("visitor", distinct=True))


def _referral_fields(query: ReportQuery) -> dict:
    return {
        "country": "centre__country",
        "centre": "centre__name",
        "sex": "visitor__sex",
        "age_band": _age(query),
    }


@indicator(
    identifier="referrals_made",
    name=_("Referrals made"),
    definition=_("Referrals of visitors to partner organisations sent in the period."),
    unit=_("referrals"),
    disaggregations=("country", "centre", "sex", "age_band"),
    order=70,
)
def referrals_made(query, by):
    referrals = _in_scope(
        Referral.objects.live().filter(sent_on__range=(query.start, query.end)), query
    )
    return group_rows(referrals, by, _referral_fields(query), Count("id"))


@indicator(
    identifier="referrals_service_received",
    name=_("Referrals closed with the service received"),
    definition=_(
        "Referrals whose partner organisation confirmed, in the period, that the visitor "
        "received the service."
    ),
    unit=_("referrals"),
    disaggregations=("country", "centre", "sex", "age_band"),
    order=80,
)
def referrals_service_received(query, by):
    referrals = _in_scope(
        Referral.objects.live().filter(
            status=Referral.Status.SERVICE_RECEIVED,
            status_changed_on__range=(query.start, query.end),
        ),
        query,
    )
    return group_rows(referrals, by, _referral_fields(query), Count("id"))


@indicator(
    identifier="visitors_by_destination",
    one_pass="destinations",
    name=_("Visitors counselled by intended destination"),
    definition=_(
        "People counselled in the period (as in 'Unique visitors counselled') who named an "
        "intended destination; a person naming two countries counts once under each, and once "
        "in the total."
    ),
    unit=PEOPLE,
    disaggregations=("country", "centre", "destination", "purpose"),
    counts_people=True,
    order=15,
)
def visitors_by_destination(query, by):
    sessions = _sessions(query).exclude(visitor__destinations="")
    fields = _session_fields(query)
    if "destination" not in by:
        return group_rows(sessions, by, fields, Count("visitor", distinct=True))
    # Destinations are a list per visitor: one conditional count per country, in one query.
    listed = sessions.values_list("visitor__destinations", flat=True).distinct()
    codes = sorted({code for value in listed for code in value.split(",") if code})
    counts = {
        f"destination_{code}": Count(
            "visitor", distinct=True, filter=Q(visitor__destinations__contains=code)
        )
        for code in codes
    }
    others = tuple(name for name in by if name != "destination")
    if others:
        aliases = {f"dim_{name}": fields[name] for name in others}
        aliases = {k: (F(v) if isinstance(v, str) else v) for k, v in aliases.items()}
        grouped = sessions.values(**aliases).annotate(**counts).order_by(*aliases)
    else:
        grouped = [sessions.aggregate(**counts)]
    rows = []
    for group in grouped:
        dimensions = {name: group[f"dim_{name}"] for name in others}
        for code in codes:
            if group[f"destination_{code}"]:
                rows.append(
                    {**dimensions, "destination": code, "value": group[f"destination_{code}"]}
                )
    return rows
