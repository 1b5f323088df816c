from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from creneau.privacy.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database, the evidence store and the keys into one archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="archive to write (.tar.gz)")
        parser.add_argument(
            "--without-keys", action="store_true", help="leave the decryption keys out"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup(options["out"], keys=not options["without_keys"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stderr.write(_("Sauvegarde écrite : %(path)s") % {"path": path})
        if not options["without_keys"]:
            self.stderr.write(
                _("Elle contient les clés : conservez-la aussi précieusement que l'ordinateur.")
            )
