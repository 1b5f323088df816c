"""From first contact to the bundle, on the command line, for the two ANEF-blocked cases.

GIVEN an ANEF-blocked renewal and an ANEF-blocked student's first application, written in the
case format with their captures, the contact centre's e-mails and the PAN visits
WHEN a volunteer imports each, assesses it, draws the requête and builds the bundle
THEN the assessment reasons cite n° 452798 and count the contact centre's contacts, the
requête cites R. 431-2 and n° 452798 and asks for the substitute route, never for an
appointment, and the bundle verifies with one file per exhibit.
"""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.documents.anef_cases import TODAY, renewal_case, student_case
from tests.documents.textual import normalised, text_of_pdf

pytestmark = pytest.mark.django_db


def creneau(capsys, *args: str) -> str:
    capsys.readouterr()
    call_command(*args)
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("write", "ccc_contacts", "conclusion"),
    [
        (renewal_case, 2, "le récépissé prévu par l'article R. 431-12"),
        (student_case, 3, "stage obligatoire"),
    ],
    ids=["renewal", "student"],
)
def test_an_anef_blocked_case_goes_from_import_to_the_bundle(
    write, ccc_contacts, conclusion, tsa_on, tmp_path: Path, capsys
):
    path = write(tmp_path / "in")
    reference = json.loads(creneau(capsys, "case", "import", str(path), "--json"))["case"]

    assessed = json.loads(creneau(capsys, "assess", reference, "--json", "--today", TODAY))
    assert assessed["channel"] == "anef" and assessed["route"] == "mesures_utiles"
    assert any("452798" in reason["source"] for reason in assessed["reasons"])
    ccc = next(r for r in assessed["reasons"] if r["code"] == "ccc_contacted")
    assert ccc["text"].startswith(f"{ccc_contacts} contacts avec le centre de contact citoyen")
    assert assessed["metrics"]["ccc_contacts"] == ccc_contacts
    assert "solution de substitution" in assessed["route_reason"]

    out = tmp_path / "requete"
    creneau(
        capsys, "document", reference, "requete", "--out", str(out), "--option", f"date={TODAY}"
    )
    text = normalised(text_of_pdf((out / "requete.pdf").read_bytes()))
    assert "article R. 431-2 du code de l'entrée et du séjour des étrangers" in text
    assert "n° 452798" in text and "solution de substitution" in text
    assert "rendez-vous" not in text
    assert conclusion in text

    bundle = tmp_path / "bundle"
    creneau(capsys, "bundle", reference, "--out", str(bundle), "--option", f"date={TODAY}")
    depot = sorted(p.name for p in (bundle / "depot").iterdir())
    assert depot[0] == "00_Requete_refere_mesures_utiles.pdf"
    assert any("teleservice_ANEF_bloque" in name for name in depot)
    assert any("centre_de_contact_citoyens" in name for name in depot)
    assert any("point_d_accueil_numerique" in name for name in depot)
    first = normalised(text_of_pdf((bundle / "depot" / depot[0]).read_bytes()))
    assert "rendez-vous" not in first and "n° 452798" in first
    verified = json.loads(creneau(capsys, "verify", str(bundle), "--json"))
    assert verified["ok"] is True
