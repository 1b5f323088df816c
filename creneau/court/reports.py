"""The bundle's own documents: the journal report exhibit and the inventory."""

import datetime
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from creneau.cases.models import Attempt, Case, Channel
from creneau.court.pages import html_pdf, utc
from creneau.documents import pdfpages
from creneau.documents.context import authority_name, outcome_phrase
from creneau.documents.exhibits import Exhibit
from creneau.documents.french import french_date, french_datetime, paris
from creneau.evidence import journal
from creneau.evidence.models import JournalAnchor, JournalEntry
from creneau.evidence.states import Evidence, State, evidence_of, stamp_over


def states_explained() -> list[str]:
    """The four evidence states, in French, in the words every page and document uses."""
    with translation.override("fr"):
        return [
            "États de la preuve, dans les mots que Créneau emploie partout :",
            f"- « {State.TIMESTAMPED.label} » : démarche faite par Créneau lui-même (page de "
            "rendez-vous consultée, ou courriel envoyé par lui) ; sa preuve porte un jeton "
            "d'horodatage d'une autorité indépendante, vérifié ;",
            f"- « {State.AWAITING_TIMESTAMP.label} » : démarche faite par Créneau lui-même, dont "
            "la preuve n'a pas encore de jeton d'horodatage vérifié ;",
            f"- « {State.DECLARED_WITH_FILE.label} » : démarche enregistrée par la personne ou "
            "l'association avec un fichier (capture d'écran, scan) conservé tel que reçu ; "
            "Créneau ne l'a pas constatée lui-même ;",
            f"- « {State.DECLARED_WITHOUT_FILE.label} » : démarche enregistrée sur déclaration, "
            "sans fichier.",
        ]


VERIFY = (
    "Chaque entrée enregistre une démarche : date, canal, résultat, empreintes SHA-256 des "
    "fichiers et des manifestes scellés. Son empreinte est le SHA-256 du texte formé par "
    "l'empreinte de l'entrée précédente (64 caractères hexadécimaux) immédiatement suivie du "
    "contenu exact de l'entrée (le texte JSON imprimé ci-dessous), encodé en UTF-8 ; la "
    "première entrée part de 64 zéros. Supprimer, modifier ou déplacer une entrée change toutes "
    "les empreintes suivantes.",
    "Le fichier preuves/journal.json du dossier de dépôt contient les mêmes entrées. "
    "Avec Python 3, dans le dossier preuves (lignes à recopier telles quelles) :",
    'python3 -c "import json,hashlib',
    "p='0'*64",
    "for e in json.load(open('journal.json')):",
    "    assert hashlib.sha256((p+e['payload']).encode()).hexdigest()==e['entry_hash']",
    "    p=e['entry_hash']",
    "print('journal intact')\"",
    "Ou avec Créneau : creneau verify DOSSIER. Les jetons d'horodatage des captures se vérifient "
    "avec OpenSSL, dans chaque dossier preuves/scelles/… : openssl ts -verify -data manifest.json "
    "-in timestamps/1.tsr -CAfile ../../ca.pem",
)


@dataclass(frozen=True)
class _Journal:
    """What the relevé reads: the chain, its entries' dates, the attempts and their states."""

    case: Case
    chain: list[dict[str, Any]]
    entries: dict[int, JournalEntry]
    attempts: dict[int, Attempt]
    evidence: dict[int, Evidence]
    numbers: dict[int, int]
    journal_number: int

    @property
    def zone(self) -> ZoneInfo:
        return self.case.department.zone


def journal_pdf(
    case: Case, exhibit: Exhibit, label: str, numbers: dict[int, int] | None = None
) -> tuple[bytes, list[dict[str, Any]]]:
    """The journal exhibit, in plain French with its technical annex, and the exported chain
    (for ``preuves/journal.json``). ``numbers``: attempt id → the exhibit that holds its file.

    Drawn as plain text pages: a hundred entries with their JSON would take WeasyPrint seconds.
    """
    attempts = {a.pk: a for a in case.attempts.all()}
    read = _Journal(
        case=case,
        chain=journal.export(case),
        entries={e.sequence: e for e in JournalEntry.objects.filter(case=case)},
        attempts=attempts,
        evidence=evidence_of(attempts.values()),
        numbers=numbers or {},
        journal_number=exhibit.number,
    )
    heading = f"Pièce n° {exhibit.number} : {exhibit.label}"
    body = pdfpages.text_pages(heading, _body(read), label=label)
    annex = pdfpages.text_pages(
        f"Pièce n° {exhibit.number} — annexe : vérification technique du journal",
        _annex(read),
        label=label,
        first_page=pdfpages.page_count(body) + 1,
    )
    return pdfpages.merge([body, annex]), read.chain


def _body(read: _Journal) -> list[str]:
    case = read.case
    lines = [
        f"Dossier {case.reference} — {case.person.full_name}. Relevé établi le "
        f"{french_date(timezone.localdate())}.",
        "",
        "Ce relevé reprend, dans l'ordre où elles ont été inscrites, les démarches consignées au "
        "journal que Créneau tient pour ce dossier : date et heure de la démarche (heure légale "
        "française), canal, résultat, pièce qui la justifie quand il y en a une, état de sa "
        "preuve, empreinte SHA-256 abrégée de son fichier et, quand il y en a un, l'horodatage "
        "vérifié. Les éléments techniques de vérification figurent en annexe.",
        "",
        *states_explained(),
        "",
        *_when_written(read),
        *_anchors(read),
    ]
    for sequence in sorted(read.entries):
        lines += ["", *_entry_lines(read, read.entries[sequence])]
    return lines


def _when_written(read: _Journal) -> list[str]:
    """Which entries were written on the day they were imported, which as the steps happened."""
    imported: dict[datetime.date, list[int]] = {}
    for entry in read.entries.values():
        attempt = read.attempts.get(entry.attempt_id or 0)
        if attempt is not None and attempt.source == Attempt.Source.IMPORTED:
            day = timezone.localdate(entry.created_at)
            imported.setdefault(day, []).append(entry.sequence)
    lines = [_imported_on(day, numbers) for day, numbers in sorted(imported.items())]
    if not imported:
        lines.append(
            "Chaque entrée a été inscrite au journal quand la démarche a été enregistrée dans "
            "Créneau ; la date d'inscription est donnée pour chacune."
        )
    elif sum(len(numbers) for numbers in imported.values()) < len(read.entries):
        lines.append(
            "Les autres entrées ont été inscrites au journal quand la démarche a été "
            "enregistrée dans Créneau ; la date d'inscription est donnée pour chacune."
        )
    return lines


def _imported_on(day: datetime.date, numbers: list[int]) -> str:
    if len(numbers) == 1:
        return (
            f"L'entrée n° {numbers[0]} a été importée le {french_date(day)} à partir d'un "
            "dossier tenu ailleurs : elle a été inscrite au journal ce jour-là, et non au moment "
            "de la démarche qu'elle décrit."
        )
    return (
        f"Les entrées {_sequences(numbers)} ont été importées le {french_date(day)} à partir "
        "d'un dossier tenu ailleurs : elles ont été inscrites au journal ce jour-là, et non au "
        "moment des démarches qu'elles décrivent."
    )


def _sequences(numbers: list[int]) -> str:
    numbers = sorted(numbers)
    if len(numbers) == 1:
        return f"n° {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"n° {numbers[0]} à {numbers[-1]}"
    return "n° " + ", ".join(str(n) for n in numbers)


def _anchors(read: _Journal) -> list[str]:
    anchors = JournalAnchor.objects.filter(entry__case=read.case).select_related(
        "entry", "response"
    )
    lines = []
    for anchor in anchors:
        stamp = stamp_over(anchor.response.sha256, anchor.head_hash.encode())
        if stamp is not None:
            lines.append(
                f"Le journal, jusqu'à l'entrée n° {anchor.entry.sequence}, a été horodaté le "
                f"{_when(stamp.at, read.zone)} par {authority_name(stamp.tsa)} : aucune entrée "
                "jusqu'à celle-ci n'a pu être ajoutée, retirée ou modifiée après cette date."
            )
    if not lines:
        lines.append(
            "Le journal lui-même n'a pas encore d'horodatage vérifié : son intégrité repose sur "
            "le chaînage des empreintes décrit en annexe."
        )
    return lines


def _when(moment: datetime.datetime, zone: ZoneInfo) -> str:
    return french_datetime(moment, zone).replace("\u00a0", " ")


def _entry_lines(read: _Journal, entry: JournalEntry) -> list[str]:
    day = timezone.localdate(entry.created_at)
    written = f"inscrite au journal le {french_date(day)}"
    attempt = read.attempts.get(entry.attempt_id or 0)
    if entry.kind != journal.ATTEMPT or attempt is None:
        return [f"n° {entry.sequence} — {_addition(entry)} ; {written}."]
    if attempt.source != Attempt.Source.IMPORTED and day == paris(attempt.at, read.zone).date():
        written += ", le jour même de la démarche"
    with translation.override("fr"):
        channel = Channel(attempt.channel).label
    outcome = outcome_phrase(attempt)
    evidence = read.evidence[attempt.pk]
    number = read.numbers.get(attempt.pk)
    piece = f"pièce n° {number}" if number and number != read.journal_number else "sans pièce"
    parts = [
        f"n° {entry.sequence} — {_when(attempt.at, read.zone)} — {channel} — {outcome}",
        f"   {piece} ; {evidence.label}{_stamp(evidence, read.zone)}",
        f"   {_digest(entry)}{written}"
        + (" (importée)" if attempt.source == Attempt.Source.IMPORTED else "")
        + ".",
    ]
    return parts


def _stamp(evidence: Evidence, zone: ZoneInfo) -> str:
    if not evidence.stamps:
        return ""
    stamp = evidence.stamps[0]
    return f" : horodatage du {_when(stamp.at, zone)}, {authority_name(stamp.tsa)}"


def _digest(entry: JournalEntry) -> str:
    try:
        files = json.loads(entry.payload).get("files") or []
    except ValueError:
        return ""
    if not files:
        return ""
    return f"fichier {files[0]['name']}, SHA-256 {str(files[0]['sha256'])[:16]}… ; "


def _addition(entry: JournalEntry) -> str:
    try:
        data = json.loads(entry.payload)
    except ValueError:
        return entry.kind
    if isinstance(data, dict) and isinstance(data.get("file"), dict):
        name = data["file"].get("name", "")
        return f"fichier « {name} » ajouté à une démarche déjà inscrite ({data.get('what', '')})"
    return entry.kind


def _annex(read: _Journal) -> list[str]:
    lines = [*VERIFY, ""]
    anchors = JournalAnchor.objects.filter(entry__case=read.case).select_related("entry")
    for anchor in anchors:
        lines.append(
            f"Ancrage : entrée n° {anchor.entry.sequence}, {anchor.tsa_url}, genTime "
            f"{utc(anchor.gen_time)}, empreinte {anchor.head_hash}"
        )
    for row in read.chain:
        lines += [
            "",
            f"n° {row['sequence']} ({row['kind']})",
            f"précédente : {row['prev_hash']}",
            f"empreinte : {row['entry_hash']}",
            f"contenu : {row['payload']}",
        ]
    return lines


@dataclass(frozen=True)
class InventoryRow:
    number: int
    label: str
    files: tuple[str, ...]
    pages: int
    missing: tuple[str, ...] = ()


def inventory_pdf(
    case: Case,
    rows: list[InventoryRow],
    requete: str,
    prefect: str,
    missing: tuple[str, ...] = (),
) -> bytes:
    context = {
        "rows": rows,
        "missing": missing,
        "requete": requete,
        "person": case.person.full_name,
        "tribunal": case.tribunal.name,
        "prefect": prefect,
    }
    return html_pdf("inventory.html", context, title="Inventaire des pièces")
