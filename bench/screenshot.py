"""Reading a person's screenshots: per image, and a 200-image bulk import on 2 processes.

    uv run python bench/screenshot.py [--runs 7] [--bulk 200] [--processes 2] [--import 200]
    uv run --with pytesseract python bench/screenshot.py --bindings   # tesserocr vs pytesseract

Chromium first renders real screenshots from the simulators (tests/watch/screens.py): a phone
one (1080 × 2400) and a desktop one (1366 × 768). For each, the median time of the OCR alone
(the seam on the scaled image: the baseline) and of the full reading (OCR, status bar, address,
classifier, places, dates, pHash, metadata) and reading + checks, interleaved so that machine
load hits them alike, and their ratio to the baseline. Goal: under 1.5 s per phone image.

Then the bulk import: ``--bulk`` screenshots (the rendered set, cycled) read by ``--processes``
worker processes (each keeps its own Tesseract), with progress every 10 %; goal: 200 images in
under 5 minutes on 2 cores. ``--bindings`` measures pytesseract (Debian's tesseract binary, one
process per image) against tesserocr (the library in process) on the same scaled image; Debian's
binary uses OpenMP threads, so run it also with ``OMP_THREAD_LIMIT=1`` on a busy machine.

``--import`` runs the real bulk import (``screenshots.bulk.run_import``, what the worker runs for
the case page's import and ``creneau case screenshots``) on that many distinct phone screenshots
(the phone set, each copy renamed to its own time and given its own bytes): each is read, checked
against the case and the screenshots before it, sealed (no time-stamping authority: no network)
and recorded as an attempt, in one process, with the progress it writes on the import's row.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("CRENEAU_DATA_DIR", tempfile.mkdtemp(prefix="creneau-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creneau.settings")
os.environ.setdefault("CRENEAU_TSA_URLS", "")  # the import's seals ask no authority

import django

django.setup()

from PIL import Image  # noqa: E402

from creneau.lib import ocr  # noqa: E402
from creneau.watch.screenshot import Expectation, check, read_screenshot  # noqa: E402
from creneau.watch.screenshot import image as pictures  # noqa: E402
from creneau.watch.screenshot.reading import ocr_scale  # noqa: E402


def render(folder: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from creneau.lib.browser import LAUNCH_ARGS, chromium_path
    from creneau.simulators.server import start
    from tests.watch.screens import Renderer, render_set

    with start() as simulator, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        try:
            shots = render_set(Renderer(browser, simulator, folder))
        finally:
            browser.close()
    return [shot.path for shot in shots.values()]


def scaled(path: Path) -> Image.Image:
    picture = pictures.load(path.read_bytes())
    scale = ocr_scale(picture)
    size = (round(picture.width * scale), round(picture.height * scale))
    return picture.image.convert("L").resize(size, Image.Resampling.LANCZOS)


def medians(runs: int, steps: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Each step ``runs`` times, interleaved; one warm-up call each first."""
    for step in steps.values():
        step()
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(runs):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def per_image(path: Path, runs: int) -> float:
    """Prints the medians; returns the baseline (the OCR alone on the scaled image)."""
    data, grey = path.read_bytes(), scaled(path)
    expectation = Expectation(
        department="93", procedure_kind="first_application", today=date.today()
    )
    result = medians(
        runs,
        {
            "ocr only (baseline)": lambda: ocr.read(grey),
            "full reading": lambda: read_screenshot(data, path.name),
            "reading + checks": lambda: check(read_screenshot(data, path.name), expectation),
        },
    )
    baseline = result["ocr only (baseline)"]
    size = Image.open(path).size
    print(f"\n{path.name} ({size[0]} × {size[1]}, OCR at {grey.width} × {grey.height})")
    for name, seconds in result.items():
        print(f"  {name:22} median {seconds:6.3f} s   ÷ baseline {seconds / baseline:5.2f}")
    return baseline


def bindings(path: Path, runs: int) -> None:
    try:
        import pytesseract
    except ImportError:
        print("\n--bindings needs pytesseract: uv run --with pytesseract python bench/…")
        return
    grey = scaled(path)
    result = medians(
        runs,
        {
            "tesserocr (in process)": lambda: ocr.read(grey),
            "pytesseract (subprocess)": lambda: pytesseract.image_to_data(
                grey, lang="fra+eng", config=f"--tessdata-dir {ocr.tessdata_dir()}"
            ),
        },
    )
    base = result["tesserocr (in process)"]
    engine = pytesseract.get_tesseract_version()
    threads = os.environ.get("OMP_THREAD_LIMIT", "unset")
    print(f"\nbindings on {path.name} ({grey.width} × {grey.height}), OMP_THREAD_LIMIT={threads}:")
    print(f"  tesserocr: {ocr.engine_version()}; pytesseract: tesseract {engine} (Debian)")
    for name, seconds in result.items():
        print(f"  {name:26} median {seconds:6.3f} s   ÷ tesserocr {seconds / base:5.2f}")


def _read_one(path: str) -> str:
    return read_screenshot(Path(path).read_bytes(), Path(path).name).outcome


def _worker_setup() -> None:
    django.setup()


def bulk(paths: list[Path], count: int, processes: int) -> None:
    chosen = [str(paths[i % len(paths)]) for i in range(count)]
    step = max(1, count // 10)
    context = multiprocessing.get_context("spawn")
    start = time.perf_counter()
    outcomes: dict[str, int] = {}
    with context.Pool(processes, initializer=_worker_setup) as pool:
        ready = time.perf_counter()
        for done, outcome in enumerate(pool.imap_unordered(_read_one, chosen), start=1):
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if done % step == 0 or done == count:
                elapsed = time.perf_counter() - start
                print(f"  {done:4d}/{count} read, {elapsed:6.1f} s", flush=True)
    total = time.perf_counter() - start
    print(
        f"\nbulk: {count} images, {processes} processes: {total:.1f} s "
        f"({count / total:.2f} images/s, {total / count:.2f} s each; workers ready after "
        f"{ready - start:.1f} s); goal < 300 s. Outcomes: {outcomes}"
    )


def phone_copies(paths: list[Path], count: int, folder: Path) -> Path:
    """``count`` distinct phone screenshots, each under its own phone file name (a minute apart)."""
    from datetime import datetime, timedelta

    from PIL import PngImagePlugin

    phones = [p for p in paths if p.name.startswith("Screenshot_") and p.suffix == ".png"]
    folder.mkdir()
    start = datetime(2026, 9, 1, 8, 0)
    for index in range(count):
        moment = start + timedelta(hours=index * 5)
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", f"copy {index}")  # its own bytes: not « the same file »
        with Image.open(phones[index % len(phones)]) as picture:
            picture.save(folder / f"Screenshot_{moment:%Y%m%d-%H%M%S}.png", pnginfo=info)
    return folder


def bulk_import(paths: list[Path], count: int, baseline: float) -> None:
    """``baseline``: the phone image's OCR alone, measured in this run (the machine's load)."""
    from django.core.management import call_command

    from creneau.accounts.models import Organisation
    from creneau.cases.models import Case, Person
    from creneau.catalog.loader import load_catalog
    from creneau.catalog.models import Department, Procedure
    from creneau.screenshots.bulk import run_import
    from creneau.screenshots.models import ScreenshotImport

    call_command("migrate", verbosity=0)
    load_catalog()
    folder = phone_copies(paths, count, Path(tempfile.mkdtemp(prefix="creneau-import-")) / "DCIM")
    organisation = Organisation.objects.create(name="Bench", slug="bench")
    person = Person.objects.create(organisation=organisation, family_name="Bench")
    case = Case.objects.create(
        organisation=organisation,
        person=person,
        procedure_kind="first_application",
        procedure=Procedure.objects.get(slug="titre-sejour-premiere-demande"),
        department=Department.objects.get(code="93"),
    )
    job = ScreenshotImport.objects.create(
        case=case, channel="online", outcome="no_slot", source=str(folder)
    )
    step = max(1, count // 10)
    start = time.perf_counter()

    def progress(done: int, total: int, name: str) -> None:
        if done and done % step == 0:
            print(f"  {done:4d}/{total} imported, {time.perf_counter() - start:6.1f} s", flush=True)

    job = run_import(str(job.pk), progress)
    total = time.perf_counter() - start
    recorded = sum(r.get("status") == "recorded" for r in job.results)
    aside = sum(bool(r.get("set_aside")) for r in job.results)
    print(
        f"\nimport: {count} images in one worker: {total:.1f} s ({count / total:.2f} images/s, "
        f"{total / count:.2f} s each); {recorded} attempts recorded, {aside} set aside "
        f"(copies of a few pictures, renamed: duplicates and clock mismatches, as expected), "
        f"state {job.state}; goal < 300 s.\n"
        f"per image ÷ phone OCR baseline of this run: {total / count / baseline:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bulk", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--bindings", action="store_true")
    parser.add_argument("--import", dest="imported", type=int, default=0)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="creneau-shots-"))
    started = time.perf_counter()
    paths = render(folder)
    print(f"rendered {len(paths)} screenshots in {time.perf_counter() - started:.1f} s")
    phone = next(p for p in paths if p.name == "Screenshot_20260903-143201.png")
    desktop = next(p for p in paths if p.name.endswith("143210.png"))
    if options.bindings:
        bindings(phone, options.runs)
        bindings(desktop, options.runs)
    baseline = per_image(phone, options.runs)
    per_image(desktop, options.runs)
    if options.bulk:
        bulk(paths, options.bulk, options.processes)
    if options.imported:
        bulk_import(paths, options.imported, baseline)


if __name__ == "__main__":
    main()
