"""Recording court events and added documents; running a bundle build with its progress."""

import json
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from creneau.cases.downloads import zip_file
from creneau.cases.models import Case, CourtEvent
from creneau.court.bundle import BUNDLE_JSON, build_bundle
from creneau.court.errors import BundleError
from creneau.court.followups import status_after
from creneau.court.models import BundleBuild
from creneau.evidence.models import Blob, CaseDocument, Upload
from creneau.evidence.uploads import seal_upload
from creneau.lib import storage

ZIP_MEDIA_TYPE = "application/zip"


def record_event(case: Case, user: User | None, **fields: Any) -> CourtEvent:
    """Append the event, then move the case status the way the events imply."""
    with transaction.atomic():
        event = CourtEvent.objects.create(case=case, recorded_by=user, **fields)
        events = list(CourtEvent.objects.filter(case=case).order_by("occurred_on", "id"))
        status = status_after(events, case.status)
        if status != case.status:
            case.status = status
            case.save(update_fields=["status", "updated_at"])
    return event


def add_document(
    case: Case, user: User | None, *, kind: str, label: str, data: bytes, filename: str
) -> CaseDocument:
    """Seal the file on arrival (``UploadError`` if refused), then link it to the case."""
    sealed = seal_upload(data, filename, case)
    return CaseDocument.objects.create(
        case=case,
        kind=kind,
        label=label,
        upload=Upload.objects.get(pk=sealed.upload_id),
        added_by=user,
    )


def building_folder(build: BundleBuild) -> Path:
    """Where the bundle is drawn before it goes to the store (removed once it is there; the
    case's erasure removes whatever a crash left)."""
    folder = Path(settings.DATA_DIR) / "bundles" / build.case.reference
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_build(build_id: str) -> dict[str, Any]:
    """Build a queued bundle, writing its progress on the row the bundle page polls; the
    finished bundle is zipped once into the evidence store, where any host can serve it."""
    build = BundleBuild.objects.select_related("case").get(pk=build_id)
    BundleBuild.objects.filter(pk=build.pk).update(state=BundleBuild.State.RUNNING)

    def progress(done: int, total: int, step: str) -> None:
        BundleBuild.objects.filter(pk=build.pk).update(
            steps_done=done, steps_total=total, step=step
        )

    with tempfile.TemporaryDirectory(prefix=".building-", dir=building_folder(build)) as work:
        folder = Path(work) / "bundle"
        try:
            result = build_bundle(build.case, folder, progress=progress, **build.options)
            manifest = json.loads((folder / BUNDLE_JSON).read_text(encoding="utf-8"))
            with zip_file(folder) as zipped:  # never whole in memory past its spool size
                stored = storage.put_file(zipped)
        except (BundleError, storage.StorageError) as error:
            _finish(build, BundleBuild.State.FAILED, error=str(error))
            return {"state": "failed", "error": str(error)}
    archive, _ = Blob.objects.get_or_create(
        sha256=stored.sha256, defaults={"size": stored.size, "media_type": ZIP_MEDIA_TYPE}
    )
    _finish(build, BundleBuild.State.DONE, archive=archive, manifest=manifest)
    return {"state": "done", "files": len(result.files), "sha256": stored.sha256}


def _finish(build: BundleBuild, state: str, **fields: Any) -> None:
    BundleBuild.objects.filter(pk=build.pk).update(
        state=state, finished_at=timezone.now(), **fields
    )
