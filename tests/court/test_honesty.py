"""A prefecture's lawyer reads the bundle looking for one false sentence: there must be none.

GIVEN a case imported with 39 online attempts of which 3 carry a screenshot, and 5 e-mails,
letters and visits without any file (the history of issue 14).
"""

import datetime
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from creneau.assessment.chart import build_chart, build_exhibit_chart
from creneau.assessment.services import snapshot_of
from creneau.assessment.thresholds import configured_thresholds
from creneau.cases.models import Case
from creneau.court.bundle import build_bundle
from creneau.documents.exhibits import exhibits_for
from creneau.documents.generate import draft_document
from creneau.evidence.readings import record_override, record_reading
from creneau.privacy.transfer import import_case, load_file

from .conftest import screenshot_png

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
OTHERS = [("email", "no_answer"), ("email", "no_answer"), ("letter", "sent")]
OTHERS += [("letter", "delivered"), ("counter", "refused")]


def write_history(folder: Path) -> Path:
    (folder / "files").mkdir(parents=True)
    attempts: list[dict[str, Any]] = []
    for number in range(39):
        at = START + datetime.timedelta(days=2 * number, hours=number % 9)
        attempt: dict[str, Any] = {"channel": "online", "at": at.isoformat(), "outcome": "no_slot"}
        if number in (3, 17, 30):
            name = f"files/capture-{number}.png"
            (folder / name).write_bytes(screenshot_png(f"Tentative {number}"))
            attempt["files"] = [name]
        attempts.append(attempt)
    for number, (channel, outcome) in enumerate(OTHERS):
        at = START + datetime.timedelta(days=7 * number + 1)
        attempts.append({"channel": channel, "at": at.isoformat(), "outcome": outcome})
    data = {
        "person": {
            "family_name": "Diallo",
            "given_names": "Aminata",
            "birth_date": "1990-04-02",
            "birth_place": "Bamako (Mali)",
            "nationality": "malienne",
            "address": "12 rue de la République\n93200 Saint-Denis",
        },
        "procedure": {"kind": "renewal", "title": "carte de séjour temporaire"},
        "department": "93",
        "booking_url": "https://www.seine-saint-denis.gouv.fr/booking/create/1234",
        "facts": {"title_expires_on": "2026-08-30"},
        "attempts": attempts,
    }
    path = folder / "case.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path


@pytest.fixture
def history(personas: Any, tmp_path: Path) -> Case:
    return import_case(load_file(write_history(tmp_path / "import")), personas.group)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def test_the_assessment_counts_3_files_and_41_declarations(history):
    out = io.StringIO()
    call_command("assess", history.reference, "--json", stdout=out)
    metrics = json.loads(out.getvalue())["metrics"]
    assert metrics["timestamped"] == 0 and metrics["awaiting_timestamp"] == 0
    assert metrics["declared_with_file"] == 3 and metrics["declared_without_file"] == 41


def test_the_requete_claims_3_proven_online_attempts_and_names_the_others_as_declared(history):
    text = flat(draft_document(history, "requete", date="2026-09-01", gender="f").text)

    assert "justifie de 3 tentatives de prise de rendez-vous en ligne restées vaines" in text
    # The avis de réception is the letter's outcome, not one more step: 40, not 41.
    assert "Elle déclare en outre 40 démarches, dont 36 tentatives en ligne" in text
    assert not re.search(r"justifie de (3[4-9]|4\d) ", text)  # never 39 online, nor 44
    assert "demande écrite" not in text and "demandes écrites" not in text  # none proven
    assert "constatée par Créneau" not in text and "horodatée" not in text  # none witnessed
    assert "présentation au guichet (" not in text  # the visit is declared, not proven
    facts = text.split("II. DISCUSSION")[0]
    assert facts.count("(démarche déclarée avec fichier joint ; pièce n°") == 3
    assert facts.count("(démarche déclarée sans justificatif)") >= 40
    assert "journal horodaté" not in text


def test_the_bundle_files_only_what_proves_and_says_it_is_incomplete(history, tmp_path, capsys):
    call_command("bundle", history.reference, "--out", str(tmp_path / "b"), "--json")
    captured = capsys.readouterr()
    manifest = json.loads((tmp_path / "b" / "bundle.json").read_text())

    kinds = [e["kind"] for e in manifest["exhibits"]]
    assert "email" not in kinds and "letter" not in kinds and "counter" not in kinds
    screenshots = [e for e in manifest["exhibits"] if e["kind"] == "screenshots"]
    assert sum(int(re.search(r"\((\d+) tentative", e["label"])[1]) for e in screenshots) == 3
    assert manifest["complete"] is False
    missing = " ".join(manifest["missing"])
    assert "Copie d'une pièce d'identité" in missing and "Justificatif de domicile" in missing
    assert "Dossier de dépôt INCOMPLET" in captured.err
    assert json.loads(captured.out)["complete"] is False

    inventory = flat(_pdf_text(tmp_path / "b" / "inventaire.pdf"))
    assert "Dossier incomplet" in inventory and "document absent" in inventory
    requete = flat(_pdf_text(tmp_path / "b" / "depot" / "00_Requete_refere_mesures_utiles.pdf"))
    body = requete.split("INVENTAIRE DES PIÈCES")[0]
    for exhibit in manifest["exhibits"]:
        if not exhibit["complete"]:  # a placeholder page is never cited as proof
            assert f"pièce n° {exhibit['number']})" not in body
            assert f"pièce n° {exhibit['number']} ;" not in body


def test_the_relevé_says_the_imported_entries_were_written_on_the_import_day(history, tmp_path):
    result = build_bundle(history, tmp_path / "b", date="2026-09-01")
    journal = next(e for e in result.exhibits if e.kind == "journal")
    text = flat(_pdf_text(tmp_path / "b" / "depot" / journal.files[0]))
    body = text.split("annexe : vérification technique du journal")[0]
    assert "Les entrées n° 1 à 44 ont été importées le" in body
    assert "et non au moment des démarches qu'elles décrivent" in body
    assert "déclarée avec fichier joint" in body and "déclarée sans justificatif" in body
    assert "python3" not in body and "prev_hash" not in body
    assert "n'a pas encore d'horodatage vérifié" in body  # no anchor: said so, not claimed


def test_the_chart_exhibit_shows_the_persons_steps_without_thresholds_or_judgement(history):
    facts = snapshot_of(history, datetime.date(2026, 9, 1))
    exhibit = build_exhibit_chart(facts)
    texts = " ".join(item.text for item in exhibit.items if hasattr(item, "text"))
    assert "conseillées" not in texts and "Non probante" not in texts
    assert "Courriel ou lettre, déclaré" in texts and "43 démarches" in texts  # as the requête
    volunteer = build_chart(facts, configured_thresholds())
    volunteer_texts = " ".join(i.text for i in volunteer.items if hasattr(i, "text"))
    assert "conseillées" in volunteer_texts  # the volunteer's chart keeps the practice


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def read_as(attempt: Any, warnings: list[dict[str, Any]], **values: Any) -> Any:
    """What the reader stored for the attempt's screenshot (the reader has its own tests)."""
    sha = attempt.files.get().blob.sha256
    values = {"outcome": "unknown", "perceptual_hash": "0" * 16} | values
    return record_reading(sha, values, warnings, "test", attempt=attempt)


OTHER_PREFECTURE = {
    "code": "other_prefecture",
    "key": "other_prefecture",
    "params": {"named": "la préfecture de la Seine-Maritime", "department": "la Seine-Saint-Denis"},
    "blocking": True,
}
NO_STATEMENT = {"code": "no_unavailability_statement", "blocking": True, "params": {}}
NO_STATEMENT["key"] = NO_STATEMENT["code"]


def test_a_screenshot_set_aside_is_no_proof_and_one_kept_says_what_it_does_not_show(
    history, personas, tmp_path
):
    first, second, third = history.attempts.filter(files__isnull=False).order_by("at")
    read_as(first, [OTHER_PREFECTURE], prefecture="Préfecture de la Seine-Maritime")
    kept = read_as(second, [NO_STATEMENT], host="www.seine-saint-denis.gouv.fr")
    record_override(kept, "Page vue par la bénévole le jour même.", personas.alice)
    read_as(third, [], outcome="no_slot", statement="Il n'existe plus de plage horaire libre")

    text = flat(draft_document(history, "requete", date="2026-09-01", gender="f").text)
    assert "justifie de 2 tentatives de prise de rendez-vous en ligne restées vaines" in text
    # The set-aside attempt stays declared: 2 + 41, the 43 steps of the chart exhibit.
    assert "Elle déclare en outre 41 démarches, dont 37 tentatives en ligne" in text
    chart = build_exhibit_chart(snapshot_of(history, datetime.date(2026, 9, 1)))
    assert "43 démarches" in " ".join(i.text for i in chart.items if hasattr(i, "text"))
    note = flat(draft_document(history, "summary", date="2026-09-01", gender="f").text)
    assert "2 sont étayées par une pièce" in note  # the note for a lawyer agrees

    result = build_bundle(history, tmp_path / "b", date="2026-09-01")
    series = [e for e in result.exhibits if e.kind == "screenshots"]
    assert sum(int(re.search(r"\((\d+) tentative", e.label)[1]) for e in series) == 2
    filed = {a for e in exhibits_for(history) if e.kind == "screenshots" for a in e.attempt_ids}
    assert filed == {second.pk, third.pk}
    pages = flat(" ".join(_pdf_text(tmp_path / "b" / "depot" / e.files[0]) for e in series))
    assert "Seine-Maritime" not in pages  # the set-aside screenshot is not filed
    assert "aucun créneau, selon la déclaration (la capture ne le montre pas)" in pages
    assert "aucune phrase indiquant l'absence de créneau n'a pu être lue" in pages
    assert "« Page vue par la bénévole le jour même. »" in pages
    assert "la page indique « Il n'existe plus de plage horaire libre »" in pages
