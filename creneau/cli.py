"""The ``creneau`` console command: a thin wrapper over Django management commands.

``creneau case import FILE.json`` runs the ``case`` management command, and so on. Exit codes:
0 success, 1 verification failure or refused input, 2 usage error (argparse's own).

Product commands work on a fresh checkout: the database is migrated and the catalog loaded
first when needed, so ``creneau case import`` never fails for want of a ``migrate``.
"""

import errno
import os
import sys

# Django's own maintenance commands run as they are; every other command gets a ready database.
RAW_COMMANDS = {
    "makemigrations",
    "migrate",
    "restore",
    "simulate",
    "classify",
    "help",
    "version",
    "--help",
    "-h",
    "--version",
}


def _ensure_ready() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)
    from creneau.catalog.loader import load_catalog, rows
    from creneau.catalog.models import Department

    # A new version may bring new rows (départements, tribunals): load them once.
    if Department.objects.count() < sum(1 for _ in rows("departments.csv")):
        load_catalog()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creneau.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from django.db import DatabaseError, IntegrityError, ProgrammingError

    try:
        if args and args[0] not in RAW_COMMANDS and args[0] != "tribunal":
            _ensure_ready()
        execute_from_command_line(["creneau", *args])
    except (IntegrityError, ProgrammingError):
        raise  # a bug: the traceback is what a developer needs
    except DatabaseError as exc:
        _stop(f"la base de données est illisible ou inaccessible ({exc}).")
    except OSError as exc:
        if exc.errno not in DISK_ERRORS:
            raise
        _stop(f"{DISK_ERRORS[exc.errno]} ({exc.strerror or exc}).")
    except RecursionError:
        _stop("une donnée est trop imbriquée pour être lue (fichier JSON anormal).")


DISK_ERRORS = {
    errno.ENOSPC: "il n'y a plus de place sur le disque",
    errno.EDQUOT: "il n'y a plus de place sur le disque (quota atteint)",
    errno.EIO: "le disque ne répond pas (erreur d'entrée-sortie)",
    errno.EROFS: "le disque est en lecture seule",
}


def _stop(reason: str) -> None:
    """A failure of the machine, said in words (no traceback), exit code 1."""
    sys.stderr.write(
        f"creneau : l'opération n'a pas abouti : {reason}\n"
        "Ce qui était enregistré avant le reste ; ce que cette commande devait écrire ne l'a "
        "peut-être pas été : vérifiez, puis relancez-la une fois le problème réglé.\n"
    )
    sys.exit(1)
