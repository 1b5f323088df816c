from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent
from creneau.privacy.erasure import erase_case, purge_due


class Command(BaseCommand):
    help = "Erase cases inactive beyond the retention rule (CRENEAU_PURGE_*_AFTER_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, erase nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        for case in purge_due():
            if options["dry_run"]:
                self.stdout.write(_("à effacer : %(ref)s") % {"ref": case.reference})
                continue
            erased = erase_case(case)
            audit.record(None, None, erased.reference, AuditEvent.Action.ERASE, "purge")
            self.stdout.write(_("effacé : %(ref)s") % {"ref": erased.reference})
            for reason in erased.kept:
                self.stdout.write(_("copie non supprimée : %(why)s") % {"why": reason})
