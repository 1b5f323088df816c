"""One case, one attempt in each evidence state: every surface says the same words.

The case page, the person's portal, the assessment, the documents, the relevé du journal in the
bundle, the case export and the CLI all take the state from ``creneau.evidence.states``.
"""

import datetime
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from pypdf import PdfReader

from creneau.cases.models import Attempt, Case
from creneau.court.bundle import build_bundle
from creneau.documents.generate import draft_document
from creneau.evidence.attempts import Incoming, record_attempt
from creneau.evidence.states import State, evidence_of
from creneau.portal import access
from tests.conftest import make_case
from tests.court.conftest import screenshot_png, sealed_capture
from tests.portal.conftest import open_portal

pytestmark = pytest.mark.django_db
PARIS = datetime.timezone(datetime.timedelta(hours=2))
LABELS = {
    State.TIMESTAMPED: "scellée et horodatée",
    State.AWAITING_TIMESTAMP: "scellée, horodatage en attente",
    State.DECLARED_WITH_FILE: "déclarée avec fichier joint",
    State.DECLARED_WITHOUT_FILE: "déclarée sans justificatif",
}


@pytest.fixture
def four_states(personas: Any, settings: Any, local_tsa: Any) -> Case:
    """GIVEN a case with a capture timestamped, a capture whose authority did not answer, a
    person's screenshot and an attempt only declared, in four different weeks."""
    case = make_case(personas.group)
    case.person.address = "12 rue de la République\n93200 Saint-Denis"
    case.person.save()
    settings.TSA_CA_FILE = str(local_tsa.ca_file)
    settings.TSA_URLS = ["http://127.0.0.1:9/tsa"]  # nothing answers there
    sealed_capture(case, datetime.datetime(2026, 9, 8, 9, 0, tzinfo=PARIS), screenshot_png("b"))
    settings.TSA_URLS = [local_tsa.url]
    sealed_capture(case, datetime.datetime(2026, 9, 1, 9, 0, tzinfo=PARIS), screenshot_png("a"))
    for day, files in ((15, [Incoming(screenshot_png("c"), "vu.png")]), (22, [])):
        record_attempt(
            case,
            channel="online",
            outcome="no_slot",
            at=datetime.datetime(2026, 9, day, 14, 0, tzinfo=PARIS),
            files=files,
        )
    return case


def test_the_four_states_are_what_evidence_says(four_states):
    attempts = list(four_states.attempts.order_by("at"))
    states = [evidence_of(attempts)[a.pk].state for a in attempts]
    assert states == [
        State.TIMESTAMPED,
        State.AWAITING_TIMESTAMP,
        State.DECLARED_WITH_FILE,
        State.DECLARED_WITHOUT_FILE,
    ]


def test_the_case_page_shows_each_state(four_states, personas):
    page = personas.client_for(personas.alice).get(f"/dossiers/{four_states.reference}/")
    html = page.content.decode()
    for state, label in LABELS.items():
        assert f'evidence-state--{state}" title="' in html
        assert f">{label}</span>" in html
    assert "Tentatives « scellée et horodatée »" in html  # the assessment's figures


def test_the_portal_shows_each_state(four_states):
    person = open_portal(access.issue(four_states.person, None, None).token)
    html = person.get(f"/p/dossier/{four_states.reference}/").content.decode()
    for label in LABELS.values():
        assert f">{label}</span>" in html


def test_the_assessment_counts_each_state_in_the_cli_contract(four_states):
    out = io.StringIO()
    call_command("assess", four_states.reference, "--json", stdout=out)
    metrics = json.loads(out.getvalue())["metrics"]
    assert {key: metrics[key] for key in LABELS} == dict.fromkeys(LABELS, 1)
    assert all(isinstance(metrics[key], int) for key in LABELS)

    out = io.StringIO()
    call_command("assess", four_states.reference, stdout=out)
    text = out.getvalue()
    assert all(f"{label} : 1" in text for label in LABELS.values())


def test_the_documents_name_each_state(four_states):
    for kind in ("requete", "summary"):
        text = draft_document(four_states, kind, date="2026-10-01", gender="f").text
        for label in LABELS.values():
            assert f"démarche {label}" in text, (kind, label)
    requete = draft_document(four_states, "requete", date="2026-10-01", gender="f").text
    assert "dont 1 constatée par Créneau et horodatée par une autorité d'horodatage" in requete
    assert "justifie de 3 tentatives de prise de rendez-vous en ligne" in requete
    assert "déclare en outre 1 démarche" in requete


def test_the_export_names_each_state(four_states):
    out = io.StringIO()
    call_command("case", "export", four_states.reference, "--json", stdout=out)
    exported = json.loads(out.getvalue())["attempts"]
    assert [a["evidence"]["state"] for a in exported] == [str(s) for s in LABELS]
    assert [a["evidence"]["label"] for a in exported] == list(LABELS.values())


def test_the_bundles_relevé_names_each_state_and_verify_wants_the_pending_one(
    four_states, tmp_path: Path, capsys
):
    result = build_bundle(four_states, tmp_path / "b", date="2026-10-01")
    journal = next(e for e in result.exhibits if e.kind == "journal")
    text = _pdf_text(tmp_path / "b" / "depot" / journal.files[0])
    body, _, annex = text.partition("annexe : vérification technique du journal")
    for label in LABELS.values():
        assert label in body
    assert "horodatage du" in body and "Creneau Local Test TSA" in body
    assert '{"' not in body and '{"' in annex  # the JSON is in the annex only

    with pytest.raises(Exception) as failed:  # CommandError, exit 1
        call_command("verify", str(tmp_path / "b"), "--json")
    assert getattr(failed.value, "returncode", None) == 1
    report = json.loads(capsys.readouterr().out)
    # The capture of 1 September was timestamped today (the local authority signs with the real
    # clock): verify says the token is late, on top of the pending one.
    assert {p["code"] for p in report["problems"]} == {"no_timestamp", "timestamp_late"}
    with pytest.raises(CommandError):
        call_command("verify", str(tmp_path / "b"), "--allow-pending", "--json")
    report = json.loads(capsys.readouterr().out)
    assert {p["code"] for p in report["problems"]} == {"timestamp_late"}
    assert len(report["pending"]) == 1


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def test_the_labels_are_the_same_words_in_french_whatever_the_active_language(four_states):
    attempt = Attempt.objects.filter(case=four_states).order_by("at").first()
    assert attempt is not None
    with translation.override("fr"):
        assert evidence_of([attempt])[attempt.pk].label == LABELS[State.TIMESTAMPED]
