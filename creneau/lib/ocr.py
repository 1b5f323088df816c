"""The OCR seam: the only module importing the Tesseract binding (tesserocr).

``read(image)`` returns the words Tesseract sees in a Pillow image, with their confidence and
box, grouped in text lines in reading order. One Tesseract instance is kept per thread and per
(languages, mode): loading the French and English models costs about 0.2 s, reading a phone
screenshot about as much (bench/README.md). Instances are not thread-safe; each thread has its own.

The language data comes from ``settings.TESSDATA_DIR``, or Debian's ``tesseract-ocr-fra``,
``-eng`` and ``-ara`` packages (installed by scripts/bootstrap).
"""

import threading
from dataclasses import dataclass
from pathlib import Path

import tesserocr  # type: ignore[import-untyped]  # no stubs; this module is its only user
from django.conf import settings
from PIL import Image

# Debian bookworm's folder first, then older and other layouts.
_TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
_local = threading.local()
_MIN_SIDE = 8  # pixels: Tesseract refuses smaller images, and they hold no readable text


class OcrUnavailableError(Exception):
    """Tesseract or its language data cannot be loaded; the message says what is missing."""


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float  # 0–100, Tesseract's own estimate
    box: tuple[int, int, int, int]  # left, top, right, bottom, in the given image's pixels
    line: int  # index of the word's text line, in reading order
    paragraph: int  # index of the word's paragraph (a title wrapped on three lines is one)


@dataclass(frozen=True)
class Reading:
    words: tuple[Word, ...]
    engine: str  # "tesseract 5.5.4 (tesserocr 2.13.0)"
    languages: str


def tessdata_dir() -> str:
    if settings.TESSDATA_DIR:
        return str(settings.TESSDATA_DIR)
    for candidate in _TESSDATA_CANDIDATES:
        if (Path(candidate) / "fra.traineddata").exists():
            return candidate
    raise OcrUnavailableError(
        "données de Tesseract introuvables : installez tesseract-ocr-fra, tesseract-ocr-eng et "
        "tesseract-ocr-ara (scripts/bootstrap) ou réglez CRENEAU_TESSDATA_DIR"
    )


def engine_version() -> str:
    first_line = tesserocr.tesseract_version().splitlines()[0]
    return f"{first_line} (tesserocr {tesserocr.__version__})"


def read(image: Image.Image, *, languages: str = "fra+eng", single_line: bool = False) -> Reading:
    """The words of ``image``; ``single_line`` for a strip such as a phone's status bar."""
    if min(image.size) < _MIN_SIDE:
        return Reading(words=(), engine=engine_version(), languages=languages)
    api = _api(languages, single_line)
    api.SetImage(image)
    api.Recognize()
    words = tuple(_words(api))
    api.Clear()
    return Reading(words=words, engine=engine_version(), languages=languages)


def _api(languages: str, single_line: bool) -> "tesserocr.PyTessBaseAPI":
    cache: dict[tuple[str, bool], tesserocr.PyTessBaseAPI] = _local.__dict__.setdefault("apis", {})
    key = (languages, single_line)
    if key not in cache:
        mode = tesserocr.PSM.SINGLE_LINE if single_line else tesserocr.PSM.AUTO
        try:
            cache[key] = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=languages, psm=mode)
        except RuntimeError as exc:
            raise OcrUnavailableError(
                f"Tesseract n'a pas pu charger les langues {languages} : {exc}"
            ) from exc
    return cache[key]


def _text(item: "tesserocr.PyLTRResultIterator", level: int) -> str:
    try:
        return str(item.GetUTF8Text(level) or "").strip()
    except RuntimeError:  # « No text returned »: an empty block
        return ""


def _words(api: "tesserocr.PyTessBaseAPI") -> list[Word]:
    words: list[Word] = []
    iterator = api.GetIterator()
    if iterator is None:
        return words
    level = tesserocr.RIL.WORD
    line = paragraph = -1
    for item in tesserocr.iterate_level(iterator, level):
        text = _text(item, level)
        if item.IsAtBeginningOf(tesserocr.RIL.PARA) or paragraph < 0:
            paragraph += 1
        if item.IsAtBeginningOf(tesserocr.RIL.TEXTLINE) or line < 0:
            line += 1
        box = item.BoundingBox(level)
        if text and box is not None:
            words.append(Word(text, float(item.Confidence(level)), tuple(box), line, paragraph))
    return words
