import io
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from creneau.cases.models import ONLINE_OUTCOMES
from tests.hanging import hanging_server

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "verification.md"


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def captured(page_server, tsa_on, tmp_path):
    printed = run(
        "capture", f"{page_server}/", "--out", str(tmp_path / "c"), "--json", "--allow-local"
    )
    return json.loads(printed), tmp_path / "c"


@pytest.mark.browser
def test_capture_prints_the_contract_and_writes_a_verifiable_folder(captured):
    result, folder = captured

    assert result["outcome"] in ONLINE_OUTCOMES
    assert {"system", "files", "manifest", "timestamps"} <= set(result)
    assert result["manifest"] == str(folder / "manifest.json")
    assert result["timestamps"] == [str(folder / "timestamps" / "1.tsr")]
    for name, digest in result["files"].items():
        assert (folder / name).exists() and len(digest) == 64
    assert result["timestamp"]["status"] == "verified"
    assert result["timestamp"]["verified"][0]["tsa"] == "CN=Creneau Local Test TSA"
    assert json.loads(run("verify", str(folder), "--json")) == {
        "ok": True,
        "checked": 1,
        "problems": [],
        "pending": [],
        "pending_count": 0,
    }


def _capture(page_server, folder: Path) -> dict:
    printed = run("capture", f"{page_server}/", "--out", str(folder), "--json", "--allow-local")
    return json.loads(printed)


@pytest.mark.browser
def test_without_an_authority_the_capture_says_disabled_and_verify_wants_allow_pending(
    page_server, tmp_path, capsys
):
    result = _capture(page_server, tmp_path / "c")

    assert result["timestamp"]["status"] == "disabled" and result["timestamps"] == []
    assert "Horodatage désactivé" in capsys.readouterr().err
    with pytest.raises(CommandError) as failed:
        call_command("verify", str(tmp_path / "c"), "--json")
    assert failed.value.returncode == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert [p["code"] for p in report["problems"]] == ["no_timestamp"]
    assert report["pending_count"] == 1 and "1 scellé(s) sans jeton" in captured.err

    call_command("verify", str(tmp_path / "c"), "--allow-pending", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and len(report["pending"]) == 1 and report["pending_count"] == 1


@pytest.mark.browser
def test_an_authority_that_does_not_answer_leaves_the_capture_pending(
    page_server, unreachable_tsa, tmp_path, capsys
):
    result = _capture(page_server, tmp_path / "c")

    assert result["timestamp"]["status"] == "pending" and result["timestamp"]["failures"]
    assert "Aucune autorité d'horodatage n'a répondu" in capsys.readouterr().err


def test_capture_refuses_a_loopback_address_without_allow_local(tmp_path):
    with pytest.raises(CommandError) as refused:
        run("capture", "http://127.0.0.1:8000/", "--out", str(tmp_path / "c"), "--json")
    assert refused.value.returncode == 1
    assert not (tmp_path / "c").exists()


@pytest.mark.browser
def test_verify_lists_each_problem_and_exits_1(captured):
    _, folder = captured
    (folder / "page.html").write_text("<p>réécrit</p>")
    (folder / "dialogs.json").write_text('["faux"]')

    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("verify", str(folder), "--json", stdout=out)

    assert failed.value.returncode == 1
    problems = json.loads(out.getvalue())["problems"]
    assert sorted(p["where"].rsplit("/", 1)[1] for p in problems) == ["dialogs.json", "page.html"]


def test_verify_needs_a_folder_or_the_store():
    with pytest.raises(CommandError) as usage:
        run("verify")
    assert usage.value.returncode == 2


def test_verify_store_is_clean_on_an_empty_store(tsa_on):
    assert "aucun problème" in run("verify", "--store")
    assert json.loads(run("verify", "store", "--json"))["ok"] is True


def test_verify_store_lists_files_no_row_refers_to_without_failing(tsa_on):
    from creneau.evidence.models import Blob
    from creneau.lib import storage

    known = storage.put(b"recorded evidence")
    Blob.objects.create(sha256=known.sha256, size=known.size)
    orphan = storage.put(b"written just before a crash")  # no row: the transaction never ran

    report = json.loads(run("verify", "--store", "--json"))

    assert report["ok"] is True
    assert report["orphans"] == [orphan.sha256]
    assert f"ORPHELIN {orphan.sha256}" in run("verify", "--store")


def test_seal_pending_reports_what_it_did(tsa_on):
    assert json.loads(run("seal_pending", "--json")) == {
        "sealed": 0,
        "still_pending": 0,
        "journals_anchored": 0,
        "journals_unanchored": 0,
    }


@pytest.mark.browser
def test_the_verify_command_exits_1_from_the_shell(captured, tsa_on, tmp_path):
    _, folder = captured
    (folder / "page.mhtml").write_bytes(b"x")

    done = subprocess.run(
        [Path(sys.executable).parent / "creneau", "verify", folder, "--ca", tsa_on.ca_file],
        capture_output=True,
        text=True,
        env={**os.environ, "CRENEAU_DATA_DIR": str(tmp_path / "data")},
    )

    assert done.returncode == 1
    assert done.stdout, done.stderr
    [line] = done.stdout.splitlines()
    assert "artefact_altered" in line and "page.mhtml" in line


def doc_commands() -> list[str]:
    """The ``$ …`` lines of the shell blocks of docs/verification.md, in order."""
    blocks = re.findall(r"```sh\n(.*?)```", DOCS.read_text(), flags=re.S)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]


@pytest.mark.browser
def test_the_commands_of_the_verification_kit_succeed_on_a_real_capture(captured):
    _, folder = captured
    commands = doc_commands()
    assert "sha256sum -c SHA256SUMS" in commands
    assert "openssl ts -verify -in timestamps/1.tsr -data manifest.json -CAfile ca.pem" in commands

    outputs = {}
    for command in commands:
        done = subprocess.run(["sh", "-c", command], cwd=folder, capture_output=True, text=True)
        assert done.returncode == 0, (command, done.stderr)
        outputs[command] = done.stdout

    assert "Verification: OK" in outputs[commands[1]]
    assert "Time stamp:" in outputs[commands[2]]
    (folder / "screenshot.png").write_bytes(b"altered")
    sums = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True)
    assert sums.returncode != 0 and b"screenshot.png: FAILED" in sums.stdout


@pytest.mark.browser
def test_capture_of_a_site_that_never_answers_stops_at_its_deadline_and_keeps_an_error(tmp_path):
    """Issue 24 item 3: ``creneau capture`` against a server that accepts and never answers
    used to run past 300 s. With a 3 s deadline it ends, and seals the visit as an error."""
    env = {
        **os.environ,
        "CRENEAU_DATA_DIR": str(tmp_path / "data"),
        "CRENEAU_TSA_URLS": "",
        "CRENEAU_CAPTURE_DEADLINE": "3",
    }
    env.pop("CRENEAU_DATABASE_URL", None)
    subprocess.run(
        [".venv/bin/creneau", "migrate", "-v0"], env=env, check=True, capture_output=True
    )
    with hanging_server() as server:
        command = [".venv/bin/creneau", "capture", server.url, "--out", str(tmp_path / "c")]
        child = subprocess.Popen(
            [*command, "--json", "--allow-local"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # the command and its Chromium, killed together if stuck
        )
        try:
            out, err = child.communicate(timeout=120)  # a bound on a hang, not a timing
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            raise AssertionError("creneau capture was still waiting on the site") from None
    assert child.returncode == 0, err.decode()[-2000:]
    result = json.loads(out)
    assert result["outcome"] == "error"
    assert "deadline" in result["error"]
    assert (tmp_path / "c" / "manifest.json").exists()
