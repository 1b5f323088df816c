"""A bundle built from the web page is one zip in the evidence store: any host serves it, the
store's check knows it, and the case's erasure removes it."""

import hashlib
import html
import io
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from creneau.cases import downloads
from creneau.court import services
from creneau.court.models import BundleBuild
from creneau.court.services import run_build
from creneau.evidence.verify import verify_store
from creneau.lib import storage, tsa

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def files_under(folder):
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.mark.s3
@pytest.mark.django_db
def test_a_bundle_built_by_a_worker_downloads_from_a_web_host_sharing_the_bucket(
    s3_store, s3_server, settings, tmp_path, personas, imported_case
):
    """GIVEN a worker host and a web host with their own data folders and one S3 bucket
    WHEN the worker builds the bundle started from the page
    THEN nothing of it stays on the worker's disk, and the web host shows and sends the zip."""
    worker, web = tmp_path / "worker", tmp_path / "web"
    settings.DATA_DIR = worker
    client = personas.client_for(personas.alice)
    ref = imported_case.reference
    start = reverse("court-bundle-start", args=[ref])  # the URLs load with the real queues
    with override_settings(TASKS=IMMEDIATE):
        client.post(start)
    build = BundleBuild.objects.get(case=imported_case)
    assert build.state == BundleBuild.State.DONE, build.error
    assert build.archive is not None and build.folder == ""
    assert files_under(worker) == []  # the building folder is gone
    listed = s3_server.client().list_objects_v2(Bucket=s3_store)["Contents"]
    assert storage.key_for(build.archive.sha256) in {item["Key"] for item in listed}

    settings.DATA_DIR = web
    page = html.unescape(client.get(reverse("court-bundle", args=[ref, build.pk])).content.decode())
    assert "Dossier incomplet" in page  # bundle.json's « missing », read from the row
    download = client.get(reverse("court-bundle-zip", args=[ref, build.pk]))
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == build.archive.sha256
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "bundle.json" in names and "depot/00_Requete_refere_mesures_utiles.pdf" in names
    assert not web.exists() or files_under(web) == []


@pytest.mark.django_db
def test_the_store_check_knows_the_zip_and_erasure_removes_it(
    settings, tmp_path, personas, imported_case
):
    """GIVEN a bundle built from the page, kept in the local store
    WHEN the whole store is verified, then the case erased
    THEN the zip is checked (not an orphan), then removed from the store with the case."""
    settings.DATA_DIR = tmp_path / "host"
    build = BundleBuild.objects.create(case=imported_case)
    assert run_build(str(build.pk))["state"] == "done"
    build.refresh_from_db()
    digest = build.archive.sha256
    assert storage.path_for(digest).exists()

    report = verify_store(tsa.load_roots(None))
    assert report.orphans == []
    assert not [p for p in report.problems if digest in p.where]

    call_command("case", "erase", imported_case.reference, "--yes", stderr=StringIO())

    assert not storage.path_for(digest).exists()
    assert not BundleBuild.objects.exists()
    assert files_under(tmp_path / "host") == []


@pytest.mark.django_db
def test_an_older_build_kept_as_a_folder_still_downloads(
    settings, tmp_path, personas, imported_case
):
    """GIVEN a build recorded before bundles went to the store (a folder on this host)
    THEN its page and its download still work from that folder."""
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "bundle.json").write_text('{"missing": ["pièce n° 3"]}')
    build = BundleBuild.objects.create(
        case=imported_case, state=BundleBuild.State.DONE, folder=str(folder)
    )
    client = personas.client_for(personas.alice)
    ref = imported_case.reference
    page = html.unescape(client.get(reverse("court-bundle", args=[ref, build.pk])).content.decode())
    assert "pièce n° 3" in page
    download = client.get(reverse("court-bundle-zip", args=[ref, build.pk]))
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist() == [
        "bundle.json"
    ]


@pytest.mark.s3
@pytest.mark.django_db
def test_a_bundle_larger_than_the_memory_bound_is_streamed_to_the_bucket_and_verifies(
    s3_store, s3_server, settings, tmp_path, personas, imported_case, monkeypatch
):
    """GIVEN a memory bound far below the bundle's size (the zip spills to a temporary file)
    WHEN the worker builds the bundle into the bucket
    THEN the zip went through a file on disk, is stored whole, verifies, and downloads."""
    settings.DATA_DIR = tmp_path / "worker"
    monkeypatch.setattr(downloads, "SPOOL_BYTES", 4096)
    monkeypatch.setattr(storage, "SPOOL_BYTES", 4096)
    spilled: list[bool] = []
    made = services.zip_file

    def watched(folder):
        zipped = made(folder)
        spilled.append(bool(getattr(zipped, "_rolled", False)))
        return zipped

    monkeypatch.setattr(services, "zip_file", watched)
    build = BundleBuild.objects.create(case=imported_case)
    assert run_build(str(build.pk))["state"] == "done"
    build.refresh_from_db()
    assert spilled == [True] and build.archive.size > 4096
    assert storage.check(build.archive.sha256)
    report = verify_store(tsa.load_roots(None))
    assert report.orphans == [] and not [p for p in report.problems if "blob" in p.code]
    client = personas.client_for(personas.alice)
    ref = imported_case.reference
    download = client.get(reverse("court-bundle-zip", args=[ref, build.pk]))
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == build.archive.sha256
