import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from creneau.privacy.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup into an empty data folder, then verify the whole evidence store."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--data-dir", type=Path, help="default: CRENEAU_DATA_DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        target = (options["data_dir"] or Path(settings.DATA_DIR)).resolve()
        try:
            restore(options["archive"], target)
        except (BackupError, OSError) as exc:
            raise CommandError(
                _("Restauration refusée : %(e)s") % {"e": exc}, returncode=1
            ) from exc
        self.stderr.write(_("Restauré dans %(dir)s ; vérification des preuves…") % {"dir": target})
        # A fresh process reads the restored keys and database.
        env = os.environ | {"CRENEAU_DATA_DIR": str(target)}
        check = subprocess.run(
            [sys.executable, "-m", "creneau", "verify", "--store"], env=env, check=False
        )
        if check.returncode != 0:
            raise CommandError(_("La vérification des preuves a échoué."), returncode=1)
