"""PDF pages made from images, and PDF plumbing (merge, count): the only module, besides
``render.py``, that imports pikepdf (img2pdf is only the benchmark's baseline, a dev dependency).

Why not WeasyPrint for exhibit pages: it decodes and re-encodes every screenshot, which costs
seconds for a month of captures. Why not img2pdf either: it decodes every PNG twice to look for
EXIF (about 55 ms for a 1366 × 1400 screenshot). Here a PNG's compressed rows (IDAT) are
embedded as they are, with the PNG predictor declared, and a JPEG as it is (DCTDecode): nothing
is decoded, the copy is lossless, and a small content stream places the image and prints the
caption as real text (Helvetica, WinAnsi), so the SHA-256 and the timestamp stay extractable.

Contract: functions take bytes and plain values, and return bytes; no database, no files.
"""

import io
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf
from PIL import Image

A4 = (595.28, 841.89)  # points
MARGIN = 36.0
CAPTION_SIZE = 7.5
CAPTION_LEADING = 9.5
LABEL_SIZE = 11.0
_WRAP = 125  # characters per caption line at 7.5 pt Helvetica on A4 minus margins
TEXT_SIZE = 9.5
TEXT_LEADING = 12.5
_TEXT_WRAP = 100
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class ImagePage:
    """One image on one A4 page, a label top right (« P3-1 ») and caption lines below."""

    image: bytes  # PNG or JPEG
    label: str
    caption: tuple[str, ...] = ()


def image_pages(pages: Sequence[ImagePage], *, jpeg_quality: int | None = None) -> bytes:
    """One PDF page per image. ``jpeg_quality`` re-encodes the copies as JPEG to save space."""
    if not pages:
        raise ValueError("no page to draw")
    pdf = pikepdf.new()
    font = _font(pdf)
    for spec in pages:
        image = _image_xobject(pdf, _prepared(spec.image, jpeg_quality))
        page = pdf.add_blank_page(page_size=A4)
        page.Resources.XObject = pikepdf.Dictionary(Im0=image)
        _draw(pdf, page, font, spec.label, _wrapped(spec.caption))
    return _saved(pdf)


def _prepared(image: bytes, jpeg_quality: int | None) -> bytes:
    """Bytes that can be embedded as they are: a plain PNG, or a JPEG."""
    if jpeg_quality is None and (_plain_png(image) or image.startswith(b"\xff\xd8")):
        return image
    with Image.open(io.BytesIO(image)) as opened:
        flat = opened.convert("RGB")
    out = io.BytesIO()
    if jpeg_quality is None:
        flat.save(out, "PNG", compress_level=6)
    else:
        flat.save(out, "JPEG", quality=jpeg_quality)
    return out.getvalue()


def _plain_png(image: bytes) -> bool:
    """8-bit grey, RGB or palette, not interlaced: PDF's Flate + PNG predictor reads its rows."""
    if not image.startswith(_PNG_SIGNATURE) or len(image) < 33:
        return False
    depth, colour, _compression, _filter, interlace = image[24:29]
    return depth == 8 and colour in (0, 2, 3) and interlace == 0


def _image_xobject(pdf: pikepdf.Pdf, data: bytes) -> pikepdf.Stream:
    if data.startswith(_PNG_SIGNATURE):
        return _png_xobject(pdf, data)
    with Image.open(io.BytesIO(data)) as opened:  # reads the header only
        width, height, mode = opened.width, opened.height, opened.mode
    space = {"L": pikepdf.Name.DeviceGray, "CMYK": pikepdf.Name.DeviceCMYK}
    return pdf.make_stream(
        data,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=width,
        Height=height,
        ColorSpace=space.get(mode, pikepdf.Name.DeviceRGB),
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )


def _png_chunks(data: bytes) -> dict[bytes, bytes]:
    chunks: dict[bytes, bytes] = {}
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        chunks[kind] = chunks.get(kind, b"") + body if kind == b"IDAT" else body
        position += 12 + length
        if kind == b"IEND":
            break
    return chunks


def _png_xobject(pdf: pikepdf.Pdf, data: bytes) -> pikepdf.Stream:
    chunks = _png_chunks(data)
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    colour = chunks[b"IHDR"][9]
    colours = {0: 1, 2: 3, 3: 1}[colour]
    space: pikepdf.Object = pikepdf.Name.DeviceRGB if colour == 2 else pikepdf.Name.DeviceGray
    if colour == 3:
        palette = chunks[b"PLTE"]
        space = pikepdf.Array(
            [pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB, len(palette) // 3 - 1, palette]
        )
    stream = pdf.make_stream(
        b"",
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=width,
        Height=height,
        ColorSpace=space,
        BitsPerComponent=8,
    )
    parameters = pikepdf.Dictionary(Predictor=15, Colors=colours, BitsPerComponent=8, Columns=width)
    stream.write(chunks[b"IDAT"], filter=pikepdf.Name.FlateDecode, decode_parms=parameters)
    return stream


def _wrapped(lines: Sequence[str], width: int = _WRAP) -> list[str]:
    out: list[str] = []
    for line in lines:
        while len(line) > width:
            cut = line.rfind(" ", 0, width)
            cut = cut if cut > width // 2 else width
            out.append(line[:cut])
            line = "    " + line[cut:].lstrip()
        out.append(line)
    return out


def _fit(width_px: float, height_px: float, caption_lines: int) -> tuple[float, float]:
    box_w = A4[0] - 2 * MARGIN
    box_h = A4[1] - 2 * MARGIN - LABEL_SIZE - 8 - caption_lines * CAPTION_LEADING - 10
    scale = min(box_w / width_px, box_h / height_px)
    return width_px * scale, height_px * scale


def text_pages(heading: str, lines: Sequence[str], *, label: str, first_page: int = 1) -> bytes:
    """Plain text pages (a heading in bold, then lines), labelled « P8-1 », « P8-2 »…"""
    wrapped = _wrapped(lines, width=_TEXT_WRAP)
    per_page = int((A4[1] - 2 * MARGIN - 60) // TEXT_LEADING)
    chunks = [wrapped[i : i + per_page] for i in range(0, len(wrapped), per_page)] or [[]]
    pdf = pikepdf.new()
    font, bold = _font(pdf), _font(pdf, "/Helvetica-Bold")
    for number, chunk in enumerate(chunks, start=first_page):
        page = pdf.add_blank_page(page_size=A4)
        page.Resources.Font = pikepdf.Dictionary(F1=font, F2=bold)
        page_label = f"{label}-{number}"
        top = A4[1] - MARGIN
        ops = [
            f"BT /F2 {LABEL_SIZE} Tf {A4[0] - MARGIN - _text_width(page_label, LABEL_SIZE):.2f} "
            f"{top - LABEL_SIZE:.2f} Td ({_pdf_text(page_label)}) Tj ET",
            f"BT /F2 12 Tf {MARGIN:.2f} {top - 40:.2f} Td ({_pdf_text(heading[:90])}) Tj ET",
            f"BT /F1 {TEXT_SIZE} Tf {TEXT_LEADING} TL {MARGIN:.2f} {top - 62:.2f} Td",
            *(f"({_pdf_text(line)}) Tj T*" for line in chunk),
            "ET",
        ]
        stream = zlib.compress("\n".join(ops).encode("latin-1"))
        page.Contents = pdf.make_stream(stream, Filter=pikepdf.Name.FlateDecode)
    return _saved(pdf)


def _font(pdf: pikepdf.Pdf, name: str = "/Helvetica") -> pikepdf.Object:
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name(name),
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )


def _draw(
    pdf: pikepdf.Pdf, page: pikepdf.Page, font: pikepdf.Object, label: str, lines: list[str]
) -> None:
    """Image at the top, the label above it on the right, the caption below."""
    name, image = "/Im0", page.Resources.XObject.Im0
    width, height = _fit(int(image.Width), int(image.Height), len(lines))
    top = A4[1] - MARGIN - LABEL_SIZE - 8
    x, y = (A4[0] - width) / 2, top - height
    ops = [
        f"q {width:.2f} 0 0 {height:.2f} {x:.2f} {y:.2f} cm {name} Do Q",
        "0.6 G 0.5 w",
        f"{x:.2f} {y:.2f} {width:.2f} {height:.2f} re S",
        f"BT /F1 {LABEL_SIZE} Tf {A4[0] - MARGIN - _text_width(label, LABEL_SIZE):.2f} "
        f"{A4[1] - MARGIN - LABEL_SIZE:.2f} Td ({_pdf_text(label)}) Tj ET",
        f"BT /F1 {CAPTION_SIZE} Tf {CAPTION_LEADING} TL {MARGIN:.2f} {y - 14:.2f} Td",
        *(f"({_pdf_text(line)}) Tj T*" for line in lines),
        "ET",
    ]
    page.Resources.Font = pikepdf.Dictionary(F1=font)
    stream = zlib.compress("\n".join(ops).encode("latin-1"))
    page.Contents = pdf.make_stream(stream, Filter=pikepdf.Name.FlateDecode)


def _text_width(text: str, size: float) -> float:
    return len(text) * size * 0.55  # close enough for a short label set flush right


def _pdf_text(text: str) -> str:
    """A PDF literal string in WinAnsi (cp1252); characters outside it become « ? »."""
    raw = text.encode("cp1252", errors="replace")
    escaped = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return escaped.decode("latin-1")


def merge(pdfs: Sequence[bytes]) -> bytes:
    """The pages of every PDF, in order, in one file."""
    if len(pdfs) == 1:
        return pdfs[0]
    out = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(data)) for data in pdfs]
    for source in sources:
        out.pages.extend(source.pages)
    result = _saved(out)
    for source in sources:
        source.close()
    return result


class UnreadablePdfError(ValueError):
    """The bytes are not a PDF that can be read."""


def page_count(pdf: bytes) -> int:
    try:
        with pikepdf.open(io.BytesIO(pdf)) as opened:
            return len(opened.pages)
    except pikepdf.PdfError as error:
        raise UnreadablePdfError(str(error)) from error


def _saved(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    pdf.close()
    return buffer.getvalue()
