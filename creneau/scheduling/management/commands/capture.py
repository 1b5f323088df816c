"""``creneau capture URL --out DIR --json``: one sealed capture, written as a verifiable folder."""

import json
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from creneau.cases.models import Case
from creneau.evidence.attempts import record_capture
from creneau.evidence.models import Capture
from creneau.evidence.states import timestamp_status
from creneau.lib import browsing
from creneau.lib.urlsafety import UnsafeURLError, check_public_url
from creneau.scheduling.attempts import capture

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Capture une page de prise de rendez-vous, la scelle et l'écrit dans un dossier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url")
        parser.add_argument("--out", required=True, type=Path, help="dossier de sortie")
        parser.add_argument("--case", help="référence du dossier (facultatif)")
        parser.add_argument("--json", action="store_true", help="sortie JSON")
        parser.add_argument(
            "--allow-local", action="store_true", help="accepter 127.0.0.1 et réseaux privés"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"]
        allow_local = options["allow_local"] or settings.ALLOW_LOCAL_URLS
        try:
            check_public_url(url, allow_local=allow_local)
        except UnsafeURLError as exc:
            raise CommandError(f"adresse refusée : {exc}", returncode=1) from exc
        case = self._case(options["case"])
        try:
            # Without --allow-local, every request of the visit goes through the egress guard.
            result = capture(url, case=case, out_dir=options["out"], allow_local=allow_local)
        finally:
            browsing.close_all()
        if case is not None:  # the case's online attempt, as the scheduler would record it
            record_capture(result.capture_id)
        for failure in result.tsa_failures:
            log.warning("time-stamping authority unavailable: %s", failure)
        row = Capture.objects.select_related("seal__manifest").get(pk=result.capture_id)
        timestamp = timestamp_status(row.seal, row.started_at)
        timestamp["failures"] = list(result.tsa_failures)
        self._warn(timestamp)
        assert result.folder is not None
        output = {
            "outcome": result.outcome,
            "system": result.system,
            "files": result.files,
            "manifest": str(result.folder.manifest),
            "timestamps": [str(p) for p in result.folder.timestamps],
            "capture": result.capture_id,
            "state": result.state,
            "timestamp": timestamp,
            "error": result.error,
        }
        if options["json"]:
            self.stdout.write(json.dumps(output, ensure_ascii=False))
        else:
            self.stdout.write(f"{result.outcome} — {result.folder.folder} ({timestamp['status']})")

    def _warn(self, timestamp: dict[str, Any]) -> None:
        """Say on standard error why a capture is not timestamped (it is kept either way)."""
        if timestamp["status"] == "disabled":
            self.stderr.write(
                "Horodatage désactivé (CRENEAU_TSA_URLS vide) : capture scellée, non horodatée."
            )
        elif timestamp["status"] == "pending" and timestamp["tokens"]:
            self.stderr.write(
                "Jeton d'horodatage reçu mais non vérifiable avec les racines configurées "
                "(CRENEAU_TSA_CA_FILE) : capture scellée, horodatage en attente. "
                "Lancez « creneau doctor »."
            )
        elif timestamp["status"] == "pending":
            self.stderr.write(
                "Aucune autorité d'horodatage n'a répondu : capture scellée, horodatage en "
                "attente (nouvel essai automatique, ou « creneau seal_pending »)."
            )

    def _case(self, reference: str | None) -> Case | None:
        if not reference:
            return None
        try:
            return Case.objects.get(reference=reference)
        except Case.DoesNotExist:
            raise CommandError(f"dossier inconnu : {reference}", returncode=1) from None
