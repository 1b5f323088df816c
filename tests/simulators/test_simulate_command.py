"""``creneau simulate`` serves the simulators in the foreground and says where."""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_it_prints_the_base_url_and_entries_then_serves_them():
    process = subprocess.Popen(
        [sys.executable, "manage.py", "simulate", "--port", "0", "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        announced = json.loads(process.stdout.readline())  # blocks until the server listens
        with urllib.request.urlopen(announced["entries"]["generic"][0], timeout=10) as answer:
            body = answer.read().decode()
        first_log_line = process.stderr.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert announced["base_url"].startswith("http://127.0.0.1:")
    assert set(announced["entries"]) >= {"legacy", "rdv_prefecture", "eappointment"}
    assert "Voir les disponibilités" in body
    assert first_log_line.startswith(f"Simulators serving on {announced['base_url']}")


def test_it_refuses_a_port_already_taken():
    from creneau.simulators.server import start

    with start() as server:
        port = server.base_url.rsplit(":", 1)[1]
        result = subprocess.run(
            [sys.executable, "manage.py", "simulate", "--port", port],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert "cannot listen" in result.stderr
