"""``creneau doctor`` against the real local TSA and SMTP server, and the admins' banner."""

import html
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from creneau.accounts.models import MailSettings, Member
from creneau.lib.localtsa import LocalTSA
from creneau.notifications import transport
from creneau.notifications.models import SmsSettings
from creneau.scheduling.doctor import run_checks
from tests.conftest import make_case
from tests.court.conftest import screenshot_png, sealed_capture
from tests.notifications.smsgateway import GATEWAY_HOST, LOOPBACK
from tests.s3server import configure
from tests.scheduling.conftest import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings: Any, personas: Any, smtp: Any, tsa_on: LocalTSA) -> Any:
    """GIVEN an installation set up as the documentation asks."""
    settings.DEFAULT_FROM_EMAIL = "alertes@cimade-93.example"
    settings.SITE_URL, settings.SITE_URL_GIVEN = "https://creneau.cimade-93.example", True
    for organisation in (personas.group, personas.other_group):
        MailSettings.objects.create(
            organisation=organisation,
            host=settings.EMAIL_HOST,
            port=settings.EMAIL_PORT,
            security=MailSettings.Security.NONE,
            from_address=f"permanence@{organisation.slug}.example",
        )
    return settings


def doctor() -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    try:
        call_command("doctor", "--json", stdout=out)
        code = 0
    except CommandError as error:
        code = error.returncode
    return code, json.loads(out.getvalue())


def failing(report: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["message"] for c in report["checks"] if not c["ok"]}


def test_a_configured_installation_passes_every_check(configured):
    code, report = doctor()

    assert code == 0 and report["ok"] is True, failing(report)
    names = [c["name"] for c in report["checks"]]
    assert names == [
        "timestamping",
        "alert_mail",
        "organisation_mail",
        "sms",
        "site_url",
        "chromium",
        "evidence_store",
        "disk_space",
    ]
    assert report["evidence_store"]["backend"] == "local"
    timestamping = next(c for c in report["checks"] if c["name"] == "timestamping")
    assert "1 autorité(s) sur 1 répondent et leur jeton se vérifie" in timestamping["message"]


def test_timestamping_turned_off_is_a_problem_in_plain_french(configured):
    configured.TSA_URLS = []

    code, report = doctor()

    assert code == 1 and report["ok"] is False
    assert "L'horodatage est désactivé" in failing(report)["timestamping"]


def test_an_authority_that_does_not_answer_or_whose_token_does_not_verify_fails(
    configured, tmp_path: Path
):
    configured.TSA_URLS = ["http://127.0.0.1:9/tsa"]
    assert "Aucune autorité d'horodatage n'a fourni" in failing(doctor()[1])["timestamping"]

    other = LocalTSA(tmp_path / "other")
    other.start().stop()
    configured.TSA_CA_FILE = str(other.ca_file)
    configured.TSA_URLS = [configured.TSA_URLS[0]]
    assert "timestamping" in failing(doctor()[1])


def test_the_defaults_of_a_fresh_install_are_named(settings, personas):
    settings.DEFAULT_FROM_EMAIL = "creneau@localhost"
    settings.SITE_URL_GIVEN = False

    code, report = doctor()

    problems = failing(report)
    assert code == 1
    assert "creneau@localhost" in problems["alert_mail"]
    assert "CRENEAU_DEFAULT_FROM_EMAIL" in problems["alert_mail"]
    assert "aucun serveur d'envoi des courriels" in problems["organisation_mail"]
    # Set in the app by the organisation's admins now, not in the operators' Django admin.
    assert "réglages de l'organisation" in problems["organisation_mail"]
    assert "administration" not in problems["organisation_mail"]
    assert "CRENEAU_SITE_URL" in problems["site_url"]


def test_an_smtp_server_that_does_not_answer_is_named(configured):
    MailSettings.objects.filter(organisation__slug="ldh-69").update(port=9)

    problems = failing(doctor()[1])

    assert "LDH Lyon" in problems["organisation_mail"]
    assert "Impossible de joindre le serveur d'envoi" in problems["organisation_mail"]


def test_the_banner_reads_the_last_seal_without_asking_any_authority(settings, personas, local_tsa):
    settings.TSA_CA_FILE = str(local_tsa.ca_file)
    settings.TSA_URLS = [local_tsa.url]
    case = make_case(personas.group)
    sealed_capture(case, case.created_at, screenshot_png("page"))
    settings.TSA_URLS = ["http://127.0.0.1:9/tsa"]  # would fail if it were asked

    checks = {c.name: c for c in run_checks(probe=False, organisations=[personas.group])}

    assert checks["timestamping"].ok, checks["timestamping"].message


def test_organisation_admins_see_the_banner_and_volunteers_do_not(settings, personas):
    settings.DEFAULT_FROM_EMAIL = "creneau@localhost"
    Member.objects.filter(user=personas.alice).update(role=Member.Role.ADMIN)

    admin = html.unescape(personas.client_for(personas.alice).get("/tableau-de-bord/").text)
    volunteer = personas.client_for(personas.bob).get("/tableau-de-bord/").content.decode()

    assert "Configuration à corriger" in admin and "creneau@localhost" in admin
    assert "Cimade Saint-Denis : aucun serveur d'envoi des courriels" in admin
    assert "LDH Lyon" not in admin  # only the organisations Alice administers
    assert "Configuration à corriger" not in volunteer


@pytest.mark.s3
def test_doctor_names_the_bucket_and_says_object_lock_is_on(configured, s3_server):
    configure(configured, s3_server, s3_server.new_bucket(object_lock=True))

    code, report = doctor()

    assert code == 0, failing(report)
    store = report["evidence_store"]
    assert store["backend"] == "s3" and store["object_lock"] is True
    assert s3_server.url in store["location"]
    message = next(c for c in report["checks"] if c["name"] == "evidence_store")["message"]
    assert "Object Lock actif" in message


@pytest.mark.s3
def test_doctor_fails_when_a_retention_is_asked_of_a_bucket_without_object_lock(
    configured, s3_server
):
    configure(configured, s3_server, s3_server.new_bucket())
    configured.S3_LOCK_MODE, configured.S3_LOCK_DAYS = "COMPLIANCE", 365

    code, report = doctor()

    assert code == 1 and report["evidence_store"]["object_lock"] is False
    assert "n'a pas Object Lock" in failing(report)["evidence_store"]


@pytest.mark.s3
def test_doctor_fails_when_the_bucket_does_not_answer(configured, s3_server):
    configure(configured, s3_server, "no-such-bucket-here")

    code, report = doctor()

    assert code == 1 and "ne répond pas" in failing(report)["evidence_store"]


GATEWAY_TOKEN = "gw-secret-token-93"


def test_no_sms_set_up_is_said_and_is_not_a_fault(configured):
    configured.SMS_GATEWAY_URL = ""

    code, report = doctor()

    sms = next(c for c in report["checks"] if c["name"] == "sms")
    assert code == 0 and sms["ok"] is True
    assert "aucun SMS pour Cimade Saint-Denis, LDH Lyon" in sms["message"]
    assert report["sms"] == {
        "gateway": {"configured": False, "address": None, "reachable": None, "sender": None},
        "organisations": {"cimade-93": None, "ldh-69": None},
    }


def test_the_sms_gateway_is_asked_without_sending_and_its_token_never_shows(
    configured, http_gateway, personas
):
    """GIVEN the operator's gateway (a real local HTTP server posing as sms.gateway.example)
    and one organisation with its own provider THEN doctor says both, reaches the gateway
    without posting anything, and prints neither its token nor its query."""
    configured.SMS_GATEWAY_URL = f"http://{GATEWAY_HOST}/api/send?account=asso93"
    configured.SMS_GATEWAY_TOKEN = GATEWAY_TOKEN
    configured.SMS_SENDER = "CIMADE93"
    SmsSettings.objects.create(
        organisation=personas.group, provider="octopush", login="l", secret="s"
    )
    out = io.StringIO()

    code, report = doctor()
    call_command("doctor", stdout=out)

    sms = next(c for c in report["checks"] if c["name"] == "sms")
    assert code == 0 and sms["ok"] is True, sms
    assert f"passerelle http://{GATEWAY_HOST} joignable" in sms["message"]
    assert "aucun SMS envoyé" in sms["message"] and "pour LDH Lyon" in sms["message"]
    assert "Cimade Saint-Denis (octopush)" in sms["message"]
    assert report["sms"]["gateway"] == {
        "configured": True,
        "address": f"http://{GATEWAY_HOST}",
        "reachable": True,
        "sender": "CIMADE93",
    }
    assert report["sms"]["organisations"] == {"cimade-93": "octopush", "ldh-69": None}
    assert http_gateway.received == []  # nothing posted: no SMS can have left
    everything = json.dumps(report) + out.getvalue()
    assert GATEWAY_TOKEN not in everything and "asso93" not in everything


def test_an_sms_gateway_that_does_not_answer_fails_and_says_where(configured, monkeypatch):
    configured.SMS_GATEWAY_URL = f"http://{GATEWAY_HOST}:1/send"
    configured.SMS_GATEWAY_TOKEN = GATEWAY_TOKEN
    silent = {GATEWAY_HOST: (LOOPBACK, free_port())}  # nothing listens there
    monkeypatch.setattr(transport, "ROUTES", transport.ROUTES | silent)

    code, report = doctor()

    assert code == 1 and report["sms"]["gateway"]["reachable"] is False
    assert f"la passerelle SMS http://{GATEWAY_HOST}:1 ne répond pas" in failing(report)["sms"]
    assert GATEWAY_TOKEN not in json.dumps(report)


def test_an_sms_gateway_on_a_local_address_is_refused_like_a_real_send(configured):
    configured.SMS_GATEWAY_URL = "http://127.0.0.1:9/send"

    code, report = doctor()

    assert code == 1
    assert "mène à une adresse locale ou privée" in failing(report)["sms"]
