"""Timeline chart of a case: attempts per ISO week, by kind, against the practice thresholds.

Pure layout: ``build_chart`` turns a snapshot into a ``Chart`` of drawing primitives in a fixed
coordinate space; ``chart_svg`` and ``chart_png`` only paint those primitives.

Two pictures: the volunteer's (``build_chart``) weighs the file — what counts, what proves
nothing, the practice thresholds; the court exhibit (``build_exhibit_chart``) only shows the
person's steps and their dates, by channel, a lighter shade for the steps only declared: no
internal threshold, and never « non probante » over the person's own e-mails and visits.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from creneau.assessment.facts import (
    ONLINE,
    SLOTS_AVAILABLE,
    WITHOUT_FILE,
    WRITTEN_REQUEST_CHANNELS,
    AttemptFact,
    CaseFacts,
    iso_week,
)
from creneau.assessment.thresholds import Practice, Thresholds
from creneau.cases.models import Outcome

WIDTH, HEIGHT = 420, 300
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 34, 410, 62, 200
LEGEND_LEFT, LEGEND_TOP, LEGEND_COLUMN, LEGEND_ROW = 14, 238, 200, 18
INK, GRID, MUTED = "#222222", "#dddddd", "#555555"
# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
SERIES = ("no_slot", "written", "other", "inconclusive", "slots")
COLOURS = {
    "no_slot": "#0072B2",
    "written": "#009E73",
    "other": "#E69F00",
    "inconclusive": "#BBBBBB",
    "slots": "#D55E00",
}


def series_labels() -> dict[str, str]:
    return {
        "no_slot": _("En ligne : aucun créneau"),
        "written": _("E-mail ou lettre"),
        "other": _("Guichet, CCC, Défenseur…"),
        "inconclusive": _("Non probante (erreur…)"),
        "slots": _("Créneaux vus"),
    }


# The exhibit's series: the person's steps by channel, each justified or only declared.
EXHIBIT_SERIES = (
    "online",
    "written",
    "other",
    "online_declared",
    "written_declared",
    "other_declared",
)
EXHIBIT_COLOURS = {
    "online": "#0072B2",
    "written": "#009E73",
    "other": "#E69F00",
    "online_declared": "#9CC8E6",
    "written_declared": "#99DCC6",
    "other_declared": "#F3CF85",
}
# Online answers the exhibit shows: the booking page refused or failed (no captcha, no slots).
_EXHIBIT_ONLINE = frozenset({Outcome.NO_SLOT, Outcome.CLOSED, Outcome.ERROR, Outcome.QUEUE})


def exhibit_labels() -> dict[str, str]:
    return {
        "online": "En ligne, avec capture",
        "written": "Courriel ou lettre, avec pièce",
        "other": "Autre démarche, avec pièce",
        "online_declared": "En ligne, déclarée",
        "written_declared": "Courriel ou lettre, déclaré",
        "other_declared": "Autre démarche, déclarée",
    }


def exhibit_series_of(attempt: AttemptFact) -> str | None:
    """The exhibit bar a step adds to; ``None`` when it is not a step taken in vain."""
    if attempt.channel == ONLINE:
        if attempt.outcome not in _EXHIBIT_ONLINE:
            return None
        key = "online"
    elif attempt.outcome == SLOTS_AVAILABLE:
        return None
    else:
        key = "written" if attempt.channel in WRITTEN_REQUEST_CHANNELS else "other"
    return f"{key}_declared" if attempt.proof_state == WITHOUT_FILE else key


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    dashed: bool = False


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: int = 11
    anchor: str = "start"  # start / middle / end, as in SVG
    bold: bool = False
    fill: str = INK


@dataclass(frozen=True)
class Group:
    """One week's bar: the SVG draws it as a ``<g>`` with its own ``<title>``."""

    key: str
    title: str
    items: tuple[Rect, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    desc: str
    items: list[Rect | Line | Text | Group] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT


@dataclass(frozen=True)
class WeekBar:
    week: str
    monday: date
    counts: dict[str, int]


def series_of(attempt: AttemptFact, set_aside: bool = False) -> str:
    """The bar an attempt adds to; one the assessment set aside (after the assessment day,
    before the renewal window, a same-minute duplicate) is drawn as not counted."""
    if set_aside:
        return "inconclusive"
    if attempt.outcome == SLOTS_AVAILABLE:
        return "slots"
    if not attempt.counts:
        return "inconclusive"
    if attempt.channel == ONLINE:
        return "no_slot"
    return "written" if attempt.channel in WRITTEN_REQUEST_CHANNELS else "other"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_bars(facts: CaseFacts, practice: Practice, max_weeks: int = 60) -> list[WeekBar]:
    """Every week from the first attempt on, empty ones included (a gap must show), extended to
    the practice duration so the weeks still to fill are visible; the last ``max_weeks`` only."""
    if not facts.attempts:
        return []
    first = _monday(facts.local_date(facts.attempts[0].at))
    last = _monday(facts.local_date(facts.attempts[-1].at))
    last = max(last, first + timedelta(weeks=practice.min_weeks - 1))
    mondays = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    bars = {monday: dict.fromkeys(SERIES, 0) for monday in mondays[-max_weeks:]}
    # By identity: a duplicate equals the attempt that was kept.
    aside = {id(a) for a in (*facts.future, *facts.premature, *facts.duplicates)}
    aside |= {id(a) for a in facts.screenshots_aside}
    for attempt in facts.attempts:
        counts = bars.get(_monday(facts.local_date(attempt.at)))
        if counts is not None:
            counts[series_of(attempt, id(attempt) in aside)] += 1
    return [WeekBar(iso_week(monday), monday, counts) for monday, counts in bars.items()]


def _scale_max(bars: list[WeekBar], target: float) -> int:
    tallest = max((sum(bar.counts.values()) for bar in bars), default=0)
    return max(tallest, math.ceil(target) + 1, 3)


def _axis(top: int) -> list[Rect | Line | Text | Group]:
    step = max(1, math.ceil(top / 5))
    items: list[Rect | Line | Text | Group] = []
    for value in range(0, top + 1, step):
        y = _y(value, top)
        items.append(Line(PLOT_LEFT, y, PLOT_RIGHT, y, GRID))
        items.append(Text(PLOT_LEFT - 5, y + 4, str(value), 10, "end", fill=MUTED))
    return items


def _y(value: float, top: int) -> float:
    return round(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / top, 2)


def _week_title(bar: WeekBar, labels: dict[str, str]) -> str:
    parts = [f"{labels[key]} : {n}" for key, n in bar.counts.items() if n]
    week = _("Semaine du %(day)s") % {"day": f"{bar.monday:%d/%m/%Y}"}
    return f"{week} — {', '.join(parts) if parts else _('aucune tentative')}"


def _bar(
    bar: WeekBar, x: float, width: float, top: int, labels: dict[str, str], colours: dict[str, str]
) -> Group:
    rects, base = [], 0
    for key in colours:
        if bar.counts[key]:
            y1, y2 = _y(base + bar.counts[key], top), _y(base, top)
            rects.append(Rect(round(x, 2), y1, round(width, 2), round(y2 - y1, 2), colours[key]))
            base += bar.counts[key]
    return Group(bar.week, _week_title(bar, labels), tuple(rects))


def _bars(
    bars: list[WeekBar],
    top: int,
    labels: dict[str, str] | None = None,
    colours: dict[str, str] = COLOURS,
) -> list[Rect | Line | Text | Group]:
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(bars)
    labels = labels or series_labels()
    every = math.ceil(len(bars) / 7)
    items: list[Rect | Line | Text | Group] = []
    for i, bar in enumerate(bars):
        items.append(_bar(bar, PLOT_LEFT + slot * (i + 0.15), slot * 0.7, top, labels, colours))
        if i % every == 0:
            centre = round(PLOT_LEFT + slot * (i + 0.5), 2)
            items.append(Text(centre, PLOT_BOTTOM + 14, f"{bar.monday:%d/%m}", 10, "middle"))
    return items


def _thresholds(
    bars: list[WeekBar], top: int, practice: Practice
) -> list[Rect | Line | Text | Group]:
    y = _y(practice.per_week, top)
    items: list[Rect | Line | Text | Group] = [Line(PLOT_LEFT, y, PLOT_RIGHT, y, INK, dashed=True)]
    if practice.min_weeks <= len(bars):
        x = round(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * practice.min_weeks / len(bars), 2)
        items.append(Line(x, PLOT_TOP, x, PLOT_BOTTOM, INK, dashed=True))
    return items


def _legend(practice: Practice) -> list[Rect | Line | Text | Group]:
    items: list[Rect | Line | Text | Group] = []
    for i, (key, label) in enumerate(series_labels().items()):
        x, y = LEGEND_LEFT + (i % 2) * LEGEND_COLUMN, LEGEND_TOP + (i // 2) * LEGEND_ROW
        items.append(Rect(x, y - 10, 11, 11, COLOURS[key]))
        items.append(Text(x + 16, y, label, 11))
    y = LEGEND_TOP + 3 * LEGEND_ROW
    per_week = _("Pointillés : %(n)s tentatives par semaine et %(weeks)d semaines conseillées") % {
        "n": f"{practice.per_week:g}",
        "weeks": practice.min_weeks,
    }
    items.append(Line(LEGEND_LEFT, y - 4, LEGEND_LEFT + 11, y - 4, INK, dashed=True))
    items.append(Text(LEGEND_LEFT + 16, y, per_week, 11))
    return items


def _summary(bars: list[WeekBar], practice: Practice) -> str:
    counted_weeks = sum(
        1 for bar in bars if bar.counts["no_slot"] + bar.counts["written"] + bar.counts["other"]
    )
    return ngettext(
        "%(n)d semaine avec tentatives probantes (%(min)d conseillées, pratique)",
        "%(n)d semaines avec tentatives probantes (%(min)d conseillées, pratique)",
        counted_weeks,
    ) % {"n": counted_weeks, "min": practice.min_weeks}


def build_chart(facts: CaseFacts, thresholds: Thresholds, max_weeks: int = 60) -> Chart:
    practice = thresholds.practice(facts.procedure_kind)
    bars = weekly_bars(facts, practice, max_weeks)
    title = _("Tentatives par semaine")
    if not bars:
        desc = _("Aucune tentative enregistrée.")
        return Chart(title, desc, [Text(14, 22, title, 14, bold=True), Text(14, 44, desc, 12)])
    summary = _summary(bars, practice)
    top = _scale_max(bars, practice.per_week)
    items: list[Rect | Line | Text | Group] = [
        Text(14, 22, title, 14, bold=True),
        Text(14, 42, summary, 11, fill=MUTED),
        *_axis(top),
        *_bars(bars, top),
        *_thresholds(bars, top, practice),
        Line(PLOT_LEFT, PLOT_BOTTOM, PLOT_RIGHT, PLOT_BOTTOM, INK),
        *_legend(practice),
    ]
    desc = _(
        "Histogramme des tentatives par semaine, du %(first)s au %(last)s, par type ; ligne "
        "pointillée horizontale : %(per_week)s tentatives par semaine conseillées ; ligne "
        "verticale : fin des %(weeks)d semaines conseillées. %(summary)s."
    ) % {
        "first": f"{bars[0].monday:%d/%m/%Y}",
        "last": f"{bars[-1].monday + timedelta(days=6):%d/%m/%Y}",
        "per_week": f"{practice.per_week:g}",
        "weeks": practice.min_weeks,
        "summary": summary,
    }
    return Chart(title, desc, items)


_RECEIPTS = frozenset({Outcome.DELIVERED, Outcome.REFUSED, Outcome.NO_ANSWER})


def _steps(attempts: tuple[AttemptFact, ...]) -> list[AttemptFact]:
    """The person's steps: a registered letter's avis de réception is its outcome, not one more
    step (as the requête counts them, ``documents.exhibits.letter_receipts``)."""
    steps, waiting = [], 0
    for attempt in attempts:
        if attempt.channel == "letter" and attempt.outcome == Outcome.SENT:
            waiting += 1
        elif attempt.channel == "letter" and attempt.outcome in _RECEIPTS and waiting:
            waiting -= 1
            continue
        steps.append(attempt)
    return steps


def exhibit_bars(facts: CaseFacts, max_weeks: int = 60) -> list[WeekBar]:
    """Every week from the first step shown to the last (empty weeks included: a gap shows)."""
    steps = _steps(facts.attempts)
    shown = [(a, key) for a in steps if (key := exhibit_series_of(a)) is not None]
    if not shown:
        return []
    first = _monday(facts.local_date(shown[0][0].at))
    last = _monday(facts.local_date(shown[-1][0].at))
    mondays = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    bars = {monday: dict.fromkeys(EXHIBIT_SERIES, 0) for monday in mondays[-max_weeks:]}
    for attempt, key in shown:
        counts = bars.get(_monday(facts.local_date(attempt.at)))
        if counts is not None:
            counts[key] += 1
    return [WeekBar(iso_week(monday), monday, counts) for monday, counts in bars.items()]


def _exhibit_legend() -> list[Rect | Line | Text | Group]:
    items: list[Rect | Line | Text | Group] = []
    for i, (key, label) in enumerate(exhibit_labels().items()):
        x, y = LEGEND_LEFT + (i // 3) * LEGEND_COLUMN, LEGEND_TOP + (i % 3) * LEGEND_ROW
        items.append(Rect(x, y - 10, 11, 11, EXHIBIT_COLOURS[key]))
        items.append(Text(x + 16, y, label, 11))
    return items


def build_exhibit_chart(facts: CaseFacts, max_weeks: int = 60) -> Chart:
    """The court exhibit: the person's steps per week, by channel, justified or declared."""
    title = "Démarches par semaine"
    bars = exhibit_bars(facts, max_weeks)
    if not bars:
        desc = "Aucune démarche enregistrée."
        return Chart(title, desc, [Text(14, 22, title, 14, bold=True), Text(14, 44, desc, 12)])
    total = sum(sum(bar.counts.values()) for bar in bars)
    weeks = sum(1 for bar in bars if any(bar.counts.values()))
    summary = (
        f"{total} démarche{'s' if total > 1 else ''} au cours de {weeks} "
        f"semaine{'s' if weeks > 1 else ''} différente{'s' if weeks > 1 else ''}"
    )
    top = max(max(sum(bar.counts.values()) for bar in bars), 3)
    items: list[Rect | Line | Text | Group] = [
        Text(14, 22, title, 14, bold=True),
        Text(14, 42, summary, 11, fill=MUTED),
        *_axis(top),
        *_bars(bars, top, exhibit_labels(), EXHIBIT_COLOURS),
        Line(PLOT_LEFT, PLOT_BOTTOM, PLOT_RIGHT, PLOT_BOTTOM, INK),
        *_exhibit_legend(),
    ]
    desc = (
        f"Histogramme des démarches par semaine, du {bars[0].monday:%d/%m/%Y} au "
        f"{bars[-1].monday + timedelta(days=6):%d/%m/%Y}, par canal ; teinte claire : démarche "
        f"déclarée, sans pièce. {summary}."
    )
    return Chart(title, desc, items)
