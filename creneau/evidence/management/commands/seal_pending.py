"""``creneau seal_pending``: timestamp seals still waiting for an authority, anchor journals."""

import json
import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from creneau.evidence import journal, seal

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Horodate les scellés en attente et ancre la tête de chaque journal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        pending = seal.timestamp_pending()
        anchors = journal.anchor_heads()
        for failure in {*pending.failures, *anchors.failures}:
            log.warning("time-stamping authority unavailable: %s", failure)
        result = {
            "sealed": pending.sealed,
            "still_pending": pending.still_pending,
            "journals_anchored": anchors.anchored,
            "journals_unanchored": anchors.unanswered,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"jeton obtenu pour {pending.sealed} scellé(s), {pending.still_pending} en "
                "attente ; "
                f"{anchors.anchored} journal(aux) ancré(s)"
            )
