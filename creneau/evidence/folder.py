"""A sealed folder a judge can check with standard tools (docs/verification.md).

Layout::

    <artefact files>          named as in the manifest (screenshot.png, page.mhtml…)
    manifest.json             the exact manifest bytes the tokens cover
    timestamps/1.tsr, 2.tsr…  one RFC 3161 response per authority (``openssl ts -verify -in``)
    SHA256SUMS                every artefact and manifest.json (``sha256sum -c SHA256SUMS``)
    ca.pem                    the configured TSA roots, when ``CRENEAU_TSA_CA_FILE`` is set

The folder is written from the store, so what is exported is what was sealed.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from creneau.evidence.models import Seal
from creneau.lib import storage

MANIFEST = "manifest.json"
TIMESTAMPS = "timestamps"
SUMS = "SHA256SUMS"
CA = "ca.pem"


@dataclass(frozen=True)
class Written:
    folder: Path
    files: dict[str, str]  # artefact name → sha256
    manifest: Path
    timestamps: tuple[Path, ...]


def token_filename(number: int) -> str:
    """``1.tsr``, ``2.tsr``…: short names a judge can type; each token names its authority."""
    return f"{number}.tsr"


def write(seal: Seal, folder: Path) -> Written:
    files = {a.name: a.blob.sha256 for a in seal.artefacts.select_related("blob")}
    for name, digest in files.items():
        storage.export(digest, folder / name)
    storage.export(seal.manifest.sha256, folder / MANIFEST)
    tokens = []
    for number, token in enumerate(seal.tokens.select_related("response"), start=1):
        path = folder / TIMESTAMPS / token_filename(number)
        storage.export(token.response.sha256, path)
        tokens.append(path)
    sums = {**files, MANIFEST: seal.manifest.sha256}
    text = "".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items()))
    storage.write_export(folder / SUMS, text.encode())
    if settings.TSA_CA_FILE:
        storage.write_export(folder / CA, Path(settings.TSA_CA_FILE).read_bytes())
    return Written(folder, files, folder / MANIFEST, tuple(tokens))
