import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from creneau.catalog.loader import TribunalInfo, tribunal_from_database, tribunal_from_files


class Command(BaseCommand):
    help = "Competent tribunal administratif for a département code (R.221-3 CJA)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("department", help="code du département : 93, 2A, 974…")
        parser.add_argument("--json", action="store_true", help="JSON output")

    def handle(self, *args: Any, **options: Any) -> None:
        info = self._lookup(options["department"])
        if info is None:
            raise CommandError(
                _("Département inconnu : « %(code)s ». Exemples valides : 01, 2A, 93, 974.")
                % {"code": options["department"]},
                returncode=1,
            )
        if options["json"]:
            self.stdout.write(json.dumps(info.as_json(), ensure_ascii=False))
            return
        verified = info.address_verified_on
        self.stdout.write(f"{info.department} {info.department_name} → {info.tribunal}")
        self.stdout.write(f"{info.address or _('adresse inconnue')}")
        if verified is None:
            self.stdout.write(_("Adresse NON VÉRIFIÉE : contrôlez-la sur le site du tribunal."))

    def _lookup(self, code: str) -> TribunalInfo | None:
        """The database (where a jurist may have verified an address) first, then the files."""
        try:
            found = tribunal_from_database(code)
        except DatabaseError:
            found = None
        return found or tribunal_from_files(code)
