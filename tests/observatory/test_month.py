"""A month of watching a simulated booking page that offers slots on a known pattern.

The scheduler, the claims, the politeness budget, the driver's judgement, the observatory's
counting, sealing (real local TSA), day journal and advice are the real ones; only the browser
is replaced by a plain HTTP request to the simulator (a page judged as the browser's would be),
so that a month runs in about a minute. The pattern, in Paris time:

- Mondays 09:00–09:59 and Thursdays 14:00–14:29: slots;
- Saturday 21 March: the booking service is closed;
- Wednesdays 12:00–12:19: the site answers 503;
- otherwise: « aucun créneau ».

Then the command line, the public pages, the CSV and JSON downloads and the court exhibit must
all show exactly what the watcher saw, and nothing from the case's own attempts.
"""

import csv
import io
import json
import re
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from creneau.accounts.models import Organisation
from creneau.catalog.models import BookingPage
from creneau.court.bundle import build_bundle
from creneau.court.bundlecheck import verify_bundle
from creneau.documents.french import french_datetime
from creneau.lib import tsa
from creneau.observatory import maintenance, publication
from creneau.observatory.models import ObservedPage, SealedCheck
from creneau.scheduling import attempts, planning, scheduler, tasks
from creneau.scheduling.scheduler import Work
from creneau.simulators.server import SimulatorServer
from creneau.watch import drivers
from tests.conftest import apart_from_late_tokens, make_case
from tests.scheduling.test_simulation import replay_bucket

from .conftest import prefecture_93, snapshot

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 3, 2, 0, 0, tzinfo=PARIS)  # a Monday
END = datetime(2026, 4, 1, 0, 0, tzinfo=PARIS)
STEP = timedelta(minutes=10)  # the scheduler ticks every 10 minutes of simulated time
CLOSED_DAY = date(2026, 3, 21)


def pattern(local: datetime) -> str:
    if local.weekday() == 0 and local.hour == 9:
        return "slots"
    if local.weekday() == 3 and local.hour == 14 and local.minute < 30:
        return "slots"
    if local.date() == CLOSED_DAY:
        return "closed"
    if local.weekday() == 2 and local.hour == 12 and local.minute < 20:
        return "error503"
    return "no_slot"


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Watcher:
    """Stands in for the browser seam: sets the simulator to the pattern, fetches the page."""

    def __init__(self, sim: SimulatorServer) -> None:
        self.sim = sim
        self.checks: list[tuple[datetime, str]] = []  # (time, outcome) of every watcher check
        self.runs: list[datetime] = []  # every run at the host, watches and evidence attempts
        self.evidence = 0

    def page(self, page: BookingPage) -> attempts.RunResult:
        now = timezone.now()
        self.sim.set_state("rdv_service_public", pattern(now.astimezone(PARIS)))
        status, html = fetch(page.url)
        seen = snapshot(html, now, url=page.url, status=status)
        verdict = drivers.judge(page.system, seen, {})
        self.checks.append((now, verdict.outcome))
        self.runs.append(now)
        return attempts.RunResult(verdict.outcome, status, seen, verdict)

    def case(self, case: Any) -> attempts.RunResult:
        self.evidence += 1  # a case's attempt that saw slots: the observatory must ignore it
        self.runs.append(timezone.now())
        return attempts.RunResult("slots_available", 200)

    def dispatch(self, work: Work) -> None:
        if work.kind == "watch":
            attempts.watch_page(work.row_id, work.claim, visit=self.page)
        elif work.kind == "evidence":
            attempts.evidence_attempt(work.row_id, work.claim, visit=self.case)
        elif work.kind == "job":
            tasks.periodic_job(work.row_id, work.claim)


def simulate(watcher: Watcher) -> None:
    window, now = planning.watch_window(), START
    with time_machine.travel(now, tick=False) as clock:
        while now < END:
            if window.contains(now, PARIS):
                scheduler.tick(now, dispatch=watcher.dispatch)
                now += STEP
            else:
                now = planning.next_window_start(now, window, PARIS)
            clock.move_to(now)
        clock.move_to(END + timedelta(hours=1))
        maintenance.run(timezone.now())  # the hourly job closes the last day


def expected_days(checks: list[tuple[datetime, str]]) -> dict[str, Counter[str]]:
    days: dict[str, Counter[str]] = defaultdict(Counter)
    for moment, outcome in checks:
        days[moment.astimezone(PARIS).date().isoformat()][outcome] += 1
    return dict(sorted(days.items()))


def expected_episodes(checks: list[tuple[datetime, str]]) -> list[tuple[datetime, datetime, int]]:
    """Runs of checks with slots, broken only by a check saying « no slot » or « closed »."""
    found: list[tuple[datetime, datetime, int]] = []
    current: list[datetime] = []
    for moment, outcome in checks:
        if outcome == "slots_available":
            current.append(moment)
        elif outcome in {"no_slot", "closed"} and current:
            found.append((current[0], current[-1], len(current)))
            current = []
    if current:
        found.append((current[0], current[-1], len(current)))
    return found


def utc(moment: datetime) -> str:
    return (
        moment.astimezone(ZoneInfo("UTC")).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


@pytest.fixture
def month(personas, simulator, tsa_on, settings) -> dict[str, Any]:
    """GIVEN a page of the Seine-Saint-Denis prefecture followed by one case
    WHEN a month of watching passes on the pattern of the module docstring
    THEN (in each test) what every output shows."""
    settings.EVIDENCE_HOURS, settings.EVIDENCE_DAYS = "08:00-19:00", "mon-sat"
    simulator.reset()
    page = BookingPage.objects.create(
        url=simulator.url("rdv_service_public"),
        system="rdv_service_public",
        prefecture=prefecture_93(),
    )
    case = make_case(personas.group, booking_page=page, prefecture=prefecture_93())
    for organisation in Organisation.objects.all():
        publication.set_public(organisation, True, None)
    watcher = Watcher(simulator)
    simulate(watcher)
    return {"page": page, "case": case, "watcher": watcher, "checks": watcher.checks}


# --- What every output must show --------------------------------------------------------------


def check_pattern(checks: list[tuple[datetime, str]]) -> None:
    """The watcher saw the pattern: slots only when the simulator offered them, and so on."""
    for moment, outcome in checks:
        state = pattern(moment.astimezone(PARIS))
        wanted = {"slots": "slots_available", "closed": "closed", "error503": "error"}
        assert outcome == wanted.get(state, "no_slot"), (moment, state, outcome)
    mondays = {m.astimezone(PARIS).date() for m, o in checks if o == "slots_available"}
    assert {d for d in mondays if d.weekday() == 0} == {
        date(2026, 3, 2) + timedelta(weeks=n) for n in range(5)
    }


def check_json(found: dict[str, Any], checks: list[tuple[datetime, str]]) -> None:
    days = expected_days(checks)
    (page,) = found["pages"]
    assert page["checks"] == len(checks)
    assert page["with_slots"] == sum(1 for _m, o in checks if o == "slots_available")
    assert page["share_with_slots"] == round(page["with_slots"] / len(checks), 4)
    assert page["outcomes"] == {
        name: sum(1 for _m, o in checks if o == name) for name in found["outcomes"]
    }
    assert {d["day"]: d["checks"] for d in page["by_day"]} == {
        day: sum(c.values()) for day, c in days.items()
    }
    assert {d["day"]: d["with_slots"] for d in page["by_day"]} == {
        day: c["slots_available"] for day, c in days.items()
    }
    assert [(e["first_seen"], e["last_seen"], e["checks"]) for e in page["episodes"]] == [
        (utc(a), utc(b), n) for a, b, n in expected_episodes(checks)
    ]
    hours = {h["hour"]: h["with_slots"] for h in page["by_hour"] if h["with_slots"]}
    assert set(hours) <= {9, 14}
    weekdays = {w["weekday"] for w in page["by_weekday"] if w["with_slots"]}
    assert weekdays <= {1, 4}
    assert (
        next(d for d in page["by_day"] if d["day"] == CLOSED_DAY.isoformat())["outcomes"]["closed"]
        == days[CLOSED_DAY.isoformat()]["closed"]
        > 0
    )
    (prefecture,) = found["prefectures"]
    assert prefecture["key"] == page["prefecture"] and prefecture["checks"] == page["checks"]
    assert prefecture["episodes"] and prefecture["department"] == "93"
    assert found["national"]["with_slots"] == page["with_slots"]
    assert (found["first_day"], found["last_day"]) == ("2026-03-02", "2026-03-31")


def check_csv(text: str, checks: list[tuple[datetime, str]]) -> None:
    rows = list(csv.DictReader(io.StringIO(text)))
    days = expected_days(checks)
    assert [row["day"] for row in rows] == list(days)
    for row in rows:
        counted = days[row["day"]]
        assert int(row["checks"]) == sum(counted.values())
        assert int(row["with_slots"]) == int(row["slots_available"]) == counted["slots_available"]
        assert int(row["error"]) == counted["error"] and int(row["closed"]) == counted["closed"]


def percent(part: int, whole: int) -> str:
    """« 3,2 » : the share in percent, one decimal, rounded half up."""
    exact = Decimal(part * 100) / Decimal(whole)
    return str(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)).replace(".", ",")


def check_pages(client: Client, found: dict[str, Any]) -> None:
    page = found["pages"][0]
    share = percent(page["with_slots"], page["checks"])
    home = client.get("/observatoire/")
    assert home.status_code == 200 and "public" in home["Cache-Control"]
    text = re.sub(r"\s+", " ", home.content.decode())
    assert f"<strong>{page['checks']}</strong> relevés" in text
    assert f"{share} %" in text  # a non-breaking space, folded by the regex
    key = found["prefectures"][0]["key"]
    detail = client.get(f"/observatoire/{key}/")
    body = re.sub(r"\s+", " ", detail.content.decode())
    assert f"<strong>{len(page['episodes'])}</strong> périodes de disponibilité" in body
    assert f'<td class="n">{page["outcomes"]["error"]}</td>' in body
    assert "<svg" in body and "<script" not in body and "style=" not in body
    method = client.get("/observatoire/methode/").content.decode()
    assert "08:00-19:00" in method and "15 à 30 minutes" in method
    assert "Limites" in method and "aucun créneau" in method.lower()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(p.extract_text() or "" for p in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def check_exhibit(personas, case, found: dict[str, Any], tmp_path: Path, settings) -> None:
    alice = personas.client_for(personas.alice)
    answer = alice.post(
        f"/dossiers/{case.reference}/observatoire/releve/",
        {"action": "add", "first_day": "2026-03-02", "last_day": "2026-03-31"},
    )
    assert answer.status_code == 302
    result = build_bundle(case, tmp_path / "bundle", date="2026-04-02")
    (exhibit,) = [e for e in result.exhibits if e.kind == "availability"]
    assert exhibit.label.startswith(
        "Relevé de disponibilité de la page de rendez-vous de la préfecture de la "
        "Seine-Saint-Denis du 2 mars 2026 au 31 mars 2026"
    )
    text = pdf_text((result.folder / "depot" / exhibit.files[0]).read_bytes())
    page = found["pages"][0]
    share = percent(page["with_slots"], page["checks"])
    sealed = SealedCheck.objects.count()
    assert f"Relevés {page['checks']}, sur 26 jour(s) observé(s)" in text
    assert f"{page['with_slots']}, soit {share} % des relevés" in text
    assert f"Sur les {page['checks']} relevés, {sealed} ont été scellés" in text
    assert f"Les {page['checks'] - sealed} autres relevés sont seulement comptés" in text
    assert "article L. 521-3 du code de justice administrative" in text
    for episode in page["episodes"]:
        first = datetime.fromisoformat(episode["first_seen"].replace("Z", "+00:00"))
        assert french_datetime(first, PARIS).replace("\u00a0", " ") in text
    roots = tsa.load_roots(settings.TSA_CA_FILE)
    assert apart_from_late_tokens(verify_bundle(result.folder, roots).problems) == []
    manifest = json.loads((result.folder / "bundle.json").read_text())
    sealed_in_bundle = {s["manifest"] for s in manifest["seals"]}
    assert {s.capture.seal.manifest.sha256 for s in SealedCheck.objects.all()} <= sealed_in_bundle
    journal = json.loads(
        (result.folder / "preuves" / "observatoire" / f"{page['key']}.json").read_text()
    )
    assert [entry["day"] for entry in journal] == [d["day"] for d in page["by_day"]]


def test_a_month_of_watching_shows_the_pattern_everywhere(month, personas, tmp_path, settings):
    checks = month["checks"]
    check_pattern(checks)
    assert month["watcher"].evidence > 0  # the case's own attempts ran, and saw « slots »…

    out = io.StringIO()
    call_command("observatory", "--json", "--department", "93", stdout=out)
    found = json.loads(out.getvalue())
    check_json(found, checks)  # …yet nothing of them is counted

    client = Client()
    download = client.get("/observatoire/donnees/observatoire.json").json()
    assert download["pages"] == found["pages"] and download["prefectures"] == found["prefectures"]
    check_csv(client.get("/observatoire/donnees/jours.csv").content.decode(), checks)
    check_pages(client, found)

    row = ObservedPage.objects.get()
    assert row.advice["weekday"] == 0 and row.advice["hour"] == 9  # « souvent le lundi vers 9 h »
    check_exhibit(personas, month["case"], found, tmp_path, settings)
    # Watching more often in the advised hour never asked more of the host than its budget.
    assert replay_bucket(month["watcher"].runs, 3, 120) >= -1e-9
