"""``creneau web``: one more web process beside ``creneau run``'s, on the same address.

``creneau run`` starts these itself (``--web-processes``); they share its listening address
(``SO_REUSEPORT``), so the kernel gives each its share of the connections.
"""

import contextlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from creneau.desk.management.commands.run import listen, serve


class Command(BaseCommand):
    help = "Sert l'application web sur une adresse partagée avec « creneau run »."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        with contextlib.suppress(KeyboardInterrupt):
            serve(listen(options["host"], options["port"]), options["threads"])
