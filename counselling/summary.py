"""The statistics summary: narrow month tables that the statistics page and the dashboard read
instead of the raw sessions, so that a year costs the same however long the history is.

Rows are keyed by month × centre × visitor (× counsellor, topic or destination), so "people
reached" is an exact COUNT(DISTINCT visitor) over them; the month rows carry the visitor's sex,
year of birth, status and completeness, updated by a trigger on the visitor when the profile is
corrected, so that no count joins the visitors.

They are kept by PostgreSQL triggers on the sessions and their topics, in the transaction of
the write, whatever makes it: the desk (session_log), a correction or soft delete, a merge and
its undo (which move sessions between visitors), an import and its roll-back, the API, the
admin or a fix by SQL. Each changed session rebuilds the rows of its visitor × centre × month
(before and after the change) from that visitor's live sessions there: a handful of rows read
through the index on the session's visitor. `summary_rebuild` (command `rebuild_statistics`,
and the migration that created the tables) rebuilds everything, e.g. after a bulk load with the
triggers disabled.

A country's or the network's figures read the cells (StatisticsCell) instead: per country and
month, one row per breakdown value, kept exact for people by each visitor's previous month
(see the model). The same refresh recomputes the changed visitor's cells before and after and
adds the difference as new rows (no row is updated, so writers never wait on each other);
`summary_compact` folds them (beat task). One centre's figures still read the month rows: a
few thousand a year.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction

from .models import Session

LATE_DAYS = 7  # statistics.LATE_AFTER, in days
_LOCK_CLASS = 1414  # advisory lock namespace: one visitor's summary rows at a time
# Visitors share 1,024 locks (id modulo): an import touching 25,000 visitors takes at most that
# many, within PostgreSQL's lock table (64 per connection by default); at the desk two writers
# rarely share one, and then one waits a few milliseconds.
_LOCK_BUCKETS = 1024

_MONTH = "date_trunc('month', s.date)::date"
_VISITOR_INCOMPLETE = "(v.year_of_birth IS NULL OR v.education IS NULL)"
_TABLES = (
    "counselling_statisticsmonth",
    "counselling_statisticstopicmonth",
    "counselling_statisticsdestinationmonth",
)
_CELLS = "counselling_statisticscell"
# Set for the rest of a transaction by summary_deferred: the session triggers leave the work to
# one set-based refresh at its end.
_DEFERRED_SETTING = "msc.statistics_deferred"
_DEFERRED = f"coalesce(current_setting('{_DEFERRED_SETTING}', true), '') = 'on'"


def _inserts(where: str = "") -> list[str]:
    """INSERT … SELECT for each table, from the live sessions that also match `where`."""
    tz = "'{}'".format(settings.TIME_ZONE.replace("'", "''"))
    imported = f"'{Session.Source.IMPORT.value}'"
    return [
        f"""
        INSERT INTO counselling_statisticsmonth
            (month, centre_id, counsellor_id, visitor_id, sex, year_of_birth, migration_status,
             visitor_incomplete, visitor_destinations, sessions, incomplete, late)
        SELECT {_MONTH}, s.centre_id, s.counsellor_id, s.visitor_id, v.sex, v.year_of_birth,
            v.migration_status, {_VISITOR_INCOMPLETE}, v.destinations, count(*),
            count(*) FILTER (WHERE s.duration_minutes IS NULL OR NOT EXISTS (
                SELECT 1 FROM counselling_session_topics st WHERE st.session_id = s.id)),
            count(*) FILTER (WHERE (s.created_at AT TIME ZONE {tz})::date > s.date + {LATE_DAYS}
                AND s.source <> {imported})
        FROM counselling_session s JOIN counselling_visitor v ON v.id = s.visitor_id
        WHERE s.deleted_at IS NULL {where}
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
        """,
        f"""
        INSERT INTO counselling_statisticstopicmonth
            (month, centre_id, visitor_id, topic_id, sessions)
        SELECT {_MONTH}, s.centre_id, s.visitor_id, st.topic_id, count(*)
        FROM counselling_session s
        LEFT JOIN counselling_session_topics st ON st.session_id = s.id
        WHERE s.deleted_at IS NULL {where}
        GROUP BY 1, 2, 3, 4;
        """,
        f"""
        INSERT INTO counselling_statisticsdestinationmonth
            (month, centre_id, visitor_id, destination, sessions)
        SELECT {_MONTH}, s.centre_id, s.visitor_id, d.code, count(DISTINCT s.id)
        FROM counselling_session s
        CROSS JOIN LATERAL unnest(string_to_array(s.destinations, ',')) AS d(code)
        WHERE s.deleted_at IS NULL AND d.code <> '' {where}
        GROUP BY 1, 2, 3, 4;
        """,
    ]


_CELL_COLUMNS = "country, dimension, value, month, prev_month, sessions, people, missing, late"
_CELL_TYPES = (
    "country varchar, dimension varchar, value varchar, month date, prev_month date,"
    " sessions integer, people integer, missing integer, late integer"
)


def _cells_select(visitors: str = "") -> str:
    """The cells (StatisticsCell) of the month tables' rows, of some visitors (`visitors`: an
    SQL condition on m.visitor_id) or of all: each visitor once per country and once in the
    network per month, with the month they were served in before (lag), for each breakdown."""
    only = f"AND {visitors}" if visitors else ""
    return f"""
    WITH months AS (
        SELECT m.visitor_id, c.country, m.month, m.counsellor_id, m.sessions,
               CASE WHEN m.visitor_incomplete THEN m.sessions ELSE m.incomplete END AS missing,
               m.late, m.sex, m.year_of_birth, m.migration_status, m.visitor_destinations
        FROM counselling_statisticsmonth m JOIN centres_centre c ON c.id = m.centre_id
        WHERE true {only}
    ),
    per_country AS (
        SELECT visitor_id, country, month, sum(sessions) AS sessions, sum(missing) AS missing,
               sum(late) AS late, max(sex) AS sex, max(year_of_birth) AS yob,
               max(migration_status) AS status, max(visitor_destinations) AS destinations
        FROM months GROUP BY 1, 2, 3
    ),
    visits AS (
        SELECT l.*, lag(l.month) OVER (
            PARTITION BY l.visitor_id, l.country ORDER BY l.month) AS prev_month
        FROM (
            SELECT * FROM per_country
            UNION ALL
            SELECT visitor_id, '', month, sum(sessions), sum(missing), sum(late), max(sex),
                   max(yob), max(status), max(destinations)
            FROM per_country GROUP BY 1, 3
        ) l
    ),
    topic_rows AS (
        SELECT m.visitor_id, c.country, m.month, coalesce(m.topic_id::text, '') AS topic,
               sum(m.sessions) AS sessions
        FROM counselling_statisticstopicmonth m JOIN centres_centre c ON c.id = m.centre_id
        WHERE true {only}
        GROUP BY 1, 2, 3, 4
    ),
    topics AS (
        SELECT t.*, lag(t.month) OVER (
            PARTITION BY t.visitor_id, t.country, t.topic ORDER BY t.month) AS prev_month
        FROM (
            SELECT * FROM topic_rows
            UNION ALL
            SELECT visitor_id, '', month, topic, sum(sessions) FROM topic_rows GROUP BY 1, 3, 4
        ) t
    ),
    destination_rows AS (
        SELECT m.visitor_id, c.country, m.month, m.destination, sum(m.sessions) AS sessions
        FROM counselling_statisticsdestinationmonth m JOIN centres_centre c ON c.id = m.centre_id
        WHERE true {only}
        GROUP BY 1, 2, 3, 4
    ),
    destinations AS (
        SELECT t.*, lag(t.month) OVER (
            PARTITION BY t.visitor_id, t.country, t.destination ORDER BY t.month) AS prev_month
        FROM (
            SELECT * FROM destination_rows
            UNION ALL
            SELECT visitor_id, '', month, destination, sum(sessions)
            FROM destination_rows GROUP BY 1, 3, 4
        ) t
    ),
    counsellors AS (
        SELECT country, month, counsellor_id, sum(sessions) AS sessions,
               sum(missing) AS missing, sum(late) AS late
        FROM months GROUP BY 1, 2, 3
    )
    SELECT v.country, d.dimension, d.value, v.month, v.prev_month, sum(v.sessions)::int,
           count(*)::int, sum(d.missing)::int, sum(d.late)::int
    FROM visits v
    CROSS JOIN LATERAL (VALUES ('all', '', v.missing, v.late), ('sex', v.sex, 0, 0),
        ('yob', coalesce(v.yob::text, ''), 0, 0), ('status', v.status, 0, 0)
    ) AS d(dimension, value, missing, late)
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT v.country, 'vdest', d.code, v.month, v.prev_month, sum(v.sessions)::int,
           count(*)::int, 0, 0
    FROM visits v CROSS JOIN LATERAL unnest(string_to_array(v.destinations, ',')) AS d(code)
    WHERE d.code <> ''
    GROUP BY 1, 3, 4, 5
    UNION ALL
    SELECT country, 'topic', topic, month, prev_month, sum(sessions)::int, count(*)::int, 0, 0
    FROM topics GROUP BY 1, 3, 4, 5
    UNION ALL
    SELECT country, 'sdest', destination, month, prev_month, sum(sessions)::int,
           count(*)::int, 0, 0
    FROM destinations GROUP BY 1, 3, 4, 5
    UNION ALL
    SELECT country, 'counsellor', counsellor_id::text, month, NULL, sum(sessions)::int, 0,
           sum(missing)::int, sum(late)::int
    FROM (
        SELECT * FROM counsellors
        UNION ALL
        SELECT '', month, counsellor_id, sum(sessions), sum(missing), sum(late)
        FROM counsellors GROUP BY 2, 3
    ) k
    GROUP BY 1, 3, 4
    """


def install_sql() -> str:
    """The refresh function and the triggers (CREATE OR REPLACE: run again after a change)."""
    deletes = "\n".join(
        f"DELETE FROM {table} WHERE visitor_id = p_visitor AND centre_id = p_centre"
        " AND month = p_month;"
        for table in _TABLES
    )
    one_key = (
        "AND s.visitor_id = p_visitor AND s.centre_id = p_centre"
        " AND s.date >= p_month AND s.date < (p_month + interval '1 month')::date"
    )
    inserts = "\n".join(_inserts(one_key))
    watched = ("visitor_id", "centre_id", "counsellor_id", "date", "duration_minutes")
    watched += ("destinations", "created_at", "source", "deleted_at")
    old = ", ".join(f"OLD.{column}" for column in watched)
    new = ", ".join(f"NEW.{column}" for column in watched)
    visitor_cells = (
        f"SELECT * FROM ({_cells_select('m.visitor_id = p_visitor')}) AS c({_CELL_COLUMNS})"
    )
    return f"""
    -- A visitor's cells before a change, to take away after it (counselling_statistics_add).
    -- (PL/pgSQL rather than SQL functions: their plans are kept between calls.)
    CREATE OR REPLACE FUNCTION counselling_statistics_cells_of(p_visitor bigint)
    RETURNS jsonb AS $$
    BEGIN
        RETURN (SELECT coalesce(jsonb_agg(cells), '[]'::jsonb) FROM ({visitor_cells}) AS cells);
    END;
    $$ LANGUAGE plpgsql STABLE;

    -- What a change made to a visitor's cells: the rows now, minus the rows before; only the
    -- cells that differ get a row.
    CREATE OR REPLACE FUNCTION counselling_statistics_add(p_visitor bigint, p_before jsonb)
    RETURNS void AS $$
    BEGIN
        INSERT INTO counselling_statisticscell ({_CELL_COLUMNS})
        SELECT country, dimension, value, month, prev_month, sum(sessions), sum(people),
               sum(missing), sum(late)
        FROM (
            {visitor_cells}
            UNION ALL
            SELECT country, dimension, value, month, prev_month, -sessions, -people, -missing,
                   -late
            FROM jsonb_to_recordset(p_before) AS before({_CELL_TYPES})
        ) difference
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(sessions) <> 0 OR sum(people) <> 0 OR sum(missing) <> 0 OR sum(late) <> 0;
    END;
    $$ LANGUAGE plpgsql;

    CREATE OR REPLACE FUNCTION counselling_statistics_refresh(
        p_visitor bigint, p_centre bigint, p_day date) RETURNS void AS $$
    DECLARE
        p_month date := date_trunc('month', p_day)::date;
        before jsonb;
    BEGIN
        -- Two writers of one visitor would both delete, then both insert: one waits.
        PERFORM pg_advisory_xact_lock({_LOCK_CLASS}, (p_visitor % {_LOCK_BUCKETS})::int);
        before := counselling_statistics_cells_of(p_visitor);
        {deletes}
        {inserts}
        PERFORM counselling_statistics_add(p_visitor, before);
    END;
    $$ LANGUAGE plpgsql;

    CREATE OR REPLACE FUNCTION counselling_session_statistics() RETURNS trigger AS $$
    BEGIN
        IF {_DEFERRED} THEN RETURN NULL; END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM counselling_statistics_refresh(OLD.visitor_id, OLD.centre_id, OLD.date);
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.visitor_id, NEW.centre_id,
                date_trunc('month', NEW.date)) IS DISTINCT FROM (OLD.visitor_id, OLD.centre_id,
                date_trunc('month', OLD.date))) THEN
            PERFORM counselling_statistics_refresh(NEW.visitor_id, NEW.centre_id, NEW.date);
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;

    CREATE OR REPLACE FUNCTION counselling_session_topics_statistics() RETURNS trigger AS $$
    DECLARE
        s record;
    BEGIN
        IF {_DEFERRED} THEN RETURN NULL; END IF;
        SELECT visitor_id, centre_id, date INTO s FROM counselling_session
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.session_id ELSE NEW.session_id END;
        IF FOUND THEN
            PERFORM counselling_statistics_refresh(s.visitor_id, s.centre_id, s.date);
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;

    DROP TRIGGER IF EXISTS statistics_on_write ON counselling_session;
    CREATE TRIGGER statistics_on_write AFTER INSERT OR DELETE ON counselling_session
        FOR EACH ROW EXECUTE FUNCTION counselling_session_statistics();
    DROP TRIGGER IF EXISTS statistics_on_change ON counselling_session;
    CREATE TRIGGER statistics_on_change AFTER UPDATE ON counselling_session
        FOR EACH ROW WHEN (({old}) IS DISTINCT FROM ({new}))
        EXECUTE FUNCTION counselling_session_statistics();
    CREATE OR REPLACE FUNCTION counselling_visitor_statistics() RETURNS trigger AS $$
    DECLARE
        before jsonb;
    BEGIN
        IF {_DEFERRED} THEN RETURN NULL; END IF;
        PERFORM pg_advisory_xact_lock({_LOCK_CLASS}, (NEW.id % {_LOCK_BUCKETS})::int);
        before := counselling_statistics_cells_of(NEW.id);
        UPDATE counselling_statisticsmonth SET sex = NEW.sex, year_of_birth = NEW.year_of_birth,
            migration_status = NEW.migration_status,
            visitor_incomplete = {_VISITOR_INCOMPLETE.replace("v.", "NEW.")},
            visitor_destinations = NEW.destinations
        WHERE visitor_id = NEW.id;
        PERFORM counselling_statistics_add(NEW.id, before);
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;

    DROP TRIGGER IF EXISTS statistics_on_profile ON counselling_visitor;
    CREATE TRIGGER statistics_on_profile AFTER UPDATE ON counselling_visitor
        FOR EACH ROW WHEN ((OLD.sex, OLD.year_of_birth, OLD.migration_status, OLD.destinations,
            {_VISITOR_INCOMPLETE.replace("v.", "OLD.")}) IS DISTINCT FROM (NEW.sex,
            NEW.year_of_birth, NEW.migration_status, NEW.destinations,
            {_VISITOR_INCOMPLETE.replace("v.", "NEW.")}))
        EXECUTE FUNCTION counselling_visitor_statistics();
    DROP TRIGGER IF EXISTS statistics_on_topics ON counselling_session_topics;
    CREATE TRIGGER statistics_on_topics AFTER INSERT OR DELETE ON counselling_session_topics
        FOR EACH ROW EXECUTE FUNCTION counselling_session_topics_statistics();
    """


UNINSTALL_SQL = """
    DROP TRIGGER IF EXISTS statistics_on_write ON counselling_session;
    DROP TRIGGER IF EXISTS statistics_on_change ON counselling_session;
    DROP TRIGGER IF EXISTS statistics_on_topics ON counselling_session_topics;
    DROP TRIGGER IF EXISTS statistics_on_profile ON counselling_visitor;
    DROP FUNCTION IF EXISTS counselling_visitor_statistics();
    DROP FUNCTION IF EXISTS counselling_session_statistics();
    DROP FUNCTION IF EXISTS counselling_session_topics_statistics();
    DROP FUNCTION IF EXISTS counselling_statistics_refresh(bigint, bigint, date);
    DROP FUNCTION IF EXISTS counselling_statistics_add(bigint, jsonb);
    DROP FUNCTION IF EXISTS counselling_statistics_cells_of(bigint);
"""

# Folds the rows of each cell into one (and drops cells that sum to nothing). Rows added while
# it runs are not in its snapshot and stay as they are; a second compaction at the same time
# skips the rows the first one deleted.
COMPACT_SQL = f"""
    WITH folded AS (
        SELECT country, dimension, value, month, prev_month FROM counselling_statisticscell
        GROUP BY 1, 2, 3, 4, 5
        HAVING count(*) > 1 OR (sum(sessions) = 0 AND sum(people) = 0 AND sum(missing) = 0
            AND sum(late) = 0)
    ), gone AS (
        DELETE FROM counselling_statisticscell c USING folded f
        WHERE (c.country, c.dimension, c.value, c.month) = (f.country, f.dimension, f.value,
            f.month) AND c.prev_month IS NOT DISTINCT FROM f.prev_month
        RETURNING c.*
    )
    INSERT INTO counselling_statisticscell ({_CELL_COLUMNS})
    SELECT country, dimension, value, month, prev_month, sum(sessions), sum(people),
           sum(missing), sum(late)
    FROM gone GROUP BY 1, 2, 3, 4, 5
    HAVING sum(sessions) <> 0 OR sum(people) <> 0 OR sum(missing) <> 0 OR sum(late) <> 0
"""


def summary_kept() -> bool:
    """The summary is kept by PostgreSQL triggers; elsewhere (the SQLite demo) statistics are
    counted from the sessions."""
    return connection.vendor == "postgresql"


@transaction.atomic
def summary_rebuild() -> None:
    """Reinstalls the triggers and rebuilds the whole summary from the live sessions."""
    if not summary_kept():
        return
    with connection.cursor() as cursor:
        cursor.execute(install_sql())
        tables = ", ".join((*_TABLES, _CELLS))
        cursor.execute(f"LOCK TABLE counselling_session, {tables} IN SHARE MODE")
        # Deferred foreign-key checks of rows written earlier in this transaction first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {tables}")
        for statement in _inserts():
            cursor.execute(statement)
        cursor.execute(f"INSERT INTO {_CELLS} ({_CELL_COLUMNS}) {_cells_select()}")
        for table in (*_TABLES, _CELLS):
            cursor.execute(f"ANALYZE {table}")


@contextmanager
def summary_paused():
    """For a bulk load of sessions by SQL (bench data): the triggers are off while it runs,
    then the whole summary is rebuilt once."""
    if not summary_kept():
        yield
        return
    with connection.cursor() as cursor:
        for table in ("counselling_session", "counselling_session_topics"):
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            # The deferred foreign-key checks of the loaded rows first: a table with pending
            # trigger events cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in ("counselling_session", "counselling_session_topics"):
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    summary_rebuild()


def summary_compact() -> None:
    """Folds the cells' difference rows (beat task `compact_statistics`): readers sum them
    either way; this keeps the sums short."""
    if summary_kept():
        with connection.cursor() as cursor:
            cursor.execute(COMPACT_SQL)


@contextmanager
def summary_deferred():
    """For a bulk write of sessions in one transaction (a legacy import): the row triggers
    leave the summary alone, and the visitors the caller adds to the yielded set are refreshed
    in one set-based pass at the end, in the same transaction. Other writers are not affected
    (the setting is the transaction's own)."""
    touched: set[int] = set()
    if not summary_kept():
        yield touched
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [_DEFERRED_SETTING])
    yield touched
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'off', true)", [_DEFERRED_SETTING])
    summary_refresh_visitors(touched)


@contextmanager
def summary_refreshed_once(session: Session):
    """For a session written with its topics (the desk): the row triggers of the session and
    of each topic would each rebuild the visitor's rows (the first before any topic is there);
    here they leave it to one refresh after the last, in the same transaction."""
    if not summary_kept():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [_DEFERRED_SETTING])
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, 'off', true), counselling_statistics_refresh(%s, %s, %s)",
            [_DEFERRED_SETTING, session.visitor_id, session.centre_id, session.date],
        )


def summary_refresh_visitors(visitor_ids) -> None:
    """Rebuilds the month rows and the cells of these visitors from their live sessions, in a
    few set-based statements (what the triggers do for one visitor at a time)."""
    ids = sorted(visitor_ids)
    if not ids or not summary_kept():
        return
    condition = "m.visitor_id = ANY(%(ids)s)"
    with connection.cursor() as cursor:
        # In the triggers' order: one visitor's rows are written by one transaction at a time.
        cursor.execute(
            f"SELECT count(pg_advisory_xact_lock({_LOCK_CLASS}, bucket)) FROM ("
            f" SELECT DISTINCT (v %% {_LOCK_BUCKETS})::int AS bucket"
            " FROM unnest(%(ids)s::bigint[]) AS v ORDER BY 1) AS buckets",
            {"ids": ids},
        )
        cursor.execute("DROP TABLE IF EXISTS statistics_cells_before")
        cursor.execute(
            "CREATE TEMPORARY TABLE statistics_cells_before ON COMMIT DROP AS "
            f"SELECT * FROM ({_cells_select(condition)}) AS c({_CELL_COLUMNS})",
            {"ids": ids},
        )
        for table in _TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE visitor_id = ANY(%(ids)s)", {"ids": ids})
        for statement in _inserts("AND s.visitor_id = ANY(%(ids)s)"):
            cursor.execute(statement, {"ids": ids})
        cursor.execute(
            f"""
            INSERT INTO {_CELLS} ({_CELL_COLUMNS})
            SELECT country, dimension, value, month, prev_month, sum(sessions), sum(people),
                   sum(missing), sum(late)
            FROM (
                SELECT * FROM ({_cells_select(condition)}) AS c({_CELL_COLUMNS})
                UNION ALL
                SELECT country, dimension, value, month, prev_month, -sessions, -people,
                       -missing, -late
                FROM statistics_cells_before
            ) difference
            GROUP BY 1, 2, 3, 4, 5
            HAVING sum(sessions) <> 0 OR sum(people) <> 0 OR sum(missing) <> 0 OR sum(late) <> 0
            """,
            {"ids": ids},
        )
        cursor.execute("DROP TABLE statistics_cells_before")
