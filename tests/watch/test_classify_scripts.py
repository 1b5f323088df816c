"""Dialogs a saved page opens by itself when it loads: eAppointment's no-slot answer."""

import pytest

from creneau.watch.classify import NO_SLOT, classify
from creneau.watch.scripts import load_alerts

ALERT = "Aucun rendez-vous n'est possible pour les motifs selectionnnés."
EAPPT_URL = "https://rdv-etrangers-94.interieur.gouv.fr/eAppointmentpref94/appointment.do"


@pytest.mark.parametrize(
    "script",
    [
        f'alert("{ALERT}");',
        f'var etape = 2;\nalert("{ALERT}");',
        f'window.alert("{ALERT}")',
        f'function f() {{ }} alert("{ALERT}")',
        f'$(function () {{ alert("{ALERT}"); }});',
        f'$(document).ready(function(){{ alert("{ALERT}") }});',
        f'jQuery(function() {{ alert("{ALERT}") }});',
        f'window.onload = function() {{ alert("{ALERT}") }}',
        f'document.addEventListener("DOMContentLoaded", function() {{ alert("{ALERT}"); }});',
    ],
)
def test_an_alert_the_page_opens_when_it_loads_is_seen(script):
    assert load_alerts((script,)) == (ALERT,)


@pytest.mark.parametrize(
    "script",
    [
        f'function suivant() {{ alert("{ALERT}"); return false; }}',
        f'if (aucunCreneau) alert("{ALERT}");',
        f'if (aucunCreneau) {{ alert("{ALERT}"); }}',
        f'$(function(){{ if (vide) alert("{ALERT}"); }})',
        f'$(function(){{ $("#next").click(function() {{ alert("{ALERT}"); }}); }})',
        f'vide ? alert("{ALERT}") : suite()',
        f'vide && alert("{ALERT}")',
        f'if (a) {{}} else alert("{ALERT}")',
        f'myalert("{ALERT}")',
        f'// alert("{ALERT}")',
        f'/* alert("{ALERT}") */',
        'var message = "alert(\\"Aucun rendez-vous\\")";',
        f"alert(`{ALERT}`)",
    ],
)
def test_an_alert_that_loading_does_not_open_is_not_seen(script):
    assert load_alerts((script,)) == ()


def test_a_saved_eappointment_answer_that_alerts_on_load_is_no_slot():
    page = f"""<html><head><title>Prise de rendez-vous</title></head><body>
<form action="/eAppointmentpref94/appointment.do"><input type="checkbox"
name="selectedMotiveKeyList" value="20"> Retrait de titre</form>
<script>alert("{ALERT}");</script></body></html>"""
    result = classify(page, final_url=EAPPT_URL)
    assert (result.outcome, result.system, result.matched) == (NO_SLOT, "eappointment", ALERT)
    # A browser's snapshot records the dialogs it saw: the script is then no evidence.
    assert classify(page, final_url=EAPPT_URL, visible_text="Retrait de titre").outcome != NO_SLOT
