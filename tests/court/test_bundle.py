import datetime
import io
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from pypdf import PdfReader

from creneau.cases.models import Case
from creneau.court.bundle import MAX_FILE_BYTES, BundleResult, build_bundle, comparable
from creneau.court.bundlecheck import verify_bundle
from creneau.court.errors import BundleError
from creneau.court.exhibit_files import draw_exhibit
from creneau.court.naming import REQUETE, exhibit_filename
from creneau.court.plan import plan_bundle
from creneau.court.sources import EvidenceIndex
from creneau.documents.french import french_datetime
from creneau.lib import tsa

from .conftest import ONLINE, add_document, pdf_document, screenshot_png, sealed_capture

PARIS = ZoneInfo("Europe/Paris")
NAME = re.compile(r"^\d{2,3}_[A-Za-z0-9_-]+\.pdf$")
SEALED_AT = datetime.datetime(2026, 8, 31, 9, 0, tzinfo=PARIS)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def flat(text: str) -> str:
    return comparable(re.sub(r"Page \d+ sur \d+", " ", text))


@pytest.fixture
def full_case(imported_case: Case, tsa_on: object) -> Case:
    """GIVEN the imported case, plus one sealed capture, an identity scan and an urgency proof."""
    sealed_capture(imported_case, SEALED_AT, screenshot_png("capture scellée"))
    add_document(imported_case, "identity", "Passeport", screenshot_png("passeport"), "pass.png")
    add_document(imported_case, "urgency", "Promesse d'embauche", pdf_document("emploi"), "p.pdf")
    return imported_case


@pytest.fixture
def bundle(full_case: Case, tmp_path: Path) -> BundleResult:
    return build_bundle(full_case, tmp_path / "bundle", date="2026-09-01")


@pytest.mark.django_db
def test_every_filed_file_obeys_the_telerecours_naming_and_size_rules(bundle):
    depot = sorted((bundle.folder / "depot").iterdir())
    assert depot[0].name == REQUETE
    assert len(depot) == 1 + len(bundle.exhibits)  # one file per exhibit, nothing split here
    for path in depot:
        assert NAME.match(path.name), path.name
        assert len(path.name) <= 80
        assert path.stat().st_size <= MAX_FILE_BYTES
    numbers = [int(path.name[:2]) for path in depot]
    assert numbers == list(range(len(depot)))  # 00 (requête), then 01, 02… continuously


@pytest.mark.django_db
def test_the_inventory_matches_the_files_exactly(bundle):
    inventory = flat(pdf_text((bundle.folder / "inventaire.pdf").read_bytes()))
    requete = flat(pdf_text((bundle.folder / "depot" / REQUETE).read_bytes()))
    listed_in_requete = requete.rpartition("INVENTAIRE DES PIÈCES")[2]
    for exhibit in bundle.exhibits:
        (name,) = exhibit.files
        assert comparable(exhibit.label) in inventory
        assert name in inventory.replace(" ", "")
        assert comparable(f"Pièce n° {exhibit.number} : {exhibit.label}") in listed_in_requete
    assert re.findall(r"Pièce n° (\d+) :", listed_in_requete) == [
        str(e.number) for e in bundle.exhibits
    ]
    labels = [e.label for e in bundle.exhibits]
    assert labels[-1] == "Justificatif de l'urgence : Promesse d'embauche"


@pytest.mark.django_db
def test_the_requete_names_the_tribunal_the_person_and_each_attempt_and_the_docx_agrees(bundle):
    requete = flat(pdf_text((bundle.folder / "depot" / REQUETE).read_bytes()))
    assert "Tribunal administratif de Montreuil" in requete
    assert "Aminata DIALLO" in requete
    for at in [*ONLINE, "2026-06-16T08:05:00+02:00", "2026-07-06T10:00:00+02:00"]:
        assert comparable(french_datetime(datetime.datetime.fromisoformat(at))) in requete
    document = docx.Document(str(bundle.folder / "modifiable" / REQUETE.replace(".pdf", ".docx")))
    text = comparable(" ".join(p.text for p in document.paragraphs))
    assert "Aminata DIALLO" in text
    assert comparable(french_datetime(datetime.datetime.fromisoformat(ONLINE[0]))) in text
    assert text.endswith(comparable(bundle.exhibits[-1].label))


@pytest.mark.django_db
def test_a_sealed_screenshot_page_prints_its_sha256_and_its_timestamp(bundle):
    manifest = json.loads((bundle.folder / "bundle.json").read_text())
    august = next(e for e in bundle.exhibits if e.kind == "screenshots" and "août" in e.label)
    text = pdf_text((bundle.folder / "depot" / august.files[0]).read_bytes())
    (sealed,) = [s for s in manifest["seals"] if s["started_at"]]
    assert f"P{august.number}-1" in text
    assert sealed["manifest"] in text
    assert sealed["tokens"][0]["sha256"] in text
    assert "vérifié" in text and " UTC" in text
    assert "sans scellé d'origine" in text  # imported screenshots say what vouches for them


@pytest.mark.django_db
def test_verify_passes_then_names_an_altered_and_a_removed_file(bundle, settings):
    roots = tsa.load_roots(settings.TSA_CA_FILE)
    # The fixture re-creates past captures sealed today: their tokens honestly prove today's
    # existence only, and verify says so (timestamp_late); nothing else is wrong.
    assert {p.code for p in verify_bundle(bundle.folder, roots).problems} <= {"timestamp_late"}
    exhibit = bundle.folder / "depot" / bundle.exhibits[2].files[0]
    exhibit.write_bytes(exhibit.read_bytes() + b"%")
    (bundle.folder / "inventaire.pdf").unlink()
    problems = verify_bundle(bundle.folder, roots).problems
    codes = {(p.code, p.where) for p in problems}
    assert ("file_altered", f"depot/{exhibit.name}") in codes
    assert ("file_missing", "inventaire.pdf") in codes


@pytest.mark.django_db
def test_a_series_too_heavy_for_one_file_is_split_and_keeps_its_number(imported_case):
    exhibits = plan_bundle(imported_case).exhibits
    (august,) = [e for e in exhibits if e.kind == "screenshots" and "août" in e.label]
    single = draw_exhibit(august, [], EvidenceIndex(imported_case), MAX_FILE_BYTES)
    limit = len(single.parts[0]) // 2  # three screenshots cannot share a file any more
    drawn = draw_exhibit(august, [], EvidenceIndex(imported_case), limit)
    assert len(drawn.parts) >= 2
    assert all(len(part) <= limit for part in drawn.parts)
    pages = [pdf_text(part) for part in drawn.parts]
    labels = re.findall(rf"P{august.number}-\d+", " ".join(pages))
    assert labels == [f"P{august.number}-{i}" for i in (1, 2, 3)]  # numbered across the parts
    names = [exhibit_filename(august, part) for part in range(1, len(drawn.parts) + 1)]
    assert [name[:3] for name in names] == [f"{august.number:02d}_"] * len(names)
    assert names[0].endswith("_partie_1.pdf") and all(len(n) <= 80 for n in names)
    assert all(NAME.match(name) for name in names)


@pytest.mark.django_db
def test_it_refuses_an_unexecuted_oqtf_and_a_folder_already_used(imported_case, tmp_path):
    imported_case.unexecuted_oqtf = True
    imported_case.save()
    with pytest.raises(BundleError, match="OQTF"):
        build_bundle(imported_case, tmp_path / "a")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    with pytest.raises(BundleError, match="pas vide"):
        build_bundle(imported_case, tmp_path / "used", despite_oqtf="oui")
