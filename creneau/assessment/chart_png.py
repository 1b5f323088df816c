"""Paint a ``Chart`` as PNG with Pillow (the only Pillow import of the assessment).

Pillow draws the same primitives as the SVG, at ``scale`` times the size so the picture stays
sharp when printed in the exhibit. No SVG renderer is needed, so no new dependency.
"""

import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from creneau.assessment.chart import Chart, Group, Line, Rect, Text

# Debian's DejaVu covers every French character; Pillow's own font is the fallback.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def _font(size: int, bold: bool) -> Font:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)


def _dashed(draw: ImageDraw.ImageDraw, line: Line, scale: int) -> None:
    (x1, y1), (x2, y2) = (line.x1 * scale, line.y1 * scale), (line.x2 * scale, line.y2 * scale)
    length = max(abs(x2 - x1), abs(y2 - y1))
    dash, gap = 4 * scale, 3 * scale
    position = 0.0
    while position < length:
        end = min(position + dash, length)
        start_at, end_at = position / length, end / length
        draw.line(
            [
                (x1 + (x2 - x1) * start_at, y1 + (y2 - y1) * start_at),
                (x1 + (x2 - x1) * end_at, y1 + (y2 - y1) * end_at),
            ],
            fill=line.stroke,
            width=scale,
        )
        position = end + gap


def _paint(draw: ImageDraw.ImageDraw, item: Rect | Line | Text | Group, scale: int) -> None:
    if isinstance(item, Group):
        for rect in item.items:
            _paint(draw, rect, scale)
    elif isinstance(item, Rect):
        box = [
            item.x * scale,
            item.y * scale,
            (item.x + item.width) * scale,
            (item.y + item.height) * scale,
        ]
        draw.rectangle(box, fill=item.fill)
    elif isinstance(item, Line) and item.dashed:
        _dashed(draw, item, scale)
    elif isinstance(item, Line):
        points = [(item.x1 * scale, item.y1 * scale), (item.x2 * scale, item.y2 * scale)]
        draw.line(points, fill=item.stroke, width=scale)
    else:
        draw.text(
            (item.x * scale, item.y * scale),
            item.text,
            fill=item.fill,
            font=_font(item.size * scale, item.bold),
            anchor=ANCHORS[item.anchor],
        )


def chart_png(chart: Chart, scale: int = 2) -> bytes:
    """The chart as PNG bytes, ``chart.width * scale`` by ``chart.height * scale`` pixels."""
    image = Image.new("RGB", (chart.width * scale, chart.height * scale), "#ffffff")
    draw = ImageDraw.Draw(image)
    for item in chart.items:
        _paint(draw, item, scale)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
