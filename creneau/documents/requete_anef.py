"""The requête en référé « mesures utiles » for an application lodged on the ANEF téléservice.

Same skeleton as the booking requête (``requete.py``, whose checks and helpers it shares): the
facts describe the téléservice failing and the diligences (blockings, the contact centre, the
points d'accueil numérique, the written requests), the discussion cites article R. 431-2 CESEDA,
the arrêté of 1 August 2023 and CE, 3 June 2022, n° 452798, and the conclusions ask the judge to
order the prefect to register the application by the substitute route (or to unblock the
démarche), or, for a renewal, to issue the attestation de prolongation or the récépissé. It
never says that the filing requires an appointment.

``build_requete`` is the ``requete`` kind: it picks this variant when the case's route is ANEF.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from creneau.assessment.services import assess_case
from creneau.assessment.thresholds import configured_thresholds
from creneau.assessment.verdict import Assessment
from creneau.cases.filing import FilingRoute, filing_route
from creneau.cases.models import (
    AnefJourney,
    Attempt,
    AttemptDetail,
    Case,
    Channel,
    Outcome,
    detail_of,
)
from creneau.documents.context import (
    common_context,
    describe,
    in_sentence,
    proof_phrase,
    split_by_proof,
    summary,
    text,
)
from creneau.documents.diligences import diligences
from creneau.documents.exhibits import Exhibit, exhibit_of, exhibits_for, is_listed, numbers_of
from creneau.documents.french import euros, exhibit_numbers, french_date, french_datetime
from creneau.documents.options import Option, as_int, parse_options
from creneau.documents.requete import (
    REQUETE_OPTIONS,
    _decision,
    _extra_documents,
    _missing,
    _urgency,
    _warnings,
    build_requete_context,
    check_residence,
    check_route,
    first_inside,
)
from creneau.evidence.states import Evidence, evidence_of

ANEF_OPTIONS = REQUETE_OPTIONS | {
    "register_within": Option(
        as_int,
        8,
        "jours pour enregistrer la demande (solution de substitution) ou débloquer la démarche",
    ),
}
# Booking-only options, meaningless for a démarche lodged online.
_BOOKING_ONLY = ("communicate_within", "appointment_within")
_CITED = {
    "identity": ("identity",),
    "title": ("residence_title",),
    "address": ("address",),
    "channel": ("channel",),
    "blockings": ("screenshots",),
    "ccc": ("ccc",),
    "pan": ("pan",),
    "written": ("email", "letter"),
    "ddd": ("ddd",),
    "journal": ("journal",),
    "timeline": ("timeline",),
    "employment": ("employment",),
    "benefits": ("benefits",),
    "schooling": ("schooling",),
    "urgency": ("urgency",),
    "application": ("application",),
    "receipt": ("residence_title",),
}


def build_requete(case: Case, **given: object) -> dict[str, Any]:
    """The ``requete`` kind: the ANEF variant for an ANEF case, the booking one otherwise."""
    if filing_route(case).is_anef:
        return build_requete_anef_context(case, **given)
    if "register_within" in given:
        given = {k: v for k, v in given.items() if k != "register_within"}
    return build_requete_context(case, **given)


def _refs(exhibits: Sequence[Exhibit]) -> dict[str, str]:
    return {name: exhibit_numbers(numbers_of(exhibits, *kinds)) for name, kinds in _CITED.items()}


def _online_phrase(attempt: Attempt) -> str:
    """« le téléservice ANEF a affiché le message « … » (étape « … ») »."""
    detail = detail_of(attempt)
    step = f" à l'étape « {detail.step.strip()} »" if detail and detail.step.strip() else ""
    message = detail.message.strip() if detail else ""
    if message:
        return f"connexion au téléservice ANEF : message « {message} »{step}"
    if attempt.outcome == Outcome.CLOSED:
        return f"connexion au téléservice ANEF : service indisponible{step}"
    return f"connexion au téléservice ANEF : le dépôt n'a pas abouti{step}"


# How the contact centre was reached, with the noun's gender for the outcome's agreement.
_CCC_VIA = {
    "phone": ("appel au centre de contact citoyens", ""),
    "form": ("demande au centre de contact citoyens par le formulaire de contact", "e"),
    "email": ("courriel au centre de contact citoyens", ""),
    "": ("demande au centre de contact citoyens", "e"),
}
_CCC_OUTCOMES = {
    Outcome.ANSWERED: "réponse reçue",
    Outcome.NO_ANSWER: "resté{e} sans réponse",
    Outcome.REFUSED: "aide refusée",
    Outcome.SENT: "envoyé{e}",
}
_PAN_OUTCOMES = {
    Outcome.REFUSED: "le dépôt de la demande n'a pas pu aboutir",
    Outcome.NO_ANSWER: "aucun agent n'a pu l'aider",
    Outcome.ANSWERED: "une réponse lui a été donnée",
}
_PURPOSES = {
    "substitute": "demandant l'enregistrement de la demande par la solution de substitution",
    "attestation": "demandant l'attestation de prolongation de l'instruction ou le récépissé",
}


def _ccc_phrase(attempt: Attempt, detail: AttemptDetail | None, proven: bool) -> str:
    noun, e = _CCC_VIA[detail.via if detail else ""]
    ticket = f" (ticket n° {detail.ticket})" if detail and detail.ticket else ""
    outcome = _CCC_OUTCOMES.get(Outcome(attempt.outcome), "").format(e=e)
    phrase = f"{noun}{ticket}" + (f", {outcome}" if outcome else "")
    if proven and detail and detail.certifies_impossibility:
        phrase += ", la réponse attestant l'impossibilité de déposer la demande en ligne"
    return phrase


def _pan_phrase(attempt: Attempt, detail: AttemptDetail | None, proven: bool) -> str:
    site = detail.site if detail else None
    where = f"de la {in_sentence(site.name)}" if site else "de la préfecture"
    phrase = f"visite au point d'accueil numérique {where}"
    if detail and detail.witnessed:
        phrase += ", en présence d'un témoin"
    outcome = _PAN_OUTCOMES.get(Outcome(attempt.outcome))
    phrase += f" : {outcome}" if outcome else ""
    if proven and detail and detail.certifies_impossibility:
        phrase += " ; un document remis atteste l'impossibilité de déposer la demande en ligne"
    return phrase


def _contact_phrase(attempt: Attempt, proven: bool) -> str:
    """The step in ANEF words. What an answer or a document certifies is said only when its
    file is produced (``proven``): a declared step never claims a certificate nobody has seen."""
    detail = detail_of(attempt)
    if attempt.channel == Channel.CCC:
        return _ccc_phrase(attempt, detail, proven)
    if attempt.channel == Channel.PAN:
        return _pan_phrase(attempt, detail, proven)
    purpose = _PURPOSES.get(detail.purpose if detail else "")
    if purpose and attempt.channel == Channel.EMAIL:
        return f"courriel au service des étrangers de la préfecture {purpose}"
    if purpose and attempt.channel == Channel.LETTER and attempt.outcome == Outcome.SENT:
        return f"lettre recommandée avec accusé de réception à la préfecture {purpose}"
    return describe(attempt)


def anef_rows(
    attempts: Sequence[Attempt],
    exhibits: Sequence[Exhibit],
    zone: ZoneInfo,
    evidence: Mapping[int, Evidence] | None = None,
) -> list[dict[str, Any]]:
    """The attempts the requête lists, in ANEF words, dated, with their exhibit number and
    their evidence state (``creneau.evidence.states``: the words every document uses)."""
    numbers = exhibit_of(exhibits)
    listed = [attempt for attempt in attempts if is_listed(attempt)]
    found = evidence if evidence is not None else evidence_of(listed)
    return [
        {
            "id": attempt.pk,
            "when": french_datetime(attempt.at, zone),
            "description": _online_phrase(attempt)
            if attempt.channel == Channel.ONLINE
            else _contact_phrase(attempt, found[attempt.pk].has_file),
            "exhibit": numbers.get(attempt.pk),
            "state": str(found[attempt.pk].state),
            "state_label": found[attempt.pk].label,
            "proven": found[attempt.pk].has_file,
            "proof": proof_phrase(found[attempt.pk], zone),
        }
        for attempt in listed
    ]


def _journey(case: Case) -> dict[str, Any]:
    journey = AnefJourney.objects.filter(case=case).first()
    if journey is None:
        return {"created_on": "", "demarche": "", "number": "", "provisional": ""}
    return {
        "created_on": french_date(journey.account_created_on) if journey.account_created_on else "",
        "demarche": journey.demarche.strip(),
        "number": journey.demarche_number.strip(),
        "provisional": journey.provisional,
        "provisional_until": french_date(journey.provisional_until)
        if journey.provisional_until
        else "",
    }


def _window(
    case: Case, attempts: Sequence[Attempt], zone: ZoneInfo, exhibits: Sequence[Exhibit]
) -> dict[str, str]:
    """The first step taken between the 120th and the 60th day before expiry (R. 431-5 CESEDA,
    titles on the ANEF list), with its exhibit; empty when the facts do not show it."""
    expires = case.title_expires_on
    if case.procedure_kind != "renewal" or expires is None:
        return {}
    thresholds = configured_thresholds()
    opens = expires - datetime.timedelta(days=thresholds.whole("renewal_window_anef_days"))
    closes = expires - datetime.timedelta(days=thresholds.whole("renewal_window_other_days"))
    return first_inside(attempts, opens, closes, zone, exhibits)


def _route_text(route: FilingRoute, context: dict[str, Any]) -> dict[str, Any]:
    """What the requête may say about why the démarche is on the téléservice."""
    found = route.catalog
    listed = found is not None and found.channel == "anef"
    if listed and found is not None and found.reference:
        context["cited"].append(found.reference)
    return {
        "listed": listed,
        "text": found.text if listed and found is not None else "",
        # Whether the title is on the list is not established: the prefect's power is argued
        # both ways (R. 431-2 if it is, CE avis n° 461694 if it is not).
        "unknown_list": not listed,
    }


def _conclusions(options: dict[str, Any]) -> dict[str, Any]:
    days = options["register_within"]
    return {
        "register_days": f"{days}\u00a0jour" if days == 1 else f"{days}\u00a0jours",
        "astreinte": euros(options["astreinte"]) if options["astreinte"] else "",
        "costs": euros(options["costs"]) if options["costs"] else "",
        "legal_aid": options["legal_aid"],
    }


def _anef_warnings(
    case: Case, route: FilingRoute, assessment: Assessment, options: dict[str, Any]
) -> list[str]:
    warnings = _warnings(case, assessment, options)
    if not route.verified:
        warnings.append(
            "Voie ANEF à confirmer avant le dépôt (la requête la présente comme établie) : "
            f"{route.reason}"
        )
    given = [name for name in _BOOKING_ONLY if options.get(name) != REQUETE_OPTIONS[name].default]
    if given:
        warnings.append(
            f"Options sans effet pour une démarche sur le téléservice : {', '.join(given)} "
            "(utiliser register_within)."
        )
    return warnings


def _anef_missing(
    case: Case, context: dict[str, Any], exhibits: Sequence[Exhibit], journey: dict[str, Any]
) -> list[str]:
    missing = [
        item
        for item in _missing(case, context, exhibits, {})
        if not item.startswith("objet de la requête à adapter")
    ]
    if not journey["demarche"]:
        missing.append("intitulé de la démarche engagée sur l'ANEF (page « Parcours ANEF »)")
    return missing


def build_requete_anef_context(case: Case, **given: object) -> dict[str, Any]:
    options = parse_options(ANEF_OPTIONS, given)
    today: datetime.date = options["date"] or timezone.localdate()
    check_residence(case, options["confirm_department"])
    assessment = assess_case(case, today=today)
    check_route(assessment, options)
    zone = case.department.zone
    attempts = list(case.attempts.select_related("detail", "detail__site"))
    evidence = evidence_of(attempts)
    proven, declared = split_by_proof(attempts, evidence)
    exhibits = exhibits_for(case)
    route = filing_route(case)
    context = common_context(case, options)
    journey = _journey(case)
    extra = _extra_documents(exhibits)
    refs = _refs(exhibits)
    context["missing"] = _anef_missing(case, context, exhibits, journey)
    filed = case.application_filed_on
    return context | {
        "template": "requete_anef",
        # Every number and fact below comes from the exhibits: steps a file proves are
        # « justified », the others only « declared » (and said to be), as in the booking one.
        "attempts": anef_rows(proven, exhibits, zone, evidence),
        "declared_attempts": anef_rows(declared, exhibits, zone, evidence),
        "summary": summary(proven, zone),
        "declared": summary(declared, zone),
        "diligences": diligences(attempts, evidence, exhibits, zone),
        "journey": journey,
        "filed_on": french_date(filed) if filed else "",
        "route": _route_text(route, context),
        "exhibits": exhibits,
        "refs": refs,
        "extra_documents": extra,
        "renewal_window": _window(case, proven, zone, exhibits),
        "urgency": _urgency(case, today, options, extra, refs),
        "decision": _decision(case, assessment),
        "conclusions": _conclusions(options),
        "circumstances_missing": not text(case.particular_circumstances),
        "warnings": _anef_warnings(case, route, assessment, options),
    }
