"""The local S3-compatible server (scripts/s3server.py) as a test helper: a real HTTP server on
a free loopback port, in its own process, stopped (and its state saved) on SIGTERM."""

import os
import signal
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[1]
KEY = "local"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class S3Server:
    state: Path
    port: int = 0
    process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "S3Server":
        self.port = self.port or free_port()
        command = [sys.executable, str(ROOT / "scripts" / "s3server.py"), "--port", str(self.port)]
        command += ["--state", str(self.state)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # printed once the server answers
        assert line.strip() == self.url, f"the S3 server did not start: {line!r}"
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=KEY,
            aws_secret_access_key=KEY,
        )

    def new_bucket(self, *, object_lock: bool = False) -> str:
        name = f"evidence-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name, ObjectLockEnabledForBucket=object_lock)
        return name

    def environment(self, bucket: str) -> dict[str, str]:
        """The ``CRENEAU_*`` variables of a process that uses this server's bucket."""
        return {
            "CRENEAU_EVIDENCE_STORE": "s3",
            "CRENEAU_S3_ENDPOINT_URL": self.url,
            "CRENEAU_S3_REGION": "us-east-1",
            "CRENEAU_S3_BUCKET": bucket,
            "CRENEAU_S3_ACCESS_KEY_ID": KEY,
            "CRENEAU_S3_SECRET_ACCESS_KEY": KEY,
        }


def configure(settings: Any, server: S3Server, bucket: str) -> None:
    """Point this test process's evidence store at ``bucket``."""
    for name, value in server.environment(bucket).items():
        setattr(settings, name.removeprefix("CRENEAU_"), value)
    settings.S3_PREFIX = ""
    settings.S3_SSE = ""
    settings.S3_SSE_KMS_KEY_ID = ""
    settings.S3_LOCK_MODE = ""
    settings.S3_LOCK_DAYS = 0


os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")  # never ask a cloud for credentials
