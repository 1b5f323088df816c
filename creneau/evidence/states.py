"""The one vocabulary of evidence states: what Créneau can say about how an attempt is proven.

Every page, the portal, the assessment, every document, the exports and the CLI take an
attempt's state from here, never from its ``source`` or from the mere presence of a token row:

* ``timestamped`` — « scellée et horodatée »: Créneau witnessed the attempt itself (it loaded
  the booking page and sealed what it saw, or it sent the e-mail and sealed the sent bytes) and
  at least one RFC 3161 token over that seal **verifies** against the configured roots now;
* ``awaiting_timestamp`` — « scellée, horodatage en attente »: witnessed and sealed, but no
  token verifies (none obtained yet, or the one obtained does not verify with these roots);
* ``declared_with_file`` — « déclarée avec fichier joint »: someone recorded the attempt and
  attached a file (a person's screenshot, a scan of an avis de réception, an imported file);
  the file is kept as received, but Créneau did not witness the attempt;
* ``declared_without_file`` — « déclarée sans justificatif »: recorded, nothing attached.

Witnessed means: a sealed capture is linked to the attempt, or the attempt is an e-mail Créneau
sent itself (``Attempt.Source.SENT``, recorded by the correspondence app with the sent bytes).
Token checks are real verifications (``lib.tsa`` through ``verify.check_token``), cached
by content (token, data, roots), so a page of forty attempts does not re-verify forty tokens.
"""

import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from creneau.cases.models import Attempt, AttemptFile
from creneau.evidence.models import Capture, Seal, TimestampToken, Upload
from creneau.evidence.verify import check_token
from creneau.lib import storage, tsa

CHUNK = 500  # attempt ids per query: far below every database's parameter limit
Roots = list[x509.Certificate]


class State(models.TextChoices):
    TIMESTAMPED = "timestamped", _("scellée et horodatée")
    AWAITING_TIMESTAMP = "awaiting_timestamp", _("scellée, horodatage en attente")
    DECLARED_WITH_FILE = "declared_with_file", _("déclarée avec fichier joint")
    DECLARED_WITHOUT_FILE = "declared_without_file", _("déclarée sans justificatif")


# What each state means, for the person and the volunteer (the portal shows it beside the label).
MEANING: dict[str, Promise] = {
    State.TIMESTAMPED: _(
        "Créneau a fait cette tentative lui-même et une autorité indépendante a certifié la date "
        "de sa preuve."
    ),
    State.AWAITING_TIMESTAMP: _(
        "Créneau a fait cette tentative lui-même et a gardé sa preuve ; la date certifiée par une "
        "autorité indépendante n'est pas encore obtenue."
    ),
    State.DECLARED_WITH_FILE: _(
        "Tentative notée avec un fichier (capture d'écran, scan) gardé tel quel à son arrivée ; "
        "Créneau ne l'a pas vue lui-même."
    ),
    State.DECLARED_WITHOUT_FILE: _(
        "Tentative notée sans fichier : devant le juge, elle ne repose que sur la déclaration."
    ),
}
WITNESSED = frozenset({State.TIMESTAMPED, State.AWAITING_TIMESTAMP})
WITH_FILE = frozenset({State.TIMESTAMPED, State.AWAITING_TIMESTAMP, State.DECLARED_WITH_FILE})
ORDER = (
    State.TIMESTAMPED,
    State.AWAITING_TIMESTAMP,
    State.DECLARED_WITH_FILE,
    State.DECLARED_WITHOUT_FILE,
)


@dataclass(frozen=True)
class Stamp:
    """A token that verifies: which authority certified which moment, and the token's digest."""

    tsa: str
    at: datetime
    response_sha256: str


@dataclass(frozen=True)
class Evidence:
    """How one attempt is proven."""

    state: State
    witnessed: str  # "capture", "sent_mail"… or "" when Créneau did not witness it
    files: int
    stamps: tuple[Stamp, ...] = ()
    seals: tuple[str, ...] = ()  # manifest digests of the witnessing seals

    @property
    def label(self) -> str:
        return str(self.state.label)

    @property
    def meaning(self) -> str:
        return str(MEANING[self.state])

    @property
    def has_file(self) -> bool:
        return self.state in WITH_FILE


# --- verifying tokens, cached by content --------------------------------------------------

_lock = threading.Lock()
_checked: dict[tuple[str, str, str, str], Stamp | None] = {}
_roots_cache: dict[tuple[str, float], tuple[str, Roots]] = {}


def configured_roots() -> tuple[str, Roots]:
    """The trusted roots (``CRENEAU_TSA_CA_FILE``) and a digest naming them, read once per file
    version; unreadable roots are no roots (nothing verifies; ``creneau doctor`` says why)."""
    path = str(settings.TSA_CA_FILE or "")
    if not path:
        return "", []
    try:
        version = Path(path).stat().st_mtime
    except OSError:
        return "", []
    cached = _roots_cache.get((path, version))
    if cached is None:
        try:
            roots = tsa.load_roots(path)
        except tsa.TokenError:
            roots = []
        der = b"".join(root.public_bytes(Encoding.DER) for root in roots)
        cached = (hashlib.sha256(der).hexdigest() if roots else "", list(roots))
        _roots_cache[(path, version)] = cached
    return cached


def stamp_over(
    response_sha256: str, data: bytes, not_before: datetime | None = None
) -> Stamp | None:
    """The stamp of a stored token over ``data`` when it verifies now against the configured
    roots (and is not dated before ``not_before``), else ``None``."""
    roots_key, roots = configured_roots()
    if not roots:
        return None
    moment = not_before.astimezone(UTC).isoformat() if not_before else ""
    key = (response_sha256, hashlib.sha256(data).hexdigest(), roots_key, moment)
    with _lock:
        if key in _checked:
            return _checked[key]
    try:
        found = _verify(response_sha256, data, roots, moment)
    except storage.Unavailable:  # not said « horodaté » now, and asked again next time
        return None
    with _lock:
        _checked[key] = found
    return found


def stamp_over_blob(
    response_sha256: str, data_sha256: str, not_before: datetime | None = None
) -> Stamp | None:
    """``stamp_over`` for data held in the evidence store (a seal's manifest)."""
    try:
        data = storage.read(data_sha256)
    except storage.StorageError:
        return None
    return stamp_over(response_sha256, data, not_before)


def _verify(response_sha256: str, data: bytes, roots: Roots, not_before: str) -> Stamp | None:
    try:
        response = storage.read(response_sha256)
    except storage.Unavailable:
        raise
    except storage.StorageError:
        return None
    if check_token(response, data, roots, "", not_before or None):
        return None
    checked = tsa.describe(response)
    return Stamp(checked.tsa_name, checked.gen_time, response_sha256)


# --- states of many attempts in a few queries ---------------------------------------------


@dataclass(frozen=True)
class CaptureRun:
    """How the browser fared on an attempt's (last) capture: the page's HTTP status, if it
    answered, and the browser's own words when it failed."""

    status: int | None
    error: str


@dataclass
class _Gathered:
    files: dict[int, list[str]]
    seals: dict[int, set[int]]
    witnessed: dict[int, str]
    captures: dict[int, CaptureRun]


def evidence_of(attempts: Iterable[Attempt | int]) -> dict[int, Evidence]:
    """Attempt id → its evidence, for any number of attempts, in a handful of queries."""
    return evidence_and_captures(attempts)[0]


def evidence_and_captures(
    attempts: Iterable[Attempt | int],
) -> tuple[dict[int, Evidence], dict[int, CaptureRun]]:
    """``evidence_of``, and how each captured attempt's last capture went (same queries).

    Attempts loaded with their files and the files' blobs
    (``prefetch_related(Prefetch("files", AttemptFile.objects.select_related("blob")))``)
    are not asked for their files again."""
    given = list(attempts)
    ids = sorted({a if isinstance(a, int) else a.pk for a in given})
    # Attempts already loaded say their source: no query to find the sent ones among them.
    loaded = [a for a in given if isinstance(a, Attempt) and "source" in a.__dict__]  # not deferred
    known = len(loaded) == len(given)
    sent = {a.pk for a in loaded if a.source == Attempt.Source.SENT} if known else set()
    files = _loaded_files(given)
    gathered = _Gathered(defaultdict(list, files or {}), defaultdict(set), {}, {})
    for start in range(0, len(ids), CHUNK):
        _gather(ids[start : start + CHUNK], gathered, sent if known else None, files is None)
    stamps, manifests = _stamps({seal for seals in gathered.seals.values() for seal in seals})
    evidence = {pk: _evidence(pk, gathered, stamps, manifests) for pk in ids}
    return evidence, gathered.captures


def evidence_for(attempt: Attempt) -> Evidence:
    return evidence_of([attempt])[attempt.pk]


def _loaded_files(given: list[Attempt | int]) -> dict[int, list[str]] | None:
    """Attempt id → its files' digests, when every attempt came with its files and their blobs;
    None when any must be asked for."""
    found: dict[int, list[str]] = {}
    for attempt in given:
        if not isinstance(attempt, Attempt):
            return None
        files = getattr(attempt, "_prefetched_objects_cache", {}).get("files")
        if files is None or not all(AttemptFile.blob.is_cached(file) for file in files):
            return None
        found[attempt.pk] = [file.blob.sha256 for file in files]
    return found


def _gather(ids: list[int], into: _Gathered, sent_among: set[int] | None, files: bool) -> None:
    if files:
        rows = AttemptFile.objects.filter(attempt_id__in=ids)
        for attempt_id, digest in rows.values_list("attempt_id", "blob__sha256"):
            into.files[attempt_id].append(digest)
    captures = Capture.objects.filter(attempt_id__in=ids).values_list(
        "attempt_id", "seal_id", "status", "error"
    )
    for attempt_id, seal_id, status, error in captures:  # oldest first: the last one stays
        assert attempt_id is not None
        into.witnessed[attempt_id] = "capture"
        into.seals[attempt_id].add(seal_id)
        into.captures[attempt_id] = CaptureRun(status, error)
    if sent_among is None:
        sent = Attempt.objects.filter(pk__in=ids, source=Attempt.Source.SENT)
        sent_among = set(sent.values_list("pk", flat=True))
    produced = dict.fromkeys(sorted(sent_among.intersection(ids)), "sent_mail")
    digests = {digest for attempt_id in produced for digest in into.files.get(attempt_id, [])}
    sealed = (
        dict(
            Upload.objects.filter(filed__sha256__in=digests).values_list("filed__sha256", "seal_id")
        )
        if digests
        else {}
    )
    for attempt_id, kind in produced.items():
        into.witnessed.setdefault(attempt_id, kind)
        into.seals[attempt_id] |= {sealed[d] for d in into.files.get(attempt_id, []) if d in sealed}


def _stamps(seal_ids: set[int]) -> tuple[dict[int, list[Stamp]], dict[int, str]]:
    """Seal id → its tokens that verify, and seal id → its manifest digest."""
    stamps: dict[int, list[Stamp]] = defaultdict(list)
    if not seal_ids:  # nothing witnessed: not even a query to build
        return stamps, {}
    manifests = dict(Seal.objects.filter(pk__in=seal_ids).values_list("pk", "manifest__sha256"))
    tokens = TimestampToken.objects.filter(seal_id__in=seal_ids).values_list(
        "seal_id", "response__sha256", "seal__manifest__sha256", "seal__capture__started_at"
    )
    for seal_id, response, manifest, started in tokens:
        stamp = stamp_over_blob(response, manifest, started)
        if stamp is not None:
            stamps[seal_id].append(stamp)
    return stamps, manifests


def _evidence(
    attempt_id: int,
    gathered: _Gathered,
    stamps: dict[int, list[Stamp]],
    manifests: dict[int, str],
) -> Evidence:
    files = len(gathered.files.get(attempt_id, []))
    witnessed = gathered.witnessed.get(attempt_id, "")
    if not witnessed:
        state = State.DECLARED_WITH_FILE if files else State.DECLARED_WITHOUT_FILE
        return Evidence(state, "", files)
    seals = sorted(gathered.seals.get(attempt_id, set()))
    found = tuple(stamp for seal in seals for stamp in stamps.get(seal, []))
    state = State.TIMESTAMPED if found else State.AWAITING_TIMESTAMP
    digests = tuple(manifests[seal] for seal in seals if seal in manifests)
    return Evidence(state, witnessed, files, found, digests)


def counts(evidence: Iterable[Evidence]) -> dict[str, int]:
    """How many attempts in each state (every state present, zeros included)."""
    tally = dict.fromkeys((str(state) for state in ORDER), 0)
    for item in evidence:
        tally[str(item.state)] += 1
    return tally


def timestamping_enabled() -> bool:
    """Whether any authority is configured (``CRENEAU_TSA_URLS``; empty turns it off)."""
    return bool(settings.TSA_URLS)


def seal_stamps(seal: Seal, not_before: datetime | None = None) -> list[Stamp]:
    """The tokens of one seal that verify now against the configured roots."""
    tokens = seal.tokens.values_list("response__sha256", flat=True)
    found = (stamp_over_blob(r, seal.manifest.sha256, not_before) for r in tokens)
    return [stamp for stamp in found if stamp is not None]


def timestamp_status(seal: Seal, not_before: datetime | None = None) -> dict[str, object]:
    """``verified`` (a token verifies), ``pending`` (none yet, or none that verifies) or
    ``disabled`` (no authority configured), with the authorities and times when verified."""
    stamps = seal_stamps(seal, not_before)
    tokens = seal.tokens.count()
    if stamps:
        status = "verified"
    elif not timestamping_enabled() and not tokens:
        status = "disabled"
    else:
        status = "pending"
    return {
        "status": status,
        "tokens": tokens,
        "verified": [
            {"tsa": s.tsa, "time": s.at.astimezone(UTC).isoformat(), "token": s.response_sha256}
            for s in stamps
        ],
        "roots": bool(configured_roots()[1]),
    }
