"""Where each exhibit's files come from: captures, attached files, sealed uploads, the journal.

``EvidenceIndex`` loads a case's evidence in a handful of queries (not a few per attempt), and
answers, for an attempt or an added document, which stored files go into the exhibit and which
seal (manifest + RFC 3161 tokens) vouches for each. A file without a seal (an imported file) is
still vouched for by the journal entry that hashed it. A person's screenshot carries what
Créneau read on it (``evidence.readings``), printed beside the image.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from creneau.cases.models import Attempt, AttemptFile, Case
from creneau.evidence.capture import SCREENSHOT, STAMPED
from creneau.evidence.models import Artefact, Capture, CaseDocument, JournalEntry, Seal
from creneau.evidence.readings import Checked, attempt_readings


@dataclass(frozen=True)
class TokenRef:
    tsa_url: str
    tsa_name: str
    gen_time: datetime.datetime
    response_sha256: str


@dataclass(frozen=True)
class SealRef:
    manifest_sha256: str
    state: str
    started_at: str  # ISO time the capture began, "" for uploads
    tokens: tuple[TokenRef, ...]


@dataclass(frozen=True)
class Item:
    """One stored file that goes into an exhibit."""

    name: str
    sha256: str
    seal: SealRef | None
    attempt: Attempt | None = None
    capture_id: str = ""
    url: str = ""
    journal_sequence: int | None = None
    reading: Checked | None = None  # what Créneau read on a person's screenshot, if it did


def seal_ref(seal: Seal, started_at: str = "") -> SealRef:
    tokens = tuple(
        TokenRef(t.tsa_url, t.tsa_name, t.gen_time, t.response.sha256) for t in seal.tokens.all()
    )
    return SealRef(seal.manifest.sha256, seal.state, started_at, tokens)


class EvidenceIndex:
    """A case's captures, attached files, seals and journal entries, loaded once."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.attempts = {a.pk: a for a in case.attempts.all()}
        self.sequences = dict(
            JournalEntry.objects.filter(case=case, attempt__isnull=False).values_list(
                "attempt_id", "sequence"
            )
        )
        self.captures: dict[int, list[Capture]] = defaultdict(list)
        captures = Capture.objects.filter(attempt__case=case).select_related("seal__manifest")
        for capture in captures.prefetch_related("seal__artefacts__blob", "seal__tokens__response"):
            assert capture.attempt_id is not None
            self.captures[capture.attempt_id].append(capture)
        self.files: dict[int, list[tuple[str, str]]] = defaultdict(list)
        attached = AttemptFile.objects.filter(attempt__case=case).order_by("id")
        for attempt_id, name, digest in attached.values_list("attempt_id", "name", "blob__sha256"):
            self.files[attempt_id].append((name, digest))
        self._seals = self._seals_of_files()
        self.readings = {
            (attempt_id, item.file_sha256): item
            for attempt_id, items in attempt_readings(self.attempts).items()
            for item in items
        }

    def _seals_of_files(self) -> dict[str, SealRef]:
        """Blob digest → the seal listing it (a sealed upload's filed copy, a capture artefact)."""
        digests = {digest for files in self.files.values() for _, digest in files}
        rows = (
            Artefact.objects.filter(blob__sha256__in=digests)
            .select_related("seal__manifest", "blob")
            .prefetch_related("seal__tokens__response")
        )
        found: dict[str, SealRef] = {}
        for artefact in rows:
            current = found.get(artefact.blob.sha256)
            if current is None or (current.state != "sealed" and artefact.seal.state == "sealed"):
                found[artefact.blob.sha256] = seal_ref(artefact.seal)
        return found

    def attempt_items(self, attempt_id: int, *, images_only: bool = False) -> list[Item]:
        """The capture's stamped screenshot when there is one, else the attached files."""
        attempt = self.attempts[attempt_id]
        sequence = self.sequences.get(attempt_id)
        items = [self._capture_item(c, attempt, sequence) for c in self.captures[attempt_id]]
        seen = {item.sha256 for item in items}
        captured = bool(items)
        for name, digest in self.files[attempt_id]:
            if digest in seen or (captured and images_only):
                continue
            if images_only and not name.lower().endswith((".png", ".jpg", ".jpeg")):
                continue
            seen.add(digest)
            reading = self.readings.get((attempt_id, digest))
            seal = self._seals.get(digest)
            items.append(Item(name, digest, seal, attempt, "", "", sequence, reading))
        return items

    def _capture_item(self, capture: Capture, attempt: Attempt, sequence: int | None) -> Item:
        artefacts = {a.name: a.blob.sha256 for a in capture.seal.artefacts.all()}
        name = STAMPED if STAMPED in artefacts else SCREENSHOT
        started = capture.started_at.astimezone(datetime.UTC).isoformat()
        return Item(
            name,
            artefacts[name],
            seal_ref(capture.seal, started),
            attempt,
            str(capture.pk),
            capture.final_url or capture.url,
            sequence,
        )

    def document_items(self, documents: list[CaseDocument]) -> list[Item]:
        return [
            Item(d.upload.filename, d.upload.filed.sha256, seal_ref(d.upload.seal))
            for d in documents
        ]
