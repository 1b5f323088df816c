"""A local S3-compatible server for tests, benchmarks and rehearsals (never for real data).

    scripts/s3server [--port 9000] [--state DIR] [--bucket NAME] [--object-lock]

moto's server (a dev dependency from PyPI) on 127.0.0.1, any access key accepted. With
``--state``, the buckets are saved there when the server stops (SIGTERM or Ctrl-C) and loaded
when it starts, so a restart keeps the objects; a SIGKILL loses what the run added. Prints the
endpoint URL on one line once it answers. Créneau's S3 backend uses the standard API only:
nothing may rely on this server's quirks.
"""

import argparse
import logging
import os
import pickle
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from moto.server import ThreadedMotoServer

STATE = "s3-state.pickle"


def _backend():  # type: ignore[no-untyped-def]
    return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]


def load(folder: Path) -> None:
    saved = folder / STATE
    if saved.exists():
        _backend().buckets.update(pickle.loads(saved.read_bytes()))  # noqa: S301 (our own file)


def save(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (STATE + ".tmp")
    tmp.write_bytes(pickle.dumps(dict(_backend().buckets)))
    tmp.replace(folder / STATE)


def create_bucket(url: str, name: str, object_lock: bool) -> None:
    client = boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 (any key opens this test server)
    )
    if name not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
        client.create_bucket(Bucket=name, ObjectLockEnabledForBucket=object_lock)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--state", type=Path)
    parser.add_argument("--bucket")
    parser.add_argument("--object-lock", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # not one line per request
    if args.state:
        load(args.state)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{args.port}"
    if args.bucket:
        create_bucket(url, args.bucket, args.object_lock)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stdout.write(url + "\n")
    sys.stdout.flush()
    stopping.wait()
    server.stop()
    if args.state:
        save(args.state)
    sys.exit(0)


if __name__ == "__main__":
    main()
