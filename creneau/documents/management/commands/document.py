"""``creneau document CASE KIND --out DIR``: write one document as PDF/A and DOCX (and ``.eml``).

Nothing is sent. Exit 1 with a French message for an unknown case or kind, a bad option, or a
case missing what the document needs (for example an attestation without a counter visit, a
requête whose address and département disagree or whose route is not the référé « mesures
utiles », an execution request before the order's time limit has run out). Warnings (a
premature requête, references still to check) go to standard error and into the JSON.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from creneau.cases.models import Case
from creneau.documents.generate import DocumentError, RenderedDocument, render_document
from creneau.documents.kinds import KINDS
from creneau.documents.options import OptionError, split_pairs


class Command(BaseCommand):
    help = "Produit un document (PDF/A et DOCX, plus .eml pour « email ») sans rien envoyer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case", help="référence du dossier")
        parser.add_argument("kind", help=f"type de document : {', '.join(KINDS)}")
        parser.add_argument("--out", required=True, type=Path, help="dossier de sortie")
        parser.add_argument(
            "--option", action="append", default=[], metavar="CLÉ=VALEUR", help="option du document"
        )
        parser.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        reference = str(options["case"]).strip().upper()
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise CommandError(f"Dossier inconnu : {reference!r}.", returncode=1)
        try:
            given = split_pairs(options["option"])
            document = render_document(case, str(options["kind"]), **given)
        except (DocumentError, OptionError) as error:
            raise CommandError(str(error), returncode=1) from error
        written = write(document, options["out"])
        report = {
            "case": reference,
            "kind": document.kind,
            "files": written,
            "missing": list(document.missing),
            "warnings": list(document.warnings),
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(written.values()))
        if document.missing:
            self.stderr.write("À compléter à la main : " + ", ".join(document.missing))
        for warning in document.warnings:
            self.stderr.write(f"Attention : {warning}")


def write(document: RenderedDocument, folder: Path) -> dict[str, str]:
    """``<kind>.pdf``, ``<kind>.docx`` and, for e-mails, ``<kind>.eml``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    outputs = {"pdf": document.pdf, "docx": document.docx, "eml": document.eml}
    written = {}
    for extension, data in outputs.items():
        if data is not None:
            path = folder / f"{document.kind}.{extension}"
            path.write_bytes(data)
            written[extension] = str(path)
    return written
