"""Files brought by a person or a volunteer: sealed on arrival, cleaned before filing.

The original is kept bit for bit and sealed (manifest + tokens) together with the copy that
will be filed. Image copies are re-encoded from their pixels alone, so EXIF, GPS, XMP and
comments do not travel to the court or the prefecture; PDFs and e-mails are filed as received,
but a PDF carrying scripts, automatic actions or embedded files is refused, as is one that acts
when opened (an ``/OpenAction`` other than showing a page), sends data or reaches another file
(``/SubmitForm``, ``/ImportData``, ``/GoToR``, ``/GoToE``, a ``file://`` link): a volunteer, a
lawyer or a clerk opens these files, and evidence must not be a way to run code on their
machines, to learn who opened it, or to reach their network. A link a reader clicks to a web
page stays accepted. (Refusing was chosen over filing a neutralised copy: what is filed is then
always the bytes that were sealed, and the person is told how to make a plain copy.)
The type is read from the content, never trusted from the file name.
"""

import io
import re
import struct
import uuid
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

import pikepdf
from django.db import transaction
from PIL import Image, ImageOps

from creneau.evidence import seal
from creneau.evidence.models import Upload

if TYPE_CHECKING:
    from creneau.cases.models import Case

MAX_BYTES = 32 * 1024 * 1024  # Télérecours citoyens refuses files above 32 Mo (legal.md §4.2)
MAX_PIXELS = 80_000_000  # far above any phone photo or full-page screenshot; bombs are beyond
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf"}
EXTENSIONS["message/rfc822"] = "eml"
_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
_MAIL_HEADERS = (b"from:", b"date:", b"subject:", b"message-id:", b"received:", b"to:")
# Dictionary keys, and names of action or object types, that make a PDF do something when it
# is opened or clicked: scripts, launching programs, embedded files, Flash-like media, XFA forms.
_PDF_ACTIVE_KEYS = frozenset(
    {"/JavaScript", "/JS", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF"}
    | {"/RichMedia", "/RichMediaContent", "/XFA"}
)
_PDF_ACTIVE_TYPES = frozenset({"/JavaScript", "/Launch", "/EmbeddedFile", "/RichMedia"})
# Actions that send data, fetch data, open another file or play media.
_PDF_ACTIVE_TYPES |= {"/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/RichMediaExecute"}
_PDF_ACTIVE_TYPES |= {"/Rendition", "/Sound", "/Movie", "/GoTo3DView"}
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_PDF_TYPE_KEYS = ("/S", "/Type", "/Subtype")


class UploadError(Exception):
    """The file is refused; the message says why, in words a volunteer understands."""


@dataclass(frozen=True)
class SealedUpload:
    upload_id: str
    media_type: str
    original_sha256: str
    filed_sha256: str
    manifest_sha256: str
    state: str  # sealed / awaiting_timestamp
    metadata_removed: bool


def sniff(data: bytes) -> str:
    """The media type read from the first bytes: PNG, JPEG, PDF or an e-mail message."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.lstrip(b"\r\n\t ").startswith(b"%PDF-"):
        return "application/pdf"
    if _looks_like_mail(data):
        return "message/rfc822"
    raise UploadError("type de fichier non accepté : seuls PNG, JPEG, PDF et e-mail (.eml)")


def _looks_like_mail(data: bytes) -> bool:
    head = data[:16384].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].lower()
    lines = [line for line in head.split(b"\n") if line and not line[:1].isspace()]
    if not lines or not all(_HEADER.match(line) for line in lines):
        return False
    return sum(line.startswith(_MAIL_HEADERS) for line in lines) >= 2


def pdf_active_parts(data: bytes) -> list[str]:
    """The active parts found anywhere in a PDF's object graph; refuse a PDF that cannot be read.

    An ``/OpenAction`` that only opens a page (a destination array or a ``/GoTo``) is harmless
    and common; any other action it names is reported through its ``/S`` type.
    """
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return sorted(_walk_for_active_parts(pdf) | _opening_parts(pdf))
    except pikepdf.PasswordError as exc:
        raise UploadError("PDF protégé par un mot de passe : il ne peut pas être vérifié") from exc
    except (pikepdf.PdfError, ValueError, RuntimeError, OSError, RecursionError) as exc:
        raise UploadError("PDF endommagé ou illisible : il ne peut pas être vérifié") from exc


def _walk_for_active_parts(pdf: pikepdf.Pdf) -> set[str]:
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [pdf.trailer, *pdf.objects]
    while stack:
        item = stack.pop()
        if not isinstance(item, pikepdf.Object):
            continue  # numbers, strings, names: pikepdf hands them over as Python values
        if item.is_indirect:  # indirect objects may form cycles; direct ones cannot
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
        if isinstance(item, pikepdf.Array):
            stack.extend(item)
        elif isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
            found |= _active_keys(item)
            stack.extend(item[key] for key in _keys(item))
    return found


def _opening_parts(pdf: pikepdf.Pdf) -> set[str]:
    """What the document does when opened: only showing a page is harmless."""
    stack: list[object] = [pdf.Root.get("/OpenAction")]
    seen = 0
    while stack and seen < 1000:
        seen += 1
        action = stack.pop()
        if isinstance(action, pikepdf.Array) or action is None:
            continue  # a destination: a page to show
        if not isinstance(action, pikepdf.Dictionary):
            return {"/OpenAction"}
        if str(action.get("/S")) != "/GoTo":
            return {"/OpenAction"}
        following = action.get("/Next")
        stack.extend(following if isinstance(following, pikepdf.Array) else [following])
    return set()


def _keys(item: pikepdf.Object) -> set[str]:
    return set(item.keys())  # names, typed as str (iterating gives untyped Objects)


def _active_keys(item: pikepdf.Object) -> set[str]:
    found = _keys(item) & _PDF_ACTIVE_KEYS
    for key in _PDF_TYPE_KEYS:
        value = item.get(key)
        if isinstance(value, pikepdf.Name) and str(value) in _PDF_ACTIVE_TYPES:
            found.add(str(value))
    if str(item.get("/S")) == "/URI":
        target = item.get("/URI")
        text = bytes(target).decode("latin-1") if isinstance(target, pikepdf.String) else ""
        if not text.strip().lower().startswith(_LINK_SCHEMES):
            found.add("/URI")  # file://, smb://, javascript:…: not a web page a reader visits
    return found


def check_pdf(data: bytes) -> None:
    """Refuse a PDF with scripts, automatic actions or embedded files, in plain words."""
    active = pdf_active_parts(data)
    if active:
        raise UploadError(
            "PDF refusé : il contient du contenu actif ("
            + ", ".join(part.lstrip("/") for part in active)
            + ") qui pourrait s'exécuter à son ouverture. Ouvrez-le, imprimez-le en PDF "
            "(« Imprimer » puis « Enregistrer au format PDF ») et déposez cette copie."
        )


def strip_image(data: bytes, media_type: str) -> bytes:
    """A copy made from the pixels only, turned upright as the original was shown."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise UploadError(
                        f"image trop grande ({image.width} × {image.height} pixels) : "
                        f"{MAX_PIXELS // 1_000_000} millions de pixels au plus"
                    )
                upright = ImageOps.exif_transpose(image)
                pixels = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UploadError("image refusée : trop de pixels (possible bombe)") from exc
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
            # Pillow reports a damaged file through any of these (SyntaxError: broken chunk)
            raise UploadError(f"image illisible : {exc}") from exc
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if media_type == "image/jpeg":
        clean.convert("RGB").save(out, "JPEG", quality=95)
    else:
        clean.save(out, "PNG")
    return out.getvalue()


class Readable(Protocol):
    size: int | None

    def seek(self, offset: int) -> object: ...
    def read(self, size: int = -1) -> bytes: ...


def read_limited(upload: Readable) -> bytes:
    """An uploaded file's bytes, refused before reading when its size is over the limit (the
    web server has streamed it to a temporary file), and cut while reading when the size
    announced was wrong: a huge file never enters memory."""
    if (upload.size or 0) > MAX_BYTES:
        raise UploadError(f"fichier trop lourd : {MAX_BYTES // (1024 * 1024)} Mo au plus")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UploadError(f"fichier trop lourd : {MAX_BYTES // (1024 * 1024)} Mo au plus")
    return data


def seal_upload(data: bytes, filename: str, case: "Case | None" = None) -> SealedUpload:
    """Check, seal and record an uploaded file; return what was kept."""
    if not data:
        raise UploadError("fichier vide")
    if len(data) > MAX_BYTES:
        raise UploadError(f"fichier trop lourd : {MAX_BYTES // (1024 * 1024)} Mo au plus")
    media_type = sniff(data)
    if media_type == "application/pdf":
        check_pdf(data)
    is_image = media_type.startswith("image/")
    filed = strip_image(data, media_type) if is_image else data
    extension = EXTENSIONS[media_type]
    files = [
        seal.File(f"original.{extension}", data, media_type),
        seal.File(f"filed.{extension}", filed, media_type),
    ]
    upload_id = uuid.uuid4()
    metadata = {
        "upload_id": str(upload_id),
        "case": case.reference if case else None,
        "filename": filename,
        "received_at": datetime.now(UTC).isoformat(),
        "metadata_removed": is_image,
        "software": seal.software_versions(),
    }
    sealed = seal.store_and_timestamp("upload", files, metadata)
    with transaction.atomic():
        row = Upload.objects.create(
            id=upload_id,
            case=case,
            filename=filename[:255],
            media_type=media_type,
            original=seal.blob_row(data, media_type),
            filed=seal.blob_row(filed, media_type),
            seal=seal.record(sealed, files),
        )
    return SealedUpload(
        upload_id=str(row.pk),
        media_type=media_type,
        original_sha256=row.original.sha256,
        filed_sha256=row.filed.sha256,
        manifest_sha256=row.seal.manifest.sha256,
        state=row.seal.state,
        metadata_removed=is_image,
    )
