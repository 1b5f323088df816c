"""The simulator server without a browser: states, sessions, counters, control API."""

import threading
import time

from creneau.simulators import eappointment, legacy, rdv_prefecture
from creneau.simulators.server import SimulatorServer, start
from tests.simulators.conftest import Client

NO_SLOT = (
    "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
    "Veuillez recommencer ultérieurement."
)


def test_it_lists_every_system_with_its_state_and_entry_urls(sim: SimulatorServer, client: Client):
    answer = client.get("/_control")

    systems = answer.json()
    assert set(systems) == {
        "legacy",
        "rdv_prefecture",
        "eappointment",
        "rdv_service_public",
        "demarches_simplifiees",
        "generic",
    }
    assert systems["legacy"]["state"] == "no_slot"
    assert systems["demarches_simplifiees"]["state"] == "closed"
    assert systems["legacy"]["entries"][0] == sim.base_url + "/93/booking/create/9845/0"


def test_the_control_api_switches_a_system_at_runtime(sim: SimulatorServer, client: Client):
    assert client.get(sim.url("legacy")).status == 200

    changed = client.post("/_control/legacy", raw='{"state": "error502"}')
    answer = client.get(sim.url("legacy"))

    assert changed.json() == {"system": "legacy", "state": "error502", "delay_ms": 0, "variant": ""}
    assert answer.status == 502
    assert "502 Bad Gateway" in answer.body
    assert client.get(sim.url("generic")).status == 200  # the other systems are untouched


def test_it_refuses_unknown_systems_and_states(client: Client):
    assert client.post("/_control/legacy", raw='{"state": "sunny"}').status == 400
    assert client.post("/_control/nowhere", raw='{"state": "slots"}').status == 404
    assert client.post("/_control/legacy", raw="not json").status == 400


def test_each_error_state_answers_its_status(sim: SimulatorServer, client: Client):
    for state, status in (("error503", 503), ("error403", 403), ("error429", 429)):
        sim.set_state("rdv_service_public", state)
        assert client.get(sim.url("rdv_service_public")).status == status


def test_rdv_service_public_throttles_with_its_own_json_answer(
    sim: SimulatorServer, client: Client
):
    sim.set_state("rdv_service_public", "error429")

    answer = client.get(sim.url("rdv_service_public"))

    assert answer.status == 429
    assert answer.json() == {"errors": ["Limite d'appels API atteinte. Merci de patienter.\n"]}


def test_it_counts_requests_per_host_and_path_but_not_control_calls(
    sim: SimulatorServer, client: Client
):
    port = sim.base_url.rsplit(":", 1)[1]
    client.get(sim.url("generic"))
    client.get(sim.url("generic"))
    client.get(sim.url("generic"), host="localhost")
    client.get("/_control")

    stats = client.get("/_control/stats").json()

    path = "/generic/mairie-de-montreuil-etrangers"
    assert stats["total"] == 3
    assert stats["by_path"] == {f"127.0.0.1:{port}{path}": 2, f"localhost:{port}{path}": 1}
    assert stats["by_host"] == {f"127.0.0.1:{port}": 2, f"localhost:{port}": 1}
    assert stats["by_system"] == {"generic": 3}
    assert [entry["path"] for entry in stats["recent"]] == [path] * 3


def test_reset_restores_the_default_states_and_empties_the_counters(
    sim: SimulatorServer, client: Client
):
    sim.set_state("legacy", "slots")
    client.get(sim.url("legacy"))

    client.post("/_control/reset")

    assert sim.stats()["total"] == 0
    assert client.get("/_control/legacy").json()["state"] == "no_slot"


def test_the_legacy_module_keeps_its_steps_in_a_server_side_session(
    sim: SimulatorServer, client: Client
):
    base = "/93/booking/create/9845"
    assert client.get(f"{base}/2").location == f"{base}/0"  # no session: back to the start

    refused = client.post(f"{base}/0", {"nextButton": "Effectuer une demande de rendez-vous"})
    accepted = client.post(f"{base}/0", {"condition": "on", "nextButton": "x"})
    desk = client.post(f"{base}/1", {"planning": "14001", "nextButton": "Etape suivante"})
    result = client.get(desk.location)

    assert refused.status == 200
    assert "accepter les conditions" in refused.body
    assert (accepted.status, accepted.location) == (302, f"{base}/1")
    assert desk.location == f"{base}/2"
    assert NO_SLOT in result.body
    assert 'name="finishButton" value="Terminer"' in result.body


def test_the_legacy_module_leads_to_a_calendar_with_free_cells_when_slots_exist(
    sim: SimulatorServer, client: Client
):
    sim.set_state("legacy", "slots")
    base = "/92/booking/create/4462"
    client.get(f"{base}/0")

    accepted = client.post(f"{base}/0", {"condition": "on"})
    calendar = client.get(client.post(f"{base}/3", {"nextButton": "x"}).location)

    assert accepted.location == f"{base}/3"  # a single desk: no desk choice
    assert calendar.body.count('class="status-1 free"') == len(legacy.free_slots())
    assert "etape_4r.png" in calendar.body


def test_the_legacy_ajax_fragment_shows_libre_only_in_the_legend_without_slots(client: Client):
    answer = client.get("/ezjscore/call/bookingserver::planning::assign::9845::14001::0")

    assert answer.body.count(">libre<") == 1


def test_rdv_prefecture_shows_slots_only_after_the_drawn_code(sim: SimulatorServer, client: Client):
    base = "/rdvpref/reservation/demarche/4409"
    captcha_page = client.get(f"{base}/cgu/")
    captcha_id = captcha_page.body.split('name="captchaId" value="')[1].split('"')[0]

    direct = client.get(f"{base}/creneau/")
    wrong = client.post(
        f"{base}/_validerCaptcha", {"captchaId": captcha_id, "captchaUsercode": "NOPE"}
    )
    again = client.get(f"{base}/cgu/")
    captcha_id = again.body.split('name="captchaId" value="')[1].split('"')[0]
    right = client.post(
        f"{base}/_validerCaptcha", {"captchaId": captcha_id, "captchaUsercode": sim.captcha_code}
    )
    slots_page = client.get(right.location)

    assert 'id="captchaFR_CaptchaImage"' in captcha_page.body
    assert direct.location.endswith("/cgu/?error=errorSessionInvalide")
    assert wrong.location.endswith("/cgu/?error=invalidCaptcha")
    assert right.location == f"{base}/creneau/"
    assert "Aucun créneau disponible" in slots_page.body
    assert '"datePremiereDispo": ""' in slots_page.body
    assert sim.captcha_code not in captcha_page.body  # only drawn, inside a base64 image


def test_rdv_prefecture_sends_an_expired_session_back_to_the_captcha(
    sim: SimulatorServer, client: Client
):
    sim.set_state("rdv_prefecture", "expired")
    base = "/rdvpref/reservation/demarche/4409"
    page = client.get(f"{base}/cgu/")
    captcha_id = page.body.split('name="captchaId" value="')[1].split('"')[0]

    right = client.post(
        f"{base}/_validerCaptcha", {"captchaId": captcha_id, "captchaUsercode": sim.captcha_code}
    )

    assert client.get(right.location).location.endswith("/cgu/?error=errorSessionInvalide")
    assert rdv_prefecture.SESSION_SECONDS >= 60


def test_eappointment_says_no_slot_only_inside_a_script(sim: SimulatorServer, client: Client):
    answer = client.post(
        "/eAppointmentpref94/appointment.do", {"sitekey": "P941", "selectedMotiveKeyList": "20"}
    )

    assert f'alert("{eappointment.NO_SLOT}")' in answer.body
    assert 'id="dayValueId"' not in answer.body


def test_the_queue_state_sends_visitors_to_a_waiting_room(sim: SimulatorServer, client: Client):
    sim.set_state("rdv_service_public", "queue")

    answer = client.get(sim.url("rdv_service_public"))
    room = client.get(answer.location)

    assert answer.location.startswith("/queue-it/?c=simulateur&e=rdv_service_public")
    assert "Vous êtes dans la file d'attente" in room.body


def test_the_captcha_state_puts_a_challenge_in_front_of_any_system(
    sim: SimulatorServer, client: Client
):
    sim.set_state("eappointment", "captcha")

    answer = client.get(sim.url("eappointment"))

    assert answer.status == 403
    assert answer.headers["cf-mitigated"] == "challenge"
    assert "Vérification de sécurité" in answer.body


def test_delay_ms_slows_every_answer_of_a_system(sim: SimulatorServer, client: Client):
    sim.set_state("generic", "no_slot", delay_ms=300)
    started = time.monotonic()

    client.get(sim.url("generic"))

    assert time.monotonic() - started >= 0.3


def test_stopping_does_not_wait_for_a_slow_answer():
    with start() as server:
        server.set_state("generic", "slow")  # 20 s by default
        visitor = threading.Thread(
            target=Client(server.base_url).get, args=[server.url("generic")], daemon=True
        )
        visitor.start()
        deadline = time.monotonic() + 5
        while server.stats()["total"] == 0 and time.monotonic() < deadline:
            visitor.join(0.01)
        started = time.monotonic()
    assert time.monotonic() - started < 3
