"""One exhibit's PDF file(s), under the size limit.

An exhibit is a list of units: image pages (screenshots, scans, each with its caption) and
ready PDFs (an e-mail drawn by WeasyPrint, a PDF filed as received, a page saying what is
missing). Pages are labelled « P3-1, P3-2… » across the whole exhibit. When the file would be
too heavy, (1) the image copies are re-encoded as JPEG (quality 80) — the sealed originals are
untouched and their SHA-256 stays printed on each page; (2) if that is not enough, the series
is split into ``_partie_1``, ``_partie_2``… files that keep the exhibit's number.
"""

from dataclasses import dataclass, field
from typing import Any

from creneau.court.errors import BundleError
from creneau.court.pages import (
    Stored,
    attempt_line,
    email_pdf,
    image_page,
    missing_screenshot_page,
    placeholder_pdf,
)
from creneau.court.sources import EvidenceIndex, Item
from creneau.documents import pdfpages
from creneau.documents.exhibits import Exhibit
from creneau.evidence.models import CaseDocument
from creneau.lib import storage

JPEG_QUALITY = 80
_PACKING = 0.95  # merging adds a little; leave room under the limit


@dataclass(frozen=True)
class Unit:
    page: pdfpages.ImagePage | None = None
    pdf: bytes | None = None


@dataclass
class Drawn:
    parts: list[bytes]
    items: tuple[Item, ...]
    warnings: list[str] = field(default_factory=list)
    chain: list[dict[str, Any]] = field(default_factory=list)
    proofs: dict[str, bytes] = field(default_factory=dict)  # bundle path → bytes (preuves/…)
    missing: list[str] = field(default_factory=list)  # what a placeholder page stands for


def read(item: Item) -> Stored:
    try:
        return Stored(item, storage.read(item.sha256))
    except storage.StorageError as error:
        raise BundleError(
            f"Le fichier « {item.name} » ({item.sha256}) manque au stockage des preuves : "
            "lancez « creneau verify --store » et restaurez la sauvegarde."
        ) from error


def draw_exhibit(
    exhibit: Exhibit, documents: list[CaseDocument], index: EvidenceIndex, max_bytes: int
) -> Drawn:
    warnings: list[str] = []
    missing: list[str] = []
    if exhibit.kind == "screenshots":
        units, items = _screenshots(exhibit, index)
    else:
        if exhibit.attempt_ids:
            items = [i for a in exhibit.attempt_ids for i in index.attempt_items(a)]
        else:
            items = index.document_items(documents)
        units = _files(exhibit, [read(item) for item in items], missing)
        if not items:
            units = [Unit(pdf=_missing(exhibit, index))]
            missing.append(f"pièce n° {exhibit.number} à joindre : {exhibit.label}")
            warnings.append(
                f"Pièce n° {exhibit.number} ({exhibit.label}) : aucun fichier dans le dossier ; "
                "une page l'indique. Ajoutez le document (scan, photo) puis refaites le dossier."
            )
    parts, notes = _fit(exhibit, units, max_bytes)
    return Drawn(parts, tuple(items), warnings + notes, missing=missing)


def _screenshots(exhibit: Exhibit, index: EvidenceIndex) -> tuple[list[Unit], list[Item]]:
    """The homogeneous series: one page per screenshot, attempt after attempt."""
    units: list[Unit] = []
    items: list[Item] = []
    label = f"P{exhibit.number}"
    pages = 0
    for attempt_id in exhibit.attempt_ids:
        found = index.attempt_items(attempt_id, images_only=True)
        if not found and (others := index.attempt_items(attempt_id)):
            # A person's screenshot kept as a PDF: filed as received, pages in the series.
            drawn = _files(exhibit, [read(item) for item in others], [], first_page=pages + 1)
            units += drawn
            pages += _pages(drawn)
            items += others
            continue
        if not found:
            attempt = index.attempts[attempt_id]
            sequence = index.sequences.get(attempt_id)
            page = missing_screenshot_page(attempt, sequence, f"{label}-{pages + 1}")
            units.append(Unit(page=page))
            pages += 1
        for item in found:
            units.append(Unit(page=image_page(read(item), f"{label}-{pages + 1}")))
            pages += 1
            items.append(item)
    return units, items


def _pages(units: list[Unit]) -> int:
    return sum(pdfpages.page_count(u.pdf) if u.pdf else 1 for u in units)


def _files(
    exhibit: Exhibit, stored: list[Stored], missing: list[str], first_page: int = 1
) -> list[Unit]:
    """E-mails first, then PDFs as received, then images; pages numbered across all."""
    label = f"P{exhibit.number}"
    order = {"email": 0, "other": 1, "pdf": 2, "image": 3}
    units: list[Unit] = []
    pages = first_page - 1
    others = [s for s in stored if s.kind == "other"]
    for one in sorted(stored, key=lambda s: order[s.kind]):
        if one.kind == "email":
            unit = Unit(pdf=email_pdf(one, label, pages + 1))
        elif one.kind == "pdf":
            unit = Unit(pdf=one.data)
        elif one.kind == "image":
            unit = Unit(page=image_page(one, f"{label}-{pages + 1}"))
        else:
            continue
        pages += pdfpages.page_count(unit.pdf) if unit.pdf else 1
        units.append(unit)
    if others:
        missing += [
            f"pièce n° {exhibit.number} : le fichier « {s.item.name} » ne se reproduit pas en PDF"
            for s in others
        ]
        lines = [
            f"Fichier joint qui ne se reproduit pas en PDF : {s.item.name} (SHA-256 "
            f"{s.item.sha256}), conservé dans le stockage des preuves."
            for s in others
        ]
        page = placeholder_pdf(exhibit.number, exhibit.label, lines, label, pages + 1)
        units.append(Unit(pdf=page))
    return units


def _missing(exhibit: Exhibit, index: EvidenceIndex) -> bytes:
    lines = [attempt_line(index.attempts[a]) for a in exhibit.attempt_ids if a in index.attempts]
    lines.append(
        "Aucun fichier n'est joint à cette démarche dans le dossier. La démarche est consignée "
        "au journal des démarches (voir le relevé du journal)."
        if exhibit.attempt_ids
        else "Document à joindre : il n'a pas encore été ajouté au dossier."
    )
    return placeholder_pdf(exhibit.number, exhibit.label, lines, f"P{exhibit.number}")


def _assemble(units: list[Unit], jpeg: int | None = None) -> bytes:
    """Consecutive image pages drawn in one go, then everything merged in order."""
    pieces: list[bytes] = []
    run: list[pdfpages.ImagePage] = []
    for unit in units:
        if unit.page is not None:
            run.append(unit.page)
            continue
        if run:
            pieces.append(pdfpages.image_pages(run, jpeg_quality=jpeg))
            run = []
        assert unit.pdf is not None
        pieces.append(unit.pdf)
    if run:
        pieces.append(pdfpages.image_pages(run, jpeg_quality=jpeg))
    return pdfpages.merge(pieces)


def _fit(exhibit: Exhibit, units: list[Unit], max_bytes: int) -> tuple[list[bytes], list[str]]:
    whole = _assemble(units)
    if len(whole) <= max_bytes:
        return [whole], []
    smaller = _assemble(units, JPEG_QUALITY)
    note = (
        f"Pièce n° {exhibit.number} : images recopiées en JPEG (qualité {JPEG_QUALITY}) pour "
        "rester sous la taille maximale ; les originaux scellés sont inchangés."
    )
    if len(smaller) <= max_bytes:
        return [smaller], [note]
    # Flat screenshots can be smaller as PNG than as JPEG: split with the better encoding.
    quality = JPEG_QUALITY if len(smaller) < len(whole) else None
    parts = _split(exhibit, units, max_bytes, quality)
    notes = [note] if quality else []
    return parts, [*notes, f"Pièce n° {exhibit.number} : répartie en {len(parts)} fichiers."]


def _split(exhibit: Exhibit, units: list[Unit], max_bytes: int, quality: int | None) -> list[bytes]:
    sized = [(unit, len(_assemble([unit], quality))) for unit in units]
    groups: list[list[Unit]] = [[]]
    budget = 0
    for unit, size in sized:
        if size > max_bytes:
            raise BundleError(
                f"Pièce n° {exhibit.number} : une page dépasse à elle seule la taille maximale "
                f"({size} octets) ; réduisez le document avant de refaire le dossier."
            )
        if groups[-1] and budget + size > max_bytes * _PACKING:
            groups.append([])
            budget = 0
        groups[-1].append(unit)
        budget += size
    parts = [_assemble(group, quality) for group in groups]
    if any(len(part) > max_bytes for part in parts):
        raise BundleError(f"Pièce n° {exhibit.number} : découpage impossible sous la limite.")
    return parts
