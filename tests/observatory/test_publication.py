"""The signed file: only published pages, no personal data, a signature that verifies; imported
by another installation (its own data folder and database) that then shows both."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from creneau.accounts.models import Organisation
from creneau.cases.models import Attempt
from creneau.catalog.models import BookingPage
from creneau.lib import signing
from creneau.observatory import checks, publication
from creneau.observatory.importing import ImportRefusedError
from creneau.observatory.models import CheckHour, Source
from tests.conftest import make_case

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 3, 2, 9, 5, tzinfo=PARIS)
ROOT = Path(__file__).resolve().parents[2]
PERSONAL = {
    "family_name": "Zarkovitch",
    "given_names": "Ilse-Marguerite",
    "email": "ilse.zarkovitch@example.org",
    "phone": "+33 6 98 76 54 32",
    "address": "17 impasse des Glycines, 93200 Saint-Denis",
    "foreigner_number": "9912345678",
    "birth_place": "Tbilissi",
}


@pytest.fixture
def published(page, personas):
    """GIVEN a published installation whose page has two days of checks, followed by a case
    full of personal data, and a second page that is a person's own booking."""
    case = make_case(personas.group, booking_page=page, family_name=PERSONAL["family_name"])
    person = case.person
    for name, value in PERSONAL.items():
        setattr(person, name, value)
    person.save()
    Attempt.objects.create(case=case, channel="online", at=MONDAY, outcome="no_slot", note="RDV")
    for minutes, outcome in enumerate(["no_slot", "slots_available", "no_slot"]):
        checks.count(page, outcome, MONDAY + timedelta(minutes=15 * minutes))
    checks.count(page, "no_slot", MONDAY + timedelta(days=1))
    own = BookingPage.objects.create(url="https://rdv.anct.gouv.fr/users/rdvs/4242/creneaux")
    checks.count(own, "slots_available", MONDAY)
    for organisation in Organisation.objects.all():
        publication.set_public(organisation, True, None)
    return case


def envelope(raw: bytes) -> dict:
    return json.loads(raw)


def test_the_signed_file_holds_the_published_pages_and_verifies(published):
    raw = publication.signed_file()
    data = envelope(raw)

    verified = publication.verify_file(raw)
    assert verified.fingerprint == signing.fingerprint(data["signature"]["public_key"])
    (page,) = data["signed"]["pages"]  # the person's own booking page is not published
    assert page["url"] == "https://rdv.seine-saint-denis.example/prendre_rdv"
    assert page["department"] == "93" and page["prefecture"]["kind"] == "prefecture"
    assert [d["day"] for d in page["days"]] == ["2026-03-02", "2026-03-03"]
    assert page["days"][0]["hours"] == [[9, 3, 2, 1, 0, 0, 0, 0, 0]]
    assert len(page["episodes"]) == 1


def test_no_personal_data_ever_leaves_the_installation(published, personas):
    text = publication.signed_file().decode()
    case = published
    for value in [*PERSONAL.values(), case.reference, case.person.birth_date, "alice", "Bobigny"]:
        assert str(value) not in text, value
    assert "users/rdvs" not in text and "4242" not in text


def test_a_private_installation_makes_no_signed_file(page, personas):
    with pytest.raises(publication.PublicationError):
        publication.signed_file()


def test_a_tampered_file_is_refused(published):
    data = envelope(publication.signed_file())
    data["signed"]["pages"][0]["days"][0]["hours"][0][3] = 3  # more slots than seen
    with pytest.raises(ImportRefusedError, match="signature invalide"):
        publication.verify_file(json.dumps(data).encode())


def test_an_unknown_publisher_needs_its_fingerprint_and_an_older_file_is_refused(
    published, settings, tmp_path
):
    first_key = settings.OBSERVATORY_KEY_FILE
    raw = publication.signed_file(MONDAY + timedelta(days=2))
    newer = publication.signed_file(MONDAY + timedelta(days=3))
    fingerprint = publication.verify_file(raw).fingerprint
    with pytest.raises(ImportRefusedError, match="c'est le fichier de cette installation"):
        publication.import_file(raw, fingerprint)
    settings.OBSERVATORY_KEY_FILE = tmp_path / "another" / "key.pem"  # now another installation

    with pytest.raises(ImportRefusedError, match=f"--trust {fingerprint}"):
        publication.import_file(raw)
    source = publication.import_file(raw, fingerprint)

    assert source.key == fingerprint and source.file is not None
    assert CheckHour.objects.filter(observed__source=source).count() == 2
    with pytest.raises(ImportRefusedError, match="pas plus récent"):
        publication.import_file(raw)
    assert publication.import_file(newer).pk == source.pk  # the pinned key: no --trust again
    assert first_key != settings.OBSERVATORY_KEY_FILE


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CRENEAU_DATA_DIR": str(data_dir),
        "CRENEAU_ALLOWED_HOSTS": "testserver",
        "CRENEAU_OBSERVATORY_PUBLISHER": "LDH Lyon (installation 2)",
    }
    env.pop("CRENEAU_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "creneau", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


SECOND = """
from datetime import datetime
from zoneinfo import ZoneInfo
from django.contrib.auth.models import User
from creneau.accounts.models import Member, Organisation
from creneau.catalog.models import BookingPage, Prefecture
from creneau.observatory import checks, publication
organisation = Organisation.objects.create(name="LDH Lyon", slug="ldh-69")
user = User.objects.create_user("admin2", password="x")
Member.objects.create(user=user, organisation=organisation, role="admin")
publication.set_public(organisation, True, user)
page = BookingPage.objects.create(
    url="https://www.rhone.gouv.fr/booking/create/1/0",
    system="legacy",
    prefecture=Prefecture.objects.get(department_id="69", kind="prefecture"),
)
for hour in (9, 10, 11):
    checks.count(page, "no_slot", datetime(2026, 3, 4, hour, 5, tzinfo=ZoneInfo("Europe/Paris")))
"""

SHOW = """
from django.test import Client
print(Client().get("/observatoire/").content.decode())
"""


def test_a_second_installation_imports_the_first_and_shows_both(published, tmp_path):
    """GIVEN this installation's signed file, and a second installation (its own data folder,
    database and key) with a page of its own in the Rhône
    WHEN the second imports the file, its publisher's fingerprint checked
    THEN its aggregates and public pages show both, each citing its source."""
    one = tmp_path / "one.json"
    one.write_bytes(publication.signed_file())
    fingerprint = publication.own_fingerprint()
    second = tmp_path / "second"

    assert run(second, "shell", "-c", SECOND).returncode == 0
    refused = run(second, "observatory", "import", str(one), "--json")
    assert refused.returncode == 1 and fingerprint in refused.stderr
    imported = run(second, "observatory", "import", str(one), "--trust", fingerprint, "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["pages"] == 1

    found = json.loads(run(second, "observatory", "--json").stdout)
    assert {(p["source"], p["department"], p["checks"]) for p in found["pages"]} == {
        ("local", "69", 3),
        (fingerprint, "93", 4),
    }
    assert found["national"]["checks"] == 7 and found["national"]["with_slots"] == 1
    assert {s["key"] for s in found["sources"]} == {"local", fingerprint}
    shown = run(second, "shell", "-c", SHOW).stdout
    assert "Préfecture de la Seine-Saint-Denis" in shown and "Préfecture du Rhône" in shown
    assert "Cimade Saint-Denis" in shown and fingerprint[:14] in shown
    assert Source.objects.filter(local=False).count() == 0  # this installation imported nothing
