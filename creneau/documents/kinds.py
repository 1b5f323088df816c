"""One context builder per document kind, and the registry naming each kind's template.

Each ``build_<kind>_context(case, **options)`` parses its declared options and returns a plain
dict for ``templates/documents/<kind>.html``; it reads the database but writes nothing.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from creneau.cases.models import Attempt, Case, Channel
from creneau.documents.context import (
    attempt_rows,
    common_context,
    in_sentence,
    missing_prefecture_address,
    site_of,
    summary,
    text,
)
from creneau.documents.exhibits import Exhibit, exhibits_for
from creneau.documents.french import euros, french_date, french_datetime
from creneau.documents.options import (
    COMMON,
    Option,
    as_bool,
    as_date,
    as_int,
    as_text,
    parse_options,
)


class MissingInformationError(ValueError):
    """The case lacks something this document cannot do without; the message says what."""


def _online(case: Case) -> list[dict[str, Any]]:
    online = case.attempts.filter(channel=Channel.ONLINE)
    return attempt_rows(list(online))


def _written(case: Case) -> list[dict[str, Any]]:
    written = case.attempts.filter(channel__in=[Channel.EMAIL, Channel.LETTER])
    return attempt_rows(list(written))


REQUEST_OPTIONS = dict(COMMON)


def build_email_context(case: Case, **given: object) -> dict[str, Any]:
    options = parse_options(REQUEST_OPTIONS, given)
    context = common_context(case, options)
    procedure = context["procedure"]
    return context | {
        "subject": (
            f"Demande de rendez-vous – {procedure['subject']} – {context['person']['full_name']}"
        ),
        "online_attempts": _online(case),
        "written_attempts": _written(case),
    }


def build_letter_context(case: Case, **given: object) -> dict[str, Any]:
    context = build_email_context(case, **given)
    context["missing"] += missing_prefecture_address(context)
    return context


ATTESTATION_OPTIONS = COMMON | {
    "attempt": Option(as_int, None, "numéro de la tentative « guichet » (la dernière par défaut)"),
}


def _counter_attempt(case: Case, attempt_id: int | None) -> Attempt:
    counters = case.attempts.filter(channel=Channel.COUNTER)
    chosen = counters.filter(pk=attempt_id).first() if attempt_id else counters.last()
    if chosen is None:
        raise MissingInformationError(
            f"Le dossier {case.reference} ne contient aucune présentation au guichet "
            f"{'portant ce numéro ' if attempt_id else ''}: enregistrez d'abord la visite "
            "(canal « guichet », avec ce qui a été dit) pour produire l'attestation du témoin."
        )
    return chosen


def build_attestation_context(case: Case, **given: object) -> dict[str, Any]:
    """The witness's identity is left blank on purpose: it is written by hand, never stored."""
    options = parse_options(ATTESTATION_OPTIONS, given)
    visit = _counter_attempt(case, options["attempt"])
    site = site_of(case)
    note_lines = [line.strip() for line in text(visit.note).splitlines() if line.strip()]
    return common_context(case, options) | {
        "visit": {
            "when": french_datetime(visit.at),
            "site": in_sentence(site.name) if site else "",
            "city": site.city if site else "",
            "note_lines": note_lines,
        },
    }


def build_ddd_context(case: Case, **given: object) -> dict[str, Any]:
    options = parse_options(dict(COMMON), given)
    attempts = list(case.attempts.all())
    return common_context(case, options) | {
        "attempts": attempt_rows(attempts),
        "summary": summary(attempts),
        "notice": (
            "La saisine du Défenseur des droits ne suspend ni n'interrompt aucun délai de recours "
            "devant le tribunal et ne remplace pas un référé lorsque la situation est urgente."
        ),
    }


def as_labels(value: object) -> tuple[str, ...]:
    """Exhibit labels: a list, or one text with « | » between labels."""
    items = value if isinstance(value, list | tuple) else str(value).split("|")
    return tuple(label for label in (str(item).strip() for item in items) if label)


REQUETE_OPTIONS = COMMON | {
    "communicate_within": Option(as_int, 8, "jours pour communiquer une date de rendez-vous"),
    "appointment_within": Option(as_int, 15, "jours dans lesquels le rendez-vous doit avoir lieu"),
    "astreinte": Option(as_int, 100, "euros par jour de retard, 0 pour ne pas en demander"),
    "costs": Option(as_int, 0, "euros demandés au titre des frais (L. 761-1 CJA), 0 pour aucun"),
    "legal_aid": Option(as_bool, False, "demander l'aide juridictionnelle provisoire (oui/non)"),
    "undocumented": Option(as_bool, False, "la personne est sans titre de séjour (oui/non)"),
    "despite_oqtf": Option(as_bool, False, "produire la requête malgré une OQTF non exécutée"),
    # Fed by the court bundle (creneau.court): documents the volunteer added to the case, listed
    # after the planned exhibits, and a previous rejection the new requête must answer.
    "extra_exhibits": Option(as_labels, (), "pièces ajoutées (libellés séparés par « | »)"),
    "previous_rejection_date": Option(as_date, None, "date de l'ordonnance de rejet (AAAA-MM-JJ)"),
    "previous_rejection_number": Option(as_text, "", "numéro de l'ordonnance de rejet"),
    "previous_rejection_reasons": Option(as_text, "", "motifs du rejet, tels que l'ordonnance"),
}


def extended_exhibits(planned: list[Exhibit], labels: tuple[str, ...]) -> list[Exhibit]:
    """The plan followed by added documents, numbered on: nothing planned is renumbered."""
    start = len(planned) + 1
    added = [Exhibit(start + i, label, "document") for i, label in enumerate(labels)]
    return [*planned, *added]


def _previous_rejection(options: dict[str, Any], attempts: list[Attempt]) -> dict[str, Any]:
    """What a new requête says about the earlier rejection; empty when there was none."""
    rejected_on: datetime.date | None = options["previous_rejection_date"]
    if rejected_on is None:
        return {}
    since = [a for a in attempts if timezone.localtime(a.at).date() > rejected_on]
    reasons = text(options["previous_rejection_reasons"])
    return {
        "date": french_date(rejected_on),
        "number": options["previous_rejection_number"],
        "reasons": [line.strip() for line in reasons.splitlines() if line.strip()],
        "since": summary(since),
    }


def _urgency(case: Case, today: datetime.date, undocumented: bool) -> dict[str, Any]:
    expires = case.title_expires_on
    circumstances = [
        p.strip() for p in text(case.particular_circumstances).split("\n") if p.strip()
    ]
    return {
        "expired": bool(expires and expires < today),
        "employment": case.employment,
        "social_benefits": case.social_benefits,
        "circumstances": circumstances,
        "undocumented": undocumented,
    }


def _conclusions(options: dict[str, Any]) -> dict[str, Any]:
    return {
        "communicate_within": options["communicate_within"],
        "appointment_within": options["appointment_within"],
        "astreinte": euros(options["astreinte"]) if options["astreinte"] else "",
        "costs": euros(options["costs"]) if options["costs"] else "",
        "legal_aid": options["legal_aid"],
    }


def build_requete_context(case: Case, **given: object) -> dict[str, Any]:
    options = parse_options(REQUETE_OPTIONS, given)
    if case.unexecuted_oqtf and not options["despite_oqtf"]:
        raise MissingInformationError(
            "Le dossier mentionne une OQTF non exécutée : le Conseil d'État juge qu'il n'y a alors "
            "pas d'urgence (CE, 9 juin 2022, n° 453391) et le référé mesures utiles n'est en "
            "principe pas la bonne voie. Consultez un avocat ; pour produire la requête malgré "
            "tout : --option despite_oqtf=oui."
        )
    attempts = list(case.attempts.all())
    exhibits = extended_exhibits(exhibits_for(case), options["extra_exhibits"])
    context = common_context(case, options)
    context["missing"] += missing_prefecture_address(context)
    previous = _previous_rejection(options, attempts)
    if previous:
        context["missing"].append("réponse aux motifs de l'ordonnance de rejet")
    if context["procedure"]["first_application"] and not text(case.particular_circumstances):
        context["missing"].append("circonstances particulières justifiant l'urgence")
    today = options["date"] or timezone.localdate()
    return context | {
        "attempts": attempt_rows(attempts, exhibits),
        "summary": summary(attempts),
        "exhibits": exhibits,
        "urgency": _urgency(case, today, options["undocumented"]),
        "conclusions": _conclusions(options),
        "previous_rejection": previous,
    }


EXECUTION_OPTIONS = COMMON | {
    "ordonnance_date": Option(as_date, None, "date de l'ordonnance (AAAA-MM-JJ)", required=True),
    "ordonnance_number": Option(as_text, "", "numéro de l'ordonnance", required=True),
    "deadline_days": Option(as_int, None, "délai en jours fixé par l'ordonnance"),
    "notified_on": Option(as_date, None, "date de notification de l'ordonnance (AAAA-MM-JJ)"),
    "astreinte": Option(as_int, 100, "euros par jour de retard, 0 pour ne pas en demander"),
}


def _deadline(options: dict[str, Any]) -> dict[str, str]:
    days, notified = options["deadline_days"], options["notified_on"]
    expired_on = notified + datetime.timedelta(days=days) if days and notified else None
    return {
        "days": str(days) if days else "",
        "notified_on": french_date(notified) if notified else "",
        "expired_on": french_date(expired_on) if expired_on else "",
    }


def build_execution_context(case: Case, **given: object) -> dict[str, Any]:
    options = parse_options(EXECUTION_OPTIONS, given)
    ordered_on: datetime.date = options["ordonnance_date"]
    since = [a for a in case.attempts.all() if timezone.localtime(a.at).date() > ordered_on]
    return common_context(case, options) | {
        "ordonnance": {
            "date": french_date(ordered_on),
            "number": options["ordonnance_number"],
            **_deadline(options),
        },
        "attempts_since": attempt_rows(since),
        "astreinte": euros(options["astreinte"]) if options["astreinte"] else "",
    }


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    build: Callable[..., dict[str, Any]]
    options: dict[str, Option]


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
        Kind("requete", "Requête en référé mesures utiles", build_requete_context, REQUETE_OPTIONS),
        Kind(
            "execution",
            "Demande d'exécution d'une ordonnance",
            build_execution_context,
            EXECUTION_OPTIONS,
        ),
    )
}
