"""A correspondence upload over the limit is refused before its bytes are read into memory.

Issue 24: a 200 MB file made the process grow from 220 to 387 MB before the size check.
Django streams an upload to a temporary file; the size check must come before reading it.
"""

import tracemalloc

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile

from creneau.correspondence.forms import read
from creneau.evidence.uploads import MAX_BYTES, UploadError

MB = 1024 * 1024


def big_upload(size: int) -> TemporaryUploadedFile:
    upload = TemporaryUploadedFile("scan.pdf", "application/pdf", size, None)
    chunk = b"%PDF-1.7\n" + b"0" * (MB - 9)
    written = 0
    while written < size:
        upload.write(chunk[: size - written])
        written += min(MB, size - written)
    upload.seek(0)
    return upload


def test_an_upload_over_the_limit_is_refused_without_reading_it():
    upload = big_upload(MAX_BYTES + 8 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(UploadError, match="trop lourd"):
            read(upload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        upload.close()

    assert peak < 4 * MB


def test_a_file_whose_size_was_understated_is_cut_at_the_limit():
    upload = big_upload(MAX_BYTES + MB)
    upload.size = 10  # what a client claimed
    with pytest.raises(UploadError, match="trop lourd"):
        read(upload)
    upload.close()


def test_an_upload_within_the_limit_is_read_whole():
    upload = big_upload(3 * MB)
    assert len(read(upload)) == 3 * MB
    upload.close()
