"""The journal: a per-case append-only hash chain over the attempts of every channel.

Each entry's payload is canonical JSON (channel, date, outcome, note, digests of the attached
files and of the seal manifests); ``entry_hash = SHA-256(prev_hash + payload)``. Removing,
reordering or editing an entry breaks every later link, and :func:`anchor_heads` regularly
timestamps the head hash so that even cutting the tail off is visible against the anchor.

Appending is safe under concurrency: the case row is locked (``select_for_update``; SQLite
serialises writers by itself) and ``(case, sequence)`` is unique, with a retry on collision.

Every head is also anchored **locally**, once committed: a line appended to
``journal-heads.jsonl`` beside the evidence store (case, sequence, entry hash, time, and an HMAC by
this installation's secret key). It lives outside the database, so cutting a journal's tail in
the database (an edit, an old backup restored over newer evidence) is found by
``verify --store``. It proves nothing to a third party (only the key holder can check it):
trusted timestamps (:func:`anchor_heads`) do; ``verify`` names the entries anchored only locally.
"""

import functools
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.crypto import salted_hmac

from creneau.cases.models import Attempt, Case
from creneau.evidence import seal
from creneau.evidence.models import Capture, JournalAnchor, JournalEntry, Upload
from creneau.lib import storage, tsa

GENESIS = "0" * 64
ATTEMPT = "attempt"
_RETRIES = 5


def entry_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def attempt_payload(attempt: Attempt) -> dict[str, Any]:
    """What the journal says about an attempt: enough to recognise any later edit."""
    files = sorted(
        ({"name": f.name, "sha256": f.blob.sha256} for f in attempt.files.select_related("blob")),
        key=lambda item: (item["name"], item["sha256"]),
    )
    return {
        "case": attempt.case.reference,
        "attempt": attempt.pk,
        "channel": attempt.channel,
        # UTC, microseconds dropped: the same instant must hash the same whether the attempt
        # comes from memory (any offset) or back from the database (UTC, maybe truncated).
        "at": attempt.at.astimezone(UTC).replace(microsecond=0).isoformat(),
        "outcome": attempt.outcome,
        "note": attempt.note,
        "source": attempt.source,
        "files": files,
        "manifests": _manifests(attempt, [f["sha256"] for f in files]),
    }


def _manifests(attempt: Attempt, file_digests: list[str]) -> list[str]:
    """Digests of the seal manifests behind the attempt: its captures and sealed uploads."""
    captures = Capture.objects.filter(attempt=attempt).values_list("seal__manifest__sha256")
    uploads = Upload.objects.filter(filed__sha256__in=file_digests).values_list(
        "seal__manifest__sha256"
    )
    return sorted({digest for (digest,) in [*captures, *uploads]})


def append_attempt(attempt: Attempt) -> JournalEntry:
    """Chain ``attempt`` into its case's journal (once: a second call returns the same entry).

    Call it when an Attempt is recorded, whatever its channel or source (sealed, manual,
    imported), after its files and capture are attached.
    """
    existing = JournalEntry.objects.filter(attempt=attempt, kind=ATTEMPT).first()
    if existing:
        return existing
    payload = seal.canonical_json(attempt_payload(attempt)).decode()
    return append(attempt.case, ATTEMPT, payload, attempt=attempt)


def append(case: Case, kind: str, payload: str, *, attempt: Attempt | None = None) -> JournalEntry:
    for _ in range(_RETRIES):
        try:
            with transaction.atomic():
                Case.objects.select_for_update().filter(pk=case.pk).first()
                head = JournalEntry.objects.filter(case=case).order_by("-sequence").first()
                prev = head.entry_hash if head else GENESIS
                entry = JournalEntry.objects.create(
                    case=case,
                    sequence=(head.sequence + 1) if head else 1,
                    attempt=attempt,
                    kind=kind,
                    payload=payload,
                    prev_hash=prev,
                    entry_hash=entry_hash(prev, payload),
                )
                transaction.on_commit(
                    functools.partial(
                        anchor_locally, case.reference, entry.sequence, entry.entry_hash
                    )
                )
                return entry
        except IntegrityError:
            continue  # another writer took this sequence number: read the new head and retry
    raise IntegrityError(f"could not append to the journal of case {case.reference}")


def head(case: Case) -> JournalEntry | None:
    return JournalEntry.objects.filter(case=case).order_by("-sequence").first()


@dataclass(frozen=True)
class AnchorReport:
    anchored: int
    unanswered: int
    failures: tuple[str, ...]


def anchor_heads() -> AnchorReport:
    """Timestamp the head of every journal whose head has no anchor yet (periodic job)."""
    anchored = JournalAnchor.objects.filter(entry=OuterRef("pk"))
    later = JournalEntry.objects.filter(case=OuterRef("case"), sequence__gt=OuterRef("sequence"))
    heads = JournalEntry.objects.filter(~Exists(later), ~Exists(anchored))
    done, missed, failures = 0, 0, list[str]()
    for entry in heads:
        if failures and not done:  # no authority answered: the other heads wait for next time
            missed += 1
            continue
        attempted = tsa.request_tokens(entry.entry_hash.encode())
        failures.extend(attempted.failures)
        for token in attempted.tokens:
            storage.put(token.response)
            JournalAnchor.objects.create(
                entry=entry,
                head_hash=entry.entry_hash,
                tsa_url=token.url,
                response=seal.blob_row(token.response, tsa.MEDIA_TYPE),
                gen_time=token.gen_time,
            )
        done, missed = (done + 1, missed) if attempted.tokens else (done, missed + 1)
    return AnchorReport(done, missed, tuple(failures))


def export(case: Case) -> list[dict[str, Any]]:
    """The chain as plain data, in order (for a bundle's ``journal.json``)."""
    return [
        {
            "sequence": e.sequence,
            "kind": e.kind,
            "payload": e.payload,
            "prev_hash": e.prev_hash,
            "entry_hash": e.entry_hash,
        }
        for e in JournalEntry.objects.filter(case=case).order_by("sequence")
    ]


# --- local anchors -------------------------------------------------------------------------

LOCAL_HEADS = "journal-heads.jsonl"
_SALT = "creneau.evidence.journal.local-anchor"


def local_heads_path() -> Path:
    folder = Path(settings.EVIDENCE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / LOCAL_HEADS


def _mac(fields: dict[str, Any], secret: str | None = None) -> str:
    message = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return salted_hmac(_SALT, message, secret=secret, algorithm="sha256").hexdigest()


def _append_line(fields: dict[str, Any]) -> None:
    line = json.dumps(fields | {"mac": _mac(fields)}, sort_keys=True) + "\n"
    handle = os.open(local_heads_path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(handle, line.encode())  # one short write: whole lines even across processes
    finally:
        os.close(handle)


def anchor_locally(reference: str, sequence: int, digest: str) -> None:
    """Record that ``reference``'s journal had this head (called once the entry is committed)."""
    at = datetime.now(UTC).isoformat()
    _append_line({"case": reference, "sequence": sequence, "entry_hash": digest, "at": at})


def record_erased(reference: str) -> None:
    """The case was erased on purpose: its journal is gone, not truncated."""
    _append_line({"case": reference, "erased": True, "at": datetime.now(UTC).isoformat()})


@dataclass(frozen=True)
class LocalHeads:
    heads: dict[str, dict[str, Any]]  # case reference → its latest local anchor
    invalid: tuple[int, ...]  # line numbers whose MAC does not verify with our keys


def local_heads() -> LocalHeads:
    """The latest locally anchored head of every journal not erased since."""
    heads: dict[str, dict[str, Any]] = {}
    invalid = []
    path = local_heads_path()
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    for number, line in enumerate(lines, start=1):
        try:
            fields = json.loads(line)
            mac = fields.pop("mac")
        except (ValueError, KeyError, AttributeError, TypeError, RecursionError):
            invalid.append(number)
            continue
        if not any(hmac.compare_digest(mac, _mac(fields, key)) for key in _keys()):
            invalid.append(number)
        elif fields.get("erased"):
            heads.pop(str(fields.get("case")), None)
        else:
            known = heads.get(str(fields.get("case")))
            if known is None or int(fields.get("sequence", 0)) >= int(known.get("sequence", 0)):
                heads[str(fields.get("case"))] = fields
    return LocalHeads(heads, tuple(invalid))


def _keys() -> list[str]:
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def export_anchors(case: Case) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """What a bundle carries to prove its journal whole: every trusted token over a head of the
    chain (files named relative to the journal's folder), and a local anchor of the head now."""
    rows = JournalAnchor.objects.filter(entry__case=case).select_related("entry", "response")
    anchors, files = [], []
    for number, anchor in enumerate(rows.order_by("entry__sequence", "id"), start=1):
        name = f"ancrages/{number}.tsr"
        files.append((name, storage.read(anchor.response.sha256)))
        anchors.append(
            {
                "sequence": anchor.entry.sequence,
                "entry_hash": anchor.head_hash,
                "tsa_url": anchor.tsa_url,
                "gen_time": anchor.gen_time.astimezone(UTC).isoformat(),
                "file": name,
            }
        )
    last = head(case)
    local = None
    if last is not None:
        fields = {"case": case.reference, "sequence": last.sequence, "entry_hash": last.entry_hash}
        fields["at"] = datetime.now(UTC).isoformat()
        local = fields | {"mac": _mac(fields)}
    return {"format": 1, "case": case.reference, "anchors": anchors, "local": local}, files


def local_mac_valid(fields: dict[str, Any]) -> bool:
    """A local anchor's MAC checks with this installation's keys (never elsewhere)."""
    rest = {key: value for key, value in fields.items() if key != "mac"}
    mac = str(fields.get("mac", ""))
    return any(hmac.compare_digest(mac, _mac(rest, key)) for key in _keys())
