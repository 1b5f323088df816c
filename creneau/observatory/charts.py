"""Charts of the observatory: checks per day, per hour and per weekday, those with slots apart.

Each bar stacks the checks that saw slots (orange), those that said there was none or that the
service was closed (blue), and the inconclusive ones (grey: errors, captchas, waiting rooms,
unknown pages). Built from ``assessment.chart`` primitives and painted by its SVG painter
(escaped text, ``<title>``/``<desc>``), so the web page and the court exhibit draw the same
picture without any script or inline style.
"""

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from creneau.assessment.chart import Chart, Group, Line, Rect, Text
from creneau.assessment.chart_svg import chart_svg
from creneau.observatory.aggregates import Counts

WIDTH, HEIGHT = 640, 270
LEFT, RIGHT, TOP, BOTTOM = 44, 630, 34, 200
INK, GRID, MUTED = "#222222", "#dddddd", "#555555"
COLOURS = {"slots": "#D55E00", "answered": "#0072B2", "other": "#BBBBBB"}
WEEKDAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def _parts(counts: Counts) -> list[tuple[str, int]]:
    answered = counts.outcomes["no_slot"] + counts.outcomes["closed"]
    other = counts.checks - answered - counts.with_slots
    return [("slots", counts.with_slots), ("answered", answered), ("other", other)]


def _legend() -> list[Rect | Line | Text | Group]:
    labels = {
        "slots": _("Créneaux vus"),
        "answered": _("Aucun créneau ou service fermé"),
        "other": _("Non concluant (erreur…)"),
    }
    items: list[Rect | Line | Text | Group] = []
    for number, (key, label) in enumerate(labels.items()):
        x = LEFT + number * 200
        items.append(Rect(x, 238, 12, 12, COLOURS[key]))
        items.append(Text(x + 18, 248, label, size=11))
    return items


def _bar_title(label: str, counts: Counts) -> str:
    checks = ngettext("%(n)s relevé", "%(n)s relevés", counts.checks) % {"n": counts.checks}
    return _("%(label)s : %(checks)s, dont %(slots)s avec créneaux") % {
        "label": label,
        "checks": checks,
        "slots": counts.with_slots,
    }


def bars(title: str, desc: str, labels: Sequence[str], series: Sequence[Counts]) -> Chart:
    """Stacked bars, one per label, on a shared scale; every ``step``-th label is written."""
    chart = Chart(title=title, desc=desc, width=WIDTH, height=HEIGHT)
    top = max((counts.checks for counts in series), default=0) or 1
    slot = (RIGHT - LEFT) / max(1, len(series))
    width = max(1.0, slot * 0.8)
    chart.items.append(Text(LEFT, 18, title, size=13, bold=True))
    chart.items.append(Line(LEFT, BOTTOM, RIGHT, BOTTOM, INK))
    chart.items.append(Line(LEFT, TOP, RIGHT, TOP, GRID, dashed=True))
    chart.items.append(Text(LEFT - 4, TOP + 4, str(top), size=10, anchor="end", fill=MUTED))
    chart.items.append(Text(LEFT - 4, BOTTOM, "0", size=10, anchor="end", fill=MUTED))
    step = max(1, round(len(series) / 12))
    for index, (label, counts) in enumerate(zip(labels, series, strict=True)):
        x = round(LEFT + index * slot + (slot - width) / 2, 2)
        rects, y = [], float(BOTTOM)
        for key, value in _parts(counts):
            height = round((BOTTOM - TOP) * value / top, 2)
            if height > 0:
                y -= height
                rects.append(Rect(x, round(y, 2), round(width, 2), height, COLOURS[key]))
        chart.items.append(Group(label, _bar_title(label, counts), tuple(rects)))
        if index % step == 0:
            middle = round(x + width / 2, 2)
            chart.items.append(Text(middle, BOTTOM + 16, label, size=10, anchor="middle"))
    chart.items.extend(_legend())
    return chart


def _describe(series: Sequence[Counts]) -> str:
    checks = sum(c.checks for c in series)
    slots = sum(c.with_slots for c in series)
    return ngettext(
        "%(checks)s relevé, dont %(slots)s avec créneaux.",
        "%(checks)s relevés, dont %(slots)s avec créneaux.",
        checks,
    ) % {"checks": checks, "slots": slots}


def by_day_svg(by_day: dict[date, Counts], prefix: str) -> str:
    labels = [day.strftime("%d/%m") for day in by_day]
    series = list(by_day.values())
    chart = bars(_("Relevés par jour"), _describe(series), labels, series)
    return chart_svg(chart, id_prefix=f"{prefix}-days")


def by_hour_svg(by_hour: dict[int, Counts], prefix: str) -> str:
    labels = [f"{hour} h" for hour in by_hour]
    series = list(by_hour.values())
    chart = bars(_("Relevés par heure de la journée"), _describe(series), labels, series)
    return chart_svg(chart, id_prefix=f"{prefix}-hours")


def by_weekday_svg(by_weekday: dict[int, Counts], prefix: str) -> str:
    labels = [WEEKDAYS[day - 1] for day in by_weekday]
    series = list(by_weekday.values())
    chart = bars(_("Relevés par jour de la semaine"), _describe(series), labels, series)
    return chart_svg(chart, id_prefix=f"{prefix}-weekdays")
