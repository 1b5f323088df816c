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
