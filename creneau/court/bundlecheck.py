"""``creneau verify DIR`` for a bundle (a folder holding ``bundle.json``): list every problem.

Checks: (1) ``SHA256SUMS`` against the files, and no file outside it; (2) every file against
``bundle.json`` (SHA-256, size); (3) every evidence blob an exhibit derives from is still in the
store and hashes right; (4) each seal: the manifest copied in the bundle is the stored one and
lists the blob, and each copied token is valid over it (``evidence.verify.check_token``); (5)
the journal chain, and the day journals of the pages behind availability records; (6) the
inventory: exhibits numbered 1, 2, 3… each with correctly named
files in ``depot/``, and nothing else there but the requête.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

from creneau.court.bundle import BUNDLE_JSON, FORMAT, SUMS
from creneau.court.naming import DEPOT, REQUETE, number_of, problems_with_name
from creneau.evidence import verify
from creneau.evidence.verify import Problem, Report, Roots


def is_bundle(path: Path) -> bool:
    return (path / BUNDLE_JSON).is_file()


def verify_bundle(path: Path, roots: Roots) -> Report:
    try:
        manifest = json.loads((path / BUNDLE_JSON).read_bytes())
    except (OSError, ValueError, RecursionError):
        return Report([Problem("bundle_unreadable", str(path), "bundle.json illisible")])
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return Report([Problem("bundle_unknown", str(path), "format de bundle.json inconnu")])
    anchored, local_only = verify.verify_anchors(path / "preuves", roots)
    problems = [
        *_sums(path),
        *_files(path, manifest),
        *_blobs(manifest),
        *_seals(path, manifest, roots),
        *verify.verify_journal_file(path / "preuves" / "journal.json"),
        *_page_journals(path),
        *anchored,
        *_inventory(path, manifest),
    ]
    return Report(problems, checked=len(manifest.get("files", [])), local_only=local_only)


def _page_journals(path: Path) -> list[Problem]:
    """The day journals of the booking pages behind availability records (if any)."""
    found = sorted((path / "preuves" / "observatoire").glob("*.json"))
    return [problem for journal in found for problem in verify.verify_journal_file(journal)]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sums(path: Path) -> list[Problem]:
    sums = path / SUMS
    if not sums.is_file():
        return [Problem("sums_missing", str(sums), "SHA256SUMS absent")]
    listed: dict[str, str] = {}
    for line in sums.read_text(errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    problems = []
    for name, digest in sorted(listed.items()):
        target = path / name
        if not target.is_file():
            problems.append(Problem("file_missing", name, f"fichier « {name} » absent"))
        elif _digest(target) != digest:
            problems.append(
                Problem("file_altered", name, f"« {name} » ne correspond plus à son SHA-256")
            )
    present = {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}
    for name in sorted(present - set(listed) - {SUMS}):
        problems.append(Problem("unlisted_file", name, f"fichier « {name} » absent de SHA256SUMS"))
    return problems


def _files(path: Path, manifest: dict[str, Any]) -> list[Problem]:
    problems = []
    for row in manifest.get("files", []):
        name, target = str(row.get("path")), path / str(row.get("path"))
        if not target.is_file():
            continue  # reported by the SHA256SUMS check
        if target.stat().st_size != row.get("size") or _digest(target) != row.get("sha256"):
            problems.append(
                Problem("file_disagrees", name, f"« {name} » diffère de ce qu'en dit bundle.json")
            )
    return problems


def _blobs(manifest: dict[str, Any]) -> list[Problem]:
    digests = {
        str(source.get("blob"))
        for row in manifest.get("files", [])
        for source in row.get("derived_from", [])
    }
    problems = []
    for digest in sorted(digests):
        data = verify.read_blob(digest)
        where = f"preuve {digest}"
        if data is None:
            problems.append(Problem("blob_missing", where, "fichier absent du stockage de preuves"))
        elif hashlib.sha256(data).hexdigest() != digest:
            problems.append(Problem("blob_altered", where, "le fichier stocké a été modifié"))
    return problems


def _seals(path: Path, manifest: dict[str, Any], roots: Roots) -> list[Problem]:
    listed_blobs: dict[str, set[str]] = {}
    for row in manifest.get("files", []):
        for source in row.get("derived_from", []):
            if source.get("seal"):
                listed_blobs.setdefault(source["seal"], set()).add(str(source.get("blob")))
    problems = []
    for entry in manifest.get("seals", []):
        problems += _seal(path, entry, listed_blobs.get(entry.get("manifest"), set()), roots)
    return problems


def _seal(path: Path, entry: dict[str, Any], blobs: set[str], roots: Roots) -> list[Problem]:
    digest, folder = str(entry.get("manifest")), path / str(entry.get("folder"))
    where = f"scellé {digest[:16]}"
    copied = folder / "manifest.json"
    if not copied.is_file():
        return [Problem("seal_missing", where, "manifeste du scellé absent du dossier")]
    data = copied.read_bytes()
    stored = verify.read_blob(digest)
    problems = []
    if stored is None or stored != data or hashlib.sha256(data).hexdigest() != digest:
        problems.append(
            Problem("seal_disagrees", where, "le manifeste diffère de celui du stockage")
        )
    parsed, found = verify.parse_manifest(data, where)
    problems += found
    start, end = verify.claimed_times(parsed) if parsed else (entry.get("started_at"), None)
    if parsed is not None:
        problems += verify.check_claimed_times(parsed, where)
        sealed = {str(a.get("sha256")) for a in parsed.get("artefacts", [])}
        if not blobs <= sealed:
            problems.append(
                Problem("seal_mismatch", where, "une pièce cite un fichier que ce scellé ignore")
            )
    if not entry.get("tokens"):
        problems.append(
            Problem(verify.PENDING, where, "aucun jeton d'horodatage : horodatage en attente")
        )
    for token in entry.get("tokens", []):
        token_file = path / str(token.get("file"))
        if not token_file.is_file():
            problems.append(Problem("timestamp_missing", where, "jeton d'horodatage absent"))
            continue
        problems += verify.check_token(token_file.read_bytes(), data, roots, where, start, end)
    return problems


def _inventory(path: Path, manifest: dict[str, Any]) -> list[Problem]:
    """Exhibits 1…N, each with rule-abiding files in depot/, and nothing else there."""
    problems = []
    numbers = [int(e.get("number", 0)) for e in manifest.get("exhibits", [])]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(
            Problem("inventory_numbering", BUNDLE_JSON, "numérotation des pièces non continue")
        )
    expected = {f"{DEPOT}/{REQUETE}"}
    for exhibit in manifest.get("exhibits", []):
        for name in exhibit.get("files", []):
            expected.add(name)
            base = Path(name).name
            for text in problems_with_name(base):
                problems.append(Problem("bad_name", name, text))
            if number_of(base) != exhibit.get("number"):
                problems.append(
                    Problem("inventory_mismatch", name, "le nom ne porte pas le numéro de la pièce")
                )
    depot = path / DEPOT
    present = {f"{DEPOT}/{p.name}" for p in depot.iterdir()} if depot.is_dir() else set()
    for name in sorted(present - expected):
        problems.append(Problem("not_in_inventory", name, "fichier déposé absent de l'inventaire"))
    for name in sorted(expected - present):
        problems.append(Problem("inventory_file_missing", name, "pièce de l'inventaire absente"))
    return problems
