"""The bundle's own documents: the journal report exhibit and the inventory."""

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation

from creneau.cases.models import Case, Channel, Outcome
from creneau.court.pages import html_pdf, utc
from creneau.documents import pdfpages
from creneau.documents.exhibits import Exhibit
from creneau.documents.french import french_date
from creneau.evidence import journal
from creneau.evidence.models import JournalAnchor


def _summary(kind: str, payload: str) -> str:
    try:
        data = json.loads(payload)
    except ValueError:
        return kind
    if kind != journal.ATTEMPT or not isinstance(data, dict):
        return f"{kind} — {data.get('name', '') if isinstance(data, dict) else ''}".strip(" —")
    with translation.override("fr"):
        channel = Channel(data.get("channel", "other")).label
        outcome = Outcome(data.get("outcome", "unknown")).label
    at = datetime.datetime.fromisoformat(data["at"]) if data.get("at") else None
    when = utc(at) if at else ""
    return f"tentative du {when} — {channel}, {outcome}"


VERIFY = (
    "Comment vérifier ce journal",
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


def journal_pdf(case: Case, exhibit: Exhibit, label: str) -> tuple[bytes, list[dict[str, Any]]]:
    """The journal exhibit, and the exported chain (for ``preuves/journal.json``).

    Drawn as plain text pages: a hundred entries with their JSON would take WeasyPrint seconds.
    """
    chain = journal.export(case)
    lines = [
        f"Dossier {case.reference} — {case.person.full_name}. Relevé établi le "
        f"{french_date(timezone.localdate())} : {len(chain)} entrée(s).",
        "",
        *VERIFY,
        "",
    ]
    anchors = JournalAnchor.objects.filter(entry__case=case).select_related("entry")
    for anchor in anchors:
        lines.append(
            f"Ancrage horodaté : entrée n° {anchor.entry.sequence}, {anchor.tsa_url}, genTime "
            f"{utc(anchor.gen_time)}, empreinte {anchor.head_hash}"
        )
    for row in chain:
        lines += [
            "",
            f"n° {row['sequence']} — {_summary(row['kind'], row['payload'])}",
            f"précédente : {row['prev_hash']}",
            f"empreinte : {row['entry_hash']}",
            f"contenu : {row['payload']}",
        ]
    heading = f"Pièce n° {exhibit.number} : {exhibit.label}"
    return pdfpages.text_pages(heading, lines, label=label), chain


@dataclass(frozen=True)
class InventoryRow:
    number: int
    label: str
    files: tuple[str, ...]
    pages: int


def inventory_pdf(case: Case, rows: list[InventoryRow], requete: str, prefect: str) -> bytes:
    context = {
        "rows": rows,
        "requete": requete,
        "person": case.person.full_name,
        "tribunal": case.tribunal.name,
        "prefect": prefect,
    }
    return html_pdf("inventory.html", context, title="Inventaire des pièces")
