"""A partial index of the sessions in which pre-departure orientation was provided, for the
report's pre-departure indicator (counselling.indicators._with_service): four groupings of a
network report each scanned every session of the period. PostgreSQL only: SQLite has no JSON
containment. About a second per million sessions to build.
"""

from django.db import migrations

INDEX = "session_pre_departure"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON counselling_session (centre_id, date) "
        """WHERE deleted_at IS NULL AND services @> '["pre_departure"]'::jsonb"""
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("counselling", "0024_session_home_indexes")]

    operations = [migrations.RunPython(create, drop)]
