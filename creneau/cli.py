"""The ``creneau`` console command: a thin wrapper over Django management commands.

``creneau case import FILE.json`` runs the ``case`` management command, and so on. Exit codes:
0 success, 1 verification failure or refused input, 2 usage error (argparse's own).
"""

import os
import sys

from django.core.management import execute_from_command_line


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creneau.settings")
    execute_from_command_line(["creneau", *(sys.argv[1:] if argv is None else argv)])
