"""The statistics summary: narrow month tables that the statistics page and the dashboard read
instead of the raw sessions, so that a year costs the same however long the history is.

Rows are keyed by month × centre × visitor (× counsellor, topic or destination), so "people
reached" is an exact COUNT(DISTINCT visitor) over them. Every write that changes a session
(log, correction, soft delete, merge and its undo, import and its roll-back) calls
`summary_refresh` in its own transaction: the rows of each affected visitor × centre × month are
rebuilt from that visitor's live sessions there (a handful of rows, read through an index).
`summary_rebuild` (command `rebuild_statistics`, and the migration that created the tables)
rebuilds everything.
"""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import connection, transaction

from .models import Session

LATE_DAYS = 7  # statistics.LATE_AFTER, in days
_LOCK_CLASS = 1414  # advisory lock namespace: one visitor's summary rows at a time

_MONTH = "date_trunc('month', s.date)::date"
_TABLES = (
    "counselling_statisticsmonth",
    "counselling_statisticstopicmonth",
    "counselling_statisticsdestinationmonth",
)


def _inserts(join: str) -> list[str]:
    """INSERT … SELECT for each table, from the live sessions matched by `join`."""
    live = f"FROM counselling_session s {join} WHERE s.deleted_at IS NULL"
    return [
        f"""
        INSERT INTO counselling_statisticsmonth
            (month, centre_id, counsellor_id, visitor_id, sessions, incomplete, late)
        SELECT {_MONTH}, s.centre_id, s.counsellor_id, s.visitor_id, count(*),
            count(*) FILTER (WHERE s.duration_minutes IS NULL OR NOT EXISTS (
                SELECT 1 FROM counselling_session_topics st WHERE st.session_id = s.id)),
            count(*) FILTER (WHERE (s.created_at AT TIME ZONE %(tz)s)::date > s.date + {LATE_DAYS}
                AND s.source <> %(import)s)
        {live}
        GROUP BY 1, 2, 3, 4
        """,
        f"""
        INSERT INTO counselling_statisticstopicmonth (month, centre_id, visitor_id, topic_id, sessions)
        SELECT {_MONTH}, s.centre_id, s.visitor_id, st.topic_id, count(*)
        FROM counselling_session s
        LEFT JOIN counselling_session_topics st ON st.session_id = s.id
        {join} WHERE s.deleted_at IS NULL
        GROUP BY 1, 2, 3, 4
        """,
        f"""
        INSERT INTO counselling_statisticsdestinationmonth
            (month, centre_id, visitor_id, destination, sessions)
        SELECT {_MONTH}, s.centre_id, s.visitor_id, d.code, count(DISTINCT s.id)
        FROM counselling_session s
        CROSS JOIN LATERAL unnest(string_to_array(s.destinations, ',')) AS d(code)
        {join} WHERE s.deleted_at IS NULL AND d.code <> ''
        GROUP BY 1, 2, 3, 4
        """,
    ]


def _params(**extra) -> dict:
    return {"tz": settings.TIME_ZONE, "import": Session.Source.IMPORT, **extra}


def summary_refresh(keys: Iterable[tuple[int, int, date]]) -> None:
    """Rebuilds the summary rows of each (visitor id, centre id, any day of the month)."""
    months = {(visitor, centre, day.replace(day=1)) for visitor, centre, day in keys}
    if not months:
        return
    ordered = sorted(months)
    params = _params(
        visitors=[key[0] for key in ordered],
        centres=[key[1] for key in ordered],
        months=[key[2] for key in ordered],
    )
    keyed = (
        "JOIN unnest(%(visitors)s::bigint[], %(centres)s::bigint[], %(months)s::date[])"
        " AS k(visitor_id, centre_id, month) ON s.visitor_id = k.visitor_id"
        " AND s.centre_id = k.centre_id AND s.date >= k.month"
        " AND s.date < (k.month + interval '1 month')"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Two writers of the same visitor would both delete then insert: one waits.
        for visitor in sorted({key[0] for key in ordered}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, visitor])
        for table in _TABLES:
            cursor.execute(
                f"DELETE FROM {table} t USING unnest(%(visitors)s::bigint[],"
                " %(centres)s::bigint[], %(months)s::date[]) AS k(visitor_id, centre_id, month)"
                " WHERE t.visitor_id = k.visitor_id AND t.centre_id = k.centre_id"
                " AND t.month = k.month",
                params,
            )
        for statement in _inserts(keyed):
            cursor.execute(statement, params)


def summary_refresh_sessions(session_ids: Iterable[int], visitor_ids: Iterable[int] = ()) -> None:
    """Refreshes the months of these sessions, for their visitor and for `visitor_ids` too
    (a merge moves sessions from one visitor to another: both lose or gain rows)."""
    extra = set(visitor_ids)
    keys = set()
    for visitor, centre, day in Session.objects.filter(pk__in=list(session_ids)).values_list(
        "visitor_id", "centre_id", "date"
    ):
        keys.update((v, centre, day) for v in {visitor, *extra})
    summary_refresh(keys)


def summary_refresh_session(session: Session, *, before: tuple[int, int, date] | None = None):
    """After one session was logged, corrected or deleted; `before` is its (visitor, centre,
    date) before a correction that moved it to another day or centre."""
    keys = {(session.visitor_id, session.centre_id, session.date)}
    if before:
        keys.add(before)
    summary_refresh(keys)


@transaction.atomic
def summary_rebuild() -> None:
    """Rebuilds the whole summary from the live sessions."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {', '.join(_TABLES)} IN EXCLUSIVE MODE")
        cursor.execute(f"TRUNCATE {', '.join(_TABLES)}")
        for statement in _inserts(""):
            cursor.execute(statement, _params())
