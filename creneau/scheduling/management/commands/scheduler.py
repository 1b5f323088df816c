"""``creneau scheduler``: create due work from the database state, in a loop.

Several schedulers may run (on several hosts): claims are exclusive, so nothing double-fires.
``--once`` runs one pass and prints what it claimed as JSON.
"""

import json
import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from creneau.scheduling import scheduler, tasks


class Command(BaseCommand):
    help = "Plan slot watches, evidence attempts and reminders; enqueue them for the workers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.SCHEDULER_INTERVAL_SECONDS,
            help="seconds between passes",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self.stdout.write(json.dumps(scheduler.tick(dispatch=tasks.enqueue).as_dict()))
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        self.stderr.write(f"scheduler: a pass every {options['interval']} s")
        while not stop.is_set():
            close_old_connections()
            report = scheduler.tick(dispatch=tasks.enqueue)
            if report.claimed or report.created:
                self.stderr.write(f"scheduler: {json.dumps(report.as_dict())}")
            stop.wait(options["interval"])
