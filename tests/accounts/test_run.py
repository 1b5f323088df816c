"""``creneau run`` as a person starts it: web, workers and scheduler, restarted if one dies."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

DEADLINE_S = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children_of(pid: int) -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def wait_for(condition, what: str):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)  # polling a separate process, with a deadline
    raise AssertionError(f"timed out waiting for {what}")


def test_run_serves_the_app_and_restarts_a_scheduler_that_dies(tmp_path):
    port = free_port()
    env = {**os.environ, "CRENEAU_DATA_DIR": str(tmp_path)}
    app = subprocess.Popen(
        [".venv/bin/creneau", "run", "--port", str(port), "--web-processes", "2"],
        env=env,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:

        def home_answers():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/installation/") as reply:
                    return reply.status == 200
            except OSError:
                return False

        wait_for(home_answers, "the web page")
        scheduler = wait_for(
            lambda: [p for p, cmd in children_of(app.pid).items() if "creneau scheduler" in cmd],
            "the scheduler",
        )[0]
        assert sum("db_worker" in cmd for cmd in children_of(app.pid).values()) == 4
        # A second web process shares the address, and comes back if killed.
        (web,) = [p for p, cmd in children_of(app.pid).items() if "creneau web" in cmd]
        os.kill(web, signal.SIGKILL)
        wait_for(
            lambda: [
                p for p, cmd in children_of(app.pid).items() if "creneau web" in cmd and p != web
            ],
            "a new web process",
        )
        os.kill(scheduler, signal.SIGKILL)
        wait_for(
            lambda: [
                p
                for p, cmd in children_of(app.pid).items()
                if "creneau scheduler" in cmd and p != scheduler
            ],
            "a new scheduler",
        )
        running = set(children_of(app.pid))
    finally:
        app.send_signal(signal.SIGTERM)
        app.wait(timeout=60)
    # Stopping the app stops its workers and scheduler too.
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in running), "children to stop")
