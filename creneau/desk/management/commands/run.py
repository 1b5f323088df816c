"""``creneau run``: the whole app on one machine — web, task worker and scheduler.

1. migrate the database and load the catalog files;
2. collect static files;
3. start the background processes (task workers and the scheduler) as children;
4. serve the web app with waitress until interrupted, then stop the children.

The web app runs in ``--web-processes`` processes (by default one per core, at most 4), each
with its threads, all listening on the same address (``SO_REUSEPORT``: the kernel shares the
connections out): one Python process runs one request at a time, whatever its threads.

Each worker runs one task at a time, so queues that must not wait for each other get workers of
their own: ``attempts`` (browsers: a capture may take up to its deadline), ``alerts`` (a slot
alert never waits behind a capture or a bundle), ``assisted`` (a session waits minutes for a
person) and everything else (periodic jobs, bundles).
"""

import gc
import os
import signal
import socket
import subprocess
import sys
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

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
            "--web-processes", type=int, default=min(4, os.cpu_count() or 1), metavar="N"
        )
        parser.add_argument(
            "--web-only", action="store_true", help="do not start the worker and scheduler"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        load_catalog()
        call_command("collectstatic", interactive=False, verbosity=0)
        host, port, threads = options["host"], options["port"], options["threads"]
        listening = listen(host, port)  # before the other web processes, so they find it bound
        web = ["web", "--host", host, "--port", str(port), "--threads", str(threads)]
        argvs = [] if options["web_only"] else list(BACKGROUND)
        argvs += [web] * (max(1, options["web_processes"]) - 1)
        children = [_spawn(argv) for argv in argvs]
        stopping = threading.Event()
        supervisor = threading.Thread(
            target=_supervise, args=(argvs, children, stopping), daemon=True
        )
        supervisor.start()
        signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            self.stderr.write(f"Créneau : http://{host}:{port}/  (Ctrl+C pour arrêter)")
            serve(listening, threads)
        except KeyboardInterrupt:
            pass
        finally:
            stopping.set()
            for child in children:
                child.terminate()
            for child in children:
                child.wait(timeout=20)


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on (host, port) that other web processes of this user may share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listening.bind((host, port))
    listening.listen(1024)
    return listening


def serve(listening: socket.socket, threads: int) -> None:
    """Serve the web app on ``listening`` until interrupted."""
    from waitress import serve as waitress_serve

    from creneau.wsgi import application

    settle_heap()
    waitress_serve(
        application, sockets=[listening], threads=threads, ident="Creneau", **proxy_options()
    )


# Objects allocated, net, before the youngest generation is collected (Python's default: 700).
# A case page allocates tens of thousands: at 700, collections ran in the middle of requests,
# promoted their short-lived objects, and every ~100 requests a full collection (40-70 ms, the
# whole process waiting) swept them. At 20,000: none in 300 concurrent case pages, a little less
# CPU, and the garbage the collector (not reference counting) frees waits a little longer.
YOUNG_GENERATION = 20_000


def settle_heap() -> None:
    """Move what start-up loaded (Django, the apps, every view module) out of the collector's
    reach (a full collection would otherwise walk those ~100,000 objects again and again,
    while every thread of the process waits), and collect the youngest generation less often."""
    reverse("login")  # imports every view module now rather than on a request
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])


def proxy_options() -> dict[str, Any]:
    """Behind a reverse proxy: believe its X-Forwarded-For and -Proto, and only its own; the
    same headers from any other client are removed (docs/deployment.md)."""
    if not settings.TRUSTED_PROXY:
        return {"clear_untrusted_proxy_headers": True}
    return {
        "trusted_proxy": settings.TRUSTED_PROXY,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        "clear_untrusted_proxy_headers": True,
    }


def _spawn(argv: list[str]) -> "subprocess.Popen[bytes]":
    return subprocess.Popen([sys.executable, "-m", "creneau", *argv])


def _supervise(
    argvs: list[list[str]], children: "list[subprocess.Popen[bytes]]", stopping: threading.Event
) -> None:
    """Restart a child that exits (a worker quits when it loses its database)."""
    while not stopping.wait(RESTART_CHECK_S):
        for index, child in enumerate(children):
            if child.poll() is not None and not stopping.is_set():
                argv = argvs[index]  # children are started in the order of argvs
                sys.stderr.write(f"creneau run: {argv[0]} stopped, restarting\n")
                children[index] = _spawn(argv)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
