"""What does this screenshot say? Image bytes and file name in, a frozen :class:`Reading` out.

``read_screenshot`` runs these steps, pure apart from the OCR seam (``creneau.lib.ocr``):

1. open the image and its metadata (EXIF DateTimeOriginal, PNG tIME, Software names);
2. read every word (Tesseract, French and English), at a scale where text is about 1.5× its
   CSS size;
3. split the lines into the phone's status bar / the desktop's taskbar, the browser's address
   bar, and the page;
4. judge the page's text with the classifier (``_judge_text``: a text-only judge, never a false
   ``no_slot``: weak or cut text, or lines that may be slot buttons, give ``unknown``);
5. what the image says about when (clock, file name, metadata) and where (host, prefecture or
   sous-préfecture, démarche), year marks, a perceptual hash and signs of editing.
"""

import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from PIL import Image, ImageOps, ImageStat, UnidentifiedImageError

from creneau.lib import ocr
from creneau.watch import signals as s
from creneau.watch.classify import NO_SLOT, UNKNOWN, Classification, classify_text
from creneau.watch.pagetext import fold
from creneau.watch.screenshot import image as pictures
from creneau.watch.screenshot import places, when
from creneau.watch.screenshot.image import Picture

READER_VERSION = "creneau-screenshot/1"
# Tesseract reads best when text is 20–30 px tall: about 1.5× the CSS size of a page's text.
_TEXT_SCALE = 1.5
_PHONE_CSS_WIDTH = 390  # phones lay pages out 360–430 CSS px wide
_DESKTOP_HIDPI_WIDTH = 2400  # wider desktop captures are taken at 2 device px per CSS px
_MAX_SCALE = 2.0
_ORIENTATION = 0x0112  # EXIF tag: 5 to 8 turn the picture a quarter
_TURNED = frozenset({5, 6, 7, 8})
# Below this mean word confidence (Tesseract's 0–100) a statement is a guess, not a reading.
MIN_STATEMENT_CONFIDENCE = 70.0
# Where the device's own lines are, as a share of the image height.
_PHONE_STATUS_BAR = 0.05
_PHONE_TOP_CHROME = 0.16  # status bar + address bar (Chrome, Samsung Internet, Firefox)
_PHONE_BOTTOM_CHROME = 0.12  # Safari and Firefox may put the address bar at the bottom
_DESKTOP_TOP_CHROME = 0.14  # tab strip + address bar (+ macOS or GNOME top bar)
_DESKTOP_TASKBAR = 0.08
_EDGE_PX = 3  # a line this close to the top or bottom edge was cut by it
_HOST = re.compile(
    r"(?:https?://)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,6})(?::\d{2,5})?(/\S*)?",
    re.IGNORECASE,
)
# The clock, if the status bar was not read with the page: the strip alone, as one line.
_STATUS_LANGUAGES = "eng"


@dataclass(frozen=True)
class Line:
    text: str
    paragraph: int
    confidence: float
    top: int
    bottom: int
    left: int
    right: int


@dataclass(frozen=True)
class EditSign:
    code: str  # editor_software, modified_later, clock_disagrees, recompressed
    detail: str


@dataclass(frozen=True)
class Reading:
    """Everything read from one image; plain values, so it can be stored and compared."""

    outcome: str  # one of the classifier's outcomes
    matched: str  # the text that decided the outcome
    statement: str  # a no-slot statement stated on the page, "" when none is readable
    text: str  # every line read, in reading order (device lines included)
    page_text: str  # the page's lines only
    confidence: float  # mean word confidence of the page's text (0–100)
    taken_at: datetime | None
    taken_at_source: str | None  # exif, filename, png_time, visible_clock, declared
    clock: when.Clock | None  # the time of day on screen
    exif_time: datetime | None
    filename_time: datetime | None
    png_time: datetime | None
    host: str | None
    url: str | None  # the full address, when the address bar shows more than the host
    places: tuple[places.Place, ...]
    procedure: str | None  # the line naming the démarche
    procedure_families: tuple[str, ...]
    copyright_years: tuple[int, ...]
    page_dates: tuple[date, ...]
    sha256: str
    perceptual_hash: str
    media_type: str
    width: int
    height: int
    edit_signs: tuple[EditSign, ...]
    reader: str  # READER_VERSION and the OCR engine's version
    slot_like_lines: tuple[str, ...] = field(default=())

    @property
    def prefecture(self) -> str | None:
        return self.places[0].name if self.places else None

    @property
    def departments(self) -> frozenset[str]:
        return frozenset(code for place in self.places for code in place.departments)


@dataclass(frozen=True)
class Fingerprint:
    """What tells two screenshots apart, cheaply: bytes, pHash, and the clock on screen."""

    sha256: str
    perceptual_hash: str
    clock: str | None


def fingerprint(data: bytes) -> Fingerprint:
    """For a case's older screenshots that have no stored reading (OCR of the clock only)."""
    picture = pictures.load(data)
    clock = _status_bar_clock(picture) if picture.phone_shaped else _taskbar_clock(picture)
    return Fingerprint(
        sha256=hashlib.sha256(data).hexdigest(),
        perceptual_hash=pictures.perceptual_hash(picture.image),
        clock=str(clock) if clock else None,
    )


def read_screenshot(
    data: bytes,
    filename: str = "",
    *,
    zone: str = "",
    declared_at: datetime | None = None,
) -> Reading:
    """Read one image; raises ``image.UnreadableImageError`` when it is not a readable image.

    ``zone``: the time zone of the phone's clock and file names (default ``TIME_ZONE``);
    ``declared_at``: the time the person declared, used only when the image gives none.
    """
    tz = ZoneInfo(zone or settings.TIME_ZONE)
    picture = pictures.load(data)  # 1
    lines, engine = _ocr_lines(picture)  # 2
    device, address, page = _split(lines, picture)  # 3
    clock = _clock(device) or _status_bar_clock(picture)
    host, url = _address(address)
    page_text = "\n".join(line.text for line in page)
    judged = _judge_text(page_text, url or (f"https://{host}/" if host else ""))  # 4
    judged = _doubt(judged, page, picture)
    statement = _statement(judged)
    folded = fold(page_text)
    taken_at, source = _taken_at(picture, filename, device, clock, tz, declared_at)  # 5
    return Reading(
        outcome=judged.outcome,
        matched=judged.matched,
        statement=statement,
        text="\n".join(line.text for line in lines),
        page_text=page_text,
        confidence=_mean_confidence(page),
        taken_at=taken_at,
        taken_at_source=source,
        clock=clock,
        exif_time=_aware(picture.exif_time, tz),
        filename_time=_aware(when.from_filename(filename), tz),
        png_time=picture.png_time,
        host=host,
        url=url,
        places=_places(page, host),
        procedure=_procedure(page),
        procedure_families=tuple(f.code for f, _ in places.families_in(page_text)),
        copyright_years=tuple(when.copyright_years(page_text)),
        page_dates=tuple(when.dates_in(folded)),
        sha256=hashlib.sha256(data).hexdigest(),
        perceptual_hash=pictures.perceptual_hash(picture.image),
        media_type=picture.media_type,
        width=picture.width,
        height=picture.height,
        edit_signs=_edit_signs(picture, clock, taken_at, source, tz),
        reader=f"{READER_VERSION}; {engine}",
        slot_like_lines=tuple(_slot_like_lines(page)),
    )


# --- 2. OCR -----------------------------------------------------------------------------------


def ocr_scale(picture: Picture) -> float:
    return _scale(picture.width, picture.height)


def _scale(width: int, height: int) -> float:
    phone = height >= 1.5 * width  # as ``Picture.phone_shaped``
    if phone:
        pixel_ratio = width / _PHONE_CSS_WIDTH
    else:
        pixel_ratio = 2.0 if width >= _DESKTOP_HIDPI_WIDTH else 1.0
    return min(_MAX_SCALE, max(0.25, (_TEXT_SCALE if phone else 2.0) / pixel_ratio))


def ocr_pixels(data: bytes) -> int:
    """How many pixels the OCR would read (the reading's cost grows with it), from the image's
    header alone; raises ``UnreadableImageError`` for a file that is not an image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.getexif().get(_ORIENTATION) in _TURNED:
                width, height = height, width
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise pictures.UnreadableImageError("ce fichier n'est pas une image lisible") from exc
    scale = _scale(width, height)
    return round(width * scale) * round(height * scale)


def _ocr_lines(picture: Picture) -> tuple[list[Line], str]:
    scale = ocr_scale(picture)
    grey = picture.image.convert("L")
    if scale != 1.0:
        size = (round(picture.width * scale), round(picture.height * scale))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    result = ocr.read(grey)
    grouped: dict[int, list[ocr.Word]] = {}
    for word in result.words:
        grouped.setdefault(word.line, []).append(word)
    lines = [_line(words, scale) for _, words in sorted(grouped.items())]
    return [line for line in lines if line.text], result.engine


def _line(words: list[ocr.Word], scale: float) -> Line:
    return Line(
        text=" ".join(word.text for word in words),
        paragraph=words[0].paragraph,
        confidence=sum(word.confidence for word in words) / len(words),
        left=round(min(word.box[0] for word in words) / scale),
        top=round(min(word.box[1] for word in words) / scale),
        right=round(max(word.box[2] for word in words) / scale),
        bottom=round(max(word.box[3] for word in words) / scale),
    )


def _mean_confidence(lines: list[Line]) -> float:
    return round(sum(line.confidence for line in lines) / len(lines), 1) if lines else 0.0


# --- 3. regions -------------------------------------------------------------------------------


def _split(lines: list[Line], picture: Picture) -> tuple[list[Line], list[Line], list[Line]]:
    """(device lines: status bar, taskbar; address-bar lines; page lines)."""
    height = picture.height
    device: list[Line] = []
    address: list[Line] = []
    page: list[Line] = []
    for line in lines:
        middle = (line.top + line.bottom) / 2 / height
        if _is_device_line(middle, picture.phone_shaped):
            device.append(line)
        elif _in_chrome(middle, picture.phone_shaped) and _HOST.search(line.text):
            address.append(line)
        else:
            page.append(line)
    return device, address, page


def _is_device_line(middle: float, phone: bool) -> bool:
    if phone:
        return middle < _PHONE_STATUS_BAR
    return middle > 1 - _DESKTOP_TASKBAR


def _in_chrome(middle: float, phone: bool) -> bool:
    if phone:
        return middle < _PHONE_TOP_CHROME or middle > 1 - _PHONE_BOTTOM_CHROME
    return middle < _DESKTOP_TOP_CHROME


def _clock(device: list[Line]) -> when.Clock | None:
    for line in device:
        clock = when.clock_in(line.text)
        if clock is not None:
            return clock
    return None


def _status_bar_clock(picture: Picture) -> when.Clock | None:
    """The phone's status bar read on its own: light text on a dark bar is inverted first."""
    if not picture.phone_shaped:
        return None
    strip = picture.image.convert("L").crop(
        (0, 0, picture.width, round(picture.height * _PHONE_STATUS_BAR))
    )
    if ImageStat.Stat(strip).mean[0] < 128:
        strip = ImageOps.invert(strip)
    strip = ImageOps.expand(strip, border=20, fill=255)
    words = ocr.read(strip, languages=_STATUS_LANGUAGES, single_line=True).words
    return when.clock_in(" ".join(word.text for word in words))


def _taskbar_clock(picture: Picture) -> when.Clock | None:
    top = round(picture.height * (1 - _DESKTOP_TASKBAR))
    band = picture.image.convert("L").crop((0, top, picture.width, picture.height))
    if ImageStat.Stat(band).mean[0] < 128:
        band = ImageOps.invert(band)
    band = band.resize((band.width * 2, band.height * 2), Image.Resampling.LANCZOS)
    words = ocr.read(ImageOps.expand(band, border=20, fill=255), languages=_STATUS_LANGUAGES).words
    return when.clock_in(" ".join(word.text for word in words))


def _address(lines: list[Line]) -> tuple[str | None, str | None]:
    for line in lines:
        match = _HOST.search(line.text)
        if match:
            host = match.group(1).lower()
            path = match.group(2) or ""
            return host, (f"https://{host}{path}" if path else None)
    return None, None


# --- 4. the text judgement --------------------------------------------------------------------


def _judge_text(text: str, url: str) -> Classification:
    """The classifier's text-only judge (the same statements and scopes as a live page)."""
    return classify_text(text, final_url=url)


def _doubt(judged: Classification, page: list[Line], picture: Picture) -> Classification:
    """A ``no_slot`` that the image cannot fully support becomes ``unknown``.

    An OCR reading is weaker than a browser's: the statement must be read with confidence and
    whole (not cut by the image's edge), and no line may look like a slot button (OCR does not
    see buttons, so a day's « aucun créneau » beside another day's 09:30 would otherwise pass).
    """
    if judged.outcome != NO_SLOT:
        return judged
    statement_lines = _lines_of(judged.matched, page)
    weak = (
        not statement_lines
        or min(line.confidence for line in statement_lines) < MIN_STATEMENT_CONFIDENCE
    )
    cut = any(
        line.top <= _EDGE_PX or line.bottom >= picture.height - _EDGE_PX for line in statement_lines
    )
    if weak or cut or _slot_like_lines(page):
        return Classification(UNKNOWN, judged.system, judged.matched, needs_review=True)
    return judged


def _lines_of(matched: str, page: list[Line]) -> list[Line]:
    target = fold(matched)
    return [line for line in page if fold(line.text) and fold(line.text) in target]


def _slot_like_lines(page: list[Line]) -> list[str]:
    return [
        line.text
        for line in page
        if s.TIME_BUTTON.match(fold(line.text)) and not s.NOT_A_SLOT_BUTTON.search(fold(line.text))
    ]


def _statement(judged: Classification) -> str:
    """The no-slot sentence the classifier found stated, whatever it concluded from it."""
    if judged.outcome not in (NO_SLOT, UNKNOWN) or not judged.matched:
        return ""
    folded = fold(judged.matched)
    return judged.matched if any(p.bare.search(folded) for p in s.NO_SLOT) else ""


# --- 5. when, where, what ---------------------------------------------------------------------


def _aware(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def _taken_at(
    picture: Picture,
    filename: str,
    device: list[Line],
    clock: when.Clock | None,
    tz: ZoneInfo,
    declared_at: datetime | None,
) -> tuple[datetime | None, str | None]:
    """The best time the image gives, in this order of trust.

    EXIF DateTimeOriginal and a device's file name are written when the screenshot is taken;
    a PNG tIME chunk is the last modification; a clock on screen counts only with a date beside
    it (a desktop taskbar); the declared time only when the image gives none.
    """
    if picture.exif_time is not None:
        return _aware(picture.exif_time, tz), "exif"
    from_name = when.from_filename(filename)
    if from_name is not None:
        return _aware(from_name, tz), "filename"
    if picture.png_time is not None:
        return picture.png_time, "png_time"
    shown_date = next((d for line in device for d in when.dates_in(fold(line.text))), None)
    if clock is not None and shown_date is not None:
        return when.at_clock(shown_date, clock).replace(tzinfo=tz), "visible_clock"
    if declared_at is not None:
        return declared_at, "declared"
    return None, None


def _places(page: list[Line], host: str | None) -> tuple[places.Place, ...]:
    named = places.named_places([line.text for line in page])
    site = places.place_of_host(host) if host else None
    return tuple(dict.fromkeys(named + ([site] if site else [])))


def _procedure(page: list[Line]) -> str | None:
    """The first paragraph naming a démarche (a title may wrap over several lines)."""
    for paragraph in _paragraphs(page):
        if next(places.families_in(paragraph), None) is not None:
            return paragraph
    return None


def _paragraphs(page: list[Line]) -> list[str]:
    grouped: dict[int, list[str]] = {}
    for line in page:
        grouped.setdefault(line.paragraph, []).append(line.text)
    return [" ".join(texts) for _, texts in sorted(grouped.items())]


# Moments read from the same image farther apart than this disagree (a renamed or edited file):
# the status bar clock and the file name are written by the same phone in the same second.
CLOCK_AGREEMENT_MINUTES = 2
# A PNG saved again this long after it was taken was opened and saved by a program.
MODIFIED_LATER_MINUTES = 10
# Phones save screenshots as PNG, or as JPEG of quality 90 or more; lower means re-encoded.
RECOMPRESSED_BELOW_QUALITY = 90


def _edit_signs(
    picture: Picture,
    clock: when.Clock | None,
    taken_at: datetime | None,
    source: str | None,
    tz: ZoneInfo,
) -> tuple[EditSign, ...]:
    signs = [EditSign("editor_software", name) for name in picture.editors]
    metadata_time = taken_at if source in ("exif", "filename") else None
    if metadata_time is not None and picture.png_time is not None:
        late = (picture.png_time - metadata_time).total_seconds() / 60
        if late > MODIFIED_LATER_MINUTES:
            signs.append(EditSign("modified_later", picture.png_time.isoformat()))
    if metadata_time is not None and clock is not None:
        local = metadata_time.astimezone(tz)
        gap = abs(local.hour * 60 + local.minute - clock.minutes)
        if min(gap, 24 * 60 - gap) > CLOCK_AGREEMENT_MINUTES:
            signs.append(EditSign("clock_disagrees", f"{clock} / {local:%H:%M}"))
    quality = picture.jpeg_quality
    if quality is not None and quality < RECOMPRESSED_BELOW_QUALITY:
        signs.append(EditSign("recompressed", str(quality)))
    return tuple(signs)
