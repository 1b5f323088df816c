"""File names of a bundle, by the Télérecours rules (legal.md §4.2), applied everywhere.

A name starts with the exhibit number, then an explicit label; ASCII letters, digits, ``_`` and
``-`` only, no dot but the extension's, 80 characters at most *including* the extension. The
80-character limit is documented for Télérecours (lawyers); for Télérecours citoyens it is
UNVERIFIED, and applied anyway. A monthly series too heavy for one file keeps its number and
gets a ``_partie_N`` suffix, so no other exhibit is renumbered.
"""

import re

from creneau.documents.exhibits import Exhibit, cut_at_word

MAX_LENGTH = 80
EXTENSION = ".pdf"
REQUETE = "00_Requete_refere_mesures_utiles.pdf"
NAME_RULE = re.compile(r"^(\d{2,3})_[A-Za-z0-9][A-Za-z0-9_-]*\.pdf$")


def exhibit_filename(exhibit: Exhibit, part: int | None = None) -> str:
    suffix = f"_partie_{part}" if part else ""
    room = MAX_LENGTH - len(EXTENSION) - len(suffix)
    return cut_at_word(exhibit.filename_stem, room) + suffix + EXTENSION


def problems_with_name(name: str) -> list[str]:
    """Why a file name breaks the rules (French), or nothing."""
    problems = []
    if len(name) > MAX_LENGTH:
        problems.append(f"nom de {len(name)} caractères (80 au plus)")
    if not NAME_RULE.match(name):
        problems.append(
            "nom non conforme (numéro de pièce au début, lettres sans accents, chiffres, _ ou -, "
            "aucun point sauf celui de .pdf)"
        )
    return problems


def number_of(name: str) -> int | None:
    match = NAME_RULE.match(name)
    return int(match.group(1)) if match else None


DEPOT = "depot"  # the folder to upload to Télérecours citoyens: the requête and the exhibits
EDITABLE = "modifiable"
PROOFS = "preuves"


def seal_folder(manifest_sha256: str) -> str:
    """Where a seal's manifest and tokens are copied inside the bundle."""
    return f"{PROOFS}/scelles/{manifest_sha256[:16]}"


def token_path(manifest_sha256: str, number: int) -> str:
    return f"{seal_folder(manifest_sha256)}/timestamps/{number}.tsr"
