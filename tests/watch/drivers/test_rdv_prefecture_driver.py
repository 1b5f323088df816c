"""The RDV Préfecture driver: assisted, it stops at the captcha unless a person answered it."""

import pytest

from creneau.simulators.server import SimulatorServer
from creneau.watch.drivers import attempt, driver_for
from tests.watch.conftest import TIMEOUT_S

pytestmark = pytest.mark.browser


def test_it_stops_at_the_captcha_and_reports_it(sim: SimulatorServer):
    snapshot, result = attempt(sim.url("rdv_prefecture"), "rdv_prefecture", {}, timeout_s=TIMEOUT_S)

    assert snapshot.final_url.endswith("/rdvpref/reservation/demarche/4409/cgu/")
    assert 'id="captchaFR_CaptchaImage"' in snapshot.html
    assert result.outcome == "captcha"
    assert not any("_validerCaptcha" in path for path in sim.stats()["by_path"])
    assert driver_for("rdv_prefecture").mode == "assisted"


def test_with_a_persons_answer_it_reaches_no_slot_and_the_release_line(sim: SimulatorServer):
    config = {"captcha_answer": sim.captcha_code}  # read in the image by the test, as a person

    snapshot, result = attempt(
        sim.url("rdv_prefecture"), "rdv_prefecture", config, timeout_s=TIMEOUT_S
    )

    assert snapshot.final_url.endswith("/rdvpref/reservation/demarche/4409/creneau/")
    assert "Aucun créneau disponible" in snapshot.visible_text
    assert "Dernière mise en ligne de rendez-vous : le " in snapshot.visible_text
    assert result.outcome == "no_slot"


def test_with_a_persons_answer_it_sees_the_slots(sim: SimulatorServer):
    sim.set_state("rdv_prefecture", "slots")
    config = {"captcha_answer": sim.captcha_code}

    snapshot, result = attempt(
        sim.url("rdv_prefecture"), "rdv_prefecture", config, timeout_s=TIMEOUT_S
    )

    assert "Choisissez votre créneau" in snapshot.visible_text
    assert "Aucun créneau disponible" not in snapshot.visible_text  # hidden in the DOM only
    assert result.outcome == "slots_available"


def test_a_wrong_answer_lands_back_on_the_captcha(sim: SimulatorServer):
    snapshot, result = attempt(
        sim.url("rdv_prefecture"),
        "rdv_prefecture",
        {"captcha_answer": "WRONG1"},
        timeout_s=TIMEOUT_S,
    )

    assert snapshot.final_url.endswith("/cgu/?error=invalidCaptcha")
    assert result.outcome == "captcha"


def test_an_expired_session_lands_back_on_the_captcha(sim: SimulatorServer):
    sim.set_state("rdv_prefecture", "expired")
    config = {"captcha_answer": sim.captcha_code}

    snapshot, result = attempt(
        sim.url("rdv_prefecture"), "rdv_prefecture", config, timeout_s=TIMEOUT_S
    )

    assert snapshot.final_url.endswith("/cgu/?error=errorSessionInvalide")
    assert "Votre session a expiré" in snapshot.visible_text
    assert result.outcome == "captcha"


def test_a_challenge_in_front_of_the_platform_is_captcha(sim: SimulatorServer):
    sim.set_state("rdv_prefecture", "captcha")

    snapshot, result = attempt(sim.url("rdv_prefecture"), "rdv_prefecture", {}, timeout_s=TIMEOUT_S)

    assert snapshot.status == 403
    assert "Vérification de sécurité" in snapshot.visible_text
    assert result.outcome == "captcha"
