"""Benchmarks run against a throwaway SQLite database in a temporary data folder."""

import os
import tempfile


def django_with_fresh_database() -> str:
    data_dir = tempfile.mkdtemp(prefix="creneau-bench-")
    os.environ["CRENEAU_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creneau.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from creneau.catalog.loader import load_catalog

    call_command("migrate", verbosity=0)
    load_catalog()
    return data_dir
