"""The availability record in the court bundle: its place in the inventory, its figures, what
it says is sealed and what is only counted, and proofs that ``creneau verify`` checks."""

import io
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from creneau.cases.models import Attempt
from creneau.court.bundle import build_bundle
from creneau.court.bundlecheck import verify_bundle
from creneau.documents.exhibits import exhibits_for
from creneau.lib import tsa
from creneau.observatory import checks, maintenance
from creneau.observatory.models import AvailabilityExhibit, ObservedPage
from creneau.watch.classify import Classification
from tests.conftest import apart_from_late_tokens, make_case
from tests.court.conftest import add_document, pdf_document

from .conftest import snapshot

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 3, 2, 9, 5, tzinfo=PARIS)
DAY = [("no_slot", 0), ("slots_available", 20), ("slots_available", 40), ("no_slot", 60)]


def watched(page, days: int) -> None:
    """Each day: no slot, slots twice, no slot again (steps 5 and 6 as the watcher runs them)."""
    for day in range(days):
        for outcome, minutes in DAY:
            at = MONDAY + timedelta(days=day, minutes=minutes)
            verdict = Classification(outcome, "rdv_service_public", "texte lu")
            sample = checks.seal_sample(page, snapshot("<p>page</p>", at), verdict, at)
            checks.count(page, outcome, at, sample)
    maintenance.run(MONDAY + timedelta(days=days))


def pdf_text(data: bytes) -> str:
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture
def filed(page, personas, tsa_on):
    """GIVEN three watched days, and a case that files their availability record."""
    watched(page, 3)
    case = make_case(personas.group, booking_page=page)
    AvailabilityExhibit.objects.create(
        case=case,
        observed=ObservedPage.objects.get(),
        first_day=MONDAY.date(),
        last_day=MONDAY.date() + timedelta(days=2),
    )
    return case


def test_the_record_follows_the_chart_of_the_attempts_before_the_urgency(filed):
    Attempt.objects.create(case=filed, channel="online", at=MONDAY, outcome="no_slot")
    add_document(filed, "urgency", "Promesse d'embauche", pdf_document("emploi"), "p.pdf")

    kinds = [exhibit.kind for exhibit in exhibits_for(filed)]

    assert kinds[-4:] == ["journal", "timeline", "availability", "urgency"]


def test_the_record_says_its_figures_and_what_is_sealed_and_verify_checks_its_proofs(
    filed, tmp_path, settings
):
    result = build_bundle(filed, tmp_path / "bundle", date="2026-03-10")

    (exhibit,) = [e for e in result.exhibits if e.kind == "availability"]
    assert exhibit.label == (
        "Relevé de disponibilité de la page de rendez-vous de la préfecture de la "
        "Seine-Saint-Denis du 2 mars 2026 au 4 mars 2026"
    )
    text = pdf_text((result.folder / "depot" / exhibit.files[0]).read_bytes())
    assert "Relevés 12, sur 3 jour(s) observé(s) parmi les 3 jours de la période" in text
    assert "Relevés avec créneaux 6, soit 50,0 % des relevés" in text
    assert "Sur les 12 relevés, 9 ont été scellés" in text  # each day: first, appeared, gone
    assert "9 horodaté(s)" in text and "Les 3 autres relevés sont seulement comptés" in text
    assert "3 entrée(s) depuis le début de la veille de cette page, dont 3 pour la période" in text
    assert "lundi 2 mars 2026 à 9 h 25" in text  # the first episode's first check
    report = verify_bundle(result.folder, tsa.load_roots(settings.TSA_CA_FILE))
    assert apart_from_late_tokens(report.problems) == []
    journal = json.loads(
        (result.folder / "preuves/observatoire").glob("*.json").__next__().read_text()
    )
    assert [entry["day"] for entry in journal] == ["2026-03-02", "2026-03-03", "2026-03-04"]


def test_an_altered_day_of_the_page_journal_is_found_by_verify(filed, tmp_path, settings):
    result = build_bundle(filed, tmp_path / "bundle", date="2026-03-10")
    path = next((result.folder / "preuves/observatoire").glob("*.json"))
    entries = json.loads(path.read_text())
    entries[1]["payload"] = entries[1]["payload"].replace('"checks":4', '"checks":40')
    path.write_text(json.dumps(entries))

    codes = {
        p.code for p in verify_bundle(result.folder, tsa.load_roots(settings.TSA_CA_FILE)).problems
    }

    assert "journal_entry_altered" in codes
