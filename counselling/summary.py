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
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction

from .models import Session

LATE_DAYS = 7  # statistics.LATE_AFTER, in days
_LOCK_CLASS = 1414  # advisory lock namespace: one visitor's summary rows at a time

_MONTH = "date_trunc('month', s.date)::date"
_VISITOR_INCOMPLETE = "(v.year_of_birth IS NULL OR v.education IS NULL)"
_TABLES = (
    "counselling_statisticsmonth",
    "counselling_statisticstopicmonth",
    "counselling_statisticsdestinationmonth",
)


def _inserts(where: str = "") -> list[str]:
    """INSERT … SELECT for each table, from the live sessions that also match `where`."""
    tz = "'{}'".format(settings.TIME_ZONE.replace("'", "''"))
    imported = f"'{Session.Source.IMPORT.value}'"
    return [
        f"""
        INSERT INTO counselling_statisticsmonth
            (month, centre_id, counsellor_id, visitor_id, sex, year_of_birth, migration_status,
             visitor_incomplete, sessions, incomplete, late)
        SELECT {_MONTH}, s.centre_id, s.counsellor_id, s.visitor_id, v.sex, v.year_of_birth,
            v.migration_status, {_VISITOR_INCOMPLETE}, count(*),
            count(*) FILTER (WHERE s.duration_minutes IS NULL OR NOT EXISTS (
                SELECT 1 FROM counselling_session_topics st WHERE st.session_id = s.id)),
            count(*) FILTER (WHERE (s.created_at AT TIME ZONE {tz})::date > s.date + {LATE_DAYS}
                AND s.source <> {imported})
        FROM counselling_session s JOIN counselling_visitor v ON v.id = s.visitor_id
        WHERE s.deleted_at IS NULL {where}
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
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
    return f"""
    CREATE OR REPLACE FUNCTION counselling_statistics_refresh(
        p_visitor bigint, p_centre bigint, p_day date) RETURNS void AS $$
    DECLARE
        p_month date := date_trunc('month', p_day)::date;
    BEGIN
        -- Two writers of one visitor would both delete, then both insert: one waits.
        PERFORM pg_advisory_xact_lock({_LOCK_CLASS}, (p_visitor % 2147483647)::int);
        {deletes}
        {inserts}
    END;
    $$ LANGUAGE plpgsql;

    CREATE OR REPLACE FUNCTION counselling_session_statistics() RETURNS trigger AS $$
    BEGIN
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
    BEGIN
        UPDATE counselling_statisticsmonth SET sex = NEW.sex, year_of_birth = NEW.year_of_birth,
            migration_status = NEW.migration_status,
            visitor_incomplete = {_VISITOR_INCOMPLETE.replace("v.", "NEW.")}
        WHERE visitor_id = NEW.id;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;

    DROP TRIGGER IF EXISTS statistics_on_profile ON counselling_visitor;
    CREATE TRIGGER statistics_on_profile AFTER UPDATE ON counselling_visitor
        FOR EACH ROW WHEN ((OLD.sex, OLD.year_of_birth, OLD.migration_status,
            {_VISITOR_INCOMPLETE.replace("v.", "OLD.")}) IS DISTINCT FROM (NEW.sex,
            NEW.year_of_birth, NEW.migration_status, {_VISITOR_INCOMPLETE.replace("v.", "NEW.")}))
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
        cursor.execute(f"LOCK TABLE counselling_session, {', '.join(_TABLES)} IN SHARE MODE")
        # Deferred foreign-key checks of rows written earlier in this transaction first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(_TABLES)}")
        for statement in _inserts():
            cursor.execute(statement)
        for table in _TABLES:
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
