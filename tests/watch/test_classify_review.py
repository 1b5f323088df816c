"""Adversarial review of the classifier: new pages for each variant of booking-systems.md and the
noise real prefecture pages carry (DSFR chrome, cookie banners, document lists, translation,
hidden DOM, unrendered templates, infrastructure pages). Each page is built here so that the
noise is explicit; the expected outcome follows the reference (§2.5, §3.4, §4, §5, §6, §7).
"""

import re
from dataclasses import dataclass, field

import pytest

from creneau.watch.classify import NO_SLOT, classify
from tests.watch.test_classify import CORPUS, LABELS, Label

LEGACY_URL = "https://www.hauts-de-seine.gouv.fr/booking/create/12083/2"
RDVPREF_URL = (
    "https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/16041/creneau/"
)
EAPPT_URL = "https://rdv-etrangers-94.interieur.gouv.fr/eAppointmentpref94/appointment.do"
RDVSP_URL = "https://rdv.anct.gouv.fr/prendre_rdv?motif_id=42"
NO_SLOT_SENTENCE = (
    "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
    "Veuillez recommencer ultérieurement."
)

DSFR_HEADER = """
<header role="banner" class="fr-header"><div class="fr-header__body">
<p class="fr-logo">Préfet<br>des Hauts-de-Seine</p>
<nav class="fr-nav"><ul><li><a href="/Actualites">Actualités</a></li>
<li><a href="/Demarches/Prendre-rendez-vous">Prendre rendez-vous</a></li>
<li><a href="/Demarches/Etrangers">Étrangers en France</a></li></ul></nav>
</div></header>
<div class="fr-notice fr-notice--info"><p class="fr-notice__title">Attention ! Toutes les prises
de rendez-vous proposées sur ce site Internet sont gratuites. Soyez très vigilants,
n'acceptez aucune prise de rendez-vous en ligne payante.</p></div>
"""
TARTEAUCITRON = """
<div id="tarteaucitronRoot"><div id="tarteaucitronAlertBig" style="display:block">
<span id="tarteaucitronDisclaimerAlert">Ce site utilise des cookies et vous donne le contrôle
sur ceux que vous souhaitez activer.</span>
<button id="tarteaucitronPersonalize2" class="tarteaucitronAllow">✓ Tout accepter</button>
<button class="tarteaucitronDeny">✗ Tout refuser</button></div></div>
"""
COOKIES_BANNER = """
<div id="cookies-banner"><p>En poursuivant votre navigation, vous acceptez l'utilisation de
cookies.</p><div class="boutons"><a href="#" onclick="javascript:accepter()">Accepter</a>
<a href="/cookies">En savoir plus</a></div></div>
"""
DOCUMENTS = """
<div class="documents"><h2>Pièces à fournir le jour du rendez-vous</h2><ul>
<li>Passeport en cours de validité (toutes les pages).</li>
<li>Justificatif de domicile de moins de 3 mois ; si aucun justificatif n'est disponible,
une attestation d'hébergement.</li>
<li>3 photographies d'identité récentes : un créneau de dépôt n'est réservé qu'à la
personne convoquée.</li>
<li>Le récépissé de demande de rendez-vous, disponible dans votre espace.</li>
<li>Timbre fiscal : aucun créneau ne sera attribué sans timbre fiscal dématérialisé.</li>
</ul><p>Compte tenu du nombre important de demandes, il est possible que vous ne trouviez
pas de place à la date souhaitée.</p></div>
"""
NEWS_TICKER = """
<div class="fr-ticker" role="marquee"><ul>
<li>Naturalisation : aucun créneau disponible à la sous-préfecture d'Antony cette semaine.</li>
<li>Les rendez-vous de remise de titre sont disponibles en ligne.</li></ul></div>
"""
DSFR_FOOTER = """
<footer class="fr-footer" role="contentinfo"><ul class="fr-footer__content-list">
<li><a href="https://www.legifrance.gouv.fr">legifrance.gouv.fr</a></li>
<li><a href="/Plan-du-site">Plan du site</a></li><li><a href="/Accessibilite">Accessibilité :
non conforme</a></li><li><a href="/Mentions-legales">Mentions légales</a></li></ul></footer>
"""


def prefecture_page(body: str, *, title: str = "Prise de rendez-vous", head: str = "") -> str:
    """A real-looking prefecture page: DSFR chrome, cookie banners, ticker, documents list."""
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>{title} - Les services de l'État dans les Hauts-de-Seine</title>{head}</head><body>
{TARTEAUCITRON}{COOKIES_BANNER}{DSFR_HEADER}{NEWS_TICKER}
<main class="fr-container" id="main">{body}{DOCUMENTS}</main>{DSFR_FOOTER}</body></html>"""


def legacy_form(inner: str, step: int = 2) -> str:
    return f"""<h1>Remise d'un titre de séjour</h1><div id="inner_Booking">
<form id="FormBookingCreate" name="create" method="post" action="/booking/create/12083/{step}">
{inner}</form></div>"""


FINISH = '<p><input type="submit" name="finishButton" class="Bbutton" value="Terminer"></p>'
LEGACY_NO_SLOT_FORM = legacy_form(NO_SLOT_SENTENCE + FINISH)
CONDITIONS = """<p id="condition_Booking"><input type="checkbox" id="condition" name="condition"
title="Veuillez cocher la case pour accepter les conditions d'utilisation avant de continuer le
processus de prise de rendez-vous."><label for="condition">J'accepte les conditions</label></p>
<p id="submit_Booking"><input type="submit" name="nextButton" class="Bbutton"
value="Effectuer une demande de rendez-vous"></p>"""
LEGACY_CALENDAR = legacy_form(
    """<h2>Choix d'une plage</h2><p>Rechargement automatique du calendrier</p>
<input type="submit" name="nextButton" value="Première plage horaire libre">
<table><tr><th colspan="7">Semaine du 08/06/2026</th></tr>
<tr><td class="status-1 free"><a href="/booking/create/12083/5/1780905600">libre</a></td>
<td class="status-0">complet</td></tr></table>""",
    step=4,
)
RDVPREF_NO_SLOT = """<h1>Renouvellement de titre de séjour</h1>
<div class="fr-alert fr-alert--info"><p>Aucun créneau disponible</p></div>
<p>Dernière mise en ligne de rendez-vous : le 04/05/2026 à 11:58 pour des créneaux de la
semaine du 18/05/2026</p>"""
RDVPREF_SLOTS = """<h1>Renouvellement de titre de séjour</h1><h2>Choisissez votre créneau</h2>
<div class="jour"><h3>mercredi 10 juin 2026</h3>
<button type="button" class="q-btn fr-btn">09:15</button>
<button type="button" class="q-btn fr-btn">09:30</button></div>
<div class="jour"><h3>jeudi 11 juin 2026</h3>
<button type="button" class="q-btn fr-btn">14h00</button></div>"""


def font(text: str) -> str:
    """Chrome's translation wrapper, twice nested as Chrome writes it."""
    return (
        '<font style="vertical-align: inherit;"><font style="vertical-align: inherit;">'
        f"{text}</font></font>"
    )


@dataclass(frozen=True)
class Case:
    name: str
    html: str
    outcome: str
    system: str | None = None  # None: not checked
    url: str = ""
    status: int | None = 200
    dialogs: tuple[str, ...] = ()
    matched: str = ""  # a piece of text ``matched`` must contain
    slots: tuple[str, ...] = field(default_factory=tuple)  # pieces the slots must contain


def hidden_no_slot_cases() -> list[Case]:
    """The no-slot sentence present but not shown, beside a step-0 conditions form."""
    ways = {
        "noscript": f"<noscript>{NO_SLOT_SENTENCE}</noscript>",
        "aria_hidden": f'<div aria-hidden="true">{NO_SLOT_SENTENCE}</div>',
        "hidden_attribute": f"<p hidden>{NO_SLOT_SENTENCE}</p>",
        "hidden_until_found": f'<p hidden="until-found">{NO_SLOT_SENTENCE}</p>',
        "style_block_class": f'<div class="msg-vide">{NO_SLOT_SENTENCE}</div>',
        "style_block_descendant": (
            f'<div class="alerte"><p class="vide">{NO_SLOT_SENTENCE}</p></div>'
        ),
        "visibility_hidden": f'<p style="visibility: hidden">{NO_SLOT_SENTENCE}</p>',
        "zero_size": f'<div style="width:0;height:0;overflow:hidden">{NO_SLOT_SENTENCE}</div>',
        "off_screen": f'<div style="position:absolute;left:-10000px">{NO_SLOT_SENTENCE}</div>',
        "clip_rect": (
            f'<span style="position:absolute;clip:rect(0 0 0 0)">{NO_SLOT_SENTENCE}</span>'
        ),
        "opacity_zero": f'<p style="opacity:0">{NO_SLOT_SENTENCE}</p>',
        "font_size_zero": f'<p style="font-size:0">{NO_SLOT_SENTENCE}</p>',
        "template": f"<template><p>{NO_SLOT_SENTENCE}</p></template>",
        "comment": f"<!-- <p>{NO_SLOT_SENTENCE}</p> -->",
        "attributes": (
            f'<img src="x.png" alt="{NO_SLOT_SENTENCE}" title="{NO_SLOT_SENTENCE}">'
            f'<span data-message="{NO_SLOT_SENTENCE}"></span>'
        ),
        "script_json": f'<script type="application/json">{{"msg": "{NO_SLOT_SENTENCE}"}}</script>',
        "iframe_srcdoc": f'<iframe srcdoc="<p>{NO_SLOT_SENTENCE}</p>"></iframe>',
        "closed_details": f"<details><summary>Aide</summary><p>{NO_SLOT_SENTENCE}</p></details>",
        "closed_dialog": f"<dialog><p>{NO_SLOT_SENTENCE}</p></dialog>",
        "vue_unrendered": f'<div id="app"><p v-if="!creneaux.length">{NO_SLOT_SENTENCE}</p></div>',
    }
    head = "<style>.msg-vide{display:none} .alerte .vide { display : none !important }</style>"
    return [
        Case(
            f"legacy_step0_hidden_{name}",
            prefecture_page(legacy_form(CONDITIONS + markup, step=0), head=head),
            "unknown",
            "legacy",
            url="https://www.hauts-de-seine.gouv.fr/booking/create/12083/0",
        )
        for name, markup in ways.items()
    ]


CASES = [
    # --- System A ------------------------------------------------------------------------------
    Case(
        "legacy_no_slot_full_noise",
        prefecture_page(LEGACY_NO_SLOT_FORM),
        "no_slot",
        "legacy",
        url=LEGACY_URL,
        matched="Il n'existe plus de plage horaire libre",
    ),
    Case(
        "legacy_no_slot_no_url_saved_file",
        prefecture_page(LEGACY_NO_SLOT_FORM),
        "no_slot",
        "legacy",
    ),
    Case(
        "legacy_no_slot_uppercase_nbsp_curly",
        prefecture_page(
            legacy_form(
                "IL N’EXISTE&nbsp;PLUS DE PLAGE\u202fHORAIRE LIBRE POUR VOTRE DEMANDE<br>DE "
                "RENDEZ&#8209;VOUS.&nbsp;VEUILLEZ RECOMMENCER ULTÉRIEUREMENT." + FINISH
            )
        ),
        "no_slot",
        "legacy",
        url=LEGACY_URL,
    ),
    Case(
        "legacy_no_slot_split_inline",
        prefecture_page(
            legacy_form(
                "<span>Il n&#8217;existe</span> <b>plus</b> de <em>plage "
                "<span class='x'>horaire</span></em> libre pour votre demande de "
                "<a>rendez-vous</a>. Veuillez recommencer ultérieurement." + FINISH
            )
        ),
        "no_slot",
        "legacy",
        url=LEGACY_URL,
    ),
    Case(
        "legacy_no_slot_with_quoted_button_name_on_the_same_line",
        prefecture_page(
            legacy_form(
                "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
                "Veuillez recommencer ultérieurement ou cliquez sur « Terminer »." + FINISH
            )
        ),
        "no_slot",
        "legacy",
        url=LEGACY_URL,
    ),
    Case(
        "legacy_no_slot_2025_reessayer",
        prefecture_page(
            legacy_form(
                "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
                "Veuillez réessayer ultérieurement." + FINISH
            )
        ),
        "no_slot",
        "legacy",
        url="https://www.seine-saint-denis.gouv.fr/index.php/booking/create/9845/1",
    ),
    Case(
        "legacy_only_reessayer_clause",
        prefecture_page(legacy_form("Veuillez réessayer ultérieurement." + FINISH)),
        "unknown",
        "legacy",
        url="https://www.seine-saint-denis.gouv.fr/index.php/booking/create/9845/1",
    ),
    Case(
        "legacy_no_slot_translated_en_variant",
        prefecture_page(
            legacy_form(
                font("There is no longer any free time slot for your appointment request.")
                + " "
                + font("Please try again later.")
                + FINISH
            )
        ),
        "no_slot",
        "legacy",
        url=LEGACY_URL,
    ),
    Case(
        "legacy_step0_conditions_full_noise",
        prefecture_page(legacy_form(CONDITIONS, step=0)),
        "unknown",
        "legacy",
        url="https://www.hauts-de-seine.gouv.fr/booking/create/12083/0",
    ),
    Case(
        "legacy_step0_description_states_no_slot_for_a_period",
        prefecture_page(
            legacy_form(
                "<p>Information : il n'existe plus de plage horaire libre pour votre demande "
                "de rendez-vous en décembre ; de nouvelles plages ouvriront le 5 janvier.</p>"
                + CONDITIONS,
                step=0,
            )
        ),
        "unknown",
        "legacy",
        url="https://www.hauts-de-seine.gouv.fr/booking/create/12083/0",
    ),
    Case(
        "legacy_step1_desks_full_noise",
        prefecture_page(
            legacy_form(
                """<h2>Choix de la nature du rendez-vous</h2><fieldset id="fchoix_Booking">
<p class="Bligne"><input type="radio" class="radio" name="planning" id="planning1" value="1">
<label for="planning1">Remise d'un titre de séjour - GUICHET 1B - Nanterre</label></p>
</fieldset><input type="submit" name="nextButton" value="Etape suivante">""",
                step=1,
            )
        ),
        "unknown",
        "legacy",
        url="https://www.hauts-de-seine.gouv.fr/booking/create/12083/1",
    ),
    Case(
        "legacy_calendar_full_noise",
        prefecture_page(LEGACY_CALENDAR),
        "slots_available",
        "legacy",
        url="https://www.hauts-de-seine.gouv.fr/booking/create/12083/4",
        slots=("2026-06-08",),
    ),
    Case(
        "legacy_calendar_under_maintenance_banner",
        prefecture_page(
            '<div class="fr-notice"><p>Le site est actuellement en maintenance. La prise de '
            "rendez-vous est temporairement suspendue pour certaines démarches.</p></div>"
            + LEGACY_CALENDAR
        ),
        "slots_available",
        "legacy",
    ),
    Case(
        "legacy_calendar_with_no_slot_side_box_for_another_desk",
        prefecture_page(
            LEGACY_CALENDAR + '<aside class="fr-callout"><p>Naturalisation : il n\'existe '
            "plus de plage horaire libre pour votre demande de rendez-vous.</p></aside>"
        ),
        "slots_available",
        "legacy",
    ),
    Case(
        "legacy_step3_translated",
        prefecture_page(
            legacy_form(
                "<h2>" + font("Description of the nature of the appointment") + "</h2>"
                '<input type="submit" name="nextButton" value="Next step">',
                step=3,
            )
        ),
        "slots_available",
        "legacy",
    ),
    Case(
        "legacy_ajax_legend_only",
        """<table><tr><th colspan="7">Semaine du 15/06/2026</th></tr>
<tr><td class="status-0">complet</td><td class="status-0">complet</td></tr></table>
<div class="legende"><p>Légende</p><span class="free">libre</span>
<span>complet</span></div>""",
        "no_slot",
        "legacy",
        url="https://www.rdv.cote-dor.gouv.fr/ezjscore/call/bookingserver::planning::assign::1092::1204::14",
    ),
    Case(
        "legacy_closed_page_not_available_noise",
        prefecture_page(
            "<h1>Prise de rendez-vous</h1><p>Attention : Cette page n'est pas disponible "
            "pour le moment !</p>"
        ),
        "closed",
        "legacy",
        url="https://www.puy-de-dome.gouv.fr/booking/create/801",
    ),
    Case(
        "legacy_502_body_with_status_200",
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
        "</h1></center><hr><center>nginx</center></body></html>",
        "error",
        url=LEGACY_URL,
    ),
    # --- System B ------------------------------------------------------------------------------
    Case(
        "rdvpref_no_slot_full_noise",
        prefecture_page(RDVPREF_NO_SLOT, title="Choix du créneau - RDV Préfecture"),
        "no_slot",
        "rdv_prefecture",
        url=RDVPREF_URL,
        matched="Aucun créneau disponible",
    ),
    Case(
        "rdvpref_slots_full_noise_dates",
        prefecture_page(RDVPREF_SLOTS),
        "slots_available",
        "rdv_prefecture",
        url=RDVPREF_URL,
        slots=("09:15", "14h00"),
    ),
    Case(
        "rdvpref_slots_and_side_box_no_slot_other_demarche",
        prefecture_page(
            RDVPREF_SLOTS + "<aside><h3>Titre de voyage</h3><p>Aucun créneau disponible</p></aside>"
        ),
        "slots_available",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "rdvpref_vue_shell_unrendered_both_branches",
        """<html><head><title>RDV Préfecture</title></head><body><div id="app">
<h2>Choisissez votre créneau</h2>
<div v-if="creneaux.length === 0"><p>Aucun créneau disponible</p></div>
<div v-else><button v-for="c in creneaux" class="q-btn">{{ c.heure }}</button></div>
</div></body></html>""",
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "rdvpref_mustache_unrendered",
        """<html><body><div id="app"><p class="fr-alert">Aucun créneau disponible</p>
<p>Dernière mise en ligne : {{ derniereMiseEnLigne }}</p></div></body></html>""",
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "rdvpref_unrendered_content_with_a_no_slot_side_box",
        prefecture_page(
            '<div id="app"></div><aside class="fr-sidemenu"><p>Titre de voyage : aucun créneau'
            " disponible.</p></aside>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "rdvpref_no_slot_inside_a_section_header",
        "<html><body><main><section><header><h2>Aucun créneau disponible</h2></header>"
        "<p>Dernière mise en ligne de rendez-vous : le 04/05/2026 à 11:58</p></section>"
        "</main></body></html>",
        "no_slot",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "legacy_no_slot_sentence_wrapped_in_the_source_after_a_colon",
        prefecture_page(
            legacy_form(
                "<p>Information :\nil n'existe plus de plage horaire libre pour votre"
                "\ndemande de rendez-vous.</p>" + FINISH
            )
        ),
        "no_slot",
        "legacy",
        url=LEGACY_URL,
    ),
    Case(
        "legacy_calendar_with_negative_margin_layout",
        prefecture_page(
            '<div style="margin-left:-120px;left:-200px">' + LEGACY_CALENDAR + "</div>"
        ),
        "slots_available",
        "legacy",
    ),
    Case(
        "cloudflare_1015_rate_limited",
        """<html><head><title>Access denied | rdv.example.gouv.fr used Cloudflare to restrict
access</title></head><body><h1><span class="cf-error-type">Error</span>
<span class="cf-error-code">1015</span></h1><h2>You are being rate limited</h2></body></html>""",
        "error",
    ),
    Case(
        "legacy_no_slot_with_opening_hours_link_in_the_footer",
        prefecture_page(LEGACY_NO_SLOT_FORM).replace(
            "</main>",
            '</main><footer><a href="/horaires">9h00 - 16h00 : horaires d\'accueil</a></footer>',
        ),
        "no_slot",
        "legacy",
        url=LEGACY_URL,
    ),
    Case(
        "legacy_no_slot_with_a_timed_headline_in_the_ticker",
        prefecture_page(LEGACY_NO_SLOT_FORM).replace(
            "<main",
            '<div role="marquee"><a href="/a">14h30 : conférence de presse du préfet</a>'
            "</div><main",
        ),
        "no_slot",
        "legacy",
        url=LEGACY_URL,
    ),
    Case(
        "legacy_no_slot_beside_an_opening_hours_link_in_the_content",
        prefecture_page(
            LEGACY_NO_SLOT_FORM + '<p><a href="/horaires">9h00 - 16h00 du lundi au vendredi</a></p>'
        ),
        "unknown",
        "legacy",
        url=LEGACY_URL,
    ),
    Case(
        "legacy_no_slot_in_a_side_box_and_in_the_form",
        prefecture_page(LEGACY_NO_SLOT_FORM).replace(
            "<main", f"<aside><p>{NO_SLOT_SENTENCE}</p></aside><main"
        ),
        "no_slot",
        "legacy",
        url=LEGACY_URL,
    ),
    Case(
        "rdvpref_zero_count_over_the_next_weeks",
        prefecture_page("<p>0 créneau disponible sur les 4 prochaines semaines.</p>"),
        "no_slot",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "rdvsp_week_with_only_closed_days",
        prefecture_page(
            '<h2>Sélectionnez un créneau :</h2><div class="day"><p>lun. 08/06</p>'
            "<p>Date fermée à la reservation</p></div>"
        ),
        "closed",
        "rdv_service_public",
        url=RDVSP_URL,
    ),
    Case(
        "legacy_no_slot_only_in_the_title",
        f"<html><head><title>{NO_SLOT_SENTENCE}</title></head><body>"
        '<form id="FormBookingCreate"></form></body></html>',
        "unknown",
        "legacy",
    ),
    Case(
        "legacy_no_slot_only_in_form_field_values",
        f'<form id="FormBookingCreate"><input placeholder="{NO_SLOT_SENTENCE}">'
        f'<input type="text" value="{NO_SLOT_SENTENCE}"></form>',
        "unknown",
        "legacy",
    ),
    Case(
        "legacy_no_slot_only_in_css_generated_content_and_svg",
        "<style>.m::before{content:\"Il n'existe plus de plage horaire libre pour votre "
        'demande de rendez-vous."}</style><form id="FormBookingCreate"><p class="m"></p>'
        f"<svg><text>{NO_SLOT_SENTENCE}</text></svg></form>",
        "unknown",
        "legacy",
    ),
    Case(
        "legacy_no_slot_rendez_vous_without_hyphen",
        prefecture_page(
            legacy_form(
                "Il n'existe plus de plage horaire libre pour votre demande de rendez vous."
                + FINISH
            )
        ),
        "no_slot",
        "legacy",
        url=LEGACY_URL,
    ),
    Case(
        "cloudflare_blocked_saved_with_status_200",
        """<html><head><title>Attention Required! | Cloudflare</title></head><body>
<h1>Sorry, you have been blocked</h1><h2>You are unable to access interieur.gouv.fr</h2>
<div class="cf-error-details"><p>This website is using a security service to protect itself
from online attacks.</p></div></body></html>""",
        "error",
    ),
    Case(
        "ds_closed_en_ligne_est_close",
        "<html><body><p>Cette démarche en ligne est close.</p></body></html>",
        "closed",
        "demarches_simplifiees",
        url="https://www.demarches-simplifiees.fr/commencer/titre-sejour-92",
    ),
    Case(
        "rdvpref_translated_no_slot",
        prefecture_page("<h1>Renewal</h1><p>" + font("No slots available") + "</p>"),
        "no_slot",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "rdvpref_cgu_captcha_with_noise",
        prefecture_page(
            """<h1>Conditions d'utilisation</h1><rdv-captchetat token="t" captcha-style-name="x">
<img id="captchaFR_CaptchaImage" src="data:image/png;base64,AAAA"></rdv-captchetat>
<label for="captchaFormulaireExtInput">Saisissez le code de sécurité</label>
<input id="captchaFormulaireExtInput" name="captchaUsercode"><button>Suivant</button>"""
        ),
        "captcha",
        "rdv_prefecture",
        url="https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/16041/cgu/",
    ),
    Case(
        "cloudflare_just_a_moment_verifying_human",
        """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"></head><body><div class="main-wrapper">
<h1 class="zone-name-title h1">www.rdv-prefecture.interieur.gouv.fr</h1>
<h2 class="h2" id="challenge-running">Verifying you are human. This may take a few seconds.</h2>
<div id="challenge-stage"></div><p>www.rdv-prefecture.interieur.gouv.fr needs to review the
security of your connection before proceeding.</p></div></body></html>""",
        "captcha",
    ),
    Case(
        "cloudflare_checking_browser_old",
        """<html><head><title>Please Wait... | Cloudflare</title></head><body>
<h1>Checking your browser before accessing rdv-prefecture.interieur.gouv.fr.</h1>
<p>This process is automatic. Your browser will redirect to your requested content shortly.</p>
</body></html>""",
        "captcha",
    ),
    Case(
        "cloudflare_un_instant_fr",
        """<html lang="fr"><head><title>Un instant…</title></head><body>
<h1>www.rdv-prefecture.interieur.gouv.fr</h1>
<p>Vérification que vous êtes un humain. Cela peut prendre quelques secondes.</p>
<p>www.rdv-prefecture.interieur.gouv.fr doit vérifier la sécurité de votre connexion avant
de continuer.</p></body></html>""",
        "captcha",
    ),
    # --- System C ------------------------------------------------------------------------------
    Case(
        "eappt_motives_with_inline_no_slot",
        """<html><head><title>Prise de rendez-vous</title></head><body>
<form action="/eAppointmentpref94/appointment.do"><p class="error">Il n'y a pas de rendez-vous
disponible pour ce service.</p><input type="checkbox" name="selectedMotiveKeyList" value="20">
Retrait de titre <input type="button" id="nextButtonId" value="Etape suivante"></form>
</body></html>""",
        "no_slot",
        "eappointment",
        url=EAPPT_URL,
    ),
    Case(
        "eappt_dialog_uppercase_typos",
        """<html><body><form><input type="checkbox" name="selectedMotiveKeyList" value="20">
</form></body></html>""",
        "no_slot",
        "eappointment",
        url=EAPPT_URL,
        dialogs=("AUCUN RENDEZ-VOUS N’EST POSSIBLE POUR LES MOTIFS SELECTIONNNÉS.",),
    ),
    Case(
        "eappt_datepicker_dates",
        """<html><body><input id="dayValueId" name="dayValue" value="12/06/2026">
<select id="hourValueSelect" name="hourValue"><option>09:00</option><option>09:20</option>
</select><div class="ui-datepicker-group"><div class="ui-datepicker-title">Juin 2026</div>
<table class="ui-datepicker-calendar"><tr><td class=" undefined"><a href="#">12</a></td>
<td class="ui-datepicker-unselectable ui-state-disabled"><span>13</span></td></tr></table>
</div></body></html>""",
        "slots_available",
        "eappointment",
        url=EAPPT_URL,
        slots=("12",),
    ),
    # --- System D ------------------------------------------------------------------------------
    Case(
        "rdvsp_no_creneau_with_noise",
        prefecture_page(
            "<h2>Sélectionnez un créneau :</h2><p>Malheureusement, aucun créneau "
            "correspondant à votre recherche n'a été trouvé.</p>"
        ),
        "no_slot",
        "rdv_service_public",
        url=RDVSP_URL,
    ),
    Case(
        "rdvsp_sign_in_redirect",
        """<html><head><title>Se connecter - RDV Service Public</title></head><body>
<h1>Se connecter</h1><a class="france-connect" href="/omniauth/franceconnect">S'identifier
avec FranceConnect</a><form action="/users/sign_in"><input name="user[email]">
<input type="password" name="user[password]"><input type="submit" value="Se connecter"></form>
</body></html>""",
        "unknown",
        url="https://rdv.anct.gouv.fr/users/sign_in",
    ),
    # --- Other systems and infrastructure -----------------------------------------------------
    Case(
        "anef_login_wall",
        """<html lang="fr"><head><title>ANEF - Se connecter</title></head><body>
<header class="fr-header">Administration numérique pour les étrangers en France</header>
<h1>Se connecter</h1><button class="fr-connect">S'identifier avec FranceConnect</button>
<form><label>Identifiant</label><input name="username"><label>Mot de passe</label>
<input type="password" name="password"><a href="#">Mot de passe oublié</a></form>
<p>Aucun rendez-vous n'est nécessaire pour déposer votre demande en ligne.</p>
</body></html>""",
        "unknown",
        url="https://administration-etrangers-en-france.interieur.gouv.fr/particuliers/#/",
    ),
    Case(
        "ds_closed_with_noise",
        """<html><head><title>Démarches simplifiées</title></head><body>
<div class="fr-notice"><p>Cette démarche en ligne a été close, il n'est plus possible de
déposer de dossier.</p></div></body></html>""",
        "closed",
        "demarches_simplifiees",
        url="https://www.demarches-simplifiees.fr/commencer/titre-sejour-92",
    ),
    Case(
        "queue_it_french",
        """<html><head><title>File d'attente</title>
<script src="//static.queue-it.net/script/queueclient.min.js"></script></head><body>
<div id="MainPart_divWarningBox"></div><h1>Vous êtes en file d'attente</h1>
<p>Votre numéro dans la file : 1234</p><p>Temps d'attente estimé : 15 minutes</p>
</body></html>""",
        "queue",
    ),
    Case(
        "queue_it_english_saved_without_url",
        """<html><head><title>Queue-it</title>
<script src="https://static.queue-it.net/script/queueclient.min.js"></script></head><body>
<div id="MainPart_pProgressbarBox"><h2>You are now in line.</h2>
<p>Your number in line: 4521</p></div></body></html>""",
        "queue",
    ),
    Case(
        "http_429_body_status_200",
        "<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too "
        "Many Requests</h1></center><hr><center>nginx</center></body></html>",
        "error",
    ),
    Case(
        "http_503_body_status_200",
        "<html><body><h1>Service Unavailable</h1><p>The server is temporarily unable to "
        "service your request due to maintenance downtime or capacity problems. Please try "
        "again later.</p></body></html>",
        "error",
    ),
    Case(
        "cloudflare_504_body",
        """<html><head><title>rdv.example.gouv.fr | 504: Gateway time-out</title></head><body>
<h1><span class="inline-block">Gateway time-out</span>
<span class="code-label">Error code 504</span></h1>
<p>Visit cloudflare.com for more information.</p></body></html>""",
        "error",
    ),
    Case(
        "f5_rejected",
        """<html><head><title>Request Rejected</title></head><body>The requested URL was
rejected. Please consult with your administrator.<br><br>Your support ID is:
1234567890</body></html>""",
        "error",
    ),
    Case("empty_body", "", "unknown"),
    Case("whitespace_body", "  \n ", "unknown"),
    Case(
        "unrelated_news_with_everything",
        prefecture_page(
            "<article><h1>Titres de séjour : la préfecture renforce ses guichets</h1><p>Le "
            "message « Il n'existe plus de plage horaire libre pour votre demande de "
            "rendez-vous » s'affiche souvent. Aucun créneau disponible, répètent les "
            "usagers.</p></article>"
        ),
        "unknown",
    ),
]


@pytest.mark.parametrize("case", CASES + hidden_no_slot_cases(), ids=lambda case: case.name)
def test_each_review_page_is_classified_as_the_reference_says(case: Case) -> None:
    result = classify(case.html, status=case.status, final_url=case.url, dialogs=case.dialogs)
    assert result.outcome == case.outcome, result
    if case.system is not None:
        assert result.system == case.system, result
    assert case.matched in result.matched, result
    for piece in case.slots:
        assert any(piece in slot for slot in result.slots), result


@pytest.mark.parametrize(
    "case",
    [case for case in CASES + hidden_no_slot_cases() if case.outcome != NO_SLOT],
    ids=lambda case: case.name,
)
def test_a_page_that_is_not_a_no_slot_page_never_becomes_one(case: Case) -> None:
    result = classify(case.html, status=case.status, final_url=case.url, dialogs=case.dialogs)
    assert result.outcome != NO_SLOT, result


@pytest.mark.parametrize(
    "mark",
    [
        "<!-- saved from url=(0080){url} -->",
        "<!--\n Page saved with SingleFile \n url: {url} \n saved date: Mon Jun 01 2026 -->",
    ],
)
def test_a_saved_file_tells_its_system_by_the_mark_the_browser_wrote(mark: str) -> None:
    page = "<!DOCTYPE html>" + mark.format(url=RDVPREF_URL) + prefecture_page(RDVPREF_NO_SLOT)
    assert classify(page).outcome == NO_SLOT
    assert classify(prefecture_page(RDVPREF_NO_SLOT)).outcome == "unknown"


def test_a_saved_from_mark_does_not_override_the_address_the_browser_reports() -> None:
    page = "<!-- saved from url=(0080)" + RDVPREF_URL + " -->" + prefecture_page(RDVPREF_NO_SLOT)
    result = classify(page, final_url="https://www.example.org/actualites")
    assert result.outcome == "unknown"


NOISE = TARTEAUCITRON + COOKIES_BANNER + DSFR_HEADER + NEWS_TICKER
CORPUS_LABELS = [label for label in LABELS if not label.file.startswith("review_")]


def with_noise(page: str) -> str:
    """The page inside a real prefecture site's chrome: banners, ticker, documents, footer."""
    body = re.search(r"<body\b[^>]*>", page, re.IGNORECASE)
    end = re.search(r"</body\s*>", page, re.IGNORECASE)
    start = body.end() if body else 0
    stop = end.start() if end else len(page)
    return page[:start] + NOISE + page[start:stop] + DOCUMENTS + DSFR_FOOTER + page[stop:]


@pytest.mark.parametrize("label", CORPUS_LABELS, ids=[label.file for label in CORPUS_LABELS])
def test_a_prefecture_sites_chrome_around_a_corpus_page_changes_nothing(label: Label) -> None:
    page = with_noise((CORPUS / label.file).read_text(encoding="utf-8"))
    result = classify(page, status=label.status, final_url=label.url, dialogs=label.dialogs)
    assert (result.outcome, result.system) == (label.outcome, label.system), label.note
