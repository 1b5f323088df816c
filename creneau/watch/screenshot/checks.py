"""Does a screenshot fit its case? ``check(reading, expectation)`` → warnings, pure.

Each warning has a stable ``code``, a plain-French message (translated when the person reads it
in another language) and ``blocking``: a blocking warning sets the screenshot aside until a
volunteer overrides it with a note. Only what the image shows is compared; nothing is guessed.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creneau.watch.classify import NO_SLOT, SLOTS_AVAILABLE
from creneau.watch.screenshot import image, places
from creneau.watch.screenshot.reading import Reading

OTHER_PREFECTURE = "other_prefecture"
OTHER_PROCEDURE = "other_procedure"
NO_UNAVAILABILITY_STATEMENT = "no_unavailability_statement"
SLOTS_VISIBLE = "slots_visible"
TIME_MISMATCH = "time_mismatch"
DUPLICATE_IMAGE = "duplicate_image"
EDITED = "edited"
REENCODED = "reencoded"
YEAR_MISMATCH = "year_mismatch"

# People note the time of an attempt from memory and round it (« vers 14 h 30 »); a phone's
# clock is set by the network. A quarter of an hour separates a rounded note from another visit.
TIME_TOLERANCE = timedelta(minutes=15)
# Re-encoding, resizing or a messaging app's compression moves a 64-bit pHash by a few bits;
# two different booking pages differ by far more (measured on the rendered set: ≥ 12).
DUPLICATE_MAX_DISTANCE = 6
# Many sites leave last year's « © » in their footer for a while; older than this is suspicious.
STALE_COPYRIGHT_YEARS = 1
# Booking pages show dates a few weeks or months ahead (slot weeks, openings), never years.
PAGE_DATE_AHEAD = timedelta(days=366)
# A screenshot dated more than a day after today has a wrong clock or edited metadata.
FUTURE_SLACK = timedelta(days=1)

_MESSAGES = {
    OTHER_PREFECTURE: gettext_lazy(
        "La capture montre %(named)s, alors que le dossier concerne %(department)s."
    ),
    OTHER_PROCEDURE: gettext_lazy(
        "La capture montre la démarche « %(procedure)s », qui n'est pas celle du dossier "
        "(%(expected)s)."
    ),
    NO_UNAVAILABILITY_STATEMENT: gettext_lazy(
        "Aucune phrase disant qu'il n'y a pas de créneau n'a pu être lue sur la capture."
    ),
    SLOTS_VISIBLE: gettext_lazy("La capture montre des créneaux disponibles."),
    "time_mismatch.taken": gettext_lazy(
        "D'après %(source)s, la capture a été prise le %(shown)s, pas le %(declared)s comme "
        "indiqué."
    ),
    "time_mismatch.clock": gettext_lazy(
        "L'heure affichée sur la capture est %(shown)s, alors que l'heure indiquée est "
        "%(declared)s."
    ),
    "time_mismatch.future": gettext_lazy(
        "D'après %(source)s, la capture a été prise le %(shown)s, une date à venir."
    ),
    DUPLICATE_IMAGE: gettext_lazy("Cette image est la même que celle de %(other)s."),
    EDITED: gettext_lazy("L'image semble avoir été modifiée : %(signs)s."),
    REENCODED: gettext_lazy(
        "L'image a été recompressée (qualité JPEG %(quality)s), par exemple par une messagerie. "
        "Elle reste lisible, mais le fichier d'origine est préférable."
    ),
    "year_mismatch.later": gettext_lazy(
        "La page affiche « © %(year)s », une année postérieure à la date de la capture (%(date)s)."
    ),
    "year_mismatch.older": gettext_lazy(
        "La page affiche « © %(year)s » : la capture est peut-être ancienne (date de la "
        "capture : %(date)s)."
    ),
    "year_mismatch.date": gettext_lazy(
        "La page affiche la date du %(shown)s, plus d'un an après la date de la capture (%(date)s)."
    ),
}
_SOURCES = {
    "exif": gettext_lazy("les métadonnées de l'image"),
    "filename": gettext_lazy("le nom du fichier"),
    "png_time": gettext_lazy("la date d'enregistrement du fichier"),
    "visible_clock": gettext_lazy("l'horloge affichée sur la capture"),
}
_SIGNS = {
    "editor_software": gettext_lazy("enregistrée par le logiciel %(detail)s"),
    "modified_later": gettext_lazy("enregistrée de nouveau le %(detail)s"),
    "clock_disagrees": gettext_lazy(
        "l'heure affichée et l'heure du fichier ne concordent pas (%(detail)s)"
    ),
}


@dataclass(frozen=True)
class KnownImage:
    """A screenshot already attached to another attempt of the case."""

    sha256: str
    perceptual_hash: str
    clock: str | None  # « 14:32 » as read on it, None when no clock was read
    label: str  # « la tentative du 03/09/2026 à 14:32 »


@dataclass(frozen=True)
class Expectation:
    """What the case says, as plain values (built by the caller from the case)."""

    department: str = ""  # code: "93", "2A", "974"
    procedure_slug: str = ""  # catalog procedure
    procedure_kind: str = ""  # first_application, renewal, other
    procedure_words: str = ""  # the démarche's label and the title sought, as typed
    declared_at: datetime | None = None  # aware
    declared_date_only: bool = False  # the person gave a day, not a time
    declared_outcome: str = ""  # "no_slot" when the screenshot is offered as a no-slot proof
    known_images: tuple[KnownImage, ...] = ()
    today: date | None = None
    zone: str = "Europe/Paris"


@dataclass(frozen=True)
class ScreenshotWarning:
    code: str
    key: str  # which message of the code
    params: tuple[tuple[str, str], ...]
    blocking: bool

    @property
    def message(self) -> str:
        """The message in the active language."""
        return str(_MESSAGES[self.key]) % dict(self.params)

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "blocking": self.blocking}


def warning(code: str, blocking: bool, key: str = "", **params: str) -> ScreenshotWarning:
    return ScreenshotWarning(code, key or code, tuple(sorted(params.items())), blocking)


def check(reading: Reading, expectation: Expectation) -> list[ScreenshotWarning]:
    """Every way the screenshot disagrees with its case, the blocking ones first."""
    found = [w for rule in _RULES for w in rule(reading, expectation)]
    return sorted(found, key=lambda w: not w.blocking)


def _place(reading: Reading, expected: Expectation) -> Iterator[ScreenshotWarning]:
    if not expected.department or not reading.places:
        return
    if expected.department in reading.departments:
        return  # the case's own prefecture is named, whatever else the page mentions
    on_page = [place.name for place in reading.places if not place.site]
    sites = [place.name for place in reading.places if place.site]
    named = ", ".join(on_page) if on_page else _("le site %(host)s") % {"host": sites[0]}
    code = expected.department
    yield warning(
        OTHER_PREFECTURE,
        True,
        named=named,
        department=f"{places.department_name(code)} ({code})",
    )


def _procedure(reading: Reading, expected: Expectation) -> Iterator[ScreenshotWarning]:
    shown = set(reading.procedure_families)
    wanted = places.case_families(
        expected.procedure_slug, expected.procedure_kind, expected.procedure_words
    )
    if not shown or not wanted or shown & wanted:
        return
    yield warning(
        OTHER_PROCEDURE,
        True,
        procedure=reading.procedure or ", ".join(places.family_label(c) for c in sorted(shown)),
        expected=", ".join(places.family_label(code) for code in sorted(wanted)),
    )


def _outcome(reading: Reading, expected: Expectation) -> Iterator[ScreenshotWarning]:
    if expected.declared_outcome not in ("", NO_SLOT):
        return
    if reading.outcome == SLOTS_AVAILABLE:
        yield warning(SLOTS_VISIBLE, True)
    elif not reading.statement:
        yield warning(NO_UNAVAILABILITY_STATEMENT, True)


def _image_time(reading: Reading) -> tuple[datetime | None, str]:
    """The time the image itself gives (a declared time is no evidence), and its source."""
    if reading.taken_at_source in (None, "declared"):
        return None, ""
    return reading.taken_at, str(_SOURCES.get(reading.taken_at_source or "", ""))


def _future(reading: Reading, expected: Expectation) -> Iterator[ScreenshotWarning]:
    tz = ZoneInfo(expected.zone)
    taken, source = _image_time(reading)
    if taken is None or expected.today is None:
        return
    if taken.astimezone(tz).date() > expected.today + FUTURE_SLACK:
        yield warning(
            TIME_MISMATCH, True, "time_mismatch.future", source=source, shown=_when(taken, tz)
        )


def _time(reading: Reading, expected: Expectation) -> Iterator[ScreenshotWarning]:
    tz = ZoneInfo(expected.zone)
    taken, source = _image_time(reading)
    declared = expected.declared_at
    if declared is None:
        return
    if taken is not None and _differ(taken, declared, expected.declared_date_only, tz):
        shown, said = _when(taken, tz), _when(declared, tz, expected.declared_date_only)
        yield warning(
            TIME_MISMATCH, True, "time_mismatch.taken", source=source, shown=shown, declared=said
        )
    elif reading.clock is not None and not expected.declared_date_only:
        local = declared.astimezone(tz)
        gap = abs(local.hour * 60 + local.minute - reading.clock.minutes)
        if min(gap, 24 * 60 - gap) > TIME_TOLERANCE.total_seconds() / 60:
            yield warning(
                TIME_MISMATCH,
                True,
                "time_mismatch.clock",
                shown=str(reading.clock),
                declared=f"{local:%H:%M}",
            )


def _differ(taken: datetime, declared: datetime, date_only: bool, tz: ZoneInfo) -> bool:
    if date_only:
        return taken.astimezone(tz).date() != declared.astimezone(tz).date()
    return abs(taken - declared) > TIME_TOLERANCE


def _when(moment: datetime, tz: ZoneInfo, date_only: bool = False) -> str:
    local = moment.astimezone(tz)
    return f"{local:%d/%m/%Y}" if date_only else f"{local:%d/%m/%Y %H:%M}"


def _duplicate(reading: Reading, expected: Expectation) -> Iterator[ScreenshotWarning]:
    """The same picture as another attempt's: same bytes, or same pHash and same clock.

    Screenshots of one page on two days have the same pHash (only the clock and battery differ,
    a few pixels): the clock read on each tells them apart. With no clock read on either, a
    volunteer decides.
    """
    clock = str(reading.clock) if reading.clock else None
    for known in expected.known_images:
        same_bytes = known.sha256 == reading.sha256
        close = image.hash_distance(known.perceptual_hash, reading.perceptual_hash)
        same_clock = clock is None or known.clock is None or clock == known.clock
        if same_bytes or (close <= DUPLICATE_MAX_DISTANCE and same_clock):
            yield warning(DUPLICATE_IMAGE, True, other=known.label)
            return


def _edits(reading: Reading, expected: Expectation) -> Iterator[ScreenshotWarning]:
    tz = ZoneInfo(expected.zone)
    signs = [
        str(_SIGNS[sign.code]) % {"detail": _detail(sign.code, sign.detail, tz)}
        for sign in reading.edit_signs
        if sign.code in _SIGNS
    ]
    if signs:
        yield warning(EDITED, True, signs=" ; ".join(signs))
    quality = next((s.detail for s in reading.edit_signs if s.code == "recompressed"), None)
    if quality is not None:
        yield warning(REENCODED, False, quality=quality)


def _detail(code: str, detail: str, tz: ZoneInfo) -> str:
    if code != "modified_later":
        return detail
    try:
        return _when(datetime.fromisoformat(detail), tz)
    except ValueError:
        return detail


def _years(reading: Reading, expected: Expectation) -> Iterator[ScreenshotWarning]:
    tz = ZoneInfo(expected.zone)
    moment = expected.declared_at or reading.taken_at
    reference = moment.astimezone(tz).date() if moment else expected.today
    if reference is None:
        return
    shown = f"{reference:%d/%m/%Y}"
    for year in sorted(set(reading.copyright_years), reverse=True):
        if year > reference.year:
            yield warning(YEAR_MISMATCH, True, "year_mismatch.later", year=str(year), date=shown)
            return
        if year < reference.year - STALE_COPYRIGHT_YEARS:
            yield warning(YEAR_MISMATCH, False, "year_mismatch.older", year=str(year), date=shown)
            return
    ahead = [day for day in reading.page_dates if day > reference + PAGE_DATE_AHEAD]
    if ahead:
        yield warning(
            YEAR_MISMATCH, True, "year_mismatch.date", shown=f"{max(ahead):%d/%m/%Y}", date=shown
        )


Rule = Callable[[Reading, Expectation], Iterator[ScreenshotWarning]]
_RULES: tuple[Rule, ...] = (
    _place,
    _procedure,
    _outcome,
    _future,
    _time,
    _duplicate,
    _edits,
    _years,
)

BLOCKING_CODES = frozenset(
    {
        OTHER_PREFECTURE,
        OTHER_PROCEDURE,
        NO_UNAVAILABILITY_STATEMENT,
        SLOTS_VISIBLE,
        TIME_MISMATCH,
        DUPLICATE_IMAGE,
        EDITED,
    }
)


def source_label(source: str | None) -> str:
    """« le nom du fichier »… for a ``taken_at_source`` (the bundle shows it beside the image)."""
    return str(_SOURCES.get(source or "", _("déclarée")))


def message_for(stored: dict[str, object]) -> str:
    """A stored warning (``values.stored_warnings``) in the active language."""
    params = stored.get("params")
    values = {str(k): str(v) for k, v in params.items()} if isinstance(params, dict) else {}
    key = str(stored.get("key") or stored.get("code"))
    return str(_MESSAGES[key]) % values if key in _MESSAGES else key
