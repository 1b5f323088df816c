"""How long from slots appearing on a booking page to the e-mail arriving at an SMTP server.

The simulator flips to "slots", the scheduler claims the page's watch, the worker runs it (real
Chromium), the alert task sends through Apprise to a local aiosmtpd. Printed as seconds and as a
ratio to one bare driver attempt measured in the same run. In production add the wait for the
next watch (15–30 minutes, the watch interval).

    uv run python bench/alert_latency.py [--rounds 3]
"""

import argparse
import socket
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_with_fresh_database


class Mailbox:
    def __init__(self) -> None:
        self.arrivals: list[float] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.arrivals.append(time.monotonic())
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_watch_now() -> None:
    """Make the watch due, one scheduler pass, then the worker's queue (watch, then alert)."""
    from django.core.management import call_command
    from django.utils import timezone

    from creneau.scheduling import scheduler, tasks
    from creneau.scheduling.models import PageWatch

    PageWatch.objects.update(next_run_at=timezone.now())
    scheduler.tick(dispatch=tasks.enqueue)
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--no-reload",
        "--verbosity",
        "0",
    )


def one_alert(sim: object, mailbox: Mailbox) -> float:
    """Seconds from the page showing slots to the e-mail's arrival."""
    sim.set_state("legacy", "no_slot")  # type: ignore[attr-defined]
    run_watch_now()
    sim.set_state("legacy", "slots")  # type: ignore[attr-defined]
    flipped, count = time.monotonic(), len(mailbox.arrivals)
    run_watch_now()
    deadline = flipped + 60
    while len(mailbox.arrivals) == count and time.monotonic() < deadline:
        time.sleep(0.01)
    return mailbox.arrivals[count] - flipped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    django_with_fresh_database()
    from aiosmtpd.controller import Controller
    from django.conf import settings

    from creneau.accounts.models import Organisation
    from creneau.cases.models import Case, Person
    from creneau.catalog.models import BookingPage, Department
    from creneau.lib import browsing
    from creneau.simulators.server import start
    from creneau.watch import drivers

    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.WATCH_HOURS, settings.WATCH_DAYS = "00:00-23:59", "mon-sun"
    settings.EVIDENCE_DAYS = "sun"  # keep evidence attempts out of the measurement
    settings.EVIDENCE_HOURS = "00:00-00:01"
    settings.POLITENESS_CAPACITY = 100
    with start() as sim:
        page = BookingPage.objects.create(url=sim.url("legacy"), system="legacy")
        organisation = Organisation.objects.create(name="bench", slug="bench")
        person = Person.objects.create(
            organisation=organisation, family_name="X", email="p@x.example"
        )
        Case.objects.create(
            organisation=organisation,
            person=person,
            procedure_kind="renewal",
            department=Department.objects.get(code="93"),
            booking_page=page,
        )
        drivers.attempt(page)  # warm the browser up
        bare, alert = [], []
        for _ in range(rounds):
            clock = time.monotonic()
            drivers.attempt(page)
            bare.append(time.monotonic() - clock)
            alert.append(one_alert(sim, mailbox))
        browsing.close_all()
    smtp.stop()
    b, a = statistics.median(bare), statistics.median(alert)
    print(f"bare driver attempt (legacy simulator): median {b:.2f} s over {rounds}")
    print(f"slot flip -> e-mail received:            median {a:.2f} s over {rounds}")
    print(f"ratio alert / bare attempt:              {a / b:.2f}")
    print("(plus, in production, up to one watch interval: 15-30 min)")


if __name__ == "__main__":
    main()
