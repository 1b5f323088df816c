"""The two letters of the ANEF journey: to the contact centre, and to the prefecture.

* ``ccc``: the message to the centre de contact citoyens (its contact form, or an e-mail): what
  blocks, since when, and the request for help — or, if the démarche cannot be completed online,
  for an e-mail certifying it, the proof the substitute route asks for.
* ``substitution``: the request to the prefecture to register the application by the substitute
  route of article R. 431-2 CESEDA (or, when the application was filed, to issue the attestation
  de prolongation). For an ANEF case, the ``email`` and ``letter`` kinds are this request, so
  « Écrire à la préfecture » sends the right words.
"""

from typing import Any

from creneau.cases.filing import filing_route
from creneau.cases.models import Case, Channel
from creneau.documents.context import common_context, missing_prefecture_address
from creneau.documents.errors import MissingInformationError
from creneau.documents.french import french_date
from creneau.documents.options import COMMON, parse_options
from creneau.documents.requete_anef import _journey, _route_text, anef_rows


def _rows(case: Case, channels: set[str]) -> list[dict[str, Any]]:
    attempts = case.attempts.select_related("detail", "detail__site").filter(channel__in=channels)
    return anef_rows(list(attempts), (), case.department.zone)


def _anef_context(case: Case, given: dict[str, object]) -> dict[str, Any]:
    options = parse_options(dict(COMMON), given)
    context = common_context(case, options)
    filed = case.application_filed_on
    blockings = _rows(case, {Channel.ONLINE})
    contacts = _rows(case, {Channel.CCC, Channel.PAN})
    written = _rows(case, {Channel.EMAIL, Channel.LETTER})
    listed = blockings + contacts + written
    return context | {
        "route": _route_text(filing_route(case), context),
        "journey": _journey(case),
        "filed_on": french_date(filed) if filed else "",
        "blockings": blockings,
        "contacts": contacts,
        "written": written,
        # « Je conserve la preuve de chacune » only when a file proves each step listed.
        "all_proven": bool(listed) and all(row["proven"] for row in listed),
    }


def _check_anef(case: Case, what: str) -> None:
    route = filing_route(case)
    if not route.is_anef:
        raise MissingInformationError(
            f"Le dossier {case.reference} ne passe pas par le téléservice ANEF ({route.label}) : "
            f"{what} ne le concerne pas. Si la page de la préfecture indique le téléservice, "
            "choisir la voie « téléservice ANEF » pour ce dossier."
        )


def build_ccc_context(case: Case, **given: object) -> dict[str, Any]:
    _check_anef(case, "le message au centre de contact citoyens")
    context = _anef_context(case, given)
    name = context["person"]["full_name"]
    subject = f"Impossibilité de déposer ma demande sur l'ANEF – {name}"
    return context | {"subject": subject, "document_title": "Message au centre de contact"}


def build_substitution_context(case: Case, **given: object) -> dict[str, Any]:
    _check_anef(case, "la demande de solution de substitution")
    context = _anef_context(case, given)
    procedure, name = context["procedure"], context["person"]["full_name"]
    what = (
        "Demande d'attestation de prolongation de l'instruction"
        if context["filed_on"]
        else "Demande d'enregistrement par la solution de substitution"
    )
    return context | {
        "subject": f"{what} – {procedure['subject']} – {name}",
        "template": "substitution",
        "document_title": what,
    }


def build_substitution_letter_context(case: Case, **given: object) -> dict[str, Any]:
    context = build_substitution_context(case, **given)
    context["missing"] += missing_prefecture_address(context)
    return context | {"template": "substitution_letter"}


def anef_purpose(case: Case) -> str:
    """What a written request of this ANEF case asks for (``AttemptDetail.purpose``)."""
    return "attestation" if case.application_filed_on else "substitute"
