"""Bounded fuzzing: case files and uploads never end in a traceback or a half-written record.

Hypothesis drives random and mutated inputs through the real import command and the real
upload sealing. Each property is capped (``max_examples``) so the whole module stays well
under a minute in CI; failures print the shrunk input to replay.
"""

import copy
import io
import json
import os
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from creneau.cases.models import Attempt, AttemptFile, Case, Person
from creneau.catalog.models import BookingPage
from creneau.evidence.models import Blob, Upload
from creneau.evidence.uploads import UploadError, seal_upload
from creneau.lib import storage
from tests.privacy.test_transfer import CASE

pytestmark = pytest.mark.django_db

# FUZZ_EXAMPLES=5000 for a long random hunt on a workstation; CI runs the same 120 each time.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize="FUZZ_EXAMPLES" not in os.environ,  # CI: reproducible examples
)

# --- Case import -----------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.sampled_from(["", "93", "2026-02-30", "2026-09-01T09:12:00", "../etc/passwd", "/x"])
    | st.sampled_from(["online", "no_slot", "renewal", "https://x.example/", "captures"])
    | st.sampled_from(["x" * 260, "é" * 201, "https://x.example/" + "a" * 2100])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths_in(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths_in(inner, (*prefix, index))
    return found


@st.composite
def mutated_cases(draw: st.DrawFn) -> Any:
    """The documented example with a few fields replaced, removed or added."""
    data: Any = copy.deepcopy(CASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths_in(data)))
        if not path:
            return draw(json_values)
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(json_values)
        else:
            parent.append(draw(json_values))
    return data


def counts() -> dict[str, int]:
    tracked = (Person, Case, Attempt, AttemptFile, BookingPage, Blob)
    return {model.__name__: model.objects.count() for model in tracked}


def assert_fits_its_columns(case: Case) -> None:
    """What SQLite accepts, PostgreSQL may refuse: every imported text fits its column."""
    rows: list[models.Model] = [case, case.person, *case.attempts.all()]
    for row in rows:
        for field in row._meta.concrete_fields:
            value = getattr(row, field.attname)
            if isinstance(field, models.CharField) and isinstance(value, str):
                assert field.max_length is None or len(value) <= field.max_length, field.name


def try_import(folder: Path, data: Any) -> None:
    path = folder / "case.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = counts()
    out = io.StringIO()
    try:
        call_command("case", "import", str(path), "--json", stdout=out)
    except CommandError as refused:
        assert refused.returncode == 1 and "rien n'a été importé" in str(refused)
        assert counts() == before  # nothing half-imported
        event("refused")
        return
    if json.loads(out.getvalue()).get("already_imported"):
        assert counts() == before  # the same content again: the case already there
        event("already imported")
        return
    event("imported")
    after = counts()
    assert after["Case"] == before["Case"] + 1 and after["Person"] == before["Person"] + 1
    assert_fits_its_columns(Case.objects.latest("pk"))


@pytest.fixture
def case_folder(tmp_path: Path) -> Path:
    (tmp_path / "captures").mkdir()
    Image.new("RGB", (12, 8), "white").save(tmp_path / "captures" / "2026-09-01.png")
    return tmp_path


@FUZZ
@given(data=json_values)
def test_a_random_json_document_is_refused_cleanly(case_folder, data):
    try_import(case_folder, data)


def with_online_outcome(outcome: Any) -> Any:
    data = copy.deepcopy(CASE)
    data["attempts"][0]["outcome"] = outcome
    return data


@FUZZ
@given(data=mutated_cases())
@example(data=with_online_outcome([]))  # found by this test: an unhashable outcome crashed
@example(data={**CASE, "attempts": [{**CASE["attempts"][0], "files": ["x" * 300]}]})  # ENAMETOOLONG
def test_a_mutated_case_file_is_imported_whole_or_refused_with_its_problems(case_folder, data):
    try_import(case_folder, data)


# --- Uploads ---------------------------------------------------------------------------------


def sample_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (16, 9), (10, 200, 30, 128)).save(out, "PNG")
    return out.getvalue()


def sample_jpeg() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (16, 9), "navy")
    exif = image.getexif()
    exif[0x0112] = 6  # orientation: the decoder has EXIF to read and act on
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def sample_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


SAMPLES = [sample_png(), sample_jpeg(), sample_pdf()]


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        if action == "flip":
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "cut":
            del data[position:]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        else:
            data[position : position + 4] = b"\0\0\0\0"
        if not data:
            break
    return bytes(data)


def try_seal(data: bytes) -> None:
    uploads = Upload.objects.count()
    try:
        sealed = seal_upload(data, "piece")
    except UploadError as refused:
        assert str(refused)  # a sentence for the volunteer, never an empty message
        assert Upload.objects.count() == uploads
        event(f"refused: {str(refused)[:30]}")
        return
    event(f"sealed {sealed.media_type}")
    assert Upload.objects.count() == uploads + 1
    assert storage.check(sealed.original_sha256) and storage.check(sealed.filed_sha256)


@FUZZ
@given(data=st.binary(max_size=2048) | st.sampled_from([b"%PDF-", b"\x89PNG\r\n\x1a\n"]))
def test_random_bytes_are_sealed_or_refused_never_crash(data):
    try_seal(data)


BROKEN_PNG_CHUNK = (  # found by this test: Pillow raised SyntaxError, not OSError
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\t\x08\x06\x00\x00\x00;*"
    b"\xac2\x00\x00\x00\x00IDATx\x9cc\xe4:!\xd7\xc0@\x01`\xa2D\xf3\xa8\x01\xc3\xc6\x00\x00\\\x03"
    b"\x01\x82\x1a\x8ep\xd4\x00\x00\x00\x00IEND\xaeB`\x82"
)


@FUZZ
@given(data=mutated_files())
@example(data=BROKEN_PNG_CHUNK)
def test_damaged_png_jpeg_and_pdf_files_are_sealed_or_refused_never_crash(data):
    try_seal(data)
