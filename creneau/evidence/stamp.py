"""The visible stamp: a copy of the screenshot with a band saying when, where and what.

Judges look for the date, the time and the URL on each screenshot (legal.md §6.3). The band is
composited **above** the page, never drawn over it, and the
untouched original PNG is kept beside the stamped copy: the stamp is a reading aid, the
original and the seal are the evidence.
"""

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from creneau.evidence import pngsplice

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
PARIS = ZoneInfo("Europe/Paris")
MIN_WIDTH = 900  # a narrow (mobile) screenshot still gets a readable band
BAND_COLOUR = (255, 246, 204)
RULE_COLOUR = (120, 90, 0)
TEXT_COLOUR = (20, 20, 20)

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


@dataclass(frozen=True)
class StampFacts:
    captured_at: datetime  # aware
    url: str
    outcome: str  # the human label, e.g. « aucun créneau »
    capture_id: str
    server_date: str = ""
    case_reference: str = ""
    dialogs: Sequence[str] = field(default_factory=tuple)
    error: str = ""  # why the visit failed, when it did


def french_datetime(moment: datetime) -> str:
    """« vendredi 27 novembre 2026 à 15 h 04 min 12 s (UTC+01:00) », in Paris time."""
    local = moment.astimezone(PARIS)
    offset = local.strftime("%z")
    day = "1er" if local.day == 1 else str(local.day)
    return (
        f"{_DAYS[local.weekday()]} {day} {_MONTHS[local.month - 1]} {local.year} "
        f"à {local.hour} h {local.minute:02d} min {local.second:02d} s "
        f"(UTC{offset[:3]}:{offset[3:]})"
    )


def band_lines(facts: StampFacts) -> list[tuple[str, str]]:
    """(label, value) pairs, in reading order."""
    lines = [
        ("Capture du", f"{french_datetime(facts.captured_at)}, heure de Paris"),
        ("Adresse (URL)", facts.url),
        ("Date donnée par le serveur", facts.server_date or "non communiquée"),
        ("Résultat constaté", facts.outcome),
        ("Capture n°", facts.capture_id),
    ]
    if facts.case_reference:
        lines.append(("Dossier", facts.case_reference))
    if facts.error:
        lines.append(("Erreur", facts.error))
    for text in facts.dialogs:
        lines.append(("Message affiché par la page", f"« {' '.join(text.split())} »"))
    return lines


def stamp(png: bytes, facts: StampFacts) -> bytes:
    """The stamped copy of ``png`` (a new PNG); ``png`` itself is not modified."""
    lines = band_lines(facts)
    shape = pngsplice.page_mode(png)
    if shape and shape[1] >= MIN_WIDTH:
        spliced = pngsplice.prepend(png, _band(shape[1], lines, shape[0]))
        if spliced:
            return spliced
    return _compose(png, lines)


def _compose(png: bytes, lines: list[tuple[str, str]]) -> bytes:
    """The slow path: decode the page, paste it under the band, encode the whole."""
    with Image.open(io.BytesIO(png)) as opened:
        page = opened.convert("RGB")
    width = max(page.width, MIN_WIDTH)
    band = _band(width, lines, "RGB")
    sheet = Image.new("RGB", (width, band.height + page.height), "white")
    sheet.paste(band, (0, 0))
    sheet.paste(page, (0, band.height))
    out = io.BytesIO()
    sheet.save(out, "PNG", compress_level=1)  # speed matters more than size here
    return out.getvalue()


def _band(width: int, lines: list[tuple[str, str]], mode: str) -> Image.Image:
    """The band, in the page's mode; its last row is all zeros (see :mod:`pngsplice`)."""
    size = max(16, width // 68)  # about 20 px at 1366 px wide
    regular, bold = _font(FONT, size), _font(FONT_BOLD, size)
    margin, leading = size, int(size * 1.45)
    blocks = []
    for label, value in lines:
        head = f"{label} : "
        indent = int(bold.getlength(head))
        blocks.append((head, indent, _wrap(value, regular, width - 2 * margin - indent)))
    height = 2 * margin + leading * sum(len(wrapped) for *_, wrapped in blocks)
    band = Image.new(mode, (width, height), BAND_COLOUR)
    draw = ImageDraw.Draw(band)
    y = margin
    for head, indent, wrapped in blocks:
        draw.text((margin, y), head, font=bold, fill=TEXT_COLOUR)
        for part in wrapped:
            draw.text((margin + indent, y), part, font=regular, fill=TEXT_COLOUR)
            y += leading
    draw.line([(0, 1), (width, 1)], fill=RULE_COLOUR, width=3)
    draw.line([(0, height - 3), (width, height - 3)], fill=RULE_COLOUR, width=3)
    draw.line([(0, height - 1), (width, height - 1)], fill=(0,) * len(mode))
    return band


@lru_cache(maxsize=16)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A loaded font, kept: loading one costs more than drawing the whole band."""
    return ImageFont.truetype(path, size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, room: int) -> list[str]:
    """Lines that fit ``room`` pixels: at spaces when possible, anywhere in long URLs."""
    average = max(1.0, font.getlength("abcdefghijklmnopqrstuvwxyz0123456789") / 36)
    guess = max(10, int(room / average))
    lines: list[str] = []
    paragraphs = textwrap.wrap(text, guess, break_long_words=False, break_on_hyphens=False)
    for paragraph in paragraphs or [""]:
        lines.extend(_split_to_fit(paragraph, font, room))
    return lines


def _split_to_fit(line: str, font: ImageFont.FreeTypeFont, room: int) -> list[str]:
    parts: list[str] = []
    while font.getlength(line) > room:
        cut = len(line) - 1
        while cut > 1 and font.getlength(line[:cut]) > room:
            cut -= 1
        parts.append(line[:cut])
        line = line[cut:]
    parts.append(line)
    return parts
