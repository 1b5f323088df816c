"""A real RFC 3161 time-stamping authority on 127.0.0.1, for tests, demos and development.

It creates its own test root CA and TSA certificate with ``openssl`` in a folder, then answers
each POSTed time-stamp query with ``openssl ts -reply``. Tokens are real and verify with
``openssl ts -verify -CAfile <folder>/ca.pem``, but the root is a throwaway: a token from this
authority proves nothing to a court. Production uses the TSAs of ``CRENEAU_TSA_URLS``.

The reply is made without ``-chain`` on purpose: openssl then writes a certificate SET that
is not DER-sorted, which rfc3161-client rightly rejects (stack.md §3). The verifier gets the
root from the CA file instead.

Run ``python -m creneau.lib.localtsa DIR`` to serve one in the foreground.
"""

import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

_CONFIG = """\
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ v3_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ v3_tsa ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
serial = {serial}
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_alg = sha256
"""


class LocalTSAError(Exception):
    """openssl failed to create the test authority or to answer a query."""


def _openssl(*args: str, cwd: Path) -> None:
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, check=False)
    if result.returncode != 0:
        raise LocalTSAError(f"openssl {args[0]} failed: {result.stderr.decode(errors='replace')}")


def create_authority(folder: Path) -> None:
    """Write ``tsa.cnf``, ``ca.pem`` (the root to trust), ``tsa.crt`` and keys into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "tsa.crt").exists():
        return
    (folder / "tsa.cnf").write_text(_CONFIG.format(serial=folder / "tsaserial"))
    (folder / "tsaserial").write_text("01\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    _openssl(
        "req", "-x509", "-new", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650",
        "-subj", "/CN=Creneau Local Test Root CA", "-config", "tsa.cnf", "-extensions", "v3_ca",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "req", "-new", *ec, "-keyout", "tsa.key", "-out", "tsa.csr",
        "-subj", "/CN=Creneau Local Test TSA", "-config", "tsa.cnf",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "tsa.crt", "-days", "3650",
        "-extfile", "tsa.cnf", "-extensions", "v3_tsa",
        cwd=folder,
    )  # fmt: skip


def reply(folder: Path, query: bytes) -> bytes:
    """Answer one DER time-stamp query with a DER time-stamp response."""
    with tempfile.TemporaryDirectory(dir=folder) as work:
        query_file, reply_file = Path(work) / "q.tsq", Path(work) / "r.tsr"
        query_file.write_bytes(query)
        _openssl(
            "ts", "-reply", "-config", "tsa.cnf", "-queryfile", str(query_file),
            "-inkey", "tsa.key", "-signer", "tsa.crt", "-out", str(reply_file),
            cwd=folder,
        )  # fmt: skip
        return reply_file.read_bytes()


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_POST(self) -> None:
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            with self.server.lock:  # openssl increments one serial file
                body = reply(self.server.folder, query)
        except LocalTSAError:
            self.send_error(400, "bad time-stamp query")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # tests and demos do not want one line per token on stderr


class _Server(HTTPServer):
    def __init__(self, folder: Path, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.folder = folder
        self.lock = threading.Lock()


class LocalTSA:
    """``LocalTSA(folder).start()`` → serving; ``.url`` and ``.ca_file`` to configure clients."""

    def __init__(self, folder: Path, port: int = 0) -> None:
        self.folder = Path(folder)
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/tsa"

    @property
    def ca_file(self) -> Path:
        return self.folder / "ca.pem"

    def start(self) -> "LocalTSA":
        """Serve on the same port as before when restarted, so configured URLs stay valid."""
        create_authority(self.folder)
        self._server = _Server(self.folder, self.port)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "data/localtsa")
    tsa = LocalTSA(folder, int(sys.argv[2]) if len(sys.argv) > 2 else 0).start()
    sys.stderr.write(f"CRENEAU_TSA_URLS={tsa.url}\nCRENEAU_TSA_CA_FILE={tsa.ca_file}\n")
    assert tsa._thread is not None
    try:
        tsa._thread.join()
    except KeyboardInterrupt:
        tsa.stop()


if __name__ == "__main__":
    main()
