"""Re-check evidence: every problem is listed, none stops the others from being found.

* :func:`verify_path` — a folder written by ``creneau capture`` (or a bundle holding such
  folders): artefact hashes and sizes against ``manifest.json``, ``SHA256SUMS`` against both,
  each ``timestamps/*.tsr`` against the manifest bytes and the trusted roots, and a
  ``journal.json`` chain when present.
* :func:`verify_store` — the whole store: every blob's hash, every seal's manifest, artefacts
  and tokens, every capture row against its manifest, every journal chain and anchor.

Problems carry a stable ``code`` (for ``--json``), the place (``where``) and a French message.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509

from creneau.cases.models import Attempt, Case
from creneau.evidence import folder, journal
from creneau.evidence.journal import GENESIS, attempt_payload, entry_hash
from creneau.evidence.models import Blob, Capture, JournalAnchor, JournalEntry, Seal
from creneau.evidence.seal import MANIFEST_FORMAT, canonical_json
from creneau.lib import storage, tsa

Roots = Sequence[x509.Certificate]
# The capturing host's clock and the authority's may differ a little; more is a problem.
CLOCK_SKEW = timedelta(minutes=5)
# A token is requested as soon as the capture ends: a later one proves the capture existed at
# its own time only, never at the time the manifest claims (a backdated manifest given a fresh
# token, or a seal obtained late after an outage: both are reported).
SEAL_DELAY = timedelta(minutes=15)
# Longer than any capture or assisted session: a manifest claiming more was edited.
MAX_CAPTURE = timedelta(hours=1)


@dataclass(frozen=True)
class Problem:
    code: str
    where: str
    message: str


@dataclass(frozen=True)
class Report:
    problems: list[Problem] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # seals honestly awaiting a timestamp
    checked: int = 0
    # Files no row refers to: what a crash between "blob written" and "rows committed" leaves.
    # Harmless (never evidence of anything), listed so that an operator can see and remove them.
    orphans: list[str] = field(default_factory=list)
    # Journal entries whose only anchor is this installation's own (no trusted timestamp yet).
    local_only: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# A seal that never got a token: honest (the authority did not answer yet), but not evidence of
# a date. A problem by default; ``creneau verify --allow-pending`` lists it as pending instead.
PENDING = "no_timestamp"


def allowing_pending(report: Report) -> Report:
    """The same report, seals awaiting their first token moved from problems to pending."""
    waiting = [f"{p.where} : {p.message}" for p in report.problems if p.code == PENDING]
    problems = [p for p in report.problems if p.code != PENDING]
    return Report(problems, [*report.pending, *waiting], report.checked, report.orphans)


def parse_manifest(data: bytes, where: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    try:
        manifest = json.loads(data)
    except (ValueError, RecursionError):
        return None, [Problem("manifest_unreadable", where, "le manifeste n'est pas du JSON")]
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        return None, [Problem("manifest_unknown", where, "format de manifeste inconnu")]
    problems = []
    if canonical_json(manifest) != data:
        problems.append(
            Problem("manifest_not_canonical", where, "le manifeste a été réécrit ou modifié")
        )
    return manifest, problems


def check_artefacts(
    manifest: dict[str, Any], read: Callable[[str], bytes | None], where: str
) -> list[Problem]:
    """Each listed artefact is present with the listed size and SHA-256."""
    problems = []
    for item in manifest.get("artefacts", []):
        name = str(item.get("name", "?"))
        data = read(name)
        place = f"{where}/{name}"
        if data is None:
            problems.append(Problem("artefact_missing", place, f"fichier « {name} » absent"))
        elif hashlib.sha256(data).hexdigest() != item.get("sha256") or len(data) != item.get(
            "size"
        ):
            problems.append(
                Problem(
                    "artefact_altered",
                    place,
                    f"le fichier « {name} » ne correspond plus à son empreinte SHA-256 "
                    "inscrite au manifeste",
                )
            )
    return problems


def check_token(
    response: bytes,
    data: bytes,
    roots: Roots,
    where: str,
    not_before: str | None = None,
    not_after: str | None = None,
) -> list[Problem]:
    """The token is valid for ``data``, not dated before the capture began, and not later than
    a small delay after it ended (ISO times claimed by the manifest)."""
    try:
        checked = tsa.verify_token(response, data, roots)
    except tsa.TokenError as exc:
        return [Problem("timestamp_invalid", where, f"jeton d'horodatage refusé : {exc}")]
    began, ended = _moment(not_before), _moment(not_after)
    if began and checked.gen_time < began - CLOCK_SKEW:
        return [
            Problem(
                "timestamp_before_capture",
                where,
                "le jeton est daté d'avant le début de la capture : horloges incohérentes",
            )
        ]
    if ended and checked.gen_time > ended + SEAL_DELAY:
        late = checked.gen_time - ended
        return [
            Problem(
                "timestamp_late",
                where,
                f"le jeton est daté du {checked.gen_time:%Y-%m-%d %H:%M} UTC, "
                f"{_duration(late)} après l'heure déclarée de la capture ({ended:%Y-%m-%d %H:%M} "
                "UTC) : il prouve que ces fichiers existaient à sa date, pas à l'heure déclarée",
            )
        ]
    return []


def claimed_times(manifest: dict[str, Any]) -> tuple[str | None, str | None]:
    """(start, end) the manifest claims: a capture's, or an upload's reception time."""
    start = manifest.get("started_at") or manifest.get("received_at")
    end = manifest.get("finished_at") or manifest.get("received_at") or start
    return (str(start) if start else None), (str(end) if end else None)


def check_claimed_times(manifest: dict[str, Any], where: str) -> list[Problem]:
    start, end = (_moment(text) for text in claimed_times(manifest))
    if start and end and (end < start - CLOCK_SKEW or end - start > MAX_CAPTURE):
        return [
            Problem(
                "capture_too_long",
                where,
                "le début et la fin déclarés de la capture sont incohérents "
                f"({start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} UTC) : manifeste modifié",
            )
        ]
    return []


def _duration(delta: timedelta) -> str:
    if delta >= timedelta(days=2):
        return f"{delta.days} jours"
    if delta >= timedelta(hours=2):
        return f"{int(delta.total_seconds() // 3600)} heures"
    return f"{int(delta.total_seconds() // 60)} minutes"


def _moment(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None  # unreadable: the manifest and token checks report what is wrong


def verify_path(path: Path, roots: Roots) -> Report:
    """A capture folder, or a folder holding several (a bundle)."""
    if not path.is_dir():
        return Report([Problem("not_found", str(path), "dossier introuvable")])
    if (path / folder.MANIFEST).exists():
        problems = verify_folder(path, roots)
        return Report(problems, checked=1)
    problems, checked = [], 0
    for manifest in sorted(path.rglob(folder.MANIFEST)):
        problems += verify_folder(manifest.parent, roots)
        checked += 1
    for chain in sorted(path.rglob("journal.json")):
        problems += verify_journal_file(chain)
        checked += 1
    if not checked:
        problems.append(Problem("nothing_to_verify", str(path), "aucun manifeste trouvé ici"))
    return Report(problems, checked=checked)


def verify_folder(path: Path, roots: Roots) -> list[Problem]:
    manifest_path = path / folder.MANIFEST
    data = manifest_path.read_bytes()
    manifest, problems = parse_manifest(data, str(manifest_path))
    if manifest is None:
        return problems
    problems += check_artefacts(manifest, lambda name: _read_inside(path, name), str(path))
    problems += _unlisted(path, manifest)
    problems += _sums(path, manifest, data)
    problems += check_claimed_times(manifest, str(path))
    tokens = sorted((path / folder.TIMESTAMPS).glob("*.tsr"))
    if not tokens:
        problems.append(
            Problem(PENDING, str(path), "aucun jeton d'horodatage : horodatage en attente")
        )
    start, end = claimed_times(manifest)
    for token in tokens:
        problems += check_token(token.read_bytes(), data, roots, str(token), start, end)
    if (path / "journal.json").exists():
        problems += verify_journal_file(path / "journal.json")
    return problems


def _read_inside(base: Path, name: str) -> bytes | None:
    target = (base / name).resolve()
    if base.resolve() not in target.parents or not target.is_file():
        return None
    return target.read_bytes()


def _unlisted(path: Path, manifest: dict[str, Any]) -> list[Problem]:
    """Every file of the folder, in every sub-folder, must be one the layout names."""
    known = {str(item.get("name")) for item in manifest.get("artefacts", [])}
    known |= {folder.MANIFEST, folder.SUMS, folder.CA, "journal.json"}
    problems = []
    for child in sorted(path.rglob("*")):
        if child.is_dir():
            continue
        name = child.relative_to(path).as_posix()
        token = child.parent == path / folder.TIMESTAMPS and child.suffix == ".tsr"
        if name not in known and not token:
            problems.append(
                Problem("unlisted_file", str(child), f"fichier « {name} » absent du manifeste")
            )
    return problems


def _sums(path: Path, manifest: dict[str, Any], data: bytes) -> list[Problem]:
    sums = path / folder.SUMS
    if not sums.exists():
        return [Problem("sums_missing", str(sums), "SHA256SUMS absent : supprimé ?")]
    expected = {str(i.get("name")): str(i.get("sha256")) for i in manifest.get("artefacts", [])}
    expected[folder.MANIFEST] = hashlib.sha256(data).hexdigest()
    listed = {}
    for line in sums.read_text(errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    if listed != expected:
        return [Problem("sums_disagree", str(sums), "SHA256SUMS ne correspond pas au manifeste")]
    return []


ANCHORS = "ancrages.json"  # beside a journal.json: what proves the chain whole (bundles)


def verify_anchors(proofs: Path, roots: Roots) -> tuple[list[Problem], list[str]]:
    """``journal.json`` against ``ancrages.json`` in the same folder: every anchored head must
    still be in the chain (else it was cut short). Trusted tokens are checked over the head's
    hash; the local anchor only with this installation's key. Returns (problems, notes naming
    the entries anchored only locally)."""
    chain_file, anchors_file = proofs / "journal.json", proofs / ANCHORS
    if not chain_file.is_file():
        return [], []
    where = str(anchors_file)
    try:
        rows = json.loads(chain_file.read_bytes())
        chain = {int(r["sequence"]): str(r["entry_hash"]) for r in rows}
        anchors = json.loads(anchors_file.read_bytes())
        trusted = list(anchors.get("anchors") or [])
        local = anchors.get("local")
    except FileNotFoundError:
        return [Problem("anchors_missing", where, "ancrages du journal absents : supprimés ?")], []
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        return [Problem("anchors_unreadable", where, "ancrages du journal illisibles")], []
    problems: list[Problem] = []
    for anchor in trusted:
        problems += _anchored_head(anchor, chain, where)
        token = proofs / str(anchor.get("file"))
        if not token.is_file():
            problems.append(Problem("timestamp_missing", where, "jeton d'ancrage absent"))
        else:
            data = str(anchor.get("entry_hash")).encode()
            problems += check_token(token.read_bytes(), data, roots, f"{where} {token.name}")
    timestamped = max((int(a.get("sequence", 0)) for a in trusted), default=0)
    notes = []
    last = max(chain, default=0)
    if isinstance(local, dict) and journal.local_mac_valid(local):
        problems += _anchored_head(local, chain, where)
        how = "ancrées localement seulement"
    else:
        how = "sans ancrage vérifiable ici (ancrage local d'une autre installation, ou modifié)"
    if last > timestamped:
        notes.append(f"{chain_file} : entrées n° {timestamped + 1} à {last} {how}")
    return problems, notes


def _anchored_head(anchor: dict[str, Any], chain: dict[int, str], where: str) -> list[Problem]:
    sequence = int(anchor.get("sequence", 0))
    if chain.get(sequence) != anchor.get("entry_hash"):
        return [
            Problem(
                "journal_truncated",
                where,
                f"le journal ancré comptait l'entrée n° {sequence} ; le journal présent "
                f"s'arrête à la n° {max(chain, default=0)} ou diffère : entrées supprimées",
            )
        ]
    return []


@dataclass(frozen=True)
class ChainEntry:
    sequence: int
    payload: str
    prev_hash: str
    entry_hash: str


def verify_chain(entries: Iterable[ChainEntry], where: str) -> list[Problem]:
    """Pure: sequence numbers 1, 2, 3…, each entry hashing its payload and the previous hash."""
    problems = []
    expected_sequence, previous = 1, GENESIS
    for entry in entries:
        place = f"{where} n° {entry.sequence}"
        if entry.sequence != expected_sequence:
            problems.append(
                Problem(
                    "journal_gap",
                    place,
                    f"entrée n° {expected_sequence} attendue, n° {entry.sequence} trouvée : "
                    "une entrée a été supprimée ou déplacée",
                )
            )
        if entry.prev_hash != previous:
            problems.append(
                Problem(
                    "journal_link_broken",
                    place,
                    "le lien vers l'entrée précédente est rompu (entrée supprimée, insérée "
                    "ou réordonnée)",
                )
            )
        if entry_hash(entry.prev_hash, entry.payload) != entry.entry_hash:
            problems.append(Problem("journal_entry_altered", place, "le contenu a été modifié"))
        expected_sequence, previous = entry.sequence + 1, entry.entry_hash
    return problems


def verify_journal_file(path: Path) -> list[Problem]:
    """A journal exported as JSON (:func:`creneau.evidence.journal.export`)."""
    try:
        rows = json.loads(path.read_bytes())
        entries = [
            ChainEntry(int(r["sequence"]), str(r["payload"]), r["prev_hash"], r["entry_hash"])
            for r in rows
        ]
    except (ValueError, KeyError, TypeError, RecursionError):
        return [Problem("journal_unreadable", str(path), "journal illisible")]
    return verify_chain(entries, str(path))


def verify_store(roots: Roots) -> Report:
    """Every blob, seal, capture row, journal chain and anchor of the database and store."""
    problems, pending, checked = [], [], 0
    for blob in Blob.objects.order_by("id").iterator():
        problems += _check_blob(blob)
        checked += 1
    for item in Seal.objects.select_related("manifest").order_by("id").iterator():
        if item.state == Seal.State.AWAITING_TIMESTAMP:
            pending.append(f"scellé {item.pk} ({item.kind}) en attente d'horodatage")
        problems += _check_seal(item, roots)
        checked += 1
    for case in Case.objects.filter(journal__isnull=False).distinct().order_by("pk"):
        problems += _check_journal(case, roots)
        checked += 1
    local = journal.local_heads()
    problems += _check_local_heads(local)
    return Report(problems, pending, checked, _orphans(), _local_only(local))


def _check_local_heads(local: journal.LocalHeads) -> list[Problem]:
    """Each journal must still reach the head this installation anchored locally."""
    where = journal.LOCAL_HEADS
    problems = [
        Problem("local_anchor_invalid", f"{where} ligne {n}", "ligne modifiée ou illisible")
        for n in local.invalid
    ]
    for reference, head in sorted(local.heads.items()):
        sequence = int(head.get("sequence", 0))
        entry = JournalEntry.objects.filter(case__reference=reference, sequence=sequence).first()
        if entry is None or entry.entry_hash != head.get("entry_hash"):
            last = JournalEntry.objects.filter(case__reference=reference).order_by("-sequence")
            kept = last.values_list("sequence", flat=True).first() or 0
            problems.append(
                Problem(
                    "journal_truncated",
                    f"journal du dossier {reference}",
                    f"le journal comptait au moins {sequence} entrée(s) (ancrage local du "
                    f"{str(head.get('at'))[:16]}), il s'arrête à la n° {kept} ou diffère : "
                    "entrées supprimées ou base restaurée d'une sauvegarde plus ancienne",
                )
            )
    return problems


def _local_only(local: journal.LocalHeads) -> list[str]:
    notes = []
    for case in Case.objects.filter(journal__isnull=False).distinct().order_by("reference"):
        last = JournalEntry.objects.filter(case=case).order_by("-sequence").first()
        anchored = JournalAnchor.objects.filter(entry__case=case).order_by("-entry__sequence")
        trusted = anchored.values_list("entry__sequence", flat=True).first() or 0
        if last is None or last.sequence <= trusted:
            continue
        how = "ancrées localement seulement" if case.reference in local.heads else "non ancrées"
        notes.append(
            f"journal du dossier {case.reference} : entrées n° {trusted + 1} à {last.sequence} "
            f"{how} (aucun jeton d'horodatage ne les couvre encore)"
        )
    return notes


def _orphans() -> list[str]:
    known = set(Blob.objects.values_list("sha256", flat=True))
    return [digest for digest in storage.digests() if digest not in known]


def _check_blob(blob: Blob) -> list[Problem]:
    where = f"blob {blob.sha256}"
    data = read_blob(blob.sha256)
    if data is None:
        return [Problem("blob_missing", where, "fichier absent du stockage de preuves")]
    if hashlib.sha256(data).hexdigest() != blob.sha256 or len(data) != blob.size:
        return [Problem("blob_altered", where, "le fichier stocké ne correspond plus à son nom")]
    return []


def _check_seal(item: Seal, roots: Roots) -> list[Problem]:
    where = f"scellé {item.pk} ({item.kind})"
    data = read_blob(item.manifest.sha256)
    if data is None:
        return [Problem("manifest_missing", where, "manifeste absent du stockage")]
    manifest, problems = parse_manifest(data, where)
    if manifest is None:
        return problems
    rows = {a.name: a.blob.sha256 for a in item.artefacts.select_related("blob")}
    listed = {str(a.get("name")): a.get("sha256") for a in manifest.get("artefacts", [])}
    if rows != listed:
        problems.append(
            Problem("rows_disagree", where, "les fichiers en base diffèrent du manifeste")
        )
    problems += check_artefacts(
        manifest, lambda name: read_blob(rows[name]) if name in rows else None, where
    )
    problems += _check_capture_row(item, manifest, where)
    tokens = list(item.tokens.select_related("response"))
    if item.state == Seal.State.SEALED and not tokens:
        problems.append(Problem("sealed_without_token", where, "noté scellé mais sans jeton"))
    for token in tokens:
        response = read_blob(token.response.sha256)
        if response is None:
            problems.append(Problem("timestamp_missing", where, "jeton absent du stockage"))
        else:
            place = f"{where} jeton {token.tsa_url}"
            problems += check_token(response, data, roots, place, *claimed_times(manifest))
    return problems + check_claimed_times(manifest, where)


def _check_capture_row(item: Seal, manifest: dict[str, Any], where: str) -> list[Problem]:
    row = Capture.objects.filter(seal=item).first()
    if row is None:
        return []
    facts = {"capture_id": str(row.pk), "url": row.url, "outcome": row.outcome}
    if any(manifest.get(key) != value for key, value in facts.items()):
        return [Problem("row_disagrees", where, "la capture en base diffère de son manifeste")]
    return []


def _check_journal(case: Case, roots: Roots) -> list[Problem]:
    where = f"journal du dossier {case.reference}"
    entries = list(JournalEntry.objects.filter(case=case).order_by("sequence"))
    problems = verify_chain(
        (ChainEntry(e.sequence, e.payload, e.prev_hash, e.entry_hash) for e in entries), where
    )
    journalled = {e.attempt_id: e for e in entries if e.attempt_id}
    for attempt in Attempt.objects.filter(case=case):
        entry = journalled.get(attempt.pk)
        if entry is None:
            problems.append(
                Problem("attempt_not_journalled", where, f"tentative {attempt.pk} absente")
            )
        elif not _same_attempt(entry.payload, attempt):
            problems.append(
                Problem("attempt_changed", where, f"tentative {attempt.pk} modifiée après coup")
            )
    anchors = list(JournalAnchor.objects.filter(entry__case=case).select_related("response"))
    for anchor in anchors:
        problems += _check_anchor(anchor, roots, where)
    return problems + _check_anchored_order(entries, anchors, where)


def _check_anchored_order(
    entries: list[JournalEntry], anchors: list[JournalAnchor], where: str
) -> list[Problem]:
    """A capture is journalled when it is made: it cannot claim a time before a trusted
    timestamp over an entry that precedes it in the chain (then, that head had no successor)."""
    problems = []
    timestamped = sorted((a.entry.sequence, a.gen_time) for a in anchors)
    for entry in entries:
        before = [gen for sequence, gen in timestamped if sequence < entry.sequence]
        if not before or entry.attempt_id is None:
            continue
        floor = max(before)
        for capture in Capture.objects.filter(attempt_id=entry.attempt_id):
            if capture.started_at < floor - CLOCK_SKEW:
                problems.append(
                    Problem(
                        "capture_after_anchor",
                        f"{where} n° {entry.sequence}",
                        f"la capture se dit faite le {capture.started_at:%Y-%m-%d %H:%M} UTC, "
                        "mais elle suit dans le journal une entrée horodatée le "
                        f"{floor:%Y-%m-%d %H:%M} UTC : date antidatée",
                    )
                )
    return problems


def _same_attempt(payload: str, attempt: Attempt) -> bool:
    recorded = json.loads(payload)
    current = attempt_payload(attempt)
    return all(recorded.get(k) == current[k] for k in ("channel", "at", "outcome", "note"))


def _check_anchor(anchor: JournalAnchor, roots: Roots, where: str) -> list[Problem]:
    place = f"{where}, ancrage du {anchor.gen_time:%Y-%m-%d %H:%M:%S}"
    if anchor.head_hash != anchor.entry.entry_hash:
        return [Problem("anchor_mismatch", place, "l'entrée ancrée a été modifiée")]
    response = read_blob(anchor.response.sha256)
    if response is None:
        return [Problem("timestamp_missing", place, "jeton absent du stockage")]
    return check_token(response, anchor.head_hash.encode(), roots, place)


def read_blob(sha256: str) -> bytes | None:
    """The blob, or None when the store says it is absent. A store that does not answer
    raises ``storage.Unavailable``: an outage is never reported as missing evidence."""
    try:
        return storage.read(sha256)
    except storage.Unavailable:
        raise
    except storage.StorageError:  # absent, or not a digest at all
        return None
