import json
from datetime import date

import pytest
from django.core.management import call_command

from creneau.cli import main

from .factories import at, attempt, weekly

MONDAY = date(2026, 3, 2)
EMAIL = attempt(at(2026, 3, 4, 11), channel="email", outcome="sent", evidence="manual")


def run_json(capsys, *args):
    main(["assess", *args, "--json"])
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_it_prints_the_verdict_reasons_and_metrics_as_json(case_factory, capsys):
    case = case_factory(
        [*weekly(MONDAY, 5, days=(0, 3)), EMAIL], title_expires_on=date(2026, 4, 20)
    )
    data = run_json(capsys, case.reference, "--today", "2026-04-06")
    assert data["verdict"] in {"adequate", "strong"}
    assert data["advisory"] is True
    for reason in data["reasons"]:
        assert set(reason) == {"code", "level", "text", "source"}
        assert reason["source"]
    assert data["metrics"]["counted"] == 11
    assert data["metrics"]["by_evidence"] == {"sealed": 10, "sent": 0, "manual": 1, "imported": 0}
    assert data["metrics"]["written_requests"] == 1
    assert data["computed_for"] == "2026-04-06"
    assert isinstance(data["next_steps"], list)


@pytest.mark.django_db
def test_an_email_without_its_file_is_not_counted(case_factory, capsys):
    unproven = attempt(
        EMAIL.at, channel="email", outcome="sent", evidence="manual", has_files=False
    )
    case = case_factory([*weekly(MONDAY, 3), unproven])
    data = run_json(capsys, case.reference, "--today", "2026-03-22")
    assert data["metrics"]["written_requests"] == 0
    assert data["metrics"]["unproven"] == 1
    assert "written_request" in {r["code"] for r in data["reasons"] if r["level"] == "missing"}


@pytest.mark.django_db
def test_it_reads_urgency_facts_from_the_case(case_factory, capsys):
    case = case_factory(weekly(MONDAY, 3), unexecuted_oqtf=True)
    data = run_json(capsys, case.reference)
    assert data["verdict"] == "insufficient"
    assert data["reasons"][0]["code"] == "unexecuted_oqtf"


@pytest.mark.django_db
def test_it_exits_1_for_an_unknown_case(case_factory, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["assess", "NOSUCHCASE", "--json"])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unknown case 'NOSUCHCASE'" in captured.err


@pytest.mark.django_db
def test_it_exits_2_without_a_case(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["assess", "--json"])
    assert exit_info.value.code == 2


@pytest.mark.django_db
def test_without_json_it_prints_a_readable_summary(case_factory, capsys):
    case = case_factory([], procedure_kind="first_application")
    call_command("assess", case.reference.lower())
    out = capsys.readouterr().out
    assert out.startswith(f"{case.reference} : insuffisant (insufficient)")
    assert "Une personne décide" in out


@pytest.mark.django_db
def test_the_json_names_the_route_and_why(case_factory, capsys):
    case = case_factory(
        [*weekly(MONDAY, 5, days=(0, 3)), EMAIL], title_expires_on=date(2026, 4, 20)
    )
    data = run_json(capsys, case.reference, "--today", "2026-04-06")
    assert data["route"] == "mesures_utiles"
    assert data["route_reason"]
    assert data["route_detail"]["code"] == "no_decision"
    case.refused_on = date(2026, 4, 1)
    case.save()
    data = run_json(capsys, case.reference, "--today", "2026-04-06")
    assert (data["route"], data["route_detail"]["code"]) == (
        "not_mesures_utiles",
        "explicit_refusal",
    )
    assert data["route_detail"]["decision_on"] == "2026-04-01"
    assert "décision de refus" in data["route_reason"]
