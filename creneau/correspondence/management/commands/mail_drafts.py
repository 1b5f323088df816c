"""``creneau mail_drafts``: prepare the due repeated e-mails (never sends) and archive any send
left unrecorded by a crash. Prints ``{"prepared": [draft ids], "archived": [attempt ids]}``."""

import json
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from creneau.correspondence.sending import archive_unrecorded, due_mail_drafts


class Command(BaseCommand):
    help = "Prépare les courriels répétés arrivés à échéance (sans les envoyer)."

    def handle(self, *args: Any, **options: Any) -> None:
        prepared = due_mail_drafts(timezone.now())
        archived = archive_unrecorded()
        result = {"prepared": [d.pk for d in prepared], "archived": [a.pk for a in archived]}
        self.stdout.write(json.dumps(result))
