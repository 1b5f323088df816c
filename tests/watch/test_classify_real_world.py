"""The classifier against the real world (issue 18): pages built around real sentences and the
layouts that misled it. Each page is written here so that what makes it hard stays visible.

Real texts come from the issue and booking-systems.md (RDV Service Public's templates are read
in betagouv/rdv-service-public: `_nothing_to_show`, `_creneaux`, `_creneau_selection`).
"""

import json
from dataclasses import dataclass

import pytest

from creneau.watch.classify import NO_SLOT, classify
from tests.watch.test_classify_review import (
    DOCUMENTS,
    DSFR_FOOTER,
    DSFR_HEADER,
    NO_SLOT_SENTENCE,
    RDVPREF_URL,
    RDVSP_URL,
    prefecture_page,
)

LEGACY_URL = "https://www.seine-saint-denis.gouv.fr/index.php/booking/create/9845/1"
ANEF_URL = "https://administration-etrangers-en-france.interieur.gouv.fr/particuliers/#/"
QMATIC_URL = "https://rdv.example-mairie.fr/qmaticwebbooking/#/"
SYNBIRD_URL = "https://www.synbird.com/fr/prendre-rendez-vous/mairie-exemple"
CLICRDV_URL = "https://www.clicrdv.com/mairie-exemple?calendar_id=12&clicrdv_widget=1"
SMARTAGENDA_URL = "https://www.smartagenda.fr/pro/mairie-exemple/rendez-vous/"


def rdvpref_page(body: str, *, head: str = "") -> str:
    """RDV Préfecture's /creneau/ page: DSFR chrome, its service title, a stepper."""
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Choix du créneau - RDV Préfecture</title>{head}</head><body>
<header role="banner" class="fr-header"><p class="fr-header__service-title">RDV Préfecture</p>
</header><main class="fr-container" id="main">
<h1>Préfecture de l'Essonne - Renouvellement de titre de séjour</h1>
<div class="fr-stepper"><h2 class="fr-stepper__title">Choix du créneau
<span class="fr-stepper__state">Étape 2 sur 4</span></h2></div>{body}</main>{DSFR_FOOTER}
</body></html>"""


def quasar_date(selectable: list[int], selected: int, disabled: list[int]) -> str:
    """Quasar's QDate as RDV Préfecture renders it: selectable days are buttons in
    ``q-date__calendar-item--in`` cells; other days are plain text in ``--out`` cells."""
    cells = []
    for day in sorted(selectable + disabled):
        if day in selectable:
            pressed = " q-btn--unelevated bg-primary" if day == selected else " q-btn--flat"
            cells.append(
                '<div class="q-date__calendar-item q-date__calendar-item--in">'
                f'<button type="button" class="q-btn q-btn-item{pressed} q-btn--round">'
                f'<span class="q-btn__content"><span class="block">{day}</span></span>'
                "</button></div>"
            )
        else:
            cells.append(
                '<div class="q-date__calendar-item q-date__calendar-item--out">'
                f'<div class="q-btn q-btn--flat q-btn--round"><span>{day}</span></div></div>'
            )
    return (
        '<div class="q-date q-date--portrait"><div class="q-date__header">'
        '<div class="q-date__header-title">mai 2026</div></div>'
        '<div class="q-date__calendar-days fit">' + "".join(cells) + "</div></div>"
    )


@dataclass(frozen=True)
class Case:
    name: str
    html: str
    outcome: str
    system: str | None = None
    url: str = ""
    status: int | None = 200
    visible_text: str | None = None
    matched: str = ""
    needs_review: bool | None = None


DAY_SCOPED = [
    Case(
        "rdvpref_quasar_date_picker_selected_day_empty",
        rdvpref_page(
            "<h2>Choisissez votre créneau</h2>"
            + quasar_date([12, 13, 19], 12, [11, 14, 15, 18])
            + '<div class="creneaux"><h3>Mardi 12 mai 2026</h3>'
            '<div class="fr-alert fr-alert--info"><p>Aucun créneau disponible</p></div></div>'
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
        needs_review=True,
    ),
    Case(
        "rdvpref_quasar_date_picker_selected_day_empty_without_heading",
        rdvpref_page(
            quasar_date([12, 19], 12, [11, 13])
            + '<div class="q-card"><p>Aucun créneau disponible</p></div>'
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "per_day_list_with_plain_list_items",
        rdvpref_page(
            '<div class="jours"><h3>Lundi 11 mai 2026</h3><p>Aucun créneau disponible.</p>'
            "<h3>Mardi 12 mai 2026</h3><ul><li>09:15</li><li>09:30</li><li>10:45</li></ul>"
            "</div>"
        ),
        "slots_available",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "per_day_list_with_times_inside_sentences",
        rdvpref_page(
            '<div class="jours"><h3>Lundi 11 mai 2026</h3><p>Aucun créneau disponible.</p>'
            "<h3>Mardi 12 mai 2026</h3><ul><li>Guichet 2 à 09h15</li></ul></div>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "radios_under_a_day_label_with_a_no_slot_statement",
        rdvpref_page(
            "<form><fieldset><legend>Choisissez votre créneau</legend>"
            "<p>Mardi 12 mai 2026 : Aucun créneau disponible.</p>"
            "<p><strong>Mercredi 13 mai 2026</strong></p>"
            '<p><input type="radio" name="creneau" id="c1" value="2026-05-13T09:15">'
            '<label for="c1">09:15</label></p>'
            '<p><input type="radio" name="creneau" id="c2" value="2026-05-13T09:30">'
            '<label for="c2">09:30</label></p></fieldset></form>'
        ),
        "slots_available",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "radio_label_is_a_date_and_time_sentence",
        rdvpref_page(
            "<p>Mardi 12 mai 2026 : Aucun créneau disponible.</p>"
            '<label><input type="radio" name="c" value="1"> le mercredi 13 mai à 9h15</label>'
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "day_label_prefix_alone",
        rdvpref_page("<p>Mardi 12 mai 2026 : Aucun créneau disponible.</p>"),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "other_demarche_label_prefix",
        rdvpref_page("<p>Titre de voyage : aucun créneau disponible.</p>"),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "rdvsp_one_lieu_unavailable_other_lieu_unknown",
        prefecture_page(
            "<h2>Sélectionnez un lieu de RDV :</h2><p>2 lieux sont disponibles</p>"
            '<div class="fr-card"><h3 class="fr-card__title">Mairie annexe - Centre</h3>'
            '<p class="fr-badge">Aucune disponibilité</p></div>'
            '<div class="fr-card"><h3 class="fr-card__title">Mairie annexe - Est</h3>'
            '<a class="fr-btn" href="/prendre_rdv?lieu_id=4">Voir les créneaux</a></div>'
        ),
        "unknown",
        "rdv_service_public",
        url=RDVSP_URL,
    ),
    Case(
        "rdvsp_week_days_each_without_slot_but_next_week_link",
        prefecture_page(
            "<h3>Sélectionnez un créneau :</h3>"
            + "".join(
                f'<div class="fr-col"><p><strong>{day}</strong><br>{date}</p>'
                '<p class="fr-text--sm">Pas de créneau disponible</p></div>'
                for day, date in (("lundi", "8 juin"), ("mardi", "9 juin"), ("mercredi", "10 juin"))
            )
            + '<a class="fr-btn" href="/prendre_rdv?date=2026-06-15">sem. prochaine</a>'
        ),
        "unknown",
        "rdv_service_public",
        url=RDVSP_URL,
    ),
    Case(
        "rdvsp_week_days_each_without_slot_and_nowhere_to_go",
        prefecture_page(
            "<h3>Sélectionnez un créneau :</h3>"
            + "".join(
                f'<div class="fr-col"><p><strong>{day}</strong><br>{date}</p>'
                '<p class="fr-text--sm">Pas de créneau disponible</p></div>'
                for day, date in (("lundi", "8 juin"), ("mardi", "9 juin"), ("mercredi", "10 juin"))
            )
        ),
        "no_slot",
        "rdv_service_public",
        url=RDVSP_URL,
    ),
]

SAVED_FILES = [
    Case(
        "collapsed_dsfr_accordion_holds_the_sentence",
        rdvpref_page(
            '<section class="fr-accordion"><h3 class="fr-accordion__title">'
            '<button class="fr-accordion__btn" aria-expanded="false" aria-controls="acc-1">'
            "Que faire si aucun rendez-vous ne vous convient ?</button></h3>"
            '<div class="fr-collapse" id="acc-1"><p>Aucun créneau disponible</p></div></section>'
            '<div id="app"></div>',
            head='<link rel="stylesheet" href="/rdvpref/css/app.css">',
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "accordion_controlled_only_by_aria_expanded",
        rdvpref_page(
            '<button aria-controls="infos" aria-expanded="false">Informations</button>'
            '<div id="infos"><p>Aucun créneau disponible</p></div>'
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "empty_state_hidden_by_an_external_stylesheet",
        rdvpref_page(
            '<div class="creneaux-list"><div class="creneau">Matin — guichet 2</div></div>'
            '<div class="empty-state"><p>Aucun créneau disponible</p></div>',
            head='<link rel="stylesheet" href="/rdvpref/css/app.css">',
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "empty_state_seen_by_the_browser",
        rdvpref_page(
            '<div class="empty-state"><p>Aucun créneau disponible</p></div>',
            head='<link rel="stylesheet" href="/rdvpref/css/app.css">',
        ),
        "no_slot",
        "rdv_prefecture",
        url=RDVPREF_URL,
        visible_text="Préfecture de l'Essonne\nAucun créneau disponible",
    ),
    Case(
        "hidden_by_a_tag_rule_with_a_pseudo_class",
        rdvpref_page(
            "<h2>Aucun créneau disponible</h2>",
            head="<style>main > h2:first-of-type { display: none }</style>",
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "hidden_by_a_negated_class_rule",
        rdvpref_page(
            '<div class="etat"><p>Aucun créneau disponible</p></div>',
            head="<style>.etat:not(.etat--visible) { visibility: hidden }</style>",
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "white_text_on_white",
        rdvpref_page(
            '<div style="background:#fff"><p style="color:#ffffff">Aucun créneau disponible</p>'
            "</div>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "faq_quotes_the_sentence_in_a_blockquote_under_a_booking_url",
        prefecture_page(
            "<h1>Questions fréquentes sur la prise de rendez-vous</h1>"
            "<h2>Le site m'affiche un message, que faire ?</h2><blockquote><p>"
            + NO_SLOT_SENTENCE
            + "</p></blockquote><p>Revenez plus tard : des plages sont ajoutées chaque semaine."
            "</p>"
        ),
        "unknown",
        url="https://www.hauts-de-seine.gouv.fr/booking/create/12083/2",
    ),
    Case(
        "faq_states_the_sentence_as_a_heading",
        rdvpref_page(
            "<h2>Aucun créneau disponible</h2><p>Cela signifie que tous les rendez-vous ont "
            "été pris.</p><h2>Pourquoi le code de sécurité est-il refusé ?</h2>"
            "<h2>Puis-je changer de rendez-vous ?</h2>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "inline_quotation",
        rdvpref_page("<p>Le site indique <q>Aucun créneau disponible</q>.</p>"),
        "unknown",
        url=RDVPREF_URL,
    ),
]

REAL_TEXTS = [
    Case(
        "legacy_2025_no_calendar_in_a_list_item",
        prefecture_page(
            '<div id="inner_Booking"><form id="FormBookingCreate" name="create" method="post" '
            'action="/index.php/booking/create/9845/1"><ul class="fr-messages-group">'
            "<li>Il n'y a pas calendrier disponible</li></ul>"
            '<input type="submit" name="finishButton" value="Terminer"></form></div>'
        ),
        "no_slot",
        "legacy",
        url=LEGACY_URL,
        matched="Il n'y a pas calendrier disponible",
    ),
    Case(
        "rdvsp_referent_has_no_slot",
        prefecture_page(
            '<div class="card"><div class="card-body"><div class="font-weight-bold">Votre '
            "référent n'a pas de créneaux disponibles.</div><p>Voulez-vous prendre "
            'rendez-vous avec un autre agent ?</p><a href="/prendre_rdv">Oui</a></div></div>'
        ),
        "unknown",
        "rdv_service_public",
        url=RDVSP_URL,
        needs_review=False,
    ),
    Case(
        "rdvsp_agent_not_assigned_as_referent",
        prefecture_page(
            '<div class="card"><div class="card-body"><div class="font-weight-bold">L\'agent '
            "avec qui vous voulez prendre rendez-vous ne vous est pas assigné comme référent."
            "</div></div></div>"
        ),
        "unknown",
        "rdv_service_public",
        url=RDVSP_URL,
    ),
    Case(
        "imperva_incapsula_block_page",
        '<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW">'
        '<script src="/_Incapsula_Resource?SWJIYLWA=719d34d31c8e3a6e6fffd425f7e032f3"></script>'
        '</head><body style="margin:0px;height:100%"><iframe id="main-iframe" '
        'src="/_Incapsula_Resource?CWUDNSAI=9" frameborder=0 width="100%" height="100%">Request '
        "unsuccessful. Incapsula incident ID: 1234000560123456789-12345678901234567</iframe>"
        "</body></html>",
        "error",
        url=RDVPREF_URL,
    ),
    Case(
        "link_deactivated_for_good",
        prefecture_page("<h1>Lien expiré</h1><p>Ce lien a été désactivé définitivement.</p>"),
        "closed",
        url="https://rdv.anct.gouv.fr/prendre_rdv?invitation_token=abc",
    ),
    Case(
        "rdvsp_every_day_past_the_booking_horizon",
        prefecture_page(
            "<h3>Sélectionnez un créneau :</h3>"
            + "".join(
                f'<div class="fr-col"><p><strong>{day}</strong><br>{date}</p>'
                '<p class="rdv-text-align-center">Date fermée à la reservation</p></div>'
                for day, date in (("lundi", "8 juin"), ("mardi", "9 juin"), ("mercredi", "10 juin"))
            )
        ),
        "closed",
        "rdv_service_public",
        url=RDVSP_URL,
    ),
    Case(
        "rdvsp_closed_week_after_weeks_one_can_go_back_to",
        prefecture_page(
            '<a class="fr-btn" href="/prendre_rdv?date=2026-06-01">sem. précédente</a>'
            + "".join(
                f'<div class="fr-col"><p><strong>{day}</strong><br>{date}</p>'
                "<p>Date fermée à la reservation</p></div>"
                for day, date in (("lundi", "8 juin"), ("mardi", "9 juin"))
            )
        ),
        "unknown",
        "rdv_service_public",
        url=RDVSP_URL,
    ),
    Case(
        "rdvpref_zero_over_the_next_four_weeks",
        rdvpref_page('<p class="compteur">0 créneau disponible sur les 4 prochaines semaines</p>'),
        "no_slot",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "rdvsp_not_available_for_this_departement",
        prefecture_page(
            '<div class="card"><div class="font-weight-bold">La prise de rendez-vous n\'est '
            "pas disponible pour ce département.</div></div>"
        ),
        "closed",
        "rdv_service_public",
        url=RDVSP_URL,
    ),
]

MISREADINGS = [
    Case(
        "legacy_calendar_step_every_cell_full",
        prefecture_page(
            '<div id="inner_Booking"><p class="etapes"><img src="/extension/booking/design/'
            'standard/images/etape_4r.png" alt="Étape 4"></p><form id="FormBookingCreate" '
            'name="create" method="post" action="/booking/create/12083/4"><h2>Choix d\'une '
            'plage</h2><table class="planning"><tr><th colspan="5">Semaine du 08/06/2026 au '
            "14/06/2026</th></tr><tr><th>Lun 08</th><th>Mar 09</th><th>Mer 10</th></tr><tr>"
            '<td class="status-0 full">complet</td><td class="status-0 full">complet</td>'
            '<td class="status-0 full">complet</td></tr></table><p class="legende">Légende : '
            '<span class="free">libre</span> <span class="full">complet</span></p></form></div>'
        ),
        "no_slot",
        "legacy",
        url="https://www.hauts-de-seine.gouv.fr/booking/create/12083/4",
    ),
    Case(
        "legacy_calendar_step_every_cell_full_with_next_week",
        prefecture_page(
            '<div id="inner_Booking"><img src="/extension/booking/design/standard/images/'
            'etape_4r.png" alt="Étape 4"><form id="FormBookingCreate" name="create" '
            'action="/booking/create/12083/4"><table><tr><td class="status-0">complet</td>'
            '<td class="status-0">complet</td></tr></table><a href="?week=2">Semaine '
            "suivante &gt;</a></form></div>"
        ),
        "unknown",
        "legacy",
    ),
    Case(
        "waiting_room_served_with_429",
        """<html lang="fr"><head><title>File d'attente</title></head><body>
<h1>Vous êtes dans la file d'attente</h1><p>Temps d'attente estimé : 12 minutes</p>
<p>Merci de ne pas actualiser la page.</p></body></html>""",
        "queue",
        url=RDVPREF_URL,
        status=429,
    ),
    Case(
        "queue_it_markup_served_with_503",
        """<html><head><title>Queue-it</title></head><body><div id="MainPart_divWarningBox">
</div><div id="MainPart_pProgressbarBox_Holder"></div></body></html>""",
        "queue",
        status=503,
    ),
    Case(
        "cloudflare_challenge_served_with_403",
        """<html><head><title>Un instant…</title></head><body>
<p>Vérification que vous êtes un humain. Cela peut prendre quelques secondes.</p>
</body></html>""",
        "captcha",
        url=RDVPREF_URL,
        status=403,
    ),
]

RECALL = [
    Case(
        "rdvpref_no_slot_with_its_explanation",
        rdvpref_page(
            '<div class="fr-callout"><h3 class="fr-callout__title">Aucun créneau disponible '
            "— Tous les rendez-vous proposés pour cette démarche ont été réservés</h3>"
            '<p class="fr-callout__text">Dernière mise en ligne de rendez-vous : le 04/05/2026 '
            "à 11:58 pour des créneaux de la semaine du 18/05/2026</p></div>"
        ),
        "no_slot",
        "rdv_prefecture",
        url=RDVPREF_URL,
        matched="Aucun créneau disponible",
    ),
    Case(
        "rdvpref_no_slot_saved_without_url",
        rdvpref_page(
            '<div class="fr-alert fr-alert--info"><p>Aucun créneau disponible</p>'
            "<p>Tous les rendez-vous proposés pour cette démarche ont été réservés.</p></div>"
        ),
        "no_slot",
        "rdv_prefecture",
    ),
    Case(
        "eappointment_no_slot_alert_in_the_page_without_url",
        """<html><head><title>Prise de rendez-vous</title>
<script src="/eAppointmentpref94/element/js/appointment.js"></script></head><body>
<div id="global"><div class="ui-dialog" role="alertdialog"><div class="ui-dialog-content">
<p>Aucun rendez-vous n'est possible pour les motifs selectionnnés ou le créneau horaire
séléctionné.</p></div><button type="button">OK</button></div></div></body></html>""",
        "no_slot",
        "eappointment",
    ),
    Case(
        "qmatic_no_date",
        """<html lang="fr"><head><title>Prise de rendez-vous | Qmatic Web Booking</title></head>
<body><div id="app"><div class="qm-step"><h2>Choisir une date</h2>
<p class="qm-message">Aucune date disponible</p></div></div></body></html>""",
        "no_slot",
        "qmatic",
        url=QMATIC_URL,
    ),
    Case(
        "synbird_no_availability_for_this_motif",
        """<html lang="fr"><head><title>Prise de rendez-vous - Synbird</title></head><body>
<div class="booking"><h2>Passeport / Carte d'identité</h2><p>Aucune disponibilité pour ce
motif sur la période affichée.</p></div></body></html>""",
        "no_slot",
        "synbird",
        url=SYNBIRD_URL,
    ),
    Case(
        "smartagenda_empty_calendar",
        """<html lang="fr"><head><title>Mairie - Smart Agenda</title></head><body>
<table class="calendrier"><tr><th>lun. 8</th><th>mar. 9</th></tr>
<tr><td class="jour-indisponible">-</td><td class="jour-indisponible">-</td></tr></table>
<p class="message">Aucune disponibilité</p></body></html>""",
        "no_slot",
        "smartagenda",
        url=SMARTAGENDA_URL,
    ),
    Case(
        "clicrdv_empty_calendar",
        """<html lang="fr"><head><title>ClicRDV</title></head><body>
<div id="clicrdv-widget"><h3>Choisissez un horaire</h3>
<p class="empty">Aucun créneau disponible</p></div></body></html>""",
        "no_slot",
        "clicrdv",
        url=CLICRDV_URL,
    ),
    Case(
        "legacy_ajax_fragment_without_url",
        """<table class="calendrier"><tr><th colspan="7">Semaine du 29/06/2026 au 05/07/2026</th>
</tr><tr><th>lundi 29</th><th>mardi 30</th></tr><tr><td>complet</td><td>complet</td></tr>
</table><div class="legende">Légende : <span class="libre">libre</span>
<span class="complet">complet</span></div>""",
        "no_slot",
        "legacy",
    ),
    Case(
        "holiday_closure",
        prefecture_page(
            '<div id="inner_Booking"><form id="FormBookingCreate" action="/booking/create/1/0">'
            "<p>En raison des congés d'été, la prise de rendez-vous est fermée du 27 juillet au "
            "14 août.</p></form></div>"
        ),
        "closed",
        "legacy",
    ),
    Case(
        "suspended_demarche",
        rdvpref_page(
            '<div class="fr-alert fr-alert--warning"><p>Cette démarche est momentanément '
            "suspendue.</p></div>"
        ),
        "closed",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "in_house_overload_page",
        """<html lang="fr"><head><title>Prise de rendez-vous</title></head><body>
<h1>Forte affluence</h1><p>En raison d'une forte affluence, le service est temporairement
indisponible. Merci de patienter, vous allez être redirigé automatiquement.</p></body></html>""",
        "queue",
    ),
]

ANEF = [
    Case(
        "anef_planned_maintenance",
        """<html lang="fr"><head><title>ANEF - Maintenance</title></head><body>
<header class="fr-header"><p class="fr-header__service-title">Administration numérique pour les
étrangers en France</p></header><main><h1>Le site est actuellement en maintenance.</h1>
<p>Une opération de maintenance est en cours. Le service sera rétabli dans la journée.</p>
</main></body></html>""",
        "closed",
        "anef",
        url=ANEF_URL,
    ),
    Case(
        "anef_outage_saved_without_url",
        """<html lang="fr"><head><title>ANEF - Service indisponible</title></head><body>
<main><h1>Service indisponible</h1><p>Suite à un incident technique, le téléservice est
momentanément indisponible. Veuillez réessayer ultérieurement.</p></main></body></html>""",
        "error",
        "anef",
    ),
    Case(
        "anef_error_page_served_with_500",
        "<html><head><title>Erreur</title></head><body><h1>Une erreur est survenue</h1>"
        "</body></html>",
        "error",
        "anef",
        url=ANEF_URL,
        status=500,
    ),
    Case(
        "anef_page_with_a_no_slot_sentence",
        """<html lang="fr"><head><title>ANEF - Mon espace</title></head><body><main>
<h1>Mes démarches</h1><p>Aucun créneau disponible</p></main></body></html>""",
        "unknown",
        "anef",
        url=ANEF_URL,
    ),
]

# Layouts an outside review may build next: each hides an offer or a scope in another form.
OTHER_FORMS = [
    Case(
        "day_tabs_with_the_selected_days_panel_empty",
        rdvpref_page(
            '<div role="tablist"><button role="tab" aria-selected="true">Lun. 11/05</button>'
            '<button role="tab">Mar. 12/05</button></div><div role="tabpanel"><h3>Créneaux</h3>'
            "<p>Aucun créneau disponible</p></div>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "a_choice_of_sites_beside_the_statement",
        rdvpref_page(
            '<label for="s">Lieu</label><select id="s"><option>Préfecture d\'Évry</option>'
            "<option>Sous-préfecture de Palaiseau</option></select><p>Aucun créneau disponible</p>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "a_link_to_see_other_slots",
        rdvpref_page(
            "<p>Aucun créneau disponible</p>"
            '<a class="fr-btn" href="/x">Voir les créneaux de la semaine prochaine</a>'
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "a_slot_count_beside_the_statement",
        rdvpref_page(
            "<p>Aucun créneau disponible</p><ul><li>Mardi 12 mai (3 créneaux disponibles)</li></ul>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "a_slot_in_an_input_button",
        rdvpref_page(
            '<p>Aucun créneau disponible</p><input type="button" value="Mardi 12 mai - 09:15">'
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "a_slot_told_in_words_with_its_time_in_an_attribute",
        rdvpref_page(
            '<p>Aucun créneau disponible</p><div class="slot" data-start="2026-05-12T09:15">'
            "Mardi matin</div>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "slots_by_the_hour",
        rdvpref_page(
            '<p>Aucun créneau disponible</p><ul><li><a href="#">9h</a></li>'
            '<li><a href="#">10h</a></li></ul>'
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "a_select_of_dates",
        rdvpref_page(
            '<p>Aucun créneau disponible</p><select name="jour"><option>Mardi 12 mai 2026'
            "</option></select>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "still_loading",
        rdvpref_page(
            '<div class="fr-loader" aria-busy="true"><p>Chargement des créneaux…</p></div>'
            "<p>Aucun créneau disponible</p>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "times_in_a_side_box",
        rdvpref_page(
            "<p>Aucun créneau disponible</p><aside><h3>Créneaux libérés</h3><ul>"
            '<li><a href="#">09:15</a></li></ul></aside>'
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "release_line_with_its_values_in_spans",
        rdvpref_page(
            "<p>Aucun créneau disponible</p><p>Dernière mise en ligne de rendez-vous : le "
            "<span>04/05/2026</span> à <span>11:58</span></p>"
        ),
        "no_slot",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "a_slot_in_a_block_named_creneau",
        rdvpref_page(
            '<p>Aucun créneau disponible</p><div class="creneau-item">Mardi 12 mai, matin</div>'
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "an_embedded_booking_calendar",
        rdvpref_page(
            "<p>Aucun créneau disponible pour le moment.</p>"
            '<iframe src="https://www.clicrdv.com/mairie?widget=1" width="600" height="400">'
            "</iframe>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "the_day_on_the_line_below",
        rdvpref_page("<p>Aucun créneau disponible</p><p>pour le mardi 12 mai</p>"),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "times_in_a_closed_details",
        rdvpref_page(
            "<details><summary>Aucun créneau disponible</summary><ul><li>09:15</li></ul></details>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "times_in_a_collapsed_block",
        rdvpref_page(
            '<p>Aucun créneau disponible</p><div class="collapse"><ul><li><a>09:15</a></li></ul>'
            "</div>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "a_block_named_creneaux_holding_the_statement",
        rdvpref_page('<div class="creneaux"><p>Aucun créneau disponible</p></div>'),
        "no_slot",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "a_day_cell_marked_available_by_its_class",
        rdvpref_page(
            '<p>Aucun créneau disponible</p><table class="mois"><tr><td class="day">11</td>'
            '<td class="day day--available">12</td></tr></table>'
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "a_bare_booking_button",
        rdvpref_page("<p>Aucun créneau disponible</p><button>Réserver</button>"),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "one_site_per_table_row",
        rdvpref_page(
            "<table><tr><th>Lieu</th><th>Disponibilité</th></tr>"
            "<tr><td>Sous-préfecture d'Antony</td><td>Aucun créneau disponible</td></tr>"
            '<tr><td>Nanterre</td><td><a href="/nanterre">Prendre rendez-vous à Nanterre</a></td>'
            "</tr></table>"
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "a_link_to_book_elsewhere",
        rdvpref_page(
            '<p>Aucun créneau disponible</p><a class="fr-btn" href="/x">Prendre rendez-vous</a>'
        ),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "statement_in_english",
        rdvpref_page("<p>No appointments available</p>"),
        "no_slot",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "statement_in_another_language",
        rdvpref_page("<p>No hay citas disponibles</p>"),
        "unknown",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
    Case(
        "il_n_y_a_aucun_creneau",
        rdvpref_page("<p>Il n'y a aucun créneau disponible.</p>"),
        "no_slot",
        "rdv_prefecture",
        url=RDVPREF_URL,
    ),
]

ALL = DAY_SCOPED + SAVED_FILES + REAL_TEXTS + MISREADINGS + RECALL + ANEF + OTHER_FORMS


@pytest.mark.parametrize("case", ALL, ids=lambda case: case.name)
def test_each_real_world_page_reads_as_a_person_reads_it(case: Case) -> None:
    result = classify(
        case.html,
        status=case.status,
        final_url=case.url,
        visible_text=case.visible_text,
    )
    assert result.outcome == case.outcome, result
    if case.system is not None:
        assert result.system == case.system, result
    assert case.matched in result.matched, result
    if case.needs_review is not None:
        assert result.needs_review == case.needs_review, result


@pytest.mark.parametrize(
    "case", [c for c in ALL if c.outcome != NO_SLOT], ids=lambda case: case.name
)
def test_no_real_world_page_read_otherwise_becomes_no_slot_saved_or_not(case: Case) -> None:
    for url in (case.url, ""):
        result = classify(case.html, status=case.status, final_url=url)
        assert result.outcome != NO_SLOT, (url, result)


def test_a_clicrdv_json_answer_lists_its_slots_or_says_there_are_none() -> None:
    url = "https://www.clicrdv.com/api/v2/availabletimeslots?group_id=1&apikey=k"
    empty = classify(json.dumps({"availabletimeslots": []}), final_url=url)
    assert (empty.outcome, empty.system) == (NO_SLOT, "clicrdv")
    body = {"availabletimeslots": [{"start": "2026-06-10 09:15:00"}]}
    found = classify(json.dumps(body), final_url=url)
    assert (found.outcome, found.slots) == ("slots_available", ("2026-06-10 09:15:00",))


def test_a_qmatic_dates_answer_decides_but_one_days_times_do_not() -> None:
    base = "https://rdv.example.fr/qmaticwebbooking/rest/schedule/branches/ab12"
    dates = f"{base}/dates;servicePublicId=cd34;customSlotLength=10"
    assert classify("[]", final_url=dates).outcome == NO_SLOT
    found = classify('[{"date": "2026-06-10"}]', final_url=dates)
    assert (found.outcome, found.slots) == ("slots_available", ("2026-06-10",))
    times = f"{base}/dates/2026-06-10/times;servicePublicId=cd34"
    assert classify("[]", final_url=times).outcome == "unknown"


def test_a_json_body_of_an_unknown_shape_proves_nothing() -> None:
    body = json.dumps({"creneaux": [], "message": "Aucun créneau disponible"})
    assert classify(body, final_url=RDVPREF_URL).outcome != NO_SLOT


def test_every_system_is_recognised_from_its_page_without_its_url() -> None:
    pages = {
        "legacy": '<form id="FormBookingCreate"></form>',
        "rdv_prefecture": "<title>Choix du créneau - RDV Préfecture</title>",
        "eappointment": '<script src="/eAppointment_PREF69_NAT_DEMANDE/js/a.js"></script>',
        "rdv_service_public": "<title>Prendre RDV - RDV Service Public</title>",
        "demarches_simplifiees": '<form action="/commencer/titre-sejour"></form>',
        "anef": "<title>ANEF - Se connecter</title>",
        "qmatic": '<link rel="stylesheet" href="/qmaticwebbooking/css/app.css">',
        "synbird": '<script src="https://widget.synbird.com/v6/booking.js"></script>',
        "clicrdv": '<div id="clicrdv-widget"></div>',
        "smartagenda": "<title>Mairie - Smart Agenda</title>",
    }
    for system, page in pages.items():
        assert classify(page).system == system, system


def test_a_news_title_naming_a_system_does_not_make_it_that_system() -> None:
    page = (
        "<title>RDV Préfecture : le parcours du combattant - Le Journal</title>"
        "<article><p>Aucun créneau disponible.</p></article>"
    )
    assert classify(page).outcome != NO_SLOT


def test_an_address_that_names_no_system_keeps_the_brand_from_deciding() -> None:
    page = rdvpref_page("<p>Aucun créneau disponible</p>")
    assert classify(page).outcome == NO_SLOT
    elsewhere = classify(page, final_url="https://www.example.org/blog/rdv")
    assert elsewhere.outcome != NO_SLOT


def test_a_page_wide_statement_in_a_saved_copy_without_outside_styles_still_counts() -> None:
    page = prefecture_page(
        '<div id="inner_Booking"><form id="FormBookingCreate">'
        f'<div class="empty-state">{NO_SLOT_SENTENCE}</div></form></div>'
    )
    assert classify(page).outcome == NO_SLOT
    styled = page.replace("</head>", '<link rel="stylesheet" href="/css/site.css"></head>')
    assert classify(styled).outcome == "unknown"
    assert classify(styled, visible_text=NO_SLOT_SENTENCE).outcome == NO_SLOT


def test_the_site_chrome_is_not_a_day_or_an_offer() -> None:
    page = prefecture_page(
        '<div id="inner_Booking"><form id="FormBookingCreate">'
        f"<p>{NO_SLOT_SENTENCE}</p></form></div>"
    ).replace("</main>", "</main><footer><ul><li>Accueil de 9h00 à 16h00</li></ul></footer>")
    assert DSFR_HEADER and DOCUMENTS  # the noise around it is the review's
    assert classify(page, final_url=LEGACY_URL).outcome == NO_SLOT
