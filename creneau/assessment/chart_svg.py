"""Paint a ``Chart`` as standalone SVG: escaped text, ``<title>``/``<desc>`` for screen readers,
a viewBox so it scales to a phone's width."""

from html import escape

from creneau.assessment.chart import Chart, Group, Line, Rect, Text


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _rect(item: Rect) -> str:
    return (
        f'<rect x="{item.x}" y="{item.y}" width="{item.width}" height="{item.height}" '
        f'fill="{_attr(item.fill)}"/>'
    )


def _line(item: Line) -> str:
    dash = ' stroke-dasharray="4 3"' if item.dashed else ""
    return (
        f'<line x1="{item.x1}" y1="{item.y1}" x2="{item.x2}" y2="{item.y2}" '
        f'stroke="{_attr(item.stroke)}" stroke-width="1"{dash}/>'
    )


def _text(item: Text) -> str:
    weight = ' font-weight="bold"' if item.bold else ""
    return (
        f'<text x="{item.x}" y="{item.y}" font-size="{item.size}" '
        f'text-anchor="{_attr(item.anchor)}" fill="{_attr(item.fill)}"{weight}>'
        f"{escape(item.text, quote=False)}</text>"
    )


def _group(item: Group) -> str:
    rects = "".join(_rect(rect) for rect in item.items)
    return (
        f'<g class="week" data-week="{_attr(item.key)}">'
        f"<title>{escape(item.title, quote=False)}</title>{rects}</g>"
    )


def _paint(item: Rect | Line | Text | Group) -> str:
    if isinstance(item, Group):
        return _group(item)
    if isinstance(item, Rect):
        return _rect(item)
    if isinstance(item, Line):
        return _line(item)
    return _text(item)


def chart_svg(chart: Chart, id_prefix: str = "chart") -> str:
    """The chart as an ``<svg>`` element, usable inline in HTML or as an ``.svg`` file."""
    prefix = _attr(id_prefix)
    body = "".join(_paint(item) for item in chart.items)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width} {chart.height}" '
        f'width="100%" class="chart" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" '
        f'font-family="DejaVu Sans, Verdana, Arial, sans-serif">'
        f'<title id="{prefix}-title">{escape(chart.title, quote=False)}</title>'
        f'<desc id="{prefix}-desc">{escape(chart.desc, quote=False)}</desc>'
        f'<rect x="0" y="0" width="{chart.width}" height="{chart.height}" fill="#ffffff"/>'
        f"{body}</svg>"
    )
