"""One context builder per document kind, and the registry naming each kind's template.

Each ``build_<kind>_context(case, **options)`` parses its declared options and returns a plain
dict for ``templates/documents/<kind>.html``; it reads the database but writes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from creneau.cases.filing import is_anef
from creneau.cases.models import Attempt, Case, Channel, detail_of
from creneau.documents.anef_letters import (
    build_ccc_context,
    build_substitution_context,
    build_substitution_letter_context,
)
from creneau.documents.context import (
    attempt_rows,
    common_context,
    in_sentence,
    missing_prefecture_address,
    site_of,
    summary,
)
from creneau.documents.errors import MissingInformationError
from creneau.documents.execution import EXECUTION_OPTIONS, build_execution_context
from creneau.documents.french import french_datetime
from creneau.documents.lawyer import build_summary_context
from creneau.documents.options import COMMON, Option, as_int, parse_options
from creneau.documents.requete_anef import ANEF_OPTIONS, anef_rows, build_requete

__all__ = ["KINDS", "Kind", "MissingInformationError"]


def _online(case: Case) -> list[dict[str, Any]]:
    online = case.attempts.filter(channel=Channel.ONLINE)
    return attempt_rows(list(online), zone=case.department.zone)


def _written(case: Case) -> list[dict[str, Any]]:
    """Earlier requests to the prefecture's services: e-mails, letters, and the visits to its
    counter (« Je me suis déjà adressé(e) à vos services »)."""
    written = case.attempts.filter(channel__in=[Channel.EMAIL, Channel.LETTER, Channel.COUNTER])
    return attempt_rows(list(written), zone=case.department.zone)


REQUEST_OPTIONS = dict(COMMON)


def build_email_context(case: Case, **given: object) -> dict[str, Any]:
    if is_anef(case):  # no appointment to ask for: the substitute route (anef_letters)
        return build_substitution_context(case, **given)
    options = parse_options(REQUEST_OPTIONS, given)
    context = common_context(case, options)
    procedure = context["procedure"]
    online, written = _online(case), _written(case)
    return context | {
        "subject": (
            f"Demande de rendez-vous – {procedure['subject']} – {context['person']['full_name']}"
        ),
        "online_attempts": online,
        "written_attempts": written,
        # « Je conserve la preuve de chacune » only when a file proves each one.
        "all_proven": all(row["proven"] for row in online + written),
    }


def build_letter_context(case: Case, **given: object) -> dict[str, Any]:
    if is_anef(case):
        return build_substitution_letter_context(case, **given)
    context = build_email_context(case, **given)
    context["missing"] += missing_prefecture_address(context)
    return context


ATTESTATION_OPTIONS = COMMON | {
    "attempt": Option(as_int, None, "numéro de la tentative « guichet » (la dernière par défaut)"),
}


def _counter_attempt(case: Case, attempt_id: int | None) -> Attempt:
    counters = case.attempts.filter(channel__in=[Channel.COUNTER, Channel.PAN])
    chosen = counters.filter(pk=attempt_id).first() if attempt_id else counters.last()
    if chosen is None:
        raise MissingInformationError(
            f"Le dossier {case.reference} ne contient aucune présentation au guichet ni "
            f"visite au point d'accueil numérique {'portant ce numéro ' if attempt_id else ''}: "
            "enregistrez d'abord la visite (avec ce qui a été dit) pour produire l'attestation "
            "du témoin."
        )
    return chosen


def build_attestation_context(case: Case, **given: object) -> dict[str, Any]:
    """A model the witness copies by hand (article 202 CPC): the witness's identity and words
    are never written for them — never stored, never pre-filled with the person's own note.
    Only the date, time and place of the visit are given, as landmarks."""
    options = parse_options(ATTESTATION_OPTIONS, given)
    visit = _counter_attempt(case, options["attempt"])
    detail = detail_of(visit)
    site = detail.site if detail is not None and detail.site is not None else site_of(case)
    return common_context(case, options) | {
        "visit": {
            "when": french_datetime(visit.at, case.department.zone),
            "site": in_sentence(site.name) if site else "",
            "city": site.city if site else "",
            "pan": visit.channel == Channel.PAN,
            "anef": is_anef(case),
        },
    }


def build_ddd_context(case: Case, **given: object) -> dict[str, Any]:
    options = parse_options(dict(COMMON), given)
    attempts = list(case.attempts.select_related("detail", "detail__site"))
    zone = case.department.zone
    anef = is_anef(case)
    rows = anef_rows(attempts, (), zone) if anef else attempt_rows(attempts, zone=zone)
    return common_context(case, options) | {
        "anef": anef,
        "attempts": rows,
        "all_proven": all(row["proven"] for row in rows),
        "any_proven": any(row["proven"] for row in rows),
        "summary": summary(attempts, zone),
        "notice": (
            "La saisine du Défenseur des droits ne suspend ni n'interrompt aucun délai de recours "
            "devant le tribunal et ne remplace pas un référé lorsque la situation est urgente."
        ),
    }


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    build: Callable[..., dict[str, Any]]
    options: dict[str, Option]
    anef_only: bool = False  # refused for a case that is not lodged on the ANEF téléservice


KINDS = {
    kind.name: kind
    for kind in (
        Kind("email", "Demande de rendez-vous par courriel", build_email_context, REQUEST_OPTIONS),
        Kind(
            "letter",
            "Lettre recommandée de demande de rendez-vous",
            build_letter_context,
            REQUEST_OPTIONS,
        ),
        Kind(
            "attestation", "Attestation de témoin", build_attestation_context, ATTESTATION_OPTIONS
        ),
        Kind("ddd", "Saisine du Défenseur des droits", build_ddd_context, dict(COMMON)),
        Kind("requete", "Requête en référé mesures utiles", build_requete, ANEF_OPTIONS),
        Kind(
            "ccc",
            "Message au centre de contact citoyens",
            build_ccc_context,
            dict(COMMON),
            anef_only=True,
        ),
        Kind(
            "substitution",
            "Demande de solution de substitution (ANEF)",
            build_substitution_context,
            dict(COMMON),
            anef_only=True,
        ),
        Kind(
            "execution",
            "Demande d'exécution d'une ordonnance",
            build_execution_context,
            EXECUTION_OPTIONS,
        ),
        Kind(
            "summary",
            "Note de synthèse pour un·e avocat·e",
            build_summary_context,
            dict(COMMON),
        ),
    )
}
