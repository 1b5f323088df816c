"""``creneau legal_references [--unverified] [--json]``: every citation the product prints.

For the jurist: each reference's status (V, S, UNVERIFIED), the date someone checked it
(``verified_on``) and the document templates and modules (assessment, court) that use it.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from creneau.catalog.legal import Reference, all_references
from creneau.documents.usage import kinds_citing


class Command(BaseCommand):
    help = "Liste les références juridiques des documents et signale celles à vérifier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--unverified", action="store_true", help="seulement celles sans date de vérification"
        )
        parser.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        usage = kinds_citing()
        references = [
            ref
            for ref in all_references().values()
            if not (options["unverified"] and ref.is_verified)
        ]
        if options["json"]:
            rows = [ref.as_dict() | {"used_by": usage.get(ref.key, [])} for ref in references]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(_line(ref, usage.get(ref.key, [])) for ref in references))


def _line(reference: Reference, used_by: list[str]) -> str:
    checked = f"vérifiée le {reference.verified_on}" if reference.verified_on else "À VÉRIFIER"
    return (
        f"{reference.key:22} [{reference.status:10}] {checked:22} {reference.citation}"
        f"  ({', '.join(used_by) or 'non utilisée'})"
    )
