import io
import json

import pytest
from PIL import Image

from creneau.cases.models import ONLINE_OUTCOMES
from creneau.evidence.attempts import record_capture
from creneau.evidence.models import Capture, JournalEntry, Seal
from creneau.evidence.verify import verify_path, verify_store
from creneau.lib import browser, storage
from creneau.lib.tsa import load_roots
from creneau.scheduling.attempts import capture
from creneau.watch.classify import Classification
from tests.lib.pages import NO_SLOT, SLOTS, site

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_a_capture_keeps_every_artefact_sealed_and_verifiable(page_server, tsa_on, tmp_path):
    result = capture(f"{page_server}/", out_dir=tmp_path / "out")

    assert result.outcome in ONLINE_OUTCOMES
    assert result.state == "sealed" and result.tokens == 1
    assert set(result.files) == {
        "screenshot.png",
        "screenshot-stamped.png",
        "page.html",
        "page.mhtml",
        "headers.json",
        "dialogs.json",
    }
    folder = tmp_path / "out"
    assert (folder / "page.mhtml").read_bytes().startswith(b"From: <Saved by Blink>")
    assert "Aucun créneau" in (folder / "page.html").read_text()
    headers = dict(json.loads((folder / "headers.json").read_text()))
    assert headers["content-type"].startswith("text/html") and headers["date"]
    assert len(result.folder.timestamps) == 1
    assert verify_path(folder, load_roots()).ok


def test_the_manifest_lists_digests_and_capture_facts(page_server, tsa_on):
    result = capture(f"{page_server}/")

    manifest = json.loads(storage.read(result.manifest_sha256))
    listed = {a["name"]: a["sha256"] for a in manifest["artefacts"]}
    assert listed == result.files
    assert manifest["url"] == f"{page_server}/" and manifest["status"] == 200
    assert manifest["browser"]["version"] and "Creneau" in manifest["browser"]["user_agent"]
    assert manifest["software"]["creneau"] and manifest["clock"]["source"]
    assert manifest["server_date"].endswith("GMT")
    assert (
        storage.read(result.manifest_sha256)
        == json.dumps(manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    )


def test_the_stamped_copy_adds_a_band_above_the_untouched_original(page_server, tsa_on):
    result = capture(f"{page_server}/")

    original = Image.open(io.BytesIO(storage.read(result.files["screenshot.png"])))
    stamped = Image.open(io.BytesIO(storage.read(result.files["screenshot-stamped.png"])))
    assert original.width == 1366
    assert stamped.width == original.width and stamped.height > original.height + 100
    band = stamped.height - original.height
    assert stamped.crop((0, band, stamped.width, stamped.height)).tobytes() == original.tobytes()


def test_an_alert_is_kept_in_dialogs_json(page_server, tsa_on):
    result = capture(f"{page_server}/alert")

    dialogs = json.loads(storage.read(result.files["dialogs.json"]))
    assert dialogs == ["Il n'existe plus de plage horaire libre pour votre demande de rendez-vous."]


def test_a_failed_visit_is_still_captured_as_an_error(tsa_on):
    result = capture("http://127.0.0.1:9/")

    assert result.outcome == "error"
    assert "navigation failed" in result.error
    assert result.state == "sealed"
    assert "screenshot-stamped.png" in result.files
    row = Capture.objects.get(pk=result.capture_id)
    assert row.outcome == "error" and row.seal.state == Seal.State.SEALED


def test_a_capture_with_no_authority_answering_awaits_its_timestamp(page_server, unreachable_tsa):
    result = capture(f"{page_server}/")

    assert result.state == "awaiting_timestamp" and result.tokens == 0
    assert result.tsa_failures
    assert Capture.objects.get(pk=result.capture_id).seal.tokens.count() == 0


def test_a_case_capture_shows_the_case_reference_in_the_manifest(page_server, tsa_on, case):
    result = capture(f"{page_server}/", case=case)

    manifest = json.loads(storage.read(result.manifest_sha256))
    assert manifest["case"] == case.reference
    assert Capture.objects.get(pk=result.capture_id).case == case


def test_recording_the_attempt_links_it_and_chains_it_into_the_journal(page_server, tsa_on, case):
    result = capture(f"{page_server}/", case=case)

    attempt = record_capture(result.capture_id)

    assert attempt is not None and record_capture(result.capture_id) is None  # once only
    assert attempt.outcome == result.outcome and attempt.source == "sealed"
    assert attempt.at <= result.captured_at
    assert [f.name for f in attempt.files.all()] == ["screenshot-stamped.png"]
    assert Capture.objects.get(pk=result.capture_id).attempt == attempt
    [entry] = JournalEntry.objects.filter(case=case)
    payload = json.loads(entry.payload)
    assert payload["manifests"] == [result.manifest_sha256]
    assert payload["files"] == [
        {"name": "screenshot-stamped.png", "sha256": result.files["screenshot-stamped.png"]}
    ]
    assert verify_store(load_roots()).ok


def test_a_drivers_judgement_replaces_the_generic_classifier(page_server, tsa_on):
    """A generic page is read by the texts configured for it, not by the built-in tables."""
    seen = Classification("slots_available", "generic", "Prochaine date : 12 décembre")

    result = capture(f"{page_server}/tall", judge=lambda snap: seen)

    assert (result.outcome, result.matched) == ("slots_available", "Prochaine date : 12 décembre")


def test_a_failed_visit_is_an_error_whatever_the_judge_says(tsa_on):
    def says_no_slot(snap):
        return Classification("no_slot", "generic", "Aucun créneau")

    result = capture("http://127.0.0.1:9/", judge=says_no_slot)

    assert result.outcome == "error" and result.error


def test_the_stamp_speaks_french_without_the_internal_code(page_server, tsa_on):
    """Issue 19: the stamped capture read « aucun créneau (no_slot) »; a judge reads words."""
    from creneau.lib import ocr

    result = capture(f"{page_server}/")

    original = Image.open(io.BytesIO(storage.read(result.files["screenshot.png"])))
    stamped = Image.open(io.BytesIO(storage.read(result.files["screenshot-stamped.png"])))
    band = stamped.crop((0, 0, stamped.width, stamped.height - original.height)).convert("L")
    text = " ".join(word.text for word in ocr.read(band).words)
    assert f"({result.outcome})" not in text and result.outcome not in text
    assert "page non reconnue" in text  # this page's outcome, in its French words


@pytest.mark.parametrize("path", ["/plain", "/changes-once-read"])
def test_work_begun_while_the_freeze_is_proven_is_sealed_only_for_the_state_proven(
    tsa_on, monkeypatch: pytest.MonkeyPatch, path: str
):
    """GIVEN a page without readiness, whose freeze is proven only after a quiet time (during
    which the capture judges, stamps and time-stamps ahead) WHEN it is still, or changes just
    after being read THEN what is sealed is the state proven, every file of the seal is in the
    store and nothing else is: the early work on a freeze that did not hold left no file."""
    monkeypatch.setattr(browser, "QUIET_S", 1.0)  # the proof surely waits: the work goes early
    with site() as pages:
        result = capture(pages.url + path)
    assert result.state == "sealed" and result.tokens == 1
    html = storage.read(result.files["page.html"]).decode()
    if path == "/plain":
        assert NO_SLOT in html
    else:
        assert result.outcome != "no_slot" and SLOTS in html and NO_SLOT not in html
    manifest = json.loads(storage.read(result.manifest_sha256))
    assert {a["name"]: a["sha256"] for a in manifest["artefacts"]} == result.files
    report = verify_store(load_roots())
    assert report.ok and report.orphans == []
