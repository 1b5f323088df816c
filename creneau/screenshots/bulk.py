"""A phone's screenshots, many at once, become attempts: each one read, checked and sealed.

``start_import`` (web) keeps the files sent (images, or zips of them) in a folder of this
installation, for ``run_import`` on the worker (``tasks``); ``creneau case screenshots CASE PATH``
runs it at once on a folder or a zip. For each file, in name order (phones name them by time):

1. refuse what is not a PNG or JPEG image, or is already in the case (same bytes);
2. read it (``watch.screenshot``); the attempt's time is the one the image gives (metadata, file
   name, a dated clock on screen): an image that gives none is left out, to be noted by hand
   with its date — Créneau never makes one up;
3. compare it with the case and with the screenshots before it (same picture twice);
4. seal the file (original kept, copy without metadata filed), then record the attempt
   (``evidence.attempts.record_attempt``, source « importée ») and its reading together.

The outcome of every attempt is the one the volunteer declared for the lot; a screenshot that
does not show it is set aside by its reading, never counted silently.
"""

import hashlib
import os
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creneau.cases.models import Attempt, Case
from creneau.evidence.attempts import Incoming, record_attempt, seal_file
from creneau.evidence.models import Upload
from creneau.evidence.readings import attempt_readings
from creneau.evidence.uploads import MAX_BYTES, UploadError
from creneau.lib.ocr import OcrUnavailableError
from creneau.screenshots.checking import (
    CaseReading,
    case_zone,
    compare,
    expectation_for_case,
    keep,
    known_image,
    known_images_of,
)
from creneau.screenshots.models import ScreenshotImport
from creneau.screenshots.reread import READ_TYPES, media_type
from creneau.watch.screenshot import KnownImage, UnreadableImageError, message_for, read_screenshot

MAX_FILES = 2000  # two years of daily screenshots; a larger lot is split by the volunteer
MAX_UPLOAD_BYTES = 1024 * 1024 * 1024  # what one web upload may bring, zips included
NOTE = "capture d'écran importée avec d'autres (import groupé)"  # French: it goes into the file
_FUTURE = timedelta(minutes=5)


class ImportSourceError(Exception):
    """The files cannot be read at all (a missing folder); the message says why, in French."""


class _Skipped(Exception):
    """One file left out; the message says why, in French."""


@dataclass(frozen=True)
class Entry:
    """One file of the lot: its name in the lot, and how to read it (bounded in size)."""

    name: str
    read: Callable[[], bytes]

    @property
    def basename(self) -> str:
        return PurePosixPath(self.name.replace("\\", "/")).name


def _bounded(size: int, opener: Callable[[], Any]) -> Callable[[], bytes]:
    def read() -> bytes:
        if size > MAX_BYTES:
            raise _Skipped(_("fichier trop lourd (32 Mo au plus)"))
        with opener() as stream:
            data: bytes = stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise _Skipped(_("fichier trop lourd (32 Mo au plus)"))
        return data

    return read


def _zip_entries(path: Path, prefix: str) -> Iterator[Entry]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        yield Entry(prefix, _raise(_("archive ZIP illisible")))
        return
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        name = info.filename
        parts = PurePosixPath(name).parts
        if info.is_dir() or not parts or parts[0] == "__MACOSX" or parts[-1].startswith("."):
            continue
        yield Entry(f"{prefix}/{name}", _bounded(info.file_size, _member(archive, info)))


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], Any]:
    return lambda: archive.open(info)


def _raise(reason: str) -> Callable[[], bytes]:
    def read() -> bytes:
        raise _Skipped(reason)

    return read


def entries(source: Path) -> list[Entry]:
    """Every file of a folder (links not followed) or a zip, zips inside a folder opened."""
    if source.is_file() and zipfile.is_zipfile(source):
        found = list(_zip_entries(source, source.name))
    elif source.is_dir() and not source.is_symlink():
        found = list(_folder_entries(source))
    elif source.is_file():
        found = [Entry(source.name, _bounded(source.stat().st_size, lambda: source.open("rb")))]
    else:
        raise ImportSourceError(_("dossier ou fichier introuvable : %(path)s") % {"path": source})
    if len(found) > MAX_FILES:
        raise ImportSourceError(
            _("trop de fichiers (%(n)d) : %(max)d au plus par import")
            % {"n": len(found), "max": MAX_FILES}
        )
    return found


def _folder_entries(folder: Path) -> Iterator[Entry]:
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(folder).as_posix()
            if zipfile.is_zipfile(path):
                yield from _zip_entries(path, relative)
            else:
                yield Entry(relative, _bounded(path.stat().st_size, _opener(path)))


def _opener(path: Path) -> Callable[[], Any]:
    return lambda: path.open("rb")


# --- the web's part: keep the files, queue the import ------------------------------------------


class Sent(Protocol):
    name: str | None
    size: int | None

    def chunks(self) -> Iterable[bytes]: ...


def import_folder(case: Case, import_id: str) -> Path:
    return Path(settings.DATA_DIR) / "imports" / case.reference / import_id


def start_import(
    case: Case, files: list[Sent], *, channel: str, outcome: str, user: User | None
) -> ScreenshotImport:
    """Keep the files sent (refused whole when over ``MAX_UPLOAD_BYTES``); the caller queues
    ``tasks.import_screenshots_task``."""
    if sum(item.size or 0 for item in files) > MAX_UPLOAD_BYTES:
        raise UploadError(_("envoi trop lourd : 1 Go au plus par import"))
    job = ScreenshotImport(case=case, channel=channel, outcome=outcome, created_by=user)
    folder = import_folder(case, str(job.pk))
    folder.mkdir(parents=True, exist_ok=True)
    for index, item in enumerate(files, start=1):
        name = PurePosixPath((item.name or "capture").replace("\\", "/")).name or "capture"
        with (folder / f"{index:04d}-{name[:150]}").open("wb") as out:
            for chunk in item.chunks():
                out.write(chunk)
    job.source, job.owns_source = str(folder), True
    job.save()
    return job


# --- reading the lot ---------------------------------------------------------------------------

Progress = Callable[[int, int, str], None]


def run_import(import_id: str, progress: Progress | None = None) -> ScreenshotImport:
    """Read, check and record every file of the lot, writing progress on the row."""
    job = ScreenshotImport.objects.select_related("case", "created_by").get(pk=import_id)
    ScreenshotImport.objects.filter(pk=job.pk).update(state=ScreenshotImport.State.RUNNING)
    try:
        found = entries(Path(job.source))
        results = _read_all(job, found, progress)
    except (ImportSourceError, OcrUnavailableError) as error:
        _finish(job, ScreenshotImport.State.FAILED, error=str(error))
    else:
        _finish(job, ScreenshotImport.State.DONE, results=results)
    finally:
        if job.owns_source:
            shutil.rmtree(job.source, ignore_errors=True)
    job.refresh_from_db()
    return job


def _read_all(
    job: ScreenshotImport, found: list[Entry], progress: Progress | None
) -> list[dict[str, Any]]:
    case = job.case
    known = known_images_of(case)
    originals = set(Upload.objects.filter(case=case).values_list("original__sha256", flat=True))
    results: list[dict[str, Any]] = []
    for done, entry in enumerate(found):
        _progress(job, done, len(found), entry.name, progress)
        try:
            attempt, checked = _one(job, entry, known, originals)
        except _Skipped as skipped:
            results.append({"name": entry.name, "status": "skipped", "reason": str(skipped)})
            continue
        results.append(
            {
                "name": entry.name,
                "status": "recorded",
                "attempt": attempt.pk,
                "set_aside": checked.set_aside,
                "codes": [w.code for w in checked.warnings],
            }
        )
    _progress(job, len(found), len(found), "", progress)
    return results


def _one(
    job: ScreenshotImport, entry: Entry, known: list[KnownImage], originals: set[str]
) -> tuple[Attempt, CaseReading]:
    case = job.case
    data = entry.read()
    if media_type(data) not in READ_TYPES:
        raise _Skipped(_("pas une image PNG ou JPEG"))
    sha = hashlib.sha256(data).hexdigest()
    if sha in originals:
        raise _Skipped(_("déjà dans le dossier (même fichier)"))
    try:
        reading = read_screenshot(data, entry.basename, zone=case_zone(case))
    except UnreadableImageError as error:
        raise _Skipped(str(error)) from error
    expectation = expectation_for_case(case, declared_outcome=job.outcome, known=known)
    checked = compare(reading, expectation)
    at = checked.image_time
    if at is None:
        raise _Skipped(_("aucune date lisible dans l'image : à noter à la main, avec sa date"))
    if at > timezone.now() + _FUTURE:
        raise _Skipped(_("l'image se dit prise dans le futur : à vérifier"))
    attempt = _record(job, Incoming(data, entry.basename), checked)
    originals.add(sha)
    known.append(known_image(checked, attempt.at))
    return attempt, checked


def _record(job: ScreenshotImport, incoming: Incoming, checked: CaseReading) -> Attempt:
    """Step (4): seal first (a refused file records nothing), then attempt and reading."""
    case = job.case
    assert checked.image_time is not None
    try:
        filed = seal_file(case, incoming)
    except UploadError as error:
        raise _Skipped(str(error)) from error
    with transaction.atomic():
        attempt = record_attempt(
            case,
            channel=job.channel,
            outcome=job.outcome,
            at=checked.image_time,
            source=Attempt.Source.IMPORTED,
            note=NOTE,
            by=job.created_by,
            files=[filed],
        )
        keep(case, checked, attempt)
    return attempt


def _progress(
    job: ScreenshotImport, done: int, total: int, name: str, progress: Progress | None
) -> None:
    ScreenshotImport.objects.filter(pk=job.pk).update(
        steps_done=done, steps_total=total, step=name[:200]
    )
    if progress is not None:
        progress(done, total, name)


def _finish(job: ScreenshotImport, state: str, **fields: Any) -> None:
    ScreenshotImport.objects.filter(pk=job.pk).update(
        state=state, finished_at=timezone.now(), **fields
    )


def report(job: ScreenshotImport) -> dict[str, Any]:
    """The import as plain values (``creneau case screenshots --json``): each file, the attempt
    it became and what its reading found, or why it was left out."""
    recorded = [r["attempt"] for r in job.results if r.get("status") == "recorded"]
    found = attempt_readings(recorded)
    moments = dict(Attempt.objects.filter(pk__in=recorded).values_list("pk", "at"))
    files = []
    for result in job.results:
        entry: dict[str, Any] = {"name": result["name"], "status": result["status"]}
        if result["status"] != "recorded":
            files.append(entry | {"reason": result.get("reason", "")})
            continue
        checked = found.get(result["attempt"], [])
        warnings = [w for item in checked for w in item.reading.warnings]
        entry |= {
            "attempt_at": moments[result["attempt"]].isoformat(),
            "taken_at_source": checked[0].reading.taken_at_source if checked else None,
            "outcome_read": checked[0].reading.outcome if checked else None,
            "set_aside": any(item.set_aside for item in checked),
            "warnings": [
                {"code": w["code"], "message": message_for(w), "blocking": bool(w["blocking"])}
                for w in warnings
            ],
        }
        files.append(entry)
    return {
        "case": job.case.reference,
        "state": job.state,
        "recorded": len(recorded),
        "set_aside": sum(bool(f.get("set_aside")) for f in files),
        "skipped": len(files) - len(recorded),
        "files": files,
    }
