"""``creneau run``: the whole app on one machine — web, task worker and scheduler.

1. migrate the database and load the catalog files;
2. collect static files;
3. start the background processes (task workers and the scheduler) as children;
4. serve the web app with waitress until interrupted, then stop the children.

Each worker runs one task at a time, so queues that must not wait for each other get workers of
their own: ``attempts`` (browsers: a capture may take up to its deadline), ``alerts`` (a slot
alert never waits behind a capture or a bundle), ``assisted`` (a session waits minutes for a
person) and everything else (periodic jobs, bundles).
"""

import signal
import subprocess
import sys
import threading
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from creneau.catalog.loader import load_catalog

# Each entry is one long-running child process: the `creneau` sub-command and its arguments.
RESTART_CHECK_S = 5.0
OWN_WORKERS = "attempts,alerts,assisted"
BACKGROUND = [
    ["db_worker", "--queue-name", "attempts", "--no-reload"],
    ["db_worker", "--queue-name", "alerts", "--no-reload"],
    ["db_worker", "--queue-name", "assisted", "--no-reload"],
    ["db_worker", "--queue-name", "*", "--exclude-queues", OWN_WORKERS, "--no-reload"],
    ["scheduler"],
]


class Command(BaseCommand):
    help = "Run Créneau: web + worker + scheduler (SQLite by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--web-only", action="store_true", help="do not start the worker and scheduler"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        load_catalog()
        call_command("collectstatic", interactive=False, verbosity=0)
        children = [] if options["web_only"] else [_spawn(argv) for argv in BACKGROUND]
        stopping = threading.Event()
        threading.Thread(target=_supervise, args=(children, stopping), daemon=True).start()
        signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            self._serve(options["host"], options["port"], options["threads"])
        except KeyboardInterrupt:
            pass
        finally:
            stopping.set()
            for child in children:
                child.terminate()
            for child in children:
                child.wait(timeout=20)

    def _serve(self, host: str, port: int, threads: int) -> None:
        from waitress import serve

        from creneau.wsgi import application

        self.stderr.write(f"Créneau : http://{host}:{port}/  (Ctrl+C pour arrêter)")
        serve(application, host=host, port=port, threads=threads, ident="Creneau")


def _spawn(argv: list[str]) -> "subprocess.Popen[bytes]":
    return subprocess.Popen([sys.executable, "-m", "creneau", *argv])


def _supervise(children: "list[subprocess.Popen[bytes]]", stopping: threading.Event) -> None:
    """Restart a worker or scheduler that exits (a worker quits when it loses its database)."""
    while not stopping.wait(RESTART_CHECK_S):
        for index, child in enumerate(children):
            if child.poll() is not None and not stopping.is_set():
                argv = BACKGROUND[index]  # children are started in BACKGROUND's order
                sys.stderr.write(f"creneau run: {argv[0]} stopped, restarting\n")
                children[index] = _spawn(argv)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
