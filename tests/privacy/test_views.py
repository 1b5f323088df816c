"""The person's data rights from the web: a full copy for any member, erasure for an admin."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from creneau.accounts.models import AuditEvent
from creneau.cases.models import Case, Person
from creneau.lib import storage
from creneau.privacy.transfer import export_case
from tests.conftest import make_case, make_member
from tests.privacy.test_erasure import add_attempt_with_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def dora(personas):
    """An administrator of Alice's organisation."""
    return make_member("dora", personas.group, role="admin")


def test_a_member_downloads_a_copy_with_every_file(personas, alice_case):
    add_attempt_with_file(alice_case, b"\x89PNG capture of the booking page")
    response = personas.client_for(personas.bob).get(
        reverse("case-data-export", args=[alice_case.reference])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("case.json"))
    assert data == export_case(alice_case)
    assert data["person"]["family_name"] == "Diallo"
    [path] = data["attempts"][0]["files"]
    assert archive.read(path) == b"\x89PNG capture of the booking page"
    assert "LISEZMOI.txt" in archive.namelist()
    logged = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (logged.actor, logged.case_reference) == ("bob", alice_case.reference)


def test_a_volunteer_sees_the_warning_but_cannot_erase(personas, alice_case):
    client = personas.client_for(personas.alice)
    page = client.get(reverse("case-data", args=[alice_case.reference])).content.decode()
    assert "Télécharger la copie" in page
    assert 'name="confirm"' not in page
    response = client.post(
        reverse("case-erase", args=[alice_case.reference]), {"confirm": alice_case.reference}
    )
    assert response.status_code == 403
    assert "administrateur" in response.content.decode()
    assert Case.objects.filter(pk=alice_case.pk).exists()


def test_erasure_needs_the_reference_typed(personas, alice_case, dora):
    response = personas.client_for(dora).post(
        reverse("case-erase", args=[alice_case.reference]), {"confirm": "oui"}
    )
    assert response.status_code == 400
    assert f"Tapez la référence {alice_case.reference}" in response.content.decode()
    assert Case.objects.filter(pk=alice_case.pk).exists()


def test_an_admin_erases_the_case_its_person_and_its_files(personas, alice_case, dora):
    digest = add_attempt_with_file(alice_case, b"only here").files.get().blob.sha256
    person = alice_case.person
    response = personas.client_for(dora).post(
        reverse("case-erase", args=[alice_case.reference]),
        {"confirm": alice_case.reference.lower()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("case-list")
    assert (
        f"Dossier {alice_case.reference} effacé (tentatives : 1 ; fichiers de preuve : 1)"
        in response.content.decode()
    )
    assert not Case.objects.filter(pk=alice_case.pk).exists()
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not storage.check(digest)
    logged = AuditEvent.objects.get(action=AuditEvent.Action.ERASE)
    assert (logged.actor, logged.case_reference) == ("dora", alice_case.reference)


def test_a_case_before_the_court_gets_the_stronger_warning(personas, dora):
    filed = make_case(personas.group, status=Case.Status.FILED)
    page = personas.client_for(dora).get(reverse("case-data", args=[filed.reference]))
    assert "Une requête a été déposée" in page.content.decode()


def test_an_admin_of_another_organisation_cannot_erase(personas, alice_case):
    outsider_admin = make_member("eve", personas.other_group, role="admin")
    response = personas.client_for(outsider_admin).post(
        reverse("case-erase", args=[alice_case.reference]), {"confirm": alice_case.reference}
    )
    assert response.status_code == 404
    assert Case.objects.filter(pk=alice_case.pk).exists()
