import io
import json
import struct
import zlib

import pytest
from PIL import Image

from creneau.evidence.models import Seal, Upload
from creneau.evidence.uploads import MAX_BYTES, UploadError, seal_upload, sniff
from creneau.evidence.verify import verify_store
from creneau.lib import storage
from creneau.lib.tsa import load_roots

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    """A phone-like photo: EXIF with camera model, orientation and GPS position."""
    image = Image.new("RGB", (64, 32), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def test_it_strips_exif_and_gps_from_a_jpeg_and_keeps_the_original_sealed(tsa_on):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    result = seal_upload(original, "capture-telephone.jpg")

    filed = storage.read(result.filed_sha256)
    image = Image.open(io.BytesIO(filed))
    assert result.media_type == "image/jpeg" and result.metadata_removed
    assert not image.getexif() and "comment" not in image.info and "exif" not in image.info
    assert image.size == (32, 64)  # turned upright as the phone showed it
    assert storage.read(result.original_sha256) == original
    assert result.state == "sealed"
    manifest = json.loads(storage.read(result.manifest_sha256))
    assert {a["name"]: a["sha256"] for a in manifest["artefacts"]} == {
        "original.jpg": result.original_sha256,
        "filed.jpg": result.filed_sha256,
    }
    assert manifest["filename"] == "capture-telephone.jpg"
    assert verify_store(load_roots()).ok


def test_a_pdf_and_an_email_are_filed_as_received(tsa_on):
    pdf = (  # the smallest PDF a reader opens (uploads refuse unreadable PDFs)
        b"%PDF-1.7\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
        b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>> endobj\n"
        b"trailer <</Root 1 0 R>>\n%%EOF\n"
    )
    mail = b"From: prefecture@example.fr\r\nTo: a@b.fr\r\nSubject: RDV\r\nDate: x\r\n\r\nBonjour"

    for data, kind in ((pdf, "application/pdf"), (mail, "message/rfc822")):
        result = seal_upload(data, "piece")
        assert result.media_type == kind and not result.metadata_removed
        assert result.filed_sha256 == result.original_sha256


def test_a_png_copy_loses_its_text_chunks(tsa_on):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jeanne")
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 128)).save(out, "PNG", pnginfo=info)

    result = seal_upload(out.getvalue(), "a.png")

    filed = Image.open(io.BytesIO(storage.read(result.filed_sha256)))
    assert "Author" not in filed.info and filed.mode == "RGBA"


def test_it_sniffs_the_type_from_the_content_not_the_name():
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    with pytest.raises(UploadError, match="type de fichier"):
        sniff(b"MZ\x90\x00 an executable named photo.jpg")
    with pytest.raises(UploadError):
        sniff(b"Bonjour: ceci n'est pas un mail\n\ntexte")


def test_it_refuses_a_file_over_the_size_limit():
    with pytest.raises(UploadError, match="trop lourd"):
        seal_upload(b"%PDF-" + b"0" * MAX_BYTES, "gros.pdf")
    assert not Upload.objects.exists() and not Seal.objects.exists()


def png_header_only(width: int, height: int) -> bytes:
    """The first bytes of a huge PNG: enough for a decoder to learn its size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_it_refuses_a_decompression_bomb_before_decoding_it():
    with pytest.raises(UploadError, match="pixels"):
        seal_upload(png_header_only(12_000, 9_000), "bomb.png")  # 108 Mpx announced
    with pytest.raises(UploadError, match="pixels"):
        seal_upload(png_header_only(30_000, 30_000), "bomb.png")  # beyond Pillow's own limit


def test_it_refuses_a_truncated_image():
    with pytest.raises(UploadError, match="illisible"):
        seal_upload(jpeg_with_gps()[:200], "cut.jpg")
