"""``creneau doctor [--json]``: can this installation produce the evidence it claims?

Asks the time-stamping authorities and the SMTP servers for real. JSON on standard output:
``{"ok": bool, "checks": [{"name", "ok", "message"}], "evidence_store": {"backend", "location",
"object_lock"}, "sms": {"gateway": {"configured", "address", "reachable", "sender"},
"organisations": {slug: provider or null}}}`` (``object_lock``: true, false, or null when not
applicable or not answered; ``address`` is scheme://host[:port] only, never the path, query or
token; ``reachable`` is null when no gateway is set); exit 1 when a check fails.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from creneau.lib import storage
from creneau.scheduling.doctor import run_checks, sms_state


class Command(BaseCommand):
    help = (
        "Vérifie la configuration : horodatage, courriels, adresse du site, Chromium, "
        "SMS, stockage des preuves, disque."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        checks = run_checks(probe=True)
        ok = all(check.ok for check in checks)
        if options["json"]:
            store = storage.describe(probe=True)
            answer = {
                "ok": ok,
                "checks": [vars(check) for check in checks],
                "evidence_store": {
                    "backend": store.backend,
                    "location": store.location,
                    "object_lock": store.locked,
                },
                "sms": sms_state(None, probe=True).as_json(),
            }
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
        else:
            for check in checks:
                self.stdout.write(
                    f"{'OK  ' if check.ok else 'À FAIRE'} [{check.name}] {check.message}"
                )
        if not ok:
            failed = sum(not check.ok for check in checks)
            raise CommandError(f"{failed} point(s) à corriger", returncode=1)
