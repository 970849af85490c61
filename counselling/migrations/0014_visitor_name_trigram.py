"""Trigram indexes for the name search (selectors.visitor_search, issue 14).

`given_name__icontains` / `family_name__icontains` compile to UPPER("column"::text) LIKE, so the
indexes are on those expressions. With the scope's partial index on the visitor ↔ centre relation
(migration 0011) PostgreSQL picks whichever is narrower: a centre's visitors, or the names
matching. PostgreSQL only; issue 16's duplicate detection keeps its own index on a normalised
name.
"""

from django.db import migrations

COLUMNS = ["given_name", "family_name"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS counselling_visitor_{column}_trgm "
            f'ON counselling_visitor USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS counselling_visitor_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("counselling", "0013_visitor_centre")]

    operations = [migrations.RunPython(create, drop)]
