import csv
import json
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from creneau.catalog.loader import DATA, load_catalog, tribunal_from_files
from creneau.catalog.models import Department, Tribunal

ALL_CODES = [row["code"] for row in csv.DictReader((DATA / "departments.csv").open())]


def tribunal_json(code: str) -> dict[str, str | None]:
    out = StringIO()
    call_command("tribunal", code, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_catalog_lists_all_101_departements_and_three_overseas_collectivities():
    assert len(ALL_CODES) == 104
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= set(ALL_CODES)
    assert {"975", "977", "978"} <= set(ALL_CODES)
    assert "20" not in ALL_CODES


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "tribunal", "seat"),
    [
        ("975", "Tribunal administratif de Saint-Pierre-et-Miquelon", "Saint-Pierre"),
        ("977", "Tribunal administratif de Saint-Barthélemy", "Basse-Terre"),
        ("978", "Tribunal administratif de Saint-Martin", "Basse-Terre"),
        ("972", "Tribunal administratif de la Martinique", "Schœlcher"),
    ],
)
def test_overseas_collectivities_have_their_own_tribunal(code, tribunal, seat):
    info = tribunal_json(code)
    assert (info["tribunal"], info["seat"]) == (tribunal, seat)


@pytest.mark.django_db
def test_saint_martin_cases_are_directed_against_the_delegated_prefect():
    department = Department.objects.get(code="978")
    assert department.prefect_title.startswith("préfet délégué auprès du représentant de l'État")
    assert str(department.zone) == "America/Marigot"
    assert Department.objects.get(code="75").prefect_title == "préfet de police"


@pytest.mark.django_db
def test_it_names_montreuil_for_seine_saint_denis():
    info = tribunal_json("93")
    assert info["tribunal"] == "Tribunal administratif de Montreuil"
    assert info["department"] == "93"
    assert info["seat"] == "Montreuil"
    assert info["address_verified_on"] is None  # addresses are unverified until a person checks


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "tribunal"),
    [
        ("75", "Tribunal administratif de Paris"),
        ("92", "Tribunal administratif de Cergy-Pontoise"),
        ("94", "Tribunal administratif de Melun"),
        ("2A", "Tribunal administratif de Bastia"),
        ("2b", "Tribunal administratif de Bastia"),
        ("1", "Tribunal administratif de Lyon"),
        ("974", "Tribunal administratif de La Réunion"),
        ("976", "Tribunal administratif de Mayotte"),
        ("36", "Tribunal administratif de Limoges"),
    ],
)
def test_it_resolves_known_codes_and_normalises_their_spelling(code, tribunal):
    assert tribunal_json(code)["tribunal"] == tribunal


@pytest.mark.django_db
def test_every_departement_code_resolves_from_the_database_and_the_files():
    for code in ALL_CODES:
        from_db = tribunal_json(code)
        from_files = tribunal_from_files(code)
        assert from_files is not None
        assert from_db["tribunal"] == from_files.tribunal
        assert from_db["tribunal"].startswith("Tribunal administratif ")


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["99", "20", "979", "", "abc", "9 3"])
def test_an_unknown_code_is_refused_with_a_clear_message(code):
    with pytest.raises(CommandError, match="Département inconnu") as raised:
        call_command("tribunal", code, "--json")
    assert raised.value.returncode == 1


def test_the_installed_command_exits_1_on_an_unknown_code_and_2_without_argument(tmp_path):
    env = {"CRENEAU_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    unknown = subprocess.run(
        [".venv/bin/creneau", "tribunal", "99", "--json"], capture_output=True, text=True, env=env
    )
    assert unknown.returncode == 1
    assert "Département inconnu" in unknown.stderr
    assert unknown.stdout == ""
    usage = subprocess.run([".venv/bin/creneau", "tribunal"], capture_output=True, env=env)
    assert usage.returncode == 2
    known = subprocess.run(
        [".venv/bin/creneau", "tribunal", "93", "--json"], capture_output=True, env=env
    )
    assert json.loads(known.stdout)["tribunal"] == "Tribunal administratif de Montreuil"


@pytest.mark.django_db
def test_reloading_keeps_an_address_verified_in_the_admin():
    tribunal = Tribunal.objects.get(slug="montreuil")
    tribunal.address = "7 rue Catherine Puig, 93100 Montreuil"
    tribunal.address_verified_on = "2026-11-20"
    tribunal.save()
    counts = load_catalog()
    tribunal.refresh_from_db()
    assert counts["departments"] == 104
    assert Department.objects.count() == 104
    assert tribunal.address == "7 rue Catherine Puig, 93100 Montreuil"
    assert tribunal_json("93")["address_verified_on"] == "2026-11-20"
