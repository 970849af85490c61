"""The visitor's registration centre and its country, copied onto each session, so that a
list of the sessions in a scope ("my centre", "my country") is one walk down an index in date
order, and its count one index-only scan, instead of a join over every session of the network.

On PostgreSQL the copy is kept by triggers, in the transaction of the write, whatever makes it:
a session logged (desk, API, import by bulk insert, admin), a merge or its undo that moves
sessions to another visitor, a visitor merged away or freed, a centre that moves to another
country. A merged-away visitor has no registration centre in the scope (as in VisitorCentre:
no `registered_here` link), so their sessions, if any were left, are in no scope.
Elsewhere (the SQLite demo) the columns stay empty and `Session.objects.visible_to` reads the
scope through the visitor ↔ centre relation instead.
"""

from django.db import connection

INSTALL_SQL = """
    CREATE OR REPLACE FUNCTION counselling_session_scope() RETURNS trigger AS $$
    DECLARE
        found_centre bigint;
        found_country varchar(2);
    BEGIN
        -- None found (a merged-away visitor): NULL and ''.
        SELECT v.centre_id, c.country INTO found_centre, found_country
        FROM counselling_visitor v JOIN centres_centre c ON c.id = v.centre_id
        WHERE v.id = NEW.visitor_id AND v.merged_into_id IS NULL;
        NEW.visitor_centre_id := found_centre;
        NEW.visitor_country := coalesce(found_country, '');
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;

    -- Every write that names a session's visitor or its copied scope gets the scope recomputed,
    -- so a save() of an instance read before a merge cannot write an old copy back.
    DROP TRIGGER IF EXISTS scope_on_write ON counselling_session;
    CREATE TRIGGER scope_on_write
        BEFORE INSERT OR UPDATE OF visitor_id, visitor_centre_id, visitor_country
        ON counselling_session
        FOR EACH ROW EXECUTE FUNCTION counselling_session_scope();

    CREATE OR REPLACE FUNCTION counselling_visitor_session_scope() RETURNS trigger AS $$
    BEGIN
        -- scope_on_write recomputes the copy of each of the visitor's sessions.
        UPDATE counselling_session SET visitor_country = '' WHERE visitor_id = NEW.id;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;

    DROP TRIGGER IF EXISTS session_scope_on_visitor ON counselling_visitor;
    CREATE TRIGGER session_scope_on_visitor AFTER UPDATE OF centre_id, merged_into_id
        ON counselling_visitor FOR EACH ROW
        WHEN ((OLD.centre_id, OLD.merged_into_id) IS DISTINCT FROM
              (NEW.centre_id, NEW.merged_into_id))
        EXECUTE FUNCTION counselling_visitor_session_scope();

    CREATE OR REPLACE FUNCTION counselling_centre_session_scope() RETURNS trigger AS $$
    BEGIN
        UPDATE counselling_session SET visitor_country = NEW.country
        WHERE visitor_centre_id = NEW.id;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;

    DROP TRIGGER IF EXISTS session_scope_on_country ON centres_centre;
    CREATE TRIGGER session_scope_on_country AFTER UPDATE OF country ON centres_centre
        FOR EACH ROW WHEN (OLD.country IS DISTINCT FROM NEW.country)
        EXECUTE FUNCTION counselling_centre_session_scope();
"""

UNINSTALL_SQL = """
    DROP TRIGGER IF EXISTS scope_on_write ON counselling_session;
    DROP TRIGGER IF EXISTS session_scope_on_visitor ON counselling_visitor;
    DROP TRIGGER IF EXISTS session_scope_on_country ON centres_centre;
    DROP FUNCTION IF EXISTS counselling_session_scope();
    DROP FUNCTION IF EXISTS counselling_visitor_session_scope();
    DROP FUNCTION IF EXISTS counselling_centre_session_scope();
"""

# Fills the copy of every session where it differs, at once (the migration; after a bulk load
# made with the triggers off).
FILL_SQL = """
    UPDATE counselling_session s
    SET visitor_centre_id = scope.centre_id, visitor_country = scope.country
    FROM (
        SELECT v.id AS visitor_id,
               CASE WHEN v.merged_into_id IS NULL THEN v.centre_id END AS centre_id,
               CASE WHEN v.merged_into_id IS NULL THEN c.country ELSE '' END AS country
        FROM counselling_visitor v JOIN centres_centre c ON c.id = v.centre_id
    ) scope
    WHERE scope.visitor_id = s.visitor_id
      AND (s.visitor_centre_id, s.visitor_country) IS DISTINCT FROM (scope.centre_id, scope.country)
"""


def session_scope_kept() -> bool:
    """The copy is kept by PostgreSQL triggers; the SQLite demo reads the scope by a join."""
    return connection.vendor == "postgresql"


def session_scope_install() -> None:
    """Fills the copy where it differs, then installs the triggers (again: CREATE OR REPLACE)."""
    if not session_scope_kept():
        return
    with connection.cursor() as cursor:
        cursor.execute(FILL_SQL)
        cursor.execute(INSTALL_SQL)
