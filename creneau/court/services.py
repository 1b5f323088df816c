"""Recording court events and added documents; running a bundle build with its progress."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from creneau.cases.models import Case, CourtEvent
from creneau.court.bundle import build_bundle
from creneau.court.errors import BundleError
from creneau.court.followups import status_after
from creneau.court.models import BundleBuild
from creneau.evidence.models import CaseDocument, Upload
from creneau.evidence.uploads import seal_upload


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


def bundle_folder(build: BundleBuild) -> Path:
    return Path(settings.DATA_DIR) / "bundles" / build.case.reference / str(build.pk)


def run_build(build_id: str) -> dict[str, Any]:
    """Build a queued bundle, writing its progress on the row the bundle page polls."""
    build = BundleBuild.objects.select_related("case").get(pk=build_id)
    folder = bundle_folder(build)
    BundleBuild.objects.filter(pk=build.pk).update(state=BundleBuild.State.RUNNING)

    def progress(done: int, total: int, step: str) -> None:
        BundleBuild.objects.filter(pk=build.pk).update(
            steps_done=done, steps_total=total, step=step
        )

    try:
        result = build_bundle(build.case, folder, progress=progress, **build.options)
    except BundleError as error:
        _finish(build, BundleBuild.State.FAILED, error=str(error))
        return {"state": "failed", "error": str(error)}
    _finish(build, BundleBuild.State.DONE, folder=str(folder))
    return {"state": "done", "files": len(result.files)}


def _finish(build: BundleBuild, state: str, **fields: str) -> None:
    BundleBuild.objects.filter(pk=build.pk).update(
        state=state, finished_at=timezone.now(), **fields
    )
