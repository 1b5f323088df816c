"""Properties of the scope judgement (issue 18), checked with hypothesis.

A statement of unavailability scoped to one day, site, motif or agent never decides a page;
a statement for the whole page never decides it while anything on it may offer a time. The
pages are built from every known sentence, every scope wrapper and every offer form below, in
any order, with or without a prefecture site's chrome around them.
"""

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creneau.watch.classify import NO_SLOT, classify
from tests.watch.test_classify_review import RDVPREF_URL, RDVSP_URL, prefecture_page

BOUNDED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LEGACY_URL = "https://www.hauts-de-seine.gouv.fr/booking/create/12083/2"
EAPPT_URL = "https://rdv-etrangers-94.interieur.gouv.fr/eAppointmentpref94/appointment.do"
QMATIC_URL = "https://rdv.example-mairie.fr/qmaticwebbooking/#/"
SYNBIRD_URL = "https://www.synbird.com/fr/prendre-rendez-vous/mairie-exemple"

# Every known statement, with the address of a page of its system and the form around it.
LEGACY_FORM = '<div id="inner_Booking"><form id="FormBookingCreate" name="create">{}</form></div>'
STATEMENTS = [
    (
        "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
        "Veuillez recommencer ultérieurement.",
        LEGACY_URL,
        LEGACY_FORM,
    ),
    ("Il n'y a pas calendrier disponible", LEGACY_URL, LEGACY_FORM),
    ("Aucun créneau disponible", RDVPREF_URL, "{}"),
    (
        "Aucun créneau disponible — Tous les rendez-vous proposés pour cette démarche ont été "
        "réservés",
        RDVPREF_URL,
        "{}",
    ),
    ("0 créneau disponible sur les 4 prochaines semaines", RDVPREF_URL, "{}"),
    ("No slots available", RDVPREF_URL, "{}"),
    ("Il n'y a pas de rendez-vous disponible pour ce service.", EAPPT_URL, "{}"),
    (
        "Malheureusement, aucun créneau correspondant à votre recherche n'a été trouvé.",
        RDVSP_URL,
        "{}",
    ),
    ("Malheureusement, tous les créneaux sont pris.", RDVSP_URL, "{}"),
    ("Aucune disponibilité", RDVSP_URL, "{}"),
    ("Aucune date disponible", QMATIC_URL, "{}"),
    ("Aucune disponibilité pour ce motif sur la période affichée.", SYNBIRD_URL, "{}"),
]
SCOPES = {
    "day heading": "<h3>Mardi 12 mai 2026</h3><p>{}</p>",
    "day heading, short": '<div class="jour"><h4>mar. 12</h4><p>{}</p></div>',
    "day label": "<p>Mardi 12 mai 2026 : {}</p>",
    "day label, bold": "<p><strong>12/05/2026</strong> : {}</p>",
    "day line above": '<div class="day"><p>lun. 08/06</p><p>{}</p></div>',
    "day on two lines": "<p><strong>lundi</strong><br>8 juin</p><p>{}</p>",
    "period after": "<p>{} en juin.</p>",
    "today": "<p>Aujourd'hui : {}</p>",
    "site label": "<p>Sous-préfecture d'Antony : {}</p>",
    "site cards": (
        '<div class="fr-card"><h3 class="fr-card__title">Mairie annexe - Centre</h3><p>{}</p>'
        '</div><div class="fr-card"><h3 class="fr-card__title">Mairie annexe - Est</h3>'
        "<p>30 avenue Jean Jaurès</p></div>"
    ),
    "motif label": "<p>Titre de voyage : {}</p>",
    "motif heading": (
        '<h3 class="motif">Motif : remise de titre</h3><p>{}</p>'
        '<h3 class="motif">Motif : première demande</h3><p>Voir ci-dessous</p>'
    ),
    "agent label": "<p>Avec Mme Martin : {}</p>",
    "other démarche in a side box": "<aside><h3>Naturalisation</h3><p>{}</p></aside>",
}
TIMES = ["09:15", "9h15", "14 h 30", "8.30", "10h00 - 10h15", "16:45"]
OFFERS = {
    "button": '<button type="button" class="fr-btn">{time}</button>',
    "link": '<a class="btn" href="/reserver?c=1">{time}</a>',
    "radio with label": '<input type="radio" id="r9" name="c"><label for="r9">{time}</label>',
    "radio in a label": '<label><input type="radio" name="c2"> le mercredi 13 mai à {time}</label>',
    "radio with value": '<input type="radio" name="c3" value="2026-05-13 {time}"> mercredi',
    "list item": "<ul><li>{time}</li></ul>",
    "list item in a sentence": "<ul><li>Guichet 2 à {time}</li></ul>",
    "cell": "<table><tr><th>Mercredi</th></tr><tr><td>{time}</td></tr></table>",
    "option": '<select name="heure"><option>{time}</option></select>',
    "clickable div": '<div class="creneau" onclick="choisir(17823)">{time}</div>',
    "role button": '<div role="button" tabindex="0">{time}</div>',
    "bare time": '<span class="heure">{time}</span>',
    "quasar day": (
        '<div class="q-date"><div class="q-date__calendar-days"><div class="q-date__calendar-item'
        ' q-date__calendar-item--in"><button class="q-btn"><span class="block">13</span>'
        "</button></div></div></div>"
    ),
    "datepicker day": (
        '<table class="ui-datepicker-calendar"><tr><td class=" undefined"><a href="#">13</a>'
        "</td></tr></table>"
    ),
    "date field": '<label for="d">Date</label><input type="date" id="d" name="date">',
}
OFFER_PAGE_WIDE = {name: offer for name, offer in OFFERS.items() if name not in {"date field"}}


def scoped(scope: str, sentence: str) -> str:
    """The sentence inside a scope; a period after it belongs to its first sentence."""
    if scope == "period after":
        sentence = sentence.split(". ", 1)[0].rstrip(".")
    return SCOPES[scope].format(html.escape(sentence))


def page_of(body: str, form: str, noise: bool) -> str:
    body = form.format(body)
    return prefecture_page(body) if noise else f"<html><body><main>{body}</main></body></html>"


@BOUNDED
@given(
    statement=st.sampled_from(STATEMENTS),
    scope=st.sampled_from(sorted(SCOPES)),
    offer=st.sampled_from(sorted(OFFERS)),
    time=st.sampled_from(TIMES),
    offer_first=st.booleans(),
    noise=st.booleans(),
)
def test_a_scoped_statement_next_to_any_offer_never_yields_no_slot(
    statement, scope, offer, time, offer_first, noise
):
    sentence, url, form = statement
    inside = scoped(scope, sentence)
    offered = OFFERS[offer].format(time=time)
    body = offered + inside if offer_first else inside + offered
    result = classify(page_of(body, form, noise), final_url=url)
    assert result.outcome != NO_SLOT, (scope, offer, result)


@BOUNDED
@given(
    statement=st.sampled_from(STATEMENTS),
    scope=st.sampled_from(sorted(SCOPES)),
    noise=st.booleans(),
)
def test_a_scoped_statement_alone_never_yields_no_slot(statement, scope, noise):
    sentence, url, form = statement
    result = classify(page_of(scoped(scope, sentence), form, noise), final_url=url)
    assert result.outcome != NO_SLOT, (scope, result)


@BOUNDED
@given(
    statement=st.sampled_from(STATEMENTS),
    offer=st.sampled_from(sorted(OFFER_PAGE_WIDE)),
    time=st.sampled_from(TIMES),
    offer_first=st.booleans(),
    noise=st.booleans(),
)
def test_a_page_wide_statement_never_decides_while_anything_may_offer_a_time(
    statement, offer, time, offer_first, noise
):
    sentence, url, form = statement
    stated = f"<p>{html.escape(sentence)}</p>"
    offered = OFFER_PAGE_WIDE[offer].format(time=time)
    body = offered + stated if offer_first else stated + offered
    result = classify(page_of(body, form, noise), final_url=url)
    assert result.outcome != NO_SLOT, (offer, result)


@BOUNDED
@given(statement=st.sampled_from(STATEMENTS), noise=st.booleans())
def test_the_same_statement_alone_for_the_page_is_no_slot(statement, noise):
    """The properties above are not vacuous: each sentence does decide a page on its own."""
    sentence, url, form = statement
    result = classify(page_of(f"<p>{html.escape(sentence)}</p>", form, noise), final_url=url)
    assert result.outcome == NO_SLOT, result
