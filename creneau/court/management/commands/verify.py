"""``creneau verify PATH`` / ``creneau verify --store``: re-check evidence, list every problem."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from creneau.court.bundlecheck import is_bundle, verify_bundle
from creneau.evidence.verify import (
    PENDING,
    Report,
    Roots,
    allowing_pending,
    verify_path,
    verify_store,
)
from creneau.lib import storage, tsa


class Command(BaseCommand):
    help = "Vérifie un dossier de capture, un dossier de dépôt ou tout le stockage de preuves."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="dossier à vérifier, ou « store »")
        parser.add_argument("--store", action="store_true", help="tout le stockage de preuves")
        parser.add_argument("--ca", help="racines PEM des autorités d'horodatage")
        parser.add_argument(
            "--allow-pending",
            action="store_true",
            help="une capture encore sans jeton d'horodatage n'est pas un problème",
        )
        parser.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path, whole_store = options["path"], options["store"]
        if path == "store" and not Path(path).exists():
            path, whole_store = None, True
        if bool(path) == whole_store:
            raise CommandError("donner soit un dossier, soit --store", returncode=2)
        try:
            roots = tsa.load_roots(options["ca"])
        except tsa.TokenError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        try:
            report = verify_store(roots) if whole_store else _verify_folder(Path(path), roots)
        except storage.Unavailable as exc:
            raise CommandError(
                f"stockage de preuves injoignable, rien n'a pu être vérifié : {exc}", returncode=1
            ) from exc
        if options["allow_pending"]:
            report = allowing_pending(report)
        self._print(report, options["json"], whole_store)
        if not report.ok:
            raise CommandError(f"{len(report.problems)} problème(s) trouvé(s)", returncode=1)

    def _print(self, report: Report, as_json: bool, whole_store: bool) -> None:
        # Seals still without a token: problems by default, pending with --allow-pending.
        waiting = len(report.pending) + sum(p.code == PENDING for p in report.problems)
        if waiting:
            self.stderr.write(f"{waiting} scellé(s) sans jeton d'horodatage (en attente)")
        if as_json:
            answer = {
                "ok": report.ok,
                "checked": report.checked,
                "problems": [vars(p) for p in report.problems],
                "pending": report.pending,
                "pending_count": waiting,
            }
            if whole_store or report.local_only:
                answer["local_only"] = report.local_only  # journal entries anchored locally only
            if whole_store:
                answer["orphans"] = report.orphans
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
            return
        for problem in report.problems:
            self.stdout.write(f"PROBLÈME [{problem.code}] {problem.where} : {problem.message}")
        for note in report.pending:
            self.stdout.write(f"EN ATTENTE {note}")
        for note in report.local_only:
            self.stdout.write(f"ANCRAGE LOCAL {note}")
        for digest in report.orphans:
            self.stdout.write(
                f"ORPHELIN {digest} : fichier sans enregistrement (sans effet ; retiré par "
                "« creneau store sweep » ou la purge passé le délai de grâce)"
            )
        if report.ok:
            self.stdout.write(f"OK : {report.checked} élément(s) vérifié(s), aucun problème")


def _verify_folder(path: Path, roots: Roots) -> Report:
    """A bundle (it holds ``bundle.json``: creneau.court checks it) or a capture folder."""
    return verify_bundle(path, roots) if is_bundle(path) else verify_path(path, roots)
