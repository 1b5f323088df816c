"""Real screenshots for the screenshot reader's tests and benchmark.

Headless Chromium renders the simulators' booking pages as a phone shows them (360 × 800 CSS px
at 3 device pixels per CSS pixel: 1080 × 2400) under a drawn Android status bar (clock, battery)
and Chrome's address bar, or as a desktop browser shows them (1366 × 768) with its tab strip,
address bar and a taskbar clock. The browser chrome is itself an HTML page rendered by Chromium;
Pillow only stacks the two renderings and writes the file under a phone's file name, with the
metadata a variant needs (PNG tIME, EXIF DateTimeOriginal, a Software tag).

Variants are made the way people and tampering make them: another simulator page (another
prefecture, another démarche), the same picture re-encoded, a page edited in the DOM before the
screenshot (another prefecture's name, a « © 2022 » footer), a crop that cuts the statement.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import time_machine
from PIL import Image, PngImagePlugin
from playwright.sync_api import Browser, Page

from creneau.simulators.server import SimulatorServer

PHONE_CSS = (360, 800)
PHONE_SCALE = 3
PHONE_CHROME_CSS = 80  # status bar 24 px + address bar 56 px
DESKTOP = (1366, 768)
DESKTOP_TOP = 80  # tab strip + address bar
DESKTOP_TASKBAR = 40

_PHONE_CHROME = """<!doctype html><meta charset="utf-8"><style>
body {{ margin: 0; font-family: Roboto, 'DejaVu Sans', sans-serif; background: #fff; }}
.status {{ height: 24px; background: #1f1f1f; color: #fff; display: flex;
  align-items: center; justify-content: space-between; padding: 0 14px; font-size: 13px; }}
.icons {{ display: flex; gap: 6px; align-items: center; }}
.battery {{ border: 1.5px solid #fff; border-radius: 2px; width: 18px; height: 9px;
  position: relative; }}
.battery i {{ position: absolute; left: 1px; top: 1px; bottom: 1px; width: {battery_px}px;
  background: #fff; }}
.bar {{ height: 56px; display: flex; align-items: center; padding: 0 10px; gap: 10px;
  border-bottom: 1px solid #ddd; }}
.url {{ flex: 1; background: #f1f3f4; border-radius: 20px; height: 38px; display: flex;
  align-items: center; padding: 0 10px; font-size: 14px; color: #202124; gap: 6px;
  white-space: nowrap; overflow: hidden; letter-spacing: -0.2px; }}
.tabs {{ border: 2px solid #444; border-radius: 3px; width: 16px; height: 16px;
  font-size: 10px; text-align: center; line-height: 16px; }}
</style><div class="status"><span>{clock}</span><span class="icons"><span>▾ ▴</span>
<span>{battery}&nbsp;%</span><span class="battery"><i></i></span></span></div>
<div class="bar"><span>⌂</span><div class="url"><span>🔒</span><span>{host}</span></div>
<span class="tabs">{tabs}</span><span>⋮</span></div>"""

_DESKTOP_TOP = """<!doctype html><meta charset="utf-8"><style>
body {{ margin: 0; font-family: 'DejaVu Sans', sans-serif; background: #dee1e6; }}
.tabs {{ height: 38px; display: flex; align-items: flex-end; padding-left: 8px; }}
.tab {{ background: #fff; border-radius: 8px 8px 0 0; padding: 9px 14px; font-size: 12px;
  width: 220px; white-space: nowrap; overflow: hidden; }}
.bar {{ height: 42px; background: #fff; display: flex; align-items: center; gap: 12px;
  padding: 0 10px; }}
.url {{ flex: 1; background: #f1f3f4; border-radius: 16px; height: 30px; display: flex;
  align-items: center; padding: 0 14px; font-size: 14px; color: #202124; white-space: nowrap; }}
</style><div class="tabs"><div class="tab">{title}</div></div>
<div class="bar"><span>←</span><span>→</span><span>↻</span><div class="url">{url}</div>
<span>☆</span><span>⋮</span></div>"""

_TASKBAR = """<!doctype html><meta charset="utf-8"><style>
body {{ margin: 0; font-family: 'DejaVu Sans', sans-serif; background: #202020; color: #fff; }}
.bar {{ height: 40px; display: flex; align-items: center; justify-content: flex-end;
  padding: 0 12px; gap: 18px; font-size: 12px; }}
.clock {{ text-align: right; line-height: 16px; }}
</style><div class="bar"><span>FRA</span><div class="clock">{clock}<br>{date}</div></div>"""


@dataclass(frozen=True)
class Shot:
    """One rendered screenshot file and what a careful reader knows about it."""

    key: str
    path: Path
    page_outcome: str  # what the page itself shows: no_slot, slots_available, unknown…
    notes: str = ""

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class Chrome:
    """What the phone or the desktop shows around the page, and when it was taken.

    The simulators are rendered at ``when`` (time-machine moves the process clock), so the dates
    they print agree with the clock drawn in the status bar.
    """

    when: datetime
    host: str = "seine-saint-denis.gouv.fr"
    battery: int = 76
    url: str = ""  # the desktop address bar (full address); the phone shows ``host`` only
    clock_digits: str = "0123456789"  # an Arabic-speaking phone draws « ٠١٢٣٤٥٦٧٨٩ »

    @property
    def clock(self) -> str:
        return self.when.strftime("%H:%M").translate(str.maketrans("0123456789", self.clock_digits))

    @property
    def date(self) -> str:
        return self.when.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Save:
    """How the file is written: its name, format and metadata."""

    name: str
    jpeg_quality: int = 0  # 0: PNG
    png_time: datetime | None = None
    exif_time: datetime | None = None
    software: str = ""
    crop_bottom: int = 0  # device pixels removed from the bottom (a cut screenshot)
    scale: float = 1.0  # resized as a messaging app does


Step = Callable[[Page], None]


@dataclass
class Renderer:
    """Renders simulator pages into screenshot files under ``folder``."""

    browser: Browser
    simulator: SimulatorServer
    folder: Path
    rendered: dict[str, Shot] = field(default_factory=dict)

    def phone(self, steps: Step, chrome: Chrome, save: Save) -> bytes:
        width, height = PHONE_CSS
        with time_machine.travel(chrome.when, tick=True):
            page_png = self._page_png(steps, (width, height - PHONE_CHROME_CSS), PHONE_SCALE)
        battery_px = max(1, round(15 * chrome.battery / 100))
        top = self._html_png(
            _PHONE_CHROME.format(
                clock=chrome.clock,
                battery=chrome.battery,
                battery_px=battery_px,
                host=chrome.host,
                tabs=3,
            ),
            (width, PHONE_CHROME_CSS),
            PHONE_SCALE,
        )
        return stack([top, page_png])

    def desktop(self, steps: Step, chrome: Chrome, save: Save) -> bytes:
        width, height = DESKTOP
        page_height = height - DESKTOP_TOP - DESKTOP_TASKBAR
        with time_machine.travel(chrome.when, tick=True):
            page_png = self._page_png(steps, (width, page_height), 1)
        top = self._html_png(
            _DESKTOP_TOP.format(title="Prise de rendez-vous", url=chrome.url or chrome.host),
            (width, DESKTOP_TOP),
            1,
        )
        bottom = self._html_png(
            _TASKBAR.format(clock=chrome.clock, date=chrome.date), (width, DESKTOP_TASKBAR), 1
        )
        return stack([top, page_png, bottom])

    def write(
        self, key: str, pixels: bytes, save: Save, page_outcome: str, notes: str = ""
    ) -> Shot:
        path = self.folder / save.name
        path.write_bytes(encode(pixels, save))
        shot = Shot(key, path, page_outcome, notes)
        self.rendered[key] = shot
        return shot

    def _page_png(self, steps: Step, size: tuple[int, int], scale: int) -> bytes:
        context = self.browser.new_context(
            viewport={"width": size[0], "height": size[1]},
            device_scale_factor=scale,
            locale="fr-FR",
            is_mobile=scale > 1,
            has_touch=scale > 1,
        )
        try:
            page = context.new_page()
            steps(page)
            page.wait_for_load_state("load")
            return page.screenshot()
        finally:
            context.close()

    def _html_png(self, html: str, size: tuple[int, int], scale: int) -> bytes:
        context = self.browser.new_context(
            viewport={"width": size[0], "height": size[1]}, device_scale_factor=scale
        )
        try:
            page = context.new_page()
            page.set_content(html)
            return page.screenshot()
        finally:
            context.close()


def stack(parts: list[bytes]) -> bytes:
    images = [Image.open(io.BytesIO(part)).convert("RGB") for part in parts]
    width = images[0].width
    out = Image.new("RGB", (width, sum(image.height for image in images)), "white")
    top = 0
    for image in images:
        out.paste(image, (0, top))
        top += image.height
    buffer = io.BytesIO()
    out.save(buffer, "PNG")
    return buffer.getvalue()


def encode(pixels: bytes, save: Save) -> bytes:
    """The file as the phone (or an app) would have written it."""
    image = Image.open(io.BytesIO(pixels)).convert("RGB")
    if save.crop_bottom:
        image = image.crop((0, 0, image.width, image.height - save.crop_bottom))
    if save.scale != 1.0:
        size = (round(image.width * save.scale), round(image.height * save.scale))
        image = image.resize(size, Image.Resampling.LANCZOS)
    exif = Image.Exif()
    if save.exif_time:
        exif[0x8769] = {0x9003: save.exif_time.strftime("%Y:%m:%d %H:%M:%S")}
    if save.software:
        exif[0x0131] = save.software
    out = io.BytesIO()
    if save.jpeg_quality:
        image.save(out, "JPEG", quality=save.jpeg_quality, exif=exif.tobytes() if exif else b"")
        return out.getvalue()
    info = PngImagePlugin.PngInfo()
    if save.software:
        info.add_text("Software", save.software)
    image.save(out, "PNG", pnginfo=info, exif=exif.tobytes() if exif else b"")
    data = out.getvalue()
    return add_png_time(data, save.png_time) if save.png_time else data


def add_png_time(data: bytes, when: datetime) -> bytes:
    """Insert a tIME chunk (UTC, as the PNG specification says) after IHDR."""
    import struct
    import zlib

    body = struct.pack(">HBBBBB", when.year, when.month, when.day, when.hour, when.minute, 0)
    chunk = struct.pack(">I", len(body)) + b"tIME" + body
    chunk += struct.pack(">I", zlib.crc32(b"tIME" + body) & 0xFFFFFFFF)
    ihdr_end = 8 + 4 + 4 + 13 + 4
    return data[:ihdr_end] + chunk + data[ihdr_end:]


# --- the simulator flows -------------------------------------------------------------------


def legacy_flow(sim: SimulatorServer, path: str, *, desk: bool = True) -> Step:
    """System A up to its answer: accept the conditions, choose a desk when asked."""

    def steps(page: Page) -> None:
        page.goto(sim.base_url + path)
        page.check("#condition")
        page.click("input[name=nextButton]")
        if desk:
            page.check("input[name=planning] >> nth=0")
            page.click("input[name=nextButton]")
        page.wait_for_load_state("load")

    return steps


def legacy_conditions(sim: SimulatorServer, path: str) -> Step:
    def steps(page: Page) -> None:
        page.goto(sim.base_url + path)

    return steps


def rdv_prefecture_flow(sim: SimulatorServer, path: str) -> Step:
    """System B: a person reads and types the captcha code (the simulator tells the test)."""

    def steps(page: Page) -> None:
        page.goto(sim.base_url + path)
        page.fill("input[name=captchaUsercode]", sim.captcha_code)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url(re.compile(r"/creneau/"))
        page.click("#tarteaucitronAllDenied2")

    return steps


def then(first: Step, *edits: str) -> Step:
    """``first``, then JavaScript edits of the page (a tampered page, before its screenshot)."""

    def steps(page: Page) -> None:
        first(page)
        for script in edits:
            page.evaluate(script)

    return steps


def replace_text(old: str, new: str) -> str:
    return (
        "(() => { const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);"
        f" let node; while ((node = walk.nextNode())) {{ node.nodeValue ="
        f" node.nodeValue.split({old!r}).join({new!r}); }} }})()"
    )


def append_footer(text: str) -> str:
    return (
        "(() => { const p = document.createElement('p'); p.style.fontSize = '14px';"
        f" p.style.margin = '12px 24px'; p.textContent = {text!r};"
        " const main = document.querySelector('#page, main, .container, #contenu')"
        " || document.body; main.appendChild(p); })()"
    )


# --- the rendered set ----------------------------------------------------------------------

LEGACY_93 = "/93/booking/create/9845/0"
LEGACY_92_REMISE = "/92/booking/create/4462/0"
RDV_PREF_ESSONNE = "/rdvpref/reservation/demarche/4409/cgu/"
RDV_PREF_REMISE_94 = "/rdvpref/reservation/demarche/16040/cgu/"
HOST_93 = "seine-saint-denis.gouv.fr"
HOST_RDV_PREF = "rdv-prefecture.interieur.gouv.fr"
# Pushes the statement down until only the top 9 CSS px of its first line show.
STATEMENT_TO_BOTTOM_EDGE = (
    "(() => { const form = document.querySelector('#FormBookingCreate');"
    " document.getElementById('cookies-banner').style.display = 'none';"
    " const spacer = document.createElement('div');"
    " spacer.style.height = (window.innerHeight - 9 - form.getBoundingClientRect().top) + 'px';"
    " form.parentNode.insertBefore(spacer, form); })()"
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def render_set(r: Renderer) -> dict[str, Shot]:
    """Every screenshot the tests use, rendered once (about a second each)."""
    sim = r.simulator
    sim.reset()
    no_slot_93 = legacy_flow(sim, LEGACY_93)
    pixels = r.phone(no_slot_93, Chrome(at("2026-09-03 14:32:01"), host=HOST_93), Save(""))
    r.write("phone_no_slot", pixels, Save("Screenshot_20260903-143201.png"), "no_slot")
    # The same picture sent through a messaging app: smaller, JPEG, no metadata.
    r.write(
        "phone_duplicate",
        pixels,
        Save("IMG-20260905-WA0003.jpg", jpeg_quality=72, scale=0.6),
        "no_slot",
        "phone_no_slot re-encoded",
    )
    _render_same_page_other_days(r, no_slot_93)
    _render_other_places(r)
    _render_tampered(r, no_slot_93)
    _render_not_no_slot(r)
    _render_desktop(r, no_slot_93)
    return r.rendered


def _render_same_page_other_days(r: Renderer, no_slot_93: Step) -> None:
    r.write(
        "phone_next_day",
        r.phone(no_slot_93, Chrome(at("2026-09-04 09:47:12"), battery=41, host=HOST_93), Save("")),
        Save("Screenshot_20260904-094712.png"),
        "no_slot",
    )
    r.write(
        "iphone_exif",
        r.phone(no_slot_93, Chrome(at("2026-09-10 12:05:33"), battery=88, host=HOST_93), Save("")),
        Save("IMG_0042.PNG", exif_time=at("2026-09-10 12:05:33")),
        "no_slot",
    )
    r.write(
        "phone_arabic_clock",
        r.phone(
            no_slot_93,
            Chrome(at("2026-09-14 21:06:40"), host=HOST_93, clock_digits="٠١٢٣٤٥٦٧٨٩"),
            Save(""),
        ),
        Save("IMG_0057.PNG"),
        "no_slot",
        "Arabic-Indic digits in the status bar, no date in name or metadata",
    )
    # A screenshot where the statement is cut by the bottom edge.
    r.write(
        "phone_cut",
        r.phone(
            then(no_slot_93, STATEMENT_TO_BOTTOM_EDGE),
            Chrome(at("2026-09-11 18:20:03"), host=HOST_93),
            Save(""),
        ),
        Save("Screenshot_20260911-182003.png"),
        "unknown",
        "statement cut in half by the bottom edge",
    )


def _render_other_places(r: Renderer) -> None:
    sim = r.simulator
    r.write(
        "phone_other_prefecture",
        r.phone(
            legacy_flow(sim, LEGACY_92_REMISE, desk=False),
            Chrome(at("2026-09-05 10:15:00"), host="hauts-de-seine.gouv.fr"),
            Save(""),
        ),
        Save("Screenshot_20260905-101500.png"),
        "no_slot",
        "Hauts-de-Seine, remise d'un titre",
    )
    r.write(
        "phone_rdvpref_essonne",
        r.phone(
            rdv_prefecture_flow(sim, RDV_PREF_ESSONNE),
            Chrome(at("2026-09-09 19:30:12"), host=HOST_RDV_PREF),
            Save(""),
        ),
        Save("Screenshot_20260909-193012.png"),
        "no_slot",
        "Essonne, demande de titre de séjour – Palaiseau",
    )
    r.write(
        "phone_rdvpref_remise",
        r.phone(
            rdv_prefecture_flow(sim, RDV_PREF_REMISE_94),
            Chrome(at("2026-09-12 08:05:41"), host=HOST_RDV_PREF),
            Save(""),
        ),
        Save("Screenshot_20260912-080541.png"),
        "no_slot",
        "Val-de-Marne, remise de titre de séjour",
    )


def _render_tampered(r: Renderer, no_slot_93: Step) -> None:
    r.write(
        "phone_seine_maritime_2022",
        r.phone(
            then(
                no_slot_93,
                replace_text("de la Seine-Saint-Denis", "de la Seine-Maritime"),
                append_footer("© 2022 Préfecture de la Seine-Maritime"),
            ),
            Chrome(at("2026-09-06 11:02:44"), host="seine-maritime.gouv.fr"),
            Save(""),
        ),
        Save("Capture d'écran 2026-09-06 à 11.02.44.png"),
        "no_slot",
        "another prefecture, © 2022",
    )
    r.write(
        "phone_edited",
        r.phone(
            then(no_slot_93, append_footer("© 2027 Préfecture de la Seine-Saint-Denis")),
            Chrome(at("2026-09-07 16:04:05"), host=HOST_93),
            Save(""),
        ),
        Save(
            "Screenshot_20260907-160405.png",
            software="GIMP 2.10.34",
            png_time=at("2026-10-02 21:40:00"),
        ),
        "no_slot",
        "a later year on the page, saved by an image editor weeks later",
    )


def _render_not_no_slot(r: Renderer) -> None:
    sim = r.simulator
    r.write(
        "phone_conditions",
        r.phone(
            legacy_conditions(sim, LEGACY_93),
            Chrome(at("2026-09-08 08:15:00"), host=HOST_93),
            Save(""),
        ),
        Save("Screenshot_20260908-081500.png"),
        "unknown",
        "the conditions step: no statement at all",
    )
    r.write(
        "phone_quoted",
        r.phone(
            then(
                legacy_conditions(sim, LEGACY_93),
                "document.querySelector('.Bpresentation').textContent = 'Si le message"
                " « Il n\\'existe plus de plage horaire libre pour votre demande de"
                " rendez-vous » s\\'affiche : recommencez le lendemain.'",
            ),
            Chrome(at("2026-09-08 08:16:11"), host=HOST_93),
            Save(""),
        ),
        Save("Screenshot_20260908-081611.png"),
        "unknown",
        "the sentence quoted as a hypothesis",
    )
    sim.set_state("legacy", "slots")
    r.write(
        "phone_slots",
        r.phone(
            legacy_flow(sim, LEGACY_93), Chrome(at("2026-09-13 07:58:02"), host=HOST_93), Save("")
        ),
        Save("Screenshot_20260913-075802.png"),
        "slots_available",
    )
    sim.set_state("rdv_prefecture", "slots")
    r.write(
        "phone_rdvpref_slots",
        r.phone(
            rdv_prefecture_flow(sim, RDV_PREF_ESSONNE),
            Chrome(at("2026-09-13 07:59:11"), host=HOST_RDV_PREF),
            Save(""),
        ),
        Save("Screenshot_20260913-075911.png"),
        "slots_available",
    )
    sim.reset()


def _render_desktop(r: Renderer, no_slot_93: Step) -> None:
    r.write(
        "desktop_no_slot",
        r.desktop(
            no_slot_93,
            Chrome(at("2026-09-03 14:32:10"), url=f"https://www.{HOST_93}/booking/create/9845/2"),
            Save(""),
        ),
        Save("Capture d'écran 2026-09-03 143210.png"),
        "no_slot",
    )
