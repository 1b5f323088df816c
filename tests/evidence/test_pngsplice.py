import io
import random
import zlib

from PIL import Image

from creneau.evidence import pngsplice


def encoded(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **options)
    return out.getvalue()


def noisy(mode: str, width: int, height: int) -> Image.Image:
    """Pixels that make the encoder use every filter type, Up and Paeth included."""
    rng = random.Random(7)
    data = bytes(
        rng.randrange(256) if rng.random() < 0.3 else 90 for _ in range(width * height * len(mode))
    )
    return Image.frombytes(mode, (width, height), data)


def band(mode: str, width: int) -> Image.Image:
    rows = Image.new(mode, (width, 40), (250, 240, 200))
    rows.paste((0,) * len(mode), (0, 39, width, 40))  # last row all zeros, as required
    return rows


def test_rows_go_above_the_page_without_changing_a_pixel():
    for mode in ("RGB", "RGBA"):
        page = noisy(mode, 300, 200)
        for level in (1, 6, 9):
            spliced = pngsplice.prepend(encoded(page, compress_level=level), band(mode, 300))

            result = Image.open(io.BytesIO(spliced))
            assert result.size == (300, 240) and result.mode == mode
            assert result.crop((0, 40, 300, 240)).tobytes() == page.tobytes()
            assert result.crop((0, 0, 300, 40)).tobytes() == band(mode, 300).tobytes()


def test_the_zlib_checksum_of_the_joined_stream_is_right():
    spliced = pngsplice.prepend(encoded(noisy("RGB", 120, 90)), band("RGB", 120))

    stream = b"".join(data for kind, data in pngsplice._chunks(spliced) if kind == b"IDAT")
    assert len(zlib.decompress(stream)) == 130 * (1 + 120 * 3)  # raises on a bad checksum


def interlaced(png: bytes) -> bytes:
    """The same PNG claiming Adam7 interlacing (Pillow does not write interlaced files)."""
    [(kind, header), *rest] = pngsplice._chunks(png)
    chunks = [pngsplice._chunk(kind, header[:12] + b"\x01")]
    chunks += [pngsplice._chunk(k, d) for k, d in rest]
    return png[:8] + b"".join(chunks)


def test_unsupported_pngs_are_left_to_the_slow_path():
    assert pngsplice.prepend(encoded(noisy("L", 50, 50)), band("RGB", 50)) is None
    assert pngsplice.prepend(interlaced(encoded(noisy("RGB", 50, 50))), band("RGB", 50)) is None
    assert pngsplice.prepend(encoded(noisy("RGB", 50, 50)), band("RGB", 60)) is None
    not_zero = Image.new("RGB", (50, 4), (1, 1, 1))
    assert pngsplice.prepend(encoded(noisy("RGB", 50, 50)), not_zero) is None
    assert pngsplice.prepend(b"GIF89a", band("RGB", 50)) is None
