"""``creneau purge [--dry-run] [--json]``: the retention rule, then the orphan sweep.

Erases the cases inactive beyond ``CRENEAU_PURGE_*_AFTER_DAYS``, then removes the evidence
store's objects no row references and older than ``CRENEAU_ORPHAN_GRACE_HOURS``
(:mod:`creneau.evidence.sweep`). JSON: ``{"ok", "erased": [reference], "kept": [reason],
"sweep": {"ok", "removed", "kept", "failed", "young", "leftovers"}}`` (``kept``: copies the store
keeps, e.g. under an Object Lock retention); with ``--dry-run`` nothing is erased or removed and
``erased``/``sweep.removed`` say what would be. Exit 1 when the store refused a removal for a
reason other than a retention, or did not answer.
"""

import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent
from creneau.evidence.sweep import Sweep, sweep_orphans
from creneau.lib import storage
from creneau.privacy.erasure import erase_case, purge_due


class Command(BaseCommand):
    help = "Erase cases inactive beyond the retention rule (CRENEAU_PURGE_*_AFTER_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, erase nothing")
        parser.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run, as_json = options["dry_run"], options["json"]
        erased: list[str] = []
        kept: list[str] = []
        for case in purge_due():
            if dry_run:
                erased.append(case.reference)
                self._say(as_json, _("à effacer : %(ref)s") % {"ref": case.reference})
                continue
            done = erase_case(case)
            audit.record(None, None, done.reference, AuditEvent.Action.ERASE, "purge")
            erased.append(done.reference)
            kept += done.kept
            self._say(as_json, _("effacé : %(ref)s") % {"ref": done.reference})
            for reason in done.kept:
                self._say(as_json, _("copie non supprimée : %(why)s") % {"why": reason})
        swept = self._sweep(dry_run, as_json)
        if as_json:
            answer = {"ok": swept.ok, "erased": erased, "kept": kept, "sweep": swept.as_dict()}
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
        if not swept.ok:
            raise CommandError(
                _("%(n)d objet(s) orphelin(s) non retiré(s).") % {"n": len(swept.failed)},
                returncode=1,
            )

    def _say(self, as_json: bool, line: str) -> None:
        if not as_json:
            self.stdout.write(line)

    def _sweep(self, dry_run: bool, as_json: bool) -> Sweep:
        grace = timedelta(hours=settings.ORPHAN_GRACE_HOURS)
        try:
            swept = sweep_orphans(timezone.now(), grace, dry_run=dry_run)
        except storage.Unavailable as error:
            raise CommandError(
                _("Le stockage des preuves ne répond pas (%(e)s) : orphelins non retirés.")
                % {"e": error},
                returncode=1,
            ) from error
        verb = _("orphelin à retirer") if dry_run else _("orphelin retiré")
        for digest in swept.removed:
            self._say(as_json, f"{verb} : {digest}")
        for reason in [*swept.kept, *swept.failed]:
            self._say(as_json, _("copie non supprimée : %(why)s") % {"why": reason})
        return swept
