"""Put rows above a PNG without decoding or re-encoding the page below them.

Decoding and re-compressing a 10,000 px screenshot costs more than taking it. Instead, the new
rows are compressed on their own (ended by a full flush, so the stream stays open and
byte-aligned) and the original compressed data is appended unchanged: its back-references only
reach into its own output, so it decodes the same. The zlib checksum of the whole is combined
from the two parts' checksums (zlib's ``adler32_combine``), so no page pixel is touched.

One condition makes this exact: the first page row may be filtered against "the row above",
which the original decoder took as zeros. The last added row must therefore be all zero bytes.
Only 8-bit RGB/RGBA non-interlaced PNGs (what Chromium writes) take this path; ``None`` tells
the caller to compose the image the slow way.
"""

import struct
import zlib

from PIL import Image

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MODES = {2: ("RGB", 3), 6: ("RGBA", 4)}  # PNG colour type → Pillow mode, bytes per pixel
_ADLER_BASE = 65521


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    chunks, offset = [], len(_SIGNATURE)
    while offset + 8 <= len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        chunks.append((kind, png[offset + 8 : offset + 8 + length]))
        offset += 12 + length
    return chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def adler32_combine(adler1: int, adler2: int, length2: int) -> int:
    """The Adler-32 of A+B from those of A and B and the length of B (zlib's algorithm)."""
    rem = length2 % _ADLER_BASE
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % _ADLER_BASE
    sum1 += (adler2 & 0xFFFF) + _ADLER_BASE - 1
    sum2 += ((adler1 >> 16) & 0xFFFF) + ((adler2 >> 16) & 0xFFFF) + _ADLER_BASE - rem
    sum1 = sum1 % _ADLER_BASE
    sum2 = sum2 % _ADLER_BASE
    return sum1 | (sum2 << 16)


def page_mode(png: bytes) -> tuple[str, int, int] | None:
    """(Pillow mode, width, height) when ``png`` can take the fast path, else ``None``."""
    if not png.startswith(_SIGNATURE):
        return None
    chunks = _chunks(png)
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if depth != 8 or colour not in _MODES or interlace != 0:
        return None
    return _MODES[colour][0], width, height


def prepend(png: bytes, rows: Image.Image) -> bytes | None:
    """``rows`` (same width and mode as the page, last row all zeros) stacked above ``png``."""
    shape = page_mode(png)
    if shape is None or rows.mode != shape[0] or rows.width != shape[1]:
        return None
    mode, width, height = shape
    stride = width * len(mode)  # one byte per channel: "RGB" 3, "RGBA" 4
    raw = rows.tobytes()
    if any(raw[-stride:]):
        return None
    chunks = _chunks(png)
    page_stream = b"".join(data for kind, data in chunks if kind == b"IDAT")
    if len(page_stream) < 6 or page_stream[1] & 0x20:  # a preset dictionary: not ours to splice
        return None
    filtered = b"".join(b"\x00" + raw[i : i + stride] for i in range(0, len(raw), stride))
    squeezer = zlib.compressobj(1, zlib.DEFLATED, 15)  # the band is small: speed first
    head = squeezer.compress(filtered) + squeezer.flush(zlib.Z_FULL_FLUSH)
    (page_adler,) = struct.unpack(">I", page_stream[-4:])
    page_length = height * (stride + 1)
    adler = adler32_combine(zlib.adler32(filtered), page_adler, page_length)
    stream = head + page_stream[2:-4] + struct.pack(">I", adler)
    header = struct.pack(">IIBBBBB", width, height + rows.height, *chunks[0][1][8:])
    before_data = [_chunk(k, d) for k, d in chunks[1:] if k not in (b"IDAT", b"IEND")]
    idat, end = _chunk(b"IDAT", stream), _chunk(b"IEND", b"")
    return b"".join([_SIGNATURE, _chunk(b"IHDR", header), *before_data, idat, end])
