from django.urls import path

from creneau.correspondence.views import anef, contact, counter, invitations, letter, mail, settings

CASE = "dossiers/<str:reference>"
DRAFT = f"{CASE}/courriel/<int:draft_id>"
VISIT = f"{CASE}/guichet/<int:attempt_id>"
PAN_VISIT = f"{CASE}/point-d-accueil/<int:attempt_id>"

urlpatterns = [
    path("compte/courriel/<slug:slug>/", settings.mail_settings, name="mail-settings"),
    path(
        "compte/courriel/<slug:slug>/essai/", settings.mail_settings_test, name="mail-settings-test"
    ),
    path(
        "organisation/<slug:slug>/membres/<int:member_id>/invitation/",
        invitations.send_invitation,
        name="organisation-member-invite",
    ),
    path(f"{CASE}/courriel/", mail.mail_page, name="mail"),
    path(f"{CASE}/courriel/preparer/", mail.mail_prepare, name="mail-prepare"),
    path(f"{CASE}/courriel/repeter/", mail.mail_schedule, name="mail-schedule"),
    path(f"{CASE}/courriel/repeter/arreter/", mail.mail_schedule_stop, name="mail-schedule-stop"),
    path(f"{CASE}/courriel/reponse/", mail.mail_reply, name="mail-reply"),
    path(f"{DRAFT}/", mail.mail_draft, name="mail-draft"),
    path(f"{DRAFT}/envoyer/", mail.mail_send, name="mail-send"),
    path(f"{DRAFT}/abandonner/", mail.mail_discard, name="mail-discard"),
    path(f"{DRAFT}/piece/<int:index>/", mail.mail_attachment, name="mail-attachment"),
    path(f"{CASE}/lettre/", letter.letter_page, name="letter"),
    path(f"{CASE}/lettre/lettre.<str:fmt>", letter.letter_document, name="letter-document"),
    path(f"{CASE}/lettre/envoi/", letter.letter_sent, name="letter-sent"),
    path(f"{CASE}/lettre/avis/", letter.letter_receipt, name="letter-receipt"),
    path(f"{CASE}/guichet/", counter.counter_page, name="counter"),
    path(f"{CASE}/guichet/noter/", counter.counter_record, name="counter-record"),
    path(f"{VISIT}/attestation.pdf", counter.counter_attestation, name="counter-attestation"),
    path(
        f"{VISIT}/attestation/",
        counter.counter_attestation_upload,
        name="counter-attestation-upload",
    ),
    path(f"{CASE}/centre-de-contact/", contact.ccc_page, name="ccc"),
    path(f"{CASE}/centre-de-contact/noter/", contact.ccc_record, name="ccc-record"),
    path(f"{CASE}/centre-de-contact/message.pdf", contact.ccc_document, name="ccc-document"),
    path(f"{CASE}/anef/", anef.anef_page, name="anef"),
    path(f"{CASE}/anef/demarche/", anef.anef_journey, name="anef-journey"),
    path(f"{CASE}/anef/blocage/", anef.anef_blocking, name="anef-blocking"),
    path(f"{CASE}/point-d-accueil/", anef.pan_page, name="pan"),
    path(f"{CASE}/point-d-accueil/noter/", anef.pan_record, name="pan-record"),
    path(f"{PAN_VISIT}/attestation.pdf", anef.pan_attestation, name="pan-attestation"),
    path(f"{PAN_VISIT}/attestation/", anef.pan_attestation_upload, name="pan-attestation-upload"),
    path(f"{CASE}/defenseur-des-droits/", contact.ddd_page, name="ddd"),
    path(f"{CASE}/defenseur-des-droits/saisine.pdf", contact.ddd_document, name="ddd-document"),
    path(f"{CASE}/defenseur-des-droits/noter/", contact.ddd_record, name="ddd-record"),
]
