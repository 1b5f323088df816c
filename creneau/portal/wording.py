"""What the person reads: the case's state and the evidence in plain words (no legal jargon)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from creneau.cases.filing import is_anef
from creneau.cases.models import Case

STATUS: dict[str, Promise] = {
    Case.Status.GATHERING: _(
        "Nous rassemblons les preuves que la préfecture ne vous propose pas de rendez-vous."
    ),
    Case.Status.READY: _(
        "Les preuves sont réunies. Votre bénévole peut préparer avec vous la demande au tribunal."
    ),
    Case.Status.FILED: _("La demande a été envoyée au tribunal. Nous attendons sa décision."),
    Case.Status.INJUNCTION: _(
        "Le tribunal a ordonné à la préfecture de vous donner un rendez-vous."
    ),
    Case.Status.APPOINTMENT: _("Vous avez obtenu un rendez-vous à la préfecture."),
    Case.Status.CLOSED: _("Ce dossier est terminé."),
}

# A démarche lodged on the ANEF téléservice: no appointment to wait for, a registration.
STATUS_ANEF: dict[str, Promise] = {
    Case.Status.GATHERING: _(
        "Nous rassemblons les preuves que le site de l'ANEF ne vous permet pas de déposer votre "
        "demande."
    ),
    Case.Status.INJUNCTION: _("Le tribunal a ordonné à la préfecture d'enregistrer votre demande."),
    Case.Status.APPOINTMENT: _("La préfecture a proposé d'enregistrer votre demande."),
}

VERDICT: dict[str, Promise] = {
    "insufficient": _("Il n'y a pas encore assez de preuves pour aller au tribunal."),
    "weak": _("Il y a des preuves, mais elles sont encore trop faibles."),
    "adequate": _("Les preuves semblent suffisantes pour aller au tribunal."),
    "strong": _("Les preuves sont solides."),
}


def status_text(case: Case) -> Promise:
    if is_anef(case) and case.status in STATUS_ANEF:
        return STATUS_ANEF[case.status]
    return STATUS.get(case.status, STATUS[Case.Status.GATHERING])


def verdict_text(verdict: str) -> Promise:
    return VERDICT[verdict]


# --- alerts (/p/alertes/) -------------------------------------------------------------------

CHANNEL_LABELS: dict[str, Promise] = {
    "email": _("E-mail"),
    "sms": _("SMS"),
    "ntfy": _("Application ntfy"),
    "telegram": _("Telegram"),
    "signal": _("Signal"),
}

# Why a test message did not leave (``transport.Delivery.reason``), for the person: what
# happened and what to do, never the service's own English line.
DELIVERY_FAILURES: dict[str, Promise] = {
    "unreachable": _(
        "Le message d'essai n'est pas parti : le service d'envoi n'a pas répondu. Réessayez "
        "dans un moment ; si cela continue, prévenez l'association."
    ),
    "rejected": _(
        "Le message d'essai n'est pas parti : le service d'envoi l'a refusé. Vérifiez l'adresse ; "
        "si elle est juste, prévenez l'association."
    ),
    "refused": _(
        "Le message d'essai n'est pas parti : Créneau n'envoie pas de message à cette adresse. "
        "Supprimez-la et donnez-en une autre."
    ),
    "invalid": _(
        "Le message d'essai n'est pas parti : cette adresse ne fonctionne pas. Supprimez-la et "
        "ajoutez-la de nouveau."
    ),
    "no_sms": _(
        "Le message d'essai n'est pas parti : l'association n'envoie pas de SMS pour le moment. "
        "Choisissez un autre moyen d'alerte."
    ),
}


def channel_kind(urls: list[str]) -> str:
    """email, sms, ntfy, telegram or signal: what a channel is, read from its first address."""
    scheme = (urls[0].split(":", 1)[0] if urls else "").lower()
    return {
        "mailto": "email",
        "mailtos": "email",
        "sms": "sms",
        "ntfy": "ntfy",
        "ntfys": "ntfy",
        "tgram": "telegram",
        "signal": "signal",
        "signals": "signal",
    }.get(scheme, "")


def channel_label(urls: list[str]) -> Promise | str:
    return CHANNEL_LABELS.get(channel_kind(urls), "")


def delivery_failure(reason: str) -> Promise:
    return DELIVERY_FAILURES.get(reason, DELIVERY_FAILURES["rejected"])
