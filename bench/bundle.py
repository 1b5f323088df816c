"""Cost of building the Télérecours-ready folder for a case with 90 sealed captures.

    uv run python bench/bundle.py [--captures 90] [--runs 3]

Generates a renewal case with ``--captures`` online attempts over three months, each a sealed
capture (a realistic 1366 × ~1400 screenshot drawn with Pillow, stamped, stored, sealed with an
RFC 3161 token from a local TSA, journalled), plus two registered letters with scans and an
e-mail. Then builds the bundle ``--runs`` times and prints the median and best total times
(goal ≤ 5 s), each file's size, and the ratio to a baseline measured in the same run: img2pdf
of the same stamped PNGs alone, one PDF, no caption, no requête.
"""

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA = tempfile.mkdtemp(prefix="creneau-bench-")
os.environ["CRENEAU_DATA_DIR"] = DATA
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creneau.settings")

import django  # noqa: E402

django.setup()

import img2pdf  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from creneau.accounts.models import Organisation  # noqa: E402
from creneau.cases.models import Case, Person  # noqa: E402
from creneau.catalog.loader import load_catalog  # noqa: E402
from creneau.catalog.models import Department  # noqa: E402
from creneau.court.bundle import build_bundle  # noqa: E402
from creneau.evidence.attempts import Filed, record_attempt  # noqa: E402
from creneau.evidence.models import Blob  # noqa: E402
from creneau.lib import storage  # noqa: E402
from creneau.lib.localtsa import LocalTSA  # noqa: E402
from tests.court.conftest import sealed_capture  # noqa: E402

URL = "https://www.seine-saint-denis.gouv.fr/booking/create/1234"
PARIS = datetime.timezone(datetime.timedelta(hours=2))
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def screenshot(number: int) -> bytes:
    """A booking page as Chromium would show it: header, text, form, footer."""
    rng = random.Random(number)
    height = 1400 + rng.randint(-60, 60)
    image = Image.new("RGB", (1366, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 15) if Path(FONT).exists() else ImageFont.load_default()
    draw.rectangle((0, 0, 1366, 110), fill=(0, 0, 145))
    draw.text((60, 40), "PRÉFET DE LA SEINE-SAINT-DENIS — Prise de rendez-vous", fill="white")
    for row in range(40):
        words = " ".join(
            rng.choice(["titre", "séjour", "demande", "rendez-vous", "guichet"])
            for _ in range(rng.randint(6, 14))
        )
        draw.text((60, 150 + row * 28), words, fill=(40, 40, 40), font=font)
    draw.rectangle((60, 1300, 700, 1340), outline=(180, 0, 0), width=2)
    draw.text(
        (75, 1310),
        "Il n'existe plus de plage horaire libre pour votre demande.",
        fill=(180, 0, 0),
        font=font,
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def sealed_attempt(case: Case, at: datetime.datetime, png: bytes) -> bytes:
    """A sealed online attempt recorded as the court tests do; returns the stamped PNG."""
    attempt = sealed_capture(case, at, png)
    return storage.read(attempt.files.get().blob.sha256)


def attach(case: Case, channel: str, at: datetime.datetime, name: str, data: bytes) -> None:
    stored = storage.put(data)
    blob, _ = Blob.objects.get_or_create(sha256=stored.sha256, defaults={"size": stored.size})
    files = [Filed(blob, name)]
    record_attempt(case, channel=channel, at=at, outcome="delivered", files=files)


def scan() -> bytes:
    image = Image.new("L", (1240, 1754), 250)  # A4 at 150 dpi, greyscale, as advised
    ImageDraw.Draw(image).text((100, 100), "Avis de réception — lettre recommandée", fill=0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def make_case(captures: int) -> tuple[Case, list[bytes]]:
    organisation = Organisation.objects.create(name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}")
    person = Person.objects.create(
        organisation=organisation,
        family_name="Diallo",
        given_names="Aminata",
        birth_date="1990-04-02",
        nationality="malienne",
        address="1 rue X\n93200 Saint-Denis",
    )
    case = Case.objects.create(
        organisation=organisation,
        person=person,
        procedure_kind="renewal",
        title="carte de séjour temporaire",
        department=Department.objects.get(code="93"),
        title_expires_on=datetime.date(2026, 8, 12),
        employment=True,
    )
    start = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=PARIS)
    stamped = []
    for number in range(captures):
        at = start + datetime.timedelta(hours=number * 24 + (number * 7) % 10)
        stamped.append(sealed_attempt(case, at, screenshot(number)))
    for number, day in enumerate((6, 20), start=1):
        attach(
            case,
            "letter",
            datetime.datetime(2026, 7, day, 10, tzinfo=PARIS),
            f"ar-{number}.jpg",
            scan(),
        )
    return case, stamped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--captures", type=int, default=90)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    load_catalog()
    tsa = LocalTSA(Path(DATA) / "tsa").start()
    settings.TSA_URLS, settings.TSA_CA_FILE = [tsa.url], str(tsa.ca_file)
    try:
        clock = time.perf_counter()
        case, pngs = make_case(args.captures)
        print(
            f"setup: {args.captures} sealed captures in {time.perf_counter() - clock:.1f} s "
            f"({sum(map(len, pngs)) / 1e6:.1f} MB of stamped PNG)"
        )
        build_bundle(case, Path(DATA) / "warm", date="2026-09-01")  # fonts, imports, caches
        totals, baselines = [], []
        for run in range(args.runs):
            clock = time.perf_counter()
            img2pdf.convert(pngs)
            baselines.append(time.perf_counter() - clock)
            clock = time.perf_counter()
            result = build_bundle(case, Path(DATA) / f"run-{run}", date="2026-09-01")
            totals.append(time.perf_counter() - clock)
        seals = [row for row in result.files if row.role == "seal"]
        for row in result.files:
            if row.role != "seal":
                print(f"{row.size / 1e6:8.2f} MB  {row.path}")
        print(f"{sum(r.size for r in seals) / 1e6:8.2f} MB  preuves/scelles/… ({len(seals)} files)")
        if args.profile:
            import cProfile
            import pstats

            cProfile.runctx(
                "build_bundle(case, Path(DATA) / 'profile', date='2026-09-01')",
                globals(),
                locals(),
                str(Path(DATA) / "profile.out"),
            )
            pstats.Stats(str(Path(DATA) / "profile.out")).sort_stats("cumulative").print_stats(25)
        total, base = statistics.median(totals), statistics.median(baselines)
        print(f"bundle: median {total:.2f} s, best {min(totals):.2f} s (goal ≤ 5 s)")
        print(f"baseline img2pdf of the {len(pngs)} PNGs alone: median {base:.2f} s")
        print(f"ratio bundle / baseline: {total / base:.2f}")
    finally:
        tsa.stop()


if __name__ == "__main__":
    main()
