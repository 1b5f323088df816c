import io
from datetime import UTC, datetime

from PIL import Image

from creneau.evidence.stamp import BAND_COLOUR, StampFacts, french_datetime, stamp

FACTS = StampFacts(
    captured_at=datetime(2026, 11, 27, 14, 4, 12, tzinfo=UTC),
    url="https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/4242/creneau/"
    + "?etape=3&" * 40,
    outcome="aucun créneau",
    capture_id="0f9c2f3e-7d7b-4b8c-9a1f-6f2b8a0b9e11",
    server_date="Fri, 27 Nov 2026 14:04:12 GMT",
    case_reference="K7M2PQ9X",
    dialogs=("Il n'existe plus de plage horaire libre pour votre demande de rendez-vous.",),
)


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def open_png(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def band_is_drawn(image: Image.Image, top: int, bottom: int) -> bool:
    """The band has its background colour and some dark text pixels."""
    region = image.crop((0, top, image.width, bottom))
    colours = {colour for _, colour in region.getcolors(maxcolors=1 << 20)}
    return BAND_COLOUR in colours and any(sum(c) < 150 for c in colours)


def test_it_writes_the_date_in_french_with_the_paris_offset():
    assert french_datetime(FACTS.captured_at) == (
        "vendredi 27 novembre 2026 à 15 h 04 min 12 s (UTC+01:00)"
    )
    summer = datetime(2026, 7, 1, 8, 0, 5, tzinfo=UTC)
    assert french_datetime(summer) == "mercredi 1er juillet 2026 à 10 h 00 min 05 s (UTC+02:00)"


def test_it_puts_the_band_above_a_1366_px_page_without_covering_it():
    original = png(1366, 900)
    stamped = open_png(stamp(original, FACTS))

    band = stamped.height - 900
    assert stamped.width == 1366 and band > 150
    assert band_is_drawn(stamped, 0, band)
    assert stamped.crop((0, band, 1366, stamped.height)).tobytes() == open_png(original).tobytes()


def test_a_10000_px_tall_page_keeps_a_readable_band_and_every_page_pixel():
    original = png(1366, 10_000)
    stamped = open_png(stamp(original, FACTS))

    band = stamped.height - 10_000
    assert stamped.width == 1366 and 150 < band < 600  # the text size follows the width only
    assert band_is_drawn(stamped, 0, band)
    assert stamped.crop((0, band, 1366, stamped.height)).tobytes() == open_png(original).tobytes()


def test_a_narrow_phone_screenshot_gets_a_band_wide_enough_to_read():
    stamped = open_png(stamp(png(390, 800), FACTS))

    assert stamped.width >= 900
    assert stamped.getpixel((200, stamped.height - 10)) == (40, 90, 160)


def test_the_band_grows_with_a_long_url_and_dialogs():
    short = StampFacts(FACTS.captured_at, "https://a.fr/", "erreur du site (error)", "x")
    assert (
        open_png(stamp(png(1366, 100), FACTS)).height
        > open_png(stamp(png(1366, 100), short)).height
    )
