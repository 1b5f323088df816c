import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from creneau.accounts.models import Organisation
from creneau.cases.models import Attempt, Case, Person
from creneau.lib import storage
from creneau.privacy.transfer import PARIS

CASE = {
    "person": {
        "family_name": "Diallo",
        "given_names": "Aminata",
        "birth_date": "1990-04-02",
        "birth_place": "Bamako (Mali)",
        "nationality": "malienne",
        "email": "aminata@example.org",
        "phone": "+33 6 00 00 00 00",
        "address": "1 rue de la République, 93200 Saint-Denis",
        "foreigner_number": "7512345678",
    },
    "procedure": {"kind": "renewal", "title": "carte de séjour temporaire", "ground": "salarié"},
    "department": "93",
    "booking_url": "https://www.seine-saint-denis.gouv.fr/booking/create/9845",
    "facts": {
        "title_expires_on": "2026-12-15",
        "unexecuted_oqtf": False,
        "employment": True,
        "social_benefits": False,
        "particular_circumstances": "Contrat de travail suspendu faute de récépissé.",
    },
    "attempts": [
        {
            "channel": "online",
            "at": "2026-09-01T09:12:00+02:00",
            "outcome": "no_slot",
            "note": "",
            "files": ["captures/2026-09-01.png"],
        },
        {"channel": "email", "at": "2026-09-03T10:00:00", "outcome": "sent", "note": "au service"},
        {"channel": "counter", "at": "2026-10-27T08:30:00+01:00", "outcome": "refused"},
    ],
}


def write_case(folder: Path, data: dict) -> Path:
    (folder / "captures").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (120, 80), "white").save(folder / "captures" / "2026-09-01.png")
    path = folder / "case.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("case", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def import_file(path: Path, *extra: str) -> str:
    return json.loads(run("import", str(path), "--json", *extra))["case"]


@pytest.mark.django_db
def test_it_imports_a_case_with_attempts_and_files(tmp_path):
    reference = import_file(write_case(tmp_path, CASE))
    case = Case.objects.get(reference=reference)
    assert case.person.family_name == "Diallo"
    assert case.department.tribunal.name == "Tribunal administratif de Montreuil"
    assert case.booking_page.system == "legacy"
    assert [a.channel for a in case.attempts.all()] == ["online", "email", "counter"]
    assert all(a.source == Attempt.Source.IMPORTED for a in case.attempts.all())
    attached = case.attempts.first().files.get()
    assert storage.check(attached.blob.sha256)
    assert attached.name == "2026-09-01.png"


@pytest.mark.django_db
def test_a_time_without_offset_is_read_as_paris_time(tmp_path):
    case = Case.objects.get(reference=import_file(write_case(tmp_path, CASE)))
    email = case.attempts.get(channel="email")
    assert email.at.isoformat() == "2026-09-03T08:00:00+00:00"


@pytest.mark.django_db
def test_export_then_import_then_export_is_identical(tmp_path):
    first = import_file(write_case(tmp_path / "in", CASE))
    exported = run("export", first, "--json", "--out", str(tmp_path / "one"))
    second = import_file(tmp_path / "one" / "case.json")
    again = run("export", second, "--json", "--out", str(tmp_path / "two"))
    assert first != second
    assert json.loads(exported) == json.loads(again)
    person = CASE["person"] | {"preferred_language": "fr", "gender": ""}
    assert json.loads(exported)["person"] == person
    for name in json.loads(again)["attempts"][0]["files"]:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


@pytest.mark.django_db
def test_identity_fields_are_encrypted_in_the_database(tmp_path):
    from django.db import connection

    import_file(write_case(tmp_path, CASE))
    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name, foreigner_number FROM cases_person")
        family_name, number = cursor.fetchone()
    assert "Diallo" not in family_name and "7512345678" not in number
    assert Person.objects.get().family_name == "Diallo"


BAD_FILES = [
    ({"person": {}}, "person.family_name : champ obligatoire manquant"),
    ({"procedure": {"kind": "renouvellement"}}, "procedure.kind : valeur « renouvellement »"),
    ({"department": "99"}, "department : département inconnu « 99 »"),
    ({"department": 93}, "department : type incorrect"),
    ({"facts": {"title_expires_on": "15/12/2026"}}, "facts.title_expires_on : date invalide"),
    ({"attempts": [{"channel": "online", "at": "hier", "outcome": "no_slot"}]}, "attempts[0].at"),
    (
        {"attempts": [{"channel": "fax", "at": "2026-09-01T09:00:00", "outcome": "sent"}]},
        "attempts[0].channel",
    ),
    (
        {"attempts": [{"channel": "online", "at": "2026-09-01T09:00:00", "outcome": "sent"}]},
        "attempts[0].outcome : résultat « sent » impossible",
    ),
    (
        {"attempts": [{"channel": "online", "at": "2099-01-01T09:00:00", "outcome": "no_slot"}]},
        "attempts[0].at : date dans le futur",
    ),
    (
        {
            "attempts": [
                {
                    "channel": "online",
                    "at": "2026-09-01T09:00:00",
                    "outcome": "no_slot",
                    "files": ["missing.png"],
                }
            ]
        },
        "attempts[0].files[0] : fichier introuvable",
    ),
    (
        {
            "attempts": [
                {
                    "channel": "online",
                    "at": "2026-09-01T09:00:00",
                    "outcome": "no_slot",
                    "files": ["../../etc/passwd"],
                }
            ]
        },
        "attempts[0].files[0] : chemin refusé",
    ),
    (
        {"person": {"family_name": "X", "birthdate": "1990-01-01"}},
        "person.birthdate : champ inconnu : vouliez-vous dire « birth_date » ?",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "message"), BAD_FILES)
def test_a_malformed_file_is_refused_naming_the_field_and_nothing_is_created(
    tmp_path, change, message
):
    path = write_case(tmp_path, CASE | change)
    with pytest.raises(CommandError) as raised:
        run("import", str(path), "--json")
    assert raised.value.returncode == 1
    assert message in str(raised.value)
    assert "rien n'a été importé" in str(raised.value)
    assert not Case.objects.exists() and not Person.objects.exists()
    assert not Attempt.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "case.json"
    path.write_text("{ nope")
    with pytest.raises(CommandError, match="JSON illisible"):
        run("import", str(path))
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_unrelated_extra_keys_are_ignored(tmp_path):
    reference = import_file(write_case(tmp_path, CASE | {"source": "tableur", "id": 12}))
    assert Case.objects.filter(reference=reference).exists()


@pytest.mark.django_db
def test_the_organisation_is_created_on_a_fresh_install_then_chosen_by_slug(tmp_path):
    path = write_case(tmp_path, CASE)
    import_file(path)
    assert Organisation.objects.count() == 1
    Organisation.objects.create(slug="ldh-69", name="LDH Lyon")
    with pytest.raises(CommandError, match="Plusieurs organisations"):
        run("import", str(path))
    reference = import_file(path, "--org", "ldh-69")
    assert Case.objects.get(reference=reference).organisation.slug == "ldh-69"
    with pytest.raises(CommandError, match="Organisation inconnue"):
        run("import", str(path), "--org", "nope")


@pytest.mark.django_db
def test_exporting_an_unknown_case_exits_1():
    with pytest.raises(CommandError, match="Dossier inconnu") as raised:
        run("export", "NOPE1234", "--json")
    assert raised.value.returncode == 1


def test_the_installed_command_round_trips_on_a_fresh_data_folder(tmp_path):
    """GIVEN a fresh data folder WHEN the console command imports then exports
    THEN it migrates by itself and prints the documented JSON."""
    import subprocess

    env = {"CRENEAU_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    path = write_case(tmp_path / "in", CASE)
    shutil.copy(path, tmp_path / "in" / "copy.json")
    done = subprocess.run(
        [".venv/bin/creneau", "case", "import", str(path), "--json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    reference = json.loads(done.stdout)["case"]
    exported = subprocess.run(
        [".venv/bin/creneau", "case", "export", reference, "--json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert json.loads(exported.stdout)["department"] == "93"


CASE_V2 = CASE | {
    "format": 2,
    "person": CASE["person"] | {"gender": "f"},
    "facts": CASE["facts"]
    | {"application_filed_on": None, "refused_on": None, "department_confirmed": True},
    "attempts": [
        *CASE["attempts"][:1],
        {
            "channel": "email",
            "at": "2026-09-03T10:00:00+02:00",
            "outcome": "sent",
            "details": {"recipient": "pref-etrangers@seine-saint-denis.gouv.fr", "subject": "RDV"},
        },
        {
            "channel": "letter",
            "at": "2026-09-10T11:00:00+02:00",
            "outcome": "sent",
            "details": {"tracking_number": "1A23456789012"},
        },
        {
            "channel": "letter",
            "at": "2026-09-14T15:00:00+02:00",
            "outcome": "delivered",
            "details": {"tracking_number": "1A23456789012", "receipt": True},
        },
        {
            "channel": "counter",
            "at": "2026-10-27T08:30:00+01:00",
            "outcome": "refused",
            "details": {"site": "Préfecture de la Seine-Saint-Denis", "witnessed": True},
        },
    ],
    "documents": [
        {"kind": "employment", "label": "Contrat de travail", "file": "docs/contrat.png"}
    ],
    "court": [
        {"kind": "filed", "on": "2026-11-02", "number": "2612345"},
        {
            "kind": "order",
            "on": "2026-11-20",
            "outcome": "injunction",
            "deadline_days": 15,
            "notified_on": "2026-12-01",
            "number": "2612345",
            "astreinte": 100,
        },
    ],
}


def write_case_v2(folder: Path) -> Path:
    path = write_case(folder, CASE_V2)
    (folder / "docs").mkdir()
    Image.new("RGB", (60, 40), "white").save(folder / "docs" / "contrat.png")
    return path


@pytest.mark.django_db
def test_format_2_round_trips_gender_facts_channel_details_court_events_and_documents(tmp_path):
    first = import_file(write_case_v2(tmp_path / "in"))
    exported = json.loads(run("export", first, "--json", "--out", str(tmp_path / "one")))
    second = import_file(tmp_path / "one" / "case.json")
    again = json.loads(run("export", second, "--json", "--out", str(tmp_path / "two")))
    assert exported == again
    assert exported["format"] == 2
    assert exported["person"]["gender"] == "f"
    assert exported["facts"]["department_confirmed"] is True
    details = [a.get("details") for a in exported["attempts"]]
    assert details[1] == {"recipient": "pref-etrangers@seine-saint-denis.gouv.fr", "subject": "RDV"}
    assert details[2] == {"tracking_number": "1A23456789012"}
    assert details[3] == {"tracking_number": "1A23456789012", "receipt": True}
    assert details[4] == {"site": "Préfecture de la Seine-Saint-Denis", "witnessed": True}
    order = exported["court"][1]
    assert (order["kind"], order["outcome"], order["deadline_days"]) == ("order", "injunction", 15)
    assert order["notified_on"] == "2026-12-01"
    assert exported["documents"][0]["kind"] == "employment"
    assert (tmp_path / "two" / exported["documents"][0]["file"]).is_file()
    assert Case.objects.get(reference=second).status == "injunction"


@pytest.mark.django_db
def test_a_first_format_file_still_imports_and_exports_as_format_2(tmp_path):
    exported = json.loads(run("export", import_file(write_case(tmp_path, CASE)), "--json"))
    assert exported["format"] == 2 and exported["court"] == [] and exported["documents"] == []


@pytest.mark.django_db
def test_a_summer_offset_on_a_winter_date_is_read_as_the_local_clock_time(tmp_path):
    """GIVEN « 17:44 » written with +02:00 on a November day (Paris is then at +01:00)
    WHEN the case is imported THEN the attempt is at 17:44 Paris time, and the import says so."""
    data = CASE | {
        "attempts": [
            {"channel": "online", "at": "2026-11-05T17:44:00+02:00", "outcome": "no_slot"},
            {"channel": "online", "at": "2026-07-05T17:44:00+02:00", "outcome": "no_slot"},
            {"channel": "online", "at": "2026-11-06T16:44:00Z", "outcome": "no_slot"},
        ]
    }
    err = StringIO()
    out = StringIO()
    call_command(
        "case", "import", str(write_case(tmp_path, data)), "--json", stdout=out, stderr=err
    )
    case = Case.objects.get(reference=json.loads(out.getvalue())["case"])
    november, july, utc = (a.at.astimezone(PARIS).strftime("%H:%M") for a in case.attempts.all())
    assert (july, november, utc) == ("17:44", "17:44", "17:44")
    assert "attempts[0].at" in err.getvalue() and "17:44" in err.getvalue()


@pytest.mark.django_db
def test_an_avis_de_reception_without_its_letter_is_refused(tmp_path):
    data = CASE | {
        "attempts": [
            {
                "channel": "letter",
                "at": "2026-09-14T15:00:00+02:00",
                "outcome": "delivered",
                "details": {"tracking_number": "1A999", "receipt": True},
            }
        ]
    }
    with pytest.raises(CommandError, match="avis de réception sans la lettre"):
        run("import", str(write_case(tmp_path, data)))
    assert not Case.objects.exists()
