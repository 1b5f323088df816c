import io
import xml.etree.ElementTree as ET
from datetime import date

from PIL import Image

from creneau.assessment.chart import Chart, Text, build_chart, weekly_bars
from creneau.assessment.chart_png import chart_png
from creneau.assessment.chart_svg import chart_svg

from .factories import CE_2020_ATTEMPTS, at, attempt, facts, weekly

SVG = "{http://www.w3.org/2000/svg}"
MONDAY = date(2026, 3, 2)


def weeks_of(svg: str) -> list[ET.Element]:
    return [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "week"]


def test_the_svg_is_well_formed_with_one_bar_group_per_week(thresholds):
    gap = attempt(at(2026, 4, 1, 18), channel="email", outcome="sent")
    snapshot = facts([*weekly(MONDAY, 3), gap], "renewal")  # weeks 10-12, then 14
    svg = chart_svg(build_chart(snapshot, thresholds))
    groups = weeks_of(svg)
    assert [g.get("data-week") for g in groups] == [
        "2026-W10",
        "2026-W11",
        "2026-W12",
        "2026-W13",
        "2026-W14",
    ]
    assert groups[3].find(f"{SVG}rect") is None  # the empty week shows as a gap
    assert groups[0].find(f"{SVG}title").text.startswith("Semaine du 02/03/2026")


def test_the_chart_extends_to_the_weeks_the_practice_asks_for(thresholds):
    snapshot = facts(CE_2020_ATTEMPTS, "first_application")
    bars = weekly_bars(snapshot, thresholds.practice("first_application"))
    assert len(bars) == 8
    assert sum(sum(bar.counts.values()) for bar in bars) == 6


def test_the_svg_is_accessible_and_french(thresholds):
    svg = chart_svg(build_chart(facts(weekly(MONDAY, 2), "renewal"), thresholds), "c-AB12")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-AB12-title c-AB12-desc"
    assert root.find(f"{SVG}title").text == "Tentatives par semaine"
    assert "conseillées" in root.find(f"{SVG}desc").text
    assert root.get("viewBox") == "0 0 420 300"


def test_svg_text_is_escaped():
    chart = Chart('<b>"x" & y</b>', "desc <script>", [Text(1, 2, "</text><script>alert(1)")])
    root = ET.fromstring(chart_svg(chart, 'a"b'))
    assert root.find(f"{SVG}title").text == '<b>"x" & y</b>'
    assert [t.text for t in root.iter(f"{SVG}text")] == ["</text><script>alert(1)"]
    assert root.find(f"{SVG}script") is None


def test_the_png_decodes_with_the_expected_size(thresholds):
    chart = build_chart(facts(weekly(MONDAY, 5), "renewal"), thresholds)
    image = Image.open(io.BytesIO(chart_png(chart)))
    assert image.format == "PNG"
    assert image.size == (840, 600)
    assert chart_png(chart, scale=1)[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_case_without_attempts_still_draws(thresholds):
    chart = build_chart(facts([]), thresholds)
    assert "Aucune tentative" in chart.desc
    assert weeks_of(chart_svg(chart)) == []
    assert Image.open(io.BytesIO(chart_png(chart))).size == (840, 600)


def test_a_long_journal_is_cut_to_the_last_weeks(thresholds):
    snapshot = facts(weekly(date(2025, 1, 6), 70, days=(0,)), "first_application")
    assert len(weeks_of(chart_svg(build_chart(snapshot, thresholds)))) == 60


def test_attempts_the_assessment_set_aside_are_drawn_as_not_counted(thresholds):
    kept = attempt(at(2026, 3, 2, 9, 30))
    twin = attempt(at(2026, 3, 2, 9, 30))  # same minute, channel and outcome: counted once
    later = attempt(at(2026, 3, 20, 9))  # after the assessment day
    snapshot = facts([kept, twin, later], today=date(2026, 3, 10))
    bars = weekly_bars(snapshot, thresholds.practice("renewal"))
    counts = {bar.week: bar.counts for bar in bars}
    assert (counts["2026-W10"]["no_slot"], counts["2026-W10"]["inconclusive"]) == (1, 1)
    assert (counts["2026-W12"]["no_slot"], counts["2026-W12"]["inconclusive"]) == (0, 1)
