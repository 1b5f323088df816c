"""``creneau store migrate``: copy a local evidence store to the bucket; ``creneau store sweep``:
remove the objects no row references.

``creneau store migrate [--from DIR] [--json]``:
The target is the configured store (``CRENEAU_EVIDENCE_STORE=s3`` and the ``CRENEAU_S3_*``
settings); the source is the local folder (``CRENEAU_DATA_DIR``/evidence, or ``--from``). Every
blob is hashed before it leaves and read back and hashed in the bucket; a blob already there is
re-checked, not rewritten. Interrupted, it is run again: it resumes. JSON on standard output:
``{"ok", "source", "target", "copied", "already", "damaged": [digest], "failed": [reason]}``;
exit 1 when a blob is damaged, refused or unreadable, or when the bucket stops answering.

``creneau store sweep [--grace-hours N] [--dry-run] [--json]`` (:mod:`creneau.evidence.sweep`):
removes the store's objects that no row references and that are older than the grace period
(``CRENEAU_ORPHAN_GRACE_HOURS``, 24 by default). JSON: ``{"ok", "store", "dry_run",
"grace_hours", "removed": [digest], "kept": [reason], "failed": [reason], "young", "leftovers"}``
(``removed``: what would be removed with ``--dry-run``; ``kept``: objects an Object Lock
retention keeps, with its date; ``young``: orphans still within the grace period); exit 1 when a
removal failed or the store did not answer.
"""

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from creneau.evidence.sweep import Sweep, sweep_orphans
from creneau.lib import storage


class Command(BaseCommand):
    help = "Copie le stockage local des preuves vers le stockage S3 configuré (reprise possible)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        migrate = sub.add_parser("migrate", help="copier le dossier local vers le compartiment")
        migrate.add_argument("--from", dest="source", type=Path, help="défaut : DATA_DIR/evidence")
        migrate.add_argument("--json", action="store_true", help="sortie JSON")
        sweep = sub.add_parser("sweep", help="retirer les objets qu'aucune ligne ne référence")
        sweep.add_argument(
            "--grace-hours",
            type=int,
            default=None,
            help="ne retirer que les objets plus anciens (défaut : CRENEAU_ORPHAN_GRACE_HOURS)",
        )
        sweep.add_argument("--dry-run", action="store_true", help="lister, ne rien retirer")
        sweep.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sweep":
            self._sweep(options)
            return
        folder = (options["source"] or Path(settings.EVIDENCE_DIR)).resolve()
        target = storage.backend()
        if target.name == "local":
            raise CommandError(
                _(
                    "Le stockage configuré est le dossier local : donnez CRENEAU_EVIDENCE_STORE=s3 "
                    "et les réglages CRENEAU_S3_* du compartiment de destination."
                ),
                returncode=2,
            )
        if not (folder / storage.PREFIX).is_dir():
            raise CommandError(
                _("Aucun stockage de preuves dans %(d)s.") % {"d": folder}, returncode=2
            )
        where = target.describe(probe=False).location
        done = storage.Copy()
        try:
            storage.copy_store(storage.LocalStore(folder), target, done)
        except storage.Unavailable as error:
            self._report(folder, where, done, options["json"], ok=False)
            raise CommandError(
                _(
                    "Le stockage de destination ne répond plus (%(e)s) : %(n)d fichier(s) copié(s) "
                    "jusque-là. Relancez la commande pour reprendre."
                )
                % {"e": error, "n": done.copied},
                returncode=1,
            ) from error
        self._report(folder, where, done, options["json"], ok=done.ok)
        if not done.ok:
            raise CommandError(
                _("%(n)d fichier(s) non copié(s).") % {"n": len(done.damaged) + len(done.failed)},
                returncode=1,
            )

    def _report(
        self, folder: Path, where: str, done: storage.Copy, as_json: bool, ok: bool
    ) -> None:
        if as_json:
            answer = {"ok": ok, "source": str(folder), "target": where, "copied": done.copied}
            answer |= {"already": done.already, "damaged": done.damaged, "failed": done.failed}
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
            return
        self.stdout.write(
            _("%(c)d copié(s), %(a)d déjà présent(s) et vérifié(s), de %(src)s vers %(dst)s.")
            % {"c": done.copied, "a": done.already, "src": folder, "dst": where}
        )
        for digest in done.damaged:
            self.stdout.write(
                _("ENDOMMAGÉ %(d)s : ne correspond plus à son nom, non copié") % {"d": digest}
            )
        for reason in done.failed:
            self.stdout.write(_("ÉCHEC %(r)s") % {"r": reason})

    def _sweep(self, options: dict[str, Any]) -> None:
        hours = max(options["grace_hours"] or settings.ORPHAN_GRACE_HOURS, 1)
        where = storage.describe(probe=False).location
        try:
            done = sweep_orphans(timezone.now(), timedelta(hours=hours), dry_run=options["dry_run"])
        except storage.Unavailable as error:
            raise CommandError(
                _("Le stockage des preuves ne répond pas (%(e)s) : rien n'a été retiré.")
                % {"e": error},
                returncode=1,
            ) from error
        if options["json"]:
            answer = {"store": where, "dry_run": options["dry_run"], "grace_hours": hours}
            self.stdout.write(json.dumps(answer | done.as_dict(), ensure_ascii=False))
        else:
            self._say_sweep(done, options["dry_run"], hours)
        if not done.ok:
            raise CommandError(
                _("%(n)d objet(s) non retiré(s).") % {"n": len(done.failed)}, returncode=1
            )

    def _say_sweep(self, done: Sweep, dry_run: bool, hours: int) -> None:
        verb = _("à retirer") if dry_run else _("retiré")
        for digest in done.removed:
            self.stdout.write(f"{verb} : {digest}")
        for reason in done.kept:
            self.stdout.write(_("conservé par le stockage : %(r)s") % {"r": reason})
        for reason in done.failed:
            self.stdout.write(_("ÉCHEC %(r)s") % {"r": reason})
        self.stdout.write(
            _(
                "%(n)d objet(s) orphelin(s) %(verb)s, %(k)d conservé(s) par le stockage, "
                "%(y)d plus récent(s) que %(h)d h laissé(s)."
            )
            % {
                "n": len(done.removed),
                "verb": verb,
                "k": len(done.kept),
                "y": done.young,
                "h": hours,
            }
        )
