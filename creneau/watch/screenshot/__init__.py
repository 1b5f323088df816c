"""The screenshot reader: what a person's screenshot says, and whether it fits their case.

    reading = read_screenshot(data, "Screenshot_20260903-143201.png")
    warnings = check(reading, Expectation(department="93", procedure_kind="renewal", …))

See docs/screenshots.md for what is checked and what is not.
"""

from creneau.watch.screenshot.checks import (
    BLOCKING_CODES,
    Expectation,
    KnownImage,
    ScreenshotWarning,
    check,
    message_for,
)
from creneau.watch.screenshot.image import UnreadableImageError
from creneau.watch.screenshot.reading import (
    Fingerprint,
    Reading,
    fingerprint,
    ocr_pixels,
    read_screenshot,
)
from creneau.watch.screenshot.values import (
    as_json,
    stored_values,
    stored_warnings,
    zone_for_department,
)

__all__ = [
    "BLOCKING_CODES",
    "Expectation",
    "Fingerprint",
    "KnownImage",
    "Reading",
    "ScreenshotWarning",
    "UnreadableImageError",
    "as_json",
    "check",
    "fingerprint",
    "message_for",
    "ocr_pixels",
    "read_screenshot",
    "stored_values",
    "stored_warnings",
    "zone_for_department",
]
