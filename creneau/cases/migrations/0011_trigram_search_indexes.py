"""On PostgreSQL, trigram indexes for the case list's search: a reference (``reference LIKE
'%…%'``) and a name's blind-index words (``name_index LIKE '% … %'``), which otherwise read every
case and every person. Nothing on SQLite (no such index there; its scan of 10,000 rows is fast),
and nothing in the models' state: SQLite never sees an index it cannot build.

``pg_trgm`` is a trusted extension (PostgreSQL 13+): the database's owner may create it. A role
that may not is told so, and the search works as before, without the indexes."""

import logging

from django.db import DatabaseError, migrations, transaction

log = logging.getLogger(__name__)

INDEXES = {
    "case_reference_trgm": "cases_case USING gin (reference gin_trgm_ops)",
    "person_name_index_trgm": "cases_person USING gin (name_index gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        log.warning("pg_trgm not available (%s): the case search works without its indexes", error)
        return
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_case_verdict"),
    ]

    operations = [migrations.RunPython(create, drop)]
