"""The ANEF additions to case format 2: procedure.channel, the anef journey, pan, details."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from creneau.cases.models import AnefJourney, Case
from creneau.privacy.transfer import CaseFormatError, load_file
from tests.documents.anef_cases import renewal_case, student_case

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("case", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def round_trip(path: Path, tmp_path: Path) -> tuple[dict, dict, str]:
    first = json.loads(run("import", str(path), "--json"))["case"]
    exported = json.loads(run("export", first, "--json", "--out", str(tmp_path / "one")))
    second = json.loads(run("import", str(tmp_path / "one" / "case.json"), "--json"))["case"]
    again = json.loads(run("export", second, "--json", "--out", str(tmp_path / "two")))
    return exported, again, second


def test_an_anef_renewal_round_trips_its_route_journey_and_contact_details(tmp_path):
    exported, again, second = round_trip(renewal_case(tmp_path / "in"), tmp_path)
    assert exported == again
    procedure = exported["procedure"]
    assert (procedure["channel"], procedure["channel_basis"]) == ("anef", "case")
    assert "renvoie au téléservice ANEF" in procedure["channel_note"]
    assert exported["anef"]["demarche"] == "Renouvellement — vie privée et familiale"
    assert exported["anef"]["provisional"] == "none"
    details = {a["channel"]: a.get("details") for a in exported["attempts"]}
    assert details["online"] == {
        "step": "Dépôt de la demande",
        "message": "Une erreur technique est survenue. Veuillez réessayer ultérieurement.",
    }
    assert details["pan"] == {"site": "Préfecture de la Seine-Saint-Denis", "witnessed": True}
    assert details["email"]["purpose"] == "substitute"
    ccc = [a["details"] for a in exported["attempts"] if a["channel"] == "ccc"]
    assert ccc[1] == {"via": "form", "ticket": "CCC-0910-7788", "certifies_impossibility": True}
    case = Case.objects.get(reference=second)
    assert case.channel == "anef"
    assert AnefJourney.objects.get(case=case).account_created_on.isoformat() == "2026-08-18"


def test_a_route_that_follows_the_catalog_is_not_frozen_on_the_case(tmp_path):
    exported, again, second = round_trip(student_case(tmp_path / "in"), tmp_path)
    assert exported == again
    assert (exported["procedure"]["channel"], exported["procedure"]["channel_basis"]) == (
        "anef",
        "catalog",
    )
    assert Case.objects.get(reference=second).channel == ""  # the catalog decides


def test_a_first_format_file_without_channel_follows_a_booking_page(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(
        json.dumps(
            {
                "person": {"family_name": "Diallo"},
                "procedure": {"kind": "renewal"},
                "department": "93",
                "attempts": [{"channel": "pan", "at": "2026-09-01T10:00", "outcome": "refused"}],
            }
        )
    )
    reference = json.loads(run("import", str(path), "--json"))["case"]
    exported = json.loads(run("export", reference, "--json"))
    assert (exported["procedure"]["channel"], exported["procedure"]["channel_basis"]) == (
        "booking",
        "default",
    )
    assert exported["attempts"][0]["channel"] == "pan"
    assert "anef" not in exported


def test_an_unknown_route_or_a_misspelt_journey_key_is_refused_with_its_path(tmp_path):
    path = renewal_case(tmp_path)
    data = json.loads(path.read_text())
    data["procedure"]["channel"] = "courrier"
    data["anef"]["demarche_numbr"] = data["anef"].pop("demarche_number")
    path.write_text(json.dumps(data))
    with pytest.raises(CaseFormatError) as refused:
        load_file(path)
    problems = "\n".join(refused.value.problems)
    assert "procedure.channel : valeur « courrier » non reconnue" in problems
    assert (
        "anef.demarche_numbr : champ inconnu : vouliez-vous dire « demarche_number » ?" in problems
    )
    with pytest.raises(CommandError):
        run("import", str(path), "--json")
