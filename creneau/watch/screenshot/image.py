"""What an image file says of itself: its pixels, its metadata, its fingerprint.

Pure: bytes in, a frozen :class:`Picture` out (Pillow only). A file that is not a readable PNG,
JPEG or WebP raises :class:`UnreadableImageError` with a French message.
"""

import io
import re
import struct
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 80_000_000  # as evidence.uploads: far above any screenshot, below a bomb
_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_SOFTWARE = 0x0131
_EXIF_DATETIME = re.compile(r"^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")
# Programs that change pixels. Phones and operating systems name themselves too (« iOS 17.5 »,
# « Android »): only editors count as a sign of editing.
_EDITORS = re.compile(
    r"gimp|photoshop|adobe|lightroom|paint\.net|pixelmator|snapseed|picsart|canva|affinity"
    r"|krita|imagemagick|graphicsmagick|photopea|fotor|befunky|inkscape|picasa|preview\.app",
    re.IGNORECASE,
)
# libjpeg's luminance table at quality 50 (ITU T.81 annex K), to estimate a JPEG's quality.
_LUMA_50 = (
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
)  # fmt: skip
HASH_SIZE = 8  # 8 × 8 low frequencies: a 64-bit perceptual hash
_DCT_SIZE = 32


class UnreadableImageError(Exception):
    """Not an image this reader can open; the message says why, in French."""


@dataclass(frozen=True)
class Picture:
    image: Image.Image  # upright (EXIF orientation applied), RGB
    media_type: str
    width: int
    height: int
    exif_time: datetime | None  # DateTimeOriginal: naive local time unless an offset was given
    png_time: datetime | None  # tIME chunk: last modification, UTC by the PNG specification
    software: tuple[str, ...]  # Software names written in the file
    jpeg_quality: int | None  # estimated from the quantisation table, JPEG only

    @property
    def phone_shaped(self) -> bool:
        return self.height >= 1.5 * self.width

    @property
    def editors(self) -> tuple[str, ...]:
        return tuple(name for name in self.software if _EDITORS.search(name))


def load(data: bytes) -> Picture:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            media_type = _FORMATS.get(image.format or "")
            if media_type is None:
                raise UnreadableImageError(
                    "format d'image non pris en charge : seuls PNG, JPEG et WebP sont lus"
                )
            if image.width * image.height > MAX_PIXELS:
                raise UnreadableImageError("image trop grande pour être lue")
            exif = image.getexif()
            upright = ImageOps.exif_transpose(image).convert("RGB")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnreadableImageError("image refusée : trop de pixels") from exc
        except UnidentifiedImageError as exc:
            raise UnreadableImageError("ce fichier n'est pas une image lisible") from exc
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
            raise UnreadableImageError(f"image endommagée ou illisible : {exc}") from exc
    return Picture(
        image=upright,
        media_type=media_type,
        width=upright.width,
        height=upright.height,
        exif_time=_exif_time(exif),
        png_time=_png_time(data) if media_type == "image/png" else None,
        software=_software(image, exif),
        jpeg_quality=_jpeg_quality(image) if media_type == "image/jpeg" else None,
    )


def _exif_time(exif: Image.Exif) -> datetime | None:
    details = exif.get_ifd(_EXIF_IFD)
    raw = details.get(_DATETIME_ORIGINAL)
    match = _EXIF_DATETIME.match(str(raw or ""))
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    offset = _OFFSET.match(str(details.get(_OFFSET_TIME_ORIGINAL) or ""))
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3)))
        moment = moment.replace(tzinfo=timezone(sign * delta))
    return moment


def _png_time(data: bytes) -> datetime | None:
    """The tIME chunk, read from the bytes (Pillow does not expose it)."""
    position = 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        if kind == b"tIME" and length == 7:
            year, month, day, hour, minute, second = struct.unpack(
                ">HBBBBB", data[position + 8 : position + 15]
            )
            try:
                return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
            except ValueError:
                return None
        if kind == b"IEND":
            return None
        position += 12 + length  # tIME may come after the pixels: walk every chunk header
    return None


def _software(image: Image.Image, exif: Image.Exif) -> tuple[str, ...]:
    names = [str(exif.get(_SOFTWARE) or "")]
    info = image.info
    names += [str(info.get(key, "")) for key in ("Software", "software", "Creator", "Comment")]
    xmp = info.get("XML:com.adobe.xmp") or info.get("xmp") or ""
    if isinstance(xmp, bytes):
        xmp = xmp.decode("utf-8", "replace")
    names += re.findall(r"CreatorTool(?:=\"|>)([^\"<]{1,100})", str(xmp))
    return tuple(dict.fromkeys(name.strip() for name in names if name.strip()))


def _jpeg_quality(image: Image.Image) -> int | None:
    tables: dict[int, list[int]] = getattr(image, "quantization", None) or {}
    luma = tables.get(0)
    if not luma or len(luma) != len(_LUMA_50):
        return None
    # libjpeg scales the quality-50 table by s = 5000/q (q < 50) or 200 - 2q (q ≥ 50), in %.
    scale = 100 * sum(luma) / sum(_LUMA_50)
    quality = 5000 / scale if scale > 100 else (200 - scale) / 2
    return int(max(1, min(100, round(quality))))


# --- perceptual hash -----------------------------------------------------------------------


def perceptual_hash(image: Image.Image) -> str:
    """A 64-bit DCT hash (pHash) as 16 hex digits: equal for re-encoded or resized copies.

    The image is reduced to 32 × 32 grey levels; the 8 × 8 lowest frequencies of its cosine
    transform (the constant term left out) are compared with their median.
    """
    small = image.convert("L").resize((_DCT_SIZE, _DCT_SIZE), Image.Resampling.LANCZOS)
    pixels = list(small.tobytes())  # one byte per pixel in mode "L"
    rows = [pixels[row * _DCT_SIZE : (row + 1) * _DCT_SIZE] for row in range(_DCT_SIZE)]
    low = _dct_low(rows)
    values = [low[u][v] for u in range(HASH_SIZE) for v in range(HASH_SIZE)][1:]
    median = sorted(values)[len(values) // 2]
    bits = "".join("1" if value > median else "0" for value in values) + "0"
    return f"{int(bits, 2):016x}"


def _dct_low(rows: list[list[int]]) -> list[list[float]]:
    import math

    n = _DCT_SIZE
    basis = [[math.cos(math.pi * (2 * x + 1) * u / (2 * n)) for x in range(n)] for u in range(n)]
    # Rows first (only the low frequencies are needed), then columns.
    by_row = [[sum(b * p for b, p in zip(basis[u], row, strict=True)) for u in range(HASH_SIZE)]
              for row in rows]  # fmt: skip
    return [
        [sum(basis[u][y] * by_row[y][v] for y in range(n)) for v in range(HASH_SIZE)]
        for u in range(HASH_SIZE)
    ]


def hash_distance(first: str, second: str) -> int:
    """Number of differing bits between two perceptual hashes (64 when one is malformed)."""
    try:
        return (int(first, 16) ^ int(second, 16)).bit_count()
    except ValueError:
        return 64
