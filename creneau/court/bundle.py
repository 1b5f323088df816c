"""``build_bundle(case, out_dir, **requete_options)``: the Télérecours-ready folder.

Layout (docs/court.md)::

    depot/00_Requete_refere_mesures_utiles.pdf   the requête (PDF/A), inventory at its end
    depot/01_…pdf, 02_…pdf …                      one file per exhibit, in inventory order
    modifiable/00_Requete_refere_mesures_utiles.docx   editable copy, not an exhibit
    inventaire.pdf                               number, label and file name(s) of each exhibit
    instructions_depot.pdf, LISEZMOI.txt         how to file, online and on paper
    preuves/journal.json, preuves/scelles/…      the journal chain, each seal's manifest + tokens
    bundle.json, SHA256SUMS                      every file, its SHA-256, what it derives from

A bundle whose requête leaves something to write by hand, or with a page standing for a
document not yet added, is incomplete: ``bundle.json`` says ``"complete": false`` and lists
what is ``missing``, and so do the inventory and the command's standard error.

Steps: (1) plan the exhibits, (2) render the requête with that plan, (3) draw each exhibit and
keep it under the size limit, (4) inventory and instructions, (5) proofs, (6) manifest and sums.
Sealed originals are never touched: exhibit copies are drawn from the store's bytes.
"""

import datetime
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from creneau.assessment.context import exhibit_chart_png
from creneau.cases.models import AttemptFile, Case
from creneau.court import availability, instructions
from creneau.court.errors import BundleError
from creneau.court.exhibit_files import Drawn, draw_exhibit
from creneau.court.naming import (
    DEPOT,
    EDITABLE,
    PROOFS,
    REQUETE,
    exhibit_filename,
    seal_folder,
    token_path,
)
from creneau.court.pages import html_pdf
from creneau.court.plan import Plan, plan_bundle
from creneau.court.reports import InventoryRow, inventory_pdf, journal_pdf
from creneau.court.sources import EvidenceIndex, SealRef
from creneau.documents import pdfpages
from creneau.documents.context import prefecture_context
from creneau.documents.exhibits import exhibit_of
from creneau.documents.french import of
from creneau.documents.generate import DocumentError, render_document
from creneau.evidence import journal, seal
from creneau.evidence.models import JournalAnchor, Seal, TimestampToken, Upload
from creneau.evidence.states import stamp_over_blob
from creneau.evidence.verify import ANCHORS
from creneau.lib import storage

FORMAT = "creneau-bundle/1"
BUNDLE_JSON = "bundle.json"
SUMS = "SHA256SUMS"
INVENTORY = "inventaire.pdf"
INSTRUCTIONS = "instructions_depot.pdf"
README = "LISEZMOI.txt"
# Télérecours citoyens refuses files above 32 Mo (legal.md §4.2); 30 MB leaves room for doubt
# about which « Mo » is meant.
MAX_FILE_BYTES = 30_000_000
PREFETCH_BYTES = 512_000_000  # read ahead from a remote store, at most this much in memory

Progress = Callable[[int, int, str], None]
__all__ = ["BundleError", "BundleResult", "build_bundle"]


@dataclass(frozen=True)
class BundleFile:
    path: str  # relative to the bundle folder, with « / »
    sha256: str
    size: int
    role: str  # requete, exhibit, editable, inventory, instructions, readme, journal, seal
    exhibit: int | None = None
    derived_from: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class BundledExhibit:
    number: int
    label: str
    kind: str
    files: tuple[str, ...]
    pages: int
    missing: tuple[str, ...] = ()  # what its placeholder page stands for


@dataclass(frozen=True)
class BundleResult:
    folder: Path
    exhibits: tuple[BundledExhibit, ...]
    files: tuple[BundleFile, ...]
    warnings: tuple[str, ...]
    missing: tuple[str, ...]  # placeholders, and what the requête leaves to write by hand
    seconds: float

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass
class _Builder:
    case: Case
    out: Path
    files: list[BundleFile] = field(default_factory=list)
    seals: dict[str, SealRef] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def write(self, path: str, data: bytes, role: str, **extra: Any) -> BundleFile:
        storage.write_export(self.out / path, data)
        row = BundleFile(path, hashlib.sha256(data).hexdigest(), len(data), role, **extra)
        self.files.append(row)
        return row


def build_bundle(
    case: Case,
    out_dir: Path,
    *,
    progress: Progress | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    **requete_options: Any,
) -> BundleResult:
    started = time.monotonic()
    out = Path(out_dir)
    _check_empty(out)
    with storage.prefetched(case_blobs(case)):  # one parallel read from a remote store
        return _build(case, out, started, progress, max_file_bytes, requete_options)


def case_blobs(case: Case) -> list[str]:
    """The stored files a bundle reads (attempt files, documents, seal manifests, tokens,
    journal anchors), as many as fit in ``PREFETCH_BYTES``."""
    seals = Seal.objects.filter(Q(capture__case=case) | Q(upload__case=case))
    rows = [
        AttemptFile.objects.filter(attempt__case=case).values_list("blob__sha256", "blob__size"),
        Upload.objects.filter(case=case).values_list("filed__sha256", "filed__size"),
        seals.values_list("manifest__sha256", "manifest__size"),
        TimestampToken.objects.filter(seal__in=seals).values_list(
            "response__sha256", "response__size"
        ),
        JournalAnchor.objects.filter(entry__case=case).values_list(
            "response__sha256", "response__size"
        ),
    ]
    chosen, total = [], 0
    for digest, size in (row for query in rows for row in query):
        if digest and total + size <= PREFETCH_BYTES:
            chosen.append(digest)
            total += size
    return chosen


def _build(
    case: Case,
    out: Path,
    started: float,
    progress: Progress | None,
    max_file_bytes: int,
    requete_options: dict[str, Any],
) -> BundleResult:
    report = progress or (lambda done, total, step: None)
    plan = plan_bundle(case)  # (1)
    total = len(plan.exhibits) + 4
    report(0, total, "Requête")
    builder = _Builder(case, out)
    requete = _requete(builder, plan, requete_options)  # (2)
    index = EvidenceIndex(case)
    exhibits, chain = [], []
    for done, exhibit in enumerate(plan.exhibits, start=1):  # (3)
        report(done, total, f"Pièce n° {exhibit.number}")
        drawn = _draw(case, exhibit, plan, index, max_file_bytes)
        if exhibit.kind == "journal":
            chain = drawn.chain
        exhibits.append(_write_exhibit(builder, exhibit, drawn))
    report(len(plan.exhibits) + 1, total, "Inventaire et instructions")
    missing = _missing(exhibits, requete.missing)
    _inventory(builder, exhibits, missing)  # (4)
    _instructions(builder, exhibits, requete.missing)
    report(len(plan.exhibits) + 2, total, "Preuves")
    _proofs(builder, chain)  # (5)
    _warn_pending(builder)
    report(len(plan.exhibits) + 3, total, "Manifeste")
    _manifest(builder, exhibits, missing)  # (6)
    report(total, total, "Terminé")
    return BundleResult(
        out,
        tuple(exhibits),
        tuple(builder.files),
        tuple(builder.warnings),
        missing,
        time.monotonic() - started,
    )


def _missing(exhibits: list[BundledExhibit], by_hand: tuple[str, ...]) -> tuple[str, ...]:
    """Every placeholder page, then what the requête leaves to write by hand."""
    pages = [item for exhibit in exhibits for item in exhibit.missing]
    # The requête's « pièce n° N à joindre » are the placeholder pages already listed.
    written = [item for item in by_hand if not item.startswith("pièce n° ")]
    return (*pages, *(f"requête : {item} (à compléter à la main)" for item in written))


def _check_empty(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BundleError(
            f"Le dossier {out} existe déjà et n'est pas vide : choisissez un dossier nouveau, "
            "pour ne jamais mélanger deux dossiers de dépôt."
        )


@dataclass(frozen=True)
class _Requete:
    missing: tuple[str, ...]


def _requete(builder: _Builder, plan: Plan, options: dict[str, Any]) -> _Requete:
    try:
        document = render_document(builder.case, "requete", **options)
    except DocumentError as error:
        raise BundleError(str(error)) from error
    _check_inventory(document.text, plan)
    builder.write(f"{DEPOT}/{REQUETE}", document.pdf, "requete")
    docx = REQUETE.removesuffix(".pdf") + ".docx"
    builder.write(f"{EDITABLE}/{docx}", document.docx, "editable")
    builder.warnings += [f"Requête : {warning}" for warning in document.warnings]
    if document.missing:
        builder.warnings.append(
            "Requête : à compléter à la main avant le dépôt : " + ", ".join(document.missing) + "."
        )
    return _Requete(document.missing)


def comparable(text: str) -> str:
    """Typography aside (’ and ', non-breaking spaces), the same words compare equal."""
    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def _check_inventory(text: str, plan: Plan) -> None:
    """The requête's inventory must list exactly the bundle's exhibits."""
    inventory = comparable(text.rpartition("INVENTAIRE DES PIÈCES")[2])
    listed = re.findall(r"Pièce n° (\d+) :", inventory)
    expected = [str(exhibit.number) for exhibit in plan.exhibits]
    absent = [
        e.number
        for e in plan.exhibits
        if comparable(f"Pièce n° {e.number} : {e.label}") not in inventory
    ]
    if listed != expected or absent:
        raise BundleError(
            "L'inventaire de la requête ne correspond pas aux pièces du dossier de dépôt "
            f"(pièces en écart : {absent or listed}) : le modèle de requête a sans doute été "
            "modifié ; vérifiez le bloc « INVENTAIRE DES PIÈCES »."
        )


def _draw(case: Case, exhibit: Any, plan: Plan, index: EvidenceIndex, max_file_bytes: int) -> Drawn:
    label = f"P{exhibit.number}"
    numbers = exhibit_of(plan.exhibits)
    if exhibit.kind == "journal":
        pdf, chain = journal_pdf(case, exhibit, label, numbers)
        return Drawn([pdf], (), chain=chain)
    if exhibit.kind == availability.KIND:
        return availability.draw(case, exhibit)
    if exhibit.kind == "timeline":
        journal = next((e.number for e in plan.exhibits if e.kind == "journal"), None)
        source = f"relevé du journal des démarches (pièce n° {journal})" if journal else "journal"
        page = pdfpages.ImagePage(
            exhibit_chart_png(case),
            f"{label}-1",
            (
                f"Frise établie le {timezone.localdate():%d/%m/%Y} à partir du {source}, qui "
                "donne chaque démarche et l'état de sa preuve.",
            ),
        )
        return Drawn([pdfpages.image_pages([page])], ())
    return draw_exhibit(exhibit, plan.documents.get(exhibit.number, []), index, max_file_bytes)


def _write_exhibit(builder: _Builder, exhibit: Any, drawn: Drawn) -> BundledExhibit:
    parts = drawn.parts
    names, pages = [], 0
    for number, data in enumerate(parts, start=1):
        name = exhibit_filename(exhibit, number if len(parts) > 1 else None)
        derived = tuple(
            {"blob": item.sha256, "name": item.name, "seal": _seal_digest(item.seal)}
            for item in drawn.items
        )
        builder.write(
            f"{DEPOT}/{name}", data, "exhibit", exhibit=exhibit.number, derived_from=derived
        )
        names.append(name)
        pages += pdfpages.page_count(data)
    for item in drawn.items:
        if item.seal:
            builder.seals[item.seal.manifest_sha256] = item.seal
    for path, data in sorted(drawn.proofs.items()):
        builder.write(path, data, "journal", exhibit=exhibit.number)
    builder.warnings += drawn.warnings
    return BundledExhibit(
        exhibit.number, exhibit.label, exhibit.kind, tuple(names), pages, tuple(drawn.missing)
    )


def _seal_digest(found: SealRef | None) -> str | None:
    return found.manifest_sha256 if found else None


def _inventory(builder: _Builder, exhibits: list[BundledExhibit], missing: tuple[str, ...]) -> None:
    rows = [InventoryRow(e.number, e.label, e.files, e.pages, e.missing) for e in exhibits]
    prefect = prefecture_context(builder.case)["prefect"]
    pdf = inventory_pdf(builder.case, rows, REQUETE, prefect, missing)
    builder.write(INVENTORY, pdf, "inventory")


def _instructions(builder: _Builder, exhibits: list[BundledExhibit], missing: Any) -> None:
    case = builder.case
    person = of(case.person.full_name)
    title = f"Déposer la requête {person}"
    filing = instructions.Filing(
        person=person,
        tribunal=case.tribunal.name,
        address=" ".join(case.tribunal.address.split()),
        address_verified=case.tribunal.address_verified_on is not None,
        exhibits=len(exhibits),
        files=sum(len(e.files) for e in exhibits),
        warnings=builder.warnings,
    )
    found = instructions.sections(filing)
    pdf = html_pdf("instructions.html", {"sections": found}, title=title)
    builder.write(INSTRUCTIONS, pdf, "instructions")
    builder.write(README, instructions.as_text(found, title).encode(), "readme")


def _proofs(builder: _Builder, chain: list[dict[str, Any]]) -> None:
    data = json.dumps(chain, ensure_ascii=False, indent=1).encode()
    builder.write(f"{PROOFS}/journal.json", data, "journal")
    anchors, tokens = journal.export_anchors(builder.case)  # the chain's head, authenticated
    builder.write(f"{PROOFS}/{ANCHORS}", json.dumps(anchors, indent=1).encode(), "journal")
    for name, response in tokens:
        builder.write(f"{PROOFS}/{name}", response, "journal")
    for digest, found in sorted(builder.seals.items()):
        builder.write(f"{seal_folder(digest)}/manifest.json", storage.read(digest), "seal")
        for number, token in enumerate(found.tokens, start=1):
            response = storage.read(token.response_sha256)
            builder.write(token_path(digest, number), response, "seal")
    if settings.TSA_CA_FILE and builder.seals:
        builder.write(f"{PROOFS}/ca.pem", Path(settings.TSA_CA_FILE).read_bytes(), "seal")


def _verified(digest: str, found: SealRef) -> int:
    """How many of the seal's tokens verify now against the configured roots."""
    started = datetime.datetime.fromisoformat(found.started_at) if found.started_at else None
    stamps = (stamp_over_blob(t.response_sha256, digest, started) for t in found.tokens)
    return sum(stamp is not None for stamp in stamps)


def _warn_pending(builder: _Builder) -> None:
    pending = sum(not _verified(d, s) for d, s in builder.seals.items())
    if pending:
        builder.warnings.append(
            f"{pending} scellé(s) du dossier sans horodatage vérifié : leurs pièces disent « "
            "horodatage en attente » et « creneau verify » les signale. Lancez « creneau doctor »."
        )


def _seal_entry(digest: str, found: SealRef) -> dict[str, Any]:
    return {
        "manifest": digest,
        "state": found.state,
        "verified_tokens": _verified(digest, found),
        "started_at": found.started_at,
        "folder": seal_folder(digest),
        "tokens": [
            {
                "file": token_path(digest, number),
                "sha256": token.response_sha256,
                "tsa_url": token.tsa_url,
                "tsa_name": token.tsa_name,
                "gen_time": token.gen_time.astimezone(datetime.UTC).isoformat(),
            }
            for number, token in enumerate(found.tokens, start=1)
        ],
    }


def _manifest(builder: _Builder, exhibits: list[BundledExhibit], missing: tuple[str, ...]) -> None:
    case = builder.case
    manifest = {
        "format": FORMAT,
        "case": case.reference,
        "built_at": timezone.now().astimezone(datetime.UTC).isoformat(),
        # Placeholder pages and what the requête leaves to write by hand: not ready to file.
        "complete": not missing,
        "missing": list(missing),
        "tribunal": case.tribunal.name,
        "requete": f"{DEPOT}/{REQUETE}",
        "inventory": INVENTORY,
        "exhibits": [
            {
                "number": e.number,
                "label": e.label,
                "kind": e.kind,
                "files": [f"{DEPOT}/{name}" for name in e.files],
                "pages": e.pages,
                "complete": not e.missing,
            }
            for e in exhibits
        ],
        "files": [
            {**vars(f), "derived_from": list(f.derived_from)}
            for f in sorted(builder.files, key=lambda f: f.path)
        ],
        "seals": [_seal_entry(d, s) for d, s in sorted(builder.seals.items())],
        "warnings": builder.warnings,
        "software": seal.software_versions(),
    }
    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    builder.write(BUNDLE_JSON, data, "manifest")
    listed = sorted(builder.files, key=lambda f: f.path)
    sums = "".join(f"{f.sha256}  {f.path}\n" for f in listed)
    storage.write_export(builder.out / SUMS, sums.encode())
