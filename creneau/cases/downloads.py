"""A folder sent as a zip download, built on disk past a size rather than in memory."""

import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

from django.http import FileResponse

SPOOL_BYTES = 64 * 1024 * 1024


def folder_as_zip(folder: Path, filename: str, extra: Mapping[str, str] = {}) -> FileResponse:
    """Every file under ``folder`` (paths relative to it), plus ``extra`` texts at the top."""
    # Closed by FileResponse once sent.
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    with zipfile.ZipFile(spooled, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in extra.items():
            archive.writestr(name, text)
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    spooled.seek(0)
    return FileResponse(spooled, as_attachment=True, filename=filename)
