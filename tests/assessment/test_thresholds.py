import json

import pytest

from creneau.assessment.thresholds import (
    DEFAULT_FILE,
    ThresholdsError,
    configured_thresholds,
    load_thresholds,
)


def test_every_default_threshold_names_its_source_and_whether_it_was_checked():
    raw = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))["thresholds"]
    thresholds = load_thresholds()
    assert set(raw) == set(thresholds.entries)
    for key, entry in thresholds.entries.items():
        assert entry.source.strip(), key
        assert "verified_on" in raw[key], key
    # Nobody has checked them against current law yet: all are reported UNVERIFIED.
    assert thresholds.unverified == sorted(thresholds.entries)


def test_guide_practice_is_labelled_as_practice_not_law():
    thresholds = load_thresholds()
    for kind in ("first_application", "renewal", "other"):
        assert "pas une règle de droit" in thresholds.practice(kind).source


def test_an_unknown_procedure_kind_falls_back_to_other():
    thresholds = load_thresholds()
    assert thresholds.practice("naturalisation") == thresholds.practice("other")


def test_an_override_file_replaces_only_its_entries(tmp_path):
    override = tmp_path / "mine.json"
    override.write_text(
        json.dumps(
            {
                "thresholds": {
                    "max_gap_days": {
                        "value": 10,
                        "source": "TA de Montreuil, pratique locale",
                        "verified_on": "2026-01-15",
                    }
                }
            }
        )
    )
    thresholds = load_thresholds(override)
    assert thresholds.whole("max_gap_days") == 10
    assert "max_gap_days" not in thresholds.unverified
    assert thresholds.whole("hard_min_weeks") == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"thresholds": {"max_gap": {"value": 1, "source": "x"}}}, "unknown threshold"),
        ({"thresholds": {"max_gap_days": {"value": "ten", "source": "x"}}}, "numeric"),
        ({"thresholds": {"max_gap_days": {"value": 10}}}, "needs a 'source'"),
        (
            {"thresholds": {"max_gap_days": {"value": 10, "source": "x", "verified_on": "hier"}}},
            "YYYY-MM-DD",
        ),
        ({"values": {}}, "'thresholds' object"),
    ],
)
def test_a_malformed_override_is_refused_loudly(tmp_path, content, message):
    override = tmp_path / "bad.json"
    override.write_text(json.dumps(content))
    with pytest.raises(ThresholdsError, match=message):
        load_thresholds(override)


def test_the_settings_name_the_override_file(tmp_path, settings):
    override = tmp_path / "mine.json"
    override.write_text(json.dumps({"thresholds": {"weak_min_weeks": {"value": 4, "source": "x"}}}))
    settings.ASSESSMENT_THRESHOLDS_FILE = str(override)
    configured_thresholds.cache_clear()
    try:
        assert configured_thresholds().whole("weak_min_weeks") == 4
    finally:
        configured_thresholds.cache_clear()
