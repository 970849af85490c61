"""Trigram indexes so that the pickers' `icontains` search stays fast over ESCO's ~13,900 skills.

PostgreSQL only (the demo runs on SQLite, where a table scan of the starter set is instant).
The expressions match what Django generates for `name__icontains`: UPPER("name"::text).
"""

from django.db import migrations

INDEXES = [
    ("skills_skill", "name"),
    ("skills_skill", "alt_labels"),
    ("skills_occupation", "name"),
    ("skills_occupation", "alt_labels"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("skills", "0002_esco_code_and_reuse_level")]

    operations = [migrations.RunPython(create, drop)]
