"""A folder sent as a zip download, built on disk past a size rather than in memory."""

import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from django.http import FileResponse

SPOOL_BYTES = 64 * 1024 * 1024


def folder_as_zip(folder: Path, filename: str, extra: Mapping[str, str] = {}) -> FileResponse:
    """Every file under ``folder`` (paths relative to it), plus ``extra`` texts at the top."""
    # Closed by FileResponse once sent.
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    _zip_into(spooled, folder, extra)
    spooled.seek(0)
    return FileResponse(spooled, as_attachment=True, filename=filename)


def zip_file(folder: Path) -> IO[bytes]:
    """The same zip as :func:`folder_as_zip`, in a temporary file (in memory up to
    ``SPOOL_BYTES``, on disk past it) to be streamed into the evidence store; the caller closes
    it."""
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    _zip_into(spooled, folder, {})
    spooled.seek(0)
    return spooled


def _zip_into(target: IO[bytes], folder: Path, extra: Mapping[str, str]) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in extra.items():
            archive.writestr(name, text)
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
