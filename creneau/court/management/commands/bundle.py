"""``creneau bundle CASE --out DIR``: the Télérecours-ready folder for the référé mesures utiles.

Exit 1 with a French message for an unknown case, a bad option, a refused requête (unexecuted
OQTF…) or an output folder that is not empty. ``--option`` passes requête options
(``creneau document`` lists them in docs/documents.md).
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from creneau.cases.models import Case
from creneau.court.bundle import BundleResult, build_bundle
from creneau.court.errors import BundleError
from creneau.documents.options import OptionError, split_pairs


class Command(BaseCommand):
    help = "Prépare le dossier de dépôt (requête, pièces numérotées, inventaire, instructions)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case", help="référence du dossier")
        parser.add_argument("--out", required=True, type=Path, help="dossier à créer (vide)")
        parser.add_argument(
            "--option", action="append", default=[], metavar="CLÉ=VALEUR", help="option de requête"
        )
        parser.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        reference = str(options["case"]).strip().upper()
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise CommandError(f"Dossier inconnu : {reference!r}.", returncode=1)
        try:
            given: dict[str, Any] = dict(split_pairs(options["option"]))
            result = build_bundle(case, options["out"], **given)
        except (BundleError, OptionError) as error:
            raise CommandError(str(error), returncode=1) from error
        if options["json"]:
            self.stdout.write(json.dumps(summary(result), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(str(result.folder))
        for warning in result.warnings:
            self.stderr.write(warning)
        if not result.complete:
            self.stderr.write(
                f"Dossier de dépôt INCOMPLET ({len(result.missing)} élément(s) manquant(s)) :"
            )
            for item in result.missing:
                self.stderr.write(f"  - {item}")


def summary(result: BundleResult) -> dict[str, Any]:
    return {
        "folder": str(result.folder),
        "exhibits": [
            {"number": e.number, "label": e.label, "files": list(e.files), "pages": e.pages}
            for e in result.exhibits
        ],
        "files": {f.path: f.sha256 for f in result.files},
        "warnings": list(result.warnings),
        "complete": result.complete,
        "missing": list(result.missing),
        "seconds": round(result.seconds, 2),
    }
