"""What the volunteer is told along the ANEF journey, each sentence citing the references file.

* why the contact centre and the points d'accueil numérique matter (the substitute route of
  article R. 431-2 CESEDA is for a person who used the accompaniment);
* that an e-mail or a registered letter proves diligence but is not a valid filing when a
  téléservice exists (article L. 112-9 CRPA; for a title on the ANEF list, R. 431-2).
"""

from typing import Any

from django.utils.translation import gettext as _

from creneau.cases.filing import is_anef
from creneau.cases.models import Attempt, Case, Channel
from creneau.catalog.legal import checked_phrase, citation
from creneau.documents.anef_letters import anef_purpose


def why_contact() -> str:
    return _(
        "Pourquoi c'est important : la solution de substitution (un accueil physique qui "
        "enregistre la demande) est prévue pour la personne qui a accompli ses diligences, "
        "notamment en faisant appel à l'accompagnement — le centre de contact citoyen, puis un "
        "point d'accueil numérique de la préfecture (%(r431_2)s ; %(arrete)s, %(checked)s). Un "
        "courriel du centre de contact qui constate que le dépôt en ligne est impossible, ou un "
        "document de la préfecture qui le dit, est la preuve clé (un texte ministériel la "
        "demande pour un dépôt de substitution : %(postal)s). Ces traces montrent aussi au juge "
        "les démarches accomplies."
    ) % {
        "r431_2": citation("ceseda_r431_2"),
        "arrete": citation("arrete_2023_08_01"),
        "checked": checked_phrase("arrete_2023_08_01"),
        "postal": checked_phrase("anef_postal_substitute"),
    }


def not_a_filing() -> str:
    return _(
        "À savoir : quand une démarche se fait sur un téléservice, un courriel ou une lettre "
        "recommandée prouve les démarches accomplies, mais ne vaut pas dépôt de la demande "
        "(%(l112_9)s ; %(r431_2)s ; pour un envoi postal que le préfet n'a pas prescrit : "
        "%(ce493514)s). La demande n'est déposée que sur le téléservice, ou par la solution de "
        "substitution quand la préfecture l'ouvre."
    ) % {
        "l112_9": citation("crpa_l112_9"),
        "r431_2": citation("ceseda_r431_2"),
        "ce493514": citation("ce_493514"),
    }


def journey_attempts(case: Case, *channels: str) -> list[Attempt]:
    """The case's attempts on these channels with their ANEF details, newest first."""
    attempts = case.attempts.filter(channel__in=channels).select_related("detail", "detail__site")
    return list(attempts.prefetch_related("files").order_by("-at", "-id"))


BLOCKING_CHANNELS = (Channel.ONLINE,)
_PURPOSE_NOTES = {
    "substitute": "Demande d'enregistrement par la solution de substitution.",
    "attestation": "Demande d'attestation de prolongation de l'instruction ou de récépissé.",
}


def written_request(case: Case) -> tuple[dict[str, Any] | None, str]:
    """For an e-mail or a letter of an ANEF case: its detail (what it asks for) and the words
    added to its note, which the journal hashes. Nothing for another case."""
    if not is_anef(case):
        return None, ""
    purpose = anef_purpose(case)
    return {"purpose": purpose}, _PURPOSE_NOTES[purpose]
