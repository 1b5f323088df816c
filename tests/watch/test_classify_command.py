"""``creneau classify``: JSON contract, exit codes, URL safety, and one real-browser run.

These tests are not marked ``django_db``: pytest-django would fail any of them that touched the
database, which is how they prove the command has no side effects.
"""

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from creneau.lib.urlsafety import UnsafeURLError, check_public_url

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).parent / "corpus"
EAPPOINTMENT_ALERT = (
    "Aucun rendez-vous n'est possible pour les motifs selectionnnés ou le créneau horaire "
    "séléctionné."
)


def run(*args: str) -> str:
    out = StringIO()
    call_command("classify", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_json_contract_for_a_saved_page():
    result = json.loads(run(str(CORPUS / "legacy_no_slot.html"), "--json"))
    assert result == {
        "outcome": "no_slot",
        "system": "legacy",
        "matched": "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
        "Veuillez recommencer ultérieurement.",
        "slots": [],
        "needs_review": False,
    }


def test_it_lists_the_slots_it_saw():
    result = json.loads(run(str(CORPUS / "rdvpref_creneau_slots.html"), "--json"))
    assert result["outcome"] == "slots_available"
    # Each time with the day heading above it: a time alone tells the person too little.
    assert result["slots"] == [
        "mercredi 10 juin 2026 09:15",
        "mercredi 10 juin 2026 09:30",
        "jeudi 11 juin 2026 14h00",
    ]


def test_it_uses_the_status_url_and_dialogs_given_for_a_saved_page():
    page = str(CORPUS / "eappt_motives.html")
    assert json.loads(run(page, "--json"))["outcome"] == "unknown"
    result = json.loads(run(page, "--json", "--dialog", EAPPOINTMENT_ALERT))
    assert (result["outcome"], result["matched"]) == ("no_slot", EAPPOINTMENT_ALERT)
    assert json.loads(run(page, "--json", "--status", "503"))["outcome"] == "error"
    url = "https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/1/creneau/"
    shell = str(CORPUS / "rdvpref_spa_shell.html")
    assert json.loads(run(shell, "--json", "--url", url))["system"] == "rdv_prefecture"


def test_it_reads_latin1_pages(tmp_path):
    page = tmp_path / "latin1.html"
    page.write_bytes(
        "<form id='FormBookingCreate'>Il n'existe plus de plage horaire libre pour votre "
        "demande de rendez-vous. Veuillez recommencer ultérieurement.</form>".encode("latin-1")
    )
    assert json.loads(run(str(page), "--json"))["outcome"] == "no_slot"


def test_it_prints_a_short_french_line_without_json():
    line = run(str(CORPUS / "blank_body.html"))
    assert line.startswith("unknown (système : inconnu)")
    assert "à vérifier par une personne" in line


def test_it_refuses_a_missing_file_with_exit_code_1():
    with pytest.raises(CommandError, match="Fichier introuvable") as error:
        run(str(CORPUS / "no-such-page.html"), "--json")
    assert error.value.returncode == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/",
        "http://localhost/",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://192.168.0.10/booking/create/1",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
        "http://0x7f000001/",
    ],
)
def test_it_refuses_local_and_private_addresses(url, settings):
    settings.ALLOW_LOCAL_URLS = False
    with pytest.raises(CommandError, match="adresse locale ou privée") as error:
        run(url, "--json")
    assert error.value.returncode == 1


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/", "javascript:alert(1)", "data:text/html,x"]
)
def test_it_refuses_other_schemes_even_with_allow_local(url):
    with pytest.raises(CommandError, match="http:// et https://") as error:
        run(url, "--json", "--allow-local")
    assert error.value.returncode == 1


def test_the_url_check_accepts_public_addresses_and_local_ones_when_allowed():
    check_public_url("https://93.184.215.14/booking/create/1", allow_local=False)
    check_public_url("http://[2001:4860:4860::8888]/", allow_local=False)
    check_public_url("http://127.0.0.1:8123/", allow_local=True)
    with pytest.raises(UnsafeURLError, match="nom d'hôte"):
        check_public_url("http://:80/", allow_local=True)


def test_the_installed_command_exits_1_for_a_loopback_url_and_a_missing_file():
    env = {**os.environ, "CRENEAU_ALLOW_LOCAL_URLS": "false"}
    for target in ("http://127.0.0.1:9/", str(CORPUS / "missing.html")):
        done = subprocess.run(
            [sys.executable, "manage.py", "classify", target, "--json"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1, done.stderr
        assert done.stdout == ""
        assert "CommandError" in done.stderr


def test_the_installed_command_exits_2_on_usage_errors():
    done = subprocess.run(
        [sys.executable, "manage.py", "classify", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2


# --- one real browser -------------------------------------------------------------------------

PAGES = {
    "/eAppointmentpref94/appointment.do": f"""<!DOCTYPE html><html lang="fr"><head>
<meta charset="utf-8"><title>Prise de rendez-vous</title></head><body>
<form name="appointmentForm" action="/eAppointmentpref94/appointment.do">
<input type="checkbox" name="selectedMotiveKeyList" value="20" checked> Retrait de titre
<input type="button" id="nextButtonId" value="Etape suivante"></form>
<script>window.addEventListener("load", () => alert({json.dumps(EAPPOINTMENT_ALERT)}));</script>
</body></html>""",
    "/rdvpref/reservation/demarche/1/creneau/": """<!DOCTYPE html><html lang="fr"><head>
<meta charset="utf-8"><title>RDV Préfecture</title>
<style>main > h2:first-of-type { display: none }</style></head>
<body><main><h1>Choix du créneau</h1><h2>Aucun créneau disponible</h2>
<div id="calendrier"></div></main></body></html>""",
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGES.get(self.path.split("?", 1)[0])
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write((body or "not found").encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.mark.browser
def test_it_classifies_a_live_page_whose_no_slot_answer_is_an_alert(site):
    url = f"{site}/eAppointmentpref94/appointment.do?sitekey=P941"
    result = json.loads(run(url, "--allow-local", "--json"))
    assert result == {
        "outcome": "no_slot",
        "system": "eappointment",
        "matched": EAPPOINTMENT_ALERT,
        "slots": [],
        "needs_review": False,
    }


@pytest.mark.browser
def test_css_hidden_no_slot_text_does_not_count_in_a_live_page(site, tmp_path):
    url = f"{site}/rdvpref/reservation/demarche/1/creneau/"
    live = json.loads(run(url, "--allow-local", "--json"))
    assert live["outcome"] == "unknown"
    assert live["needs_review"] is True
    # Read from a file, without the browser's innerText, the rule is read by its base (every
    # ``h2`` is taken as hidden): a saved copy errs on the side of doubt too.
    saved = tmp_path / "page.html"
    saved.write_text(PAGES["/rdvpref/reservation/demarche/1/creneau/"], encoding="utf-8")
    assert json.loads(run(str(saved), "--json", "--url", url))["outcome"] == "unknown"
