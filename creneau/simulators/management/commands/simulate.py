"""``creneau simulate``: serve the local booking-system simulators in the foreground."""

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from creneau.simulators.server import SimulatorServer, entry_urls


class Command(BaseCommand):
    help = "Serve local imitations of the booking systems (tests, demo, benchmarks)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--json", action="store_true", help="print the base URL and entries as JSON on stdout"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            server = SimulatorServer(options["host"], options["port"])
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {options['host']}:{options['port']}: {exc}", returncode=1
            ) from exc
        entries = entry_urls(server.base_url)
        if options["json"]:
            self.stdout.write(json.dumps({"base_url": server.base_url, "entries": entries}))
            self.stdout.flush()
        self._announce(server.base_url, entries)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.simulator.stopping.set()
            server.server_close()

    def _announce(self, base_url: str, entries: dict[str, list[str]]) -> None:
        lines = [f"Simulators serving on {base_url} (control API: {base_url}/_control)"]
        for system, urls in entries.items():
            lines.extend(f"  {system:<22} {url}" for url in urls)
        lines.append("Press Ctrl-C to stop.")
        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()
