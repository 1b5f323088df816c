"""The requête en référé « mesures utiles » (article L. 521-3 CJA): its context, checked first.

Refused (``MissingInformationError``, a French message naming what to do):

* the person's address is in another département than the case's — the competent prefect, and
  so the tribunal, are those of the residence — unless the case's département is confirmed
  (``department_confirmed``, or ``--option confirm_department=oui`` for one document);
* the route is not the référé mesures utiles because a decision exists (assessment.route),
  unless overridden for that reason (``despite_oqtf``, ``despite_decision``): the requête then
  says so instead of claiming that no decision exists.

Produced with warnings (printed beside the document, listed in the bundle): evidence that cannot
yet carry the requête, references nobody has checked, costs asked without a lawyer…
"""

import datetime
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from creneau.assessment.route import RouteKind, add_months
from creneau.assessment.services import assess_case
from creneau.assessment.verdict import Assessment
from creneau.cases.filing import filing_route
from creneau.cases.models import Attempt, Case
from creneau.catalog.legal import citation
from creneau.catalog.models import Department, FilingChannel
from creneau.catalog.postcodes import department_of_address, postcode_in
from creneau.documents.context import (
    attempt_rows,
    common_context,
    gender_of,
    missing_prefecture_address,
    split_by_proof,
    summary,
    text,
)
from creneau.documents.errors import MissingInformationError
from creneau.documents.exhibits import (
    Exhibit,
    exhibit_of,
    exhibits_for,
    is_listed,
    numbers_of,
    to_add,
)
from creneau.documents.french import euros, exhibit_numbers, french_date, paris, short_date
from creneau.documents.injunction import recorded_injunction
from creneau.documents.options import (
    COMMON,
    Option,
    as_bool,
    as_date,
    as_int,
    as_text,
    parse_options,
)
from creneau.evidence.states import Evidence, State, evidence_of

REQUETE_OPTIONS = COMMON | {
    "communicate_within": Option(as_int, 8, "jours pour communiquer une date de rendez-vous"),
    "appointment_within": Option(as_int, 15, "jours dans lesquels le rendez-vous doit avoir lieu"),
    "astreinte": Option(as_int, 100, "euros par jour de retard, 0 pour ne pas en demander"),
    "costs": Option(as_int, 0, "euros demandés au titre des frais de procédure, 0 pour aucun"),
    "legal_aid": Option(as_bool, False, "demander l'aide juridictionnelle provisoire (oui/non)"),
    "undocumented": Option(as_bool, False, "la personne est sans titre de séjour (oui/non)"),
    "despite_oqtf": Option(as_bool, False, "produire la requête malgré une OQTF non exécutée"),
    "despite_decision": Option(
        as_bool, False, "produire la requête malgré un refus (explicite ou implicite) connu"
    ),
    "confirm_department": Option(
        as_bool, False, "confirmer le département du dossier malgré l'adresse (domiciliation…)"
    ),
    "previous_rejection_date": Option(as_date, None, "date de l'ordonnance de rejet (AAAA-MM-JJ)"),
    "previous_rejection_number": Option(as_text, "", "numéro de l'ordonnance de rejet"),
    "previous_rejection_reasons": Option(as_text, "", "motifs du rejet, tels que l'ordonnance"),
}
# Kinds of exhibits the requête cites by number (« pièce n° 4 »).
_CITED_KINDS = {
    "identity": ("identity",),
    "title": ("residence_title",),
    "address": ("address",),
    "channel": ("channel",),
    "screenshots": ("screenshots",),
    "written": ("email", "letter"),
    "counter": ("counter",),
    "other_channels": ("ccc", "ddd"),
    "journal": ("journal",),
    "timeline": ("timeline",),
    "employment": ("employment",),
    "schooling": ("schooling",),
    "benefits": ("benefits",),
    "urgency": ("urgency",),
    "application": ("application",),
}


def residence_mismatch(case: Case) -> tuple[str, str] | None:
    """(postcode, département code) of the address when it is not the case's département."""
    address = text(case.person.address)
    found = department_of_address(address)
    if found is None or found == case.department.code:
        return None
    return postcode_in(address), found


def check_residence(case: Case, confirmed: bool) -> None:
    mismatch = residence_mismatch(case)
    if mismatch is None or confirmed or case.department_confirmed:
        return
    postcode, code = mismatch
    other = Department.objects.filter(code=code).first()
    there = f"{other.name} ({code})" if other else f"département {code}"
    here = f"{case.department.name} ({case.department.code})"
    raise MissingInformationError(
        f"L'adresse de la personne ({postcode}) est en {there}, mais le dossier "
        f"{case.reference} vise le département {here} : le préfet compétent, et donc le "
        f"tribunal, sont ceux du lieu de résidence ({citation('cja_r312_1')}). Corrigez le "
        "département du dossier ; ou, si l'adresse ne désigne pas la résidence (domiciliation, "
        "adresse de correspondance…), confirmez le département : case « résidence confirmée "
        "malgré l'adresse » du dossier, ou --option confirm_department=oui."
    )


def check_channel(case: Case) -> str:
    """The case's filing route; a prescribed postal filing needs no appointment to ask for."""
    route = filing_route(case)
    if route.channel == FilingChannel.POST:
        raise MissingInformationError(
            f"Pour le dossier {case.reference}, la demande se dépose par voie postale "
            f"({route.reason}) : elle ne suppose aucun rendez-vous, et une requête demandant "
            "au juge d'en faire fixer un n'aurait pas d'objet. Envoyez la demande par lettre "
            "recommandée avec accusé de réception ; si elle reste sans réponse, le silence "
            f"gardé vaut rejet implicite au terme du délai de l'{citation('ceseda_r432_2')}, "
            "et la note de synthèse pour un·e avocat·e (document « summary ») réunit les faits "
            "et les pièces. Si la préfecture exige en réalité un rendez-vous, corrigez la voie "
            "de dépôt du dossier."
        )
    return str(route.channel)


def check_route(assessment: Assessment, options: dict[str, Any]) -> None:
    route = assessment.route
    if route.kind != RouteKind.NOT_MESURES_UTILES:
        return
    override = "despite_oqtf" if route.code == "unexecuted_oqtf" else "despite_decision"
    if options[override]:
        return
    raise MissingInformationError(
        f"La requête en référé « mesures utiles » n'est pas la bonne voie pour ce dossier : "
        f"{route.reason} La note de synthèse pour un·e avocat·e (document « summary ») réunit "
        f"les faits et les pièces. Pour produire la requête malgré tout, après en avoir décidé "
        f"avec un·e juriste : --option {override}=oui."
    )


def _refs(exhibits: Sequence[Exhibit]) -> dict[str, str]:
    return {
        name: exhibit_numbers(numbers_of(exhibits, *kinds)) for name, kinds in _CITED_KINDS.items()
    }


def _extra_documents(exhibits: Sequence[Exhibit]) -> list[dict[str, str]]:
    """Schooling and other urgency documents, each cited with its own label."""
    kinds = {"schooling", "urgency"}
    return [
        {"label": e.label, "ref": exhibit_numbers([e.number])}
        for e in exhibits
        if e.kind in kinds and e.provided
    ]


def _urgency(
    case: Case,
    today: datetime.date,
    options: dict[str, Any],
    extra: list[dict[str, str]],
    refs: dict[str, str],
) -> dict[str, Any]:
    expires = case.title_expires_on
    circumstances = [p.strip() for p in text(case.particular_circumstances).split("\n")]
    # A person under an OQTF is not « exposed » to one: the requête says what exists.
    undocumented = options["undocumented"] and not case.unexecuted_oqtf
    title = case.procedure_kind == "renewal" and expires is not None
    return {
        "expired": bool(expires and expires < today),
        "employment": case.employment,
        "social_benefits": case.social_benefits,
        "circumstances": [p for p in circumstances if p],
        "undocumented": undocumented,
        "oqtf": case.unexecuted_oqtf,
        # Whether the list of grounds has at least one item (else only the free text follows).
        "listed": any((title, case.employment, case.social_benefits, extra, undocumented)),
        # « justifie » only when each listed fact cites its pièce; otherwise « fait valoir ».
        "proven": all(
            (
                not title or refs["title"],
                not case.employment or refs["employment"],
                not case.social_benefits or refs["benefits"],
            )
        ),
    }


def _renewal_window(
    case: Case, attempts: Sequence[Attempt], zone: ZoneInfo, exhibits: Sequence[Exhibit] = ()
) -> dict[str, Any]:
    """The first attempt made in the two months before expiry (R. 431-5 CESEDA, titles not filed
    online), with the exhibit proving it: the person acted in time. Empty when the facts do not
    show it."""
    expires = case.title_expires_on
    if case.procedure_kind != "renewal" or expires is None:
        return {}
    opens = add_months(expires, -2)
    return first_inside(attempts, opens, expires, zone, exhibits)


def first_inside(
    attempts: Sequence[Attempt],
    opens: datetime.date,
    closes: datetime.date,
    zone: ZoneInfo,
    exhibits: Sequence[Exhibit] = (),
) -> dict[str, Any]:
    """The first listed attempt made between ``opens`` and ``closes`` (included): its day, and
    the exhibit that proves it (``""`` when none does); empty when there is none."""
    inside = sorted(
        (a for a in attempts if is_listed(a) and opens <= paris(a.at, zone).date() <= closes),
        key=lambda a: (a.at, a.pk or 0),
    )
    if not inside:
        return {}
    number = exhibit_of(exhibits).get(inside[0].pk)
    before = sorted(paris(a.at, zone).date() for a in attempts if is_listed(a))
    return {
        "first": french_date(paris(inside[0].at, zone).date()),
        "opens": french_date(opens),
        "ref": exhibit_numbers([number]) if number else "",
        # The person began earlier: the requête must not say every step was in the window.
        "earlier": french_date(before[0]) if before and before[0] < opens else "",
    }


def _conclusions(options: dict[str, Any], renewal: bool) -> dict[str, Any]:
    return {
        "communicate_within": options["communicate_within"],
        "appointment_within": options["appointment_within"],
        "communicate_days": _days(options["communicate_within"]),
        "appointment_days": _days(options["appointment_within"]),
        "subsidiary": renewal,
        "astreinte": euros(options["astreinte"]) if options["astreinte"] else "",
        "costs": euros(options["costs"]) if options["costs"] else "",
        "legal_aid": options["legal_aid"],
    }


def _days(count: int) -> str:
    return f"{count}\u00a0jour" if count == 1 else f"{count}\u00a0jours"


def _previous_rejection(options: dict[str, Any], proof: "_Proof", zone: ZoneInfo) -> dict[str, Any]:
    """What a new requête says about the earlier rejection; empty when there was none."""
    rejected_on: datetime.date | None = options["previous_rejection_date"]
    if rejected_on is None:
        return {}
    reasons = text(options["previous_rejection_reasons"])
    return {
        "date": french_date(rejected_on),
        "number": options["previous_rejection_number"],
        "reasons": [line.strip() for line in reasons.splitlines() if line.strip()],
        "since": summary(_after(proof.proven, rejected_on, zone), zone),
        "declared_since": summary(_after(proof.declared, rejected_on, zone), zone),
    }


def _after(attempts: list[Attempt], day: datetime.date, zone: ZoneInfo) -> list[Attempt]:
    return [a for a in attempts if paris(a.at, zone).date() > day]


class _Proof:
    """The case's attempts split by what proves them (``creneau.evidence.states``)."""

    def __init__(self, attempts: list[Attempt]) -> None:
        self.evidence: dict[int, Evidence] = evidence_of(attempts)
        # A screenshot that shows something else is not produced: the attempt stays declared.
        self.proven, self.declared = split_by_proof(attempts, self.evidence)

    def timestamped_online(self) -> int:
        """Fruitless online attempts Créneau witnessed whose token verifies."""
        return sum(
            a.channel == "online"
            and is_listed(a)
            and self.evidence[a.pk].state == State.TIMESTAMPED
            for a in self.proven
        )


def _decision(case: Case, assessment: Assessment) -> dict[str, Any]:
    """The decisions section 4 must name when the requête is produced despite them."""
    route = assessment.route
    refused = route.code in {"explicit_refusal", "implicit_rejection"}
    return {
        "oqtf": case.unexecuted_oqtf,
        "refused_on": short_date(route.decision_on) if refused and route.decision_on else "",
        "implicit": route.code == "implicit_rejection",
        "filed_on": french_date(case.application_filed_on) if case.application_filed_on else "",
    }


def _missing(
    case: Case,
    context: dict[str, Any],
    exhibits: Sequence[Exhibit],
    previous: dict[str, Any],
) -> list[str]:
    refs = _refs(exhibits)
    missing = list(context["missing"]) + missing_prefecture_address(context)
    missing += [f"pièce n° {e.number} à joindre ({e.label})" for e in to_add(exhibits)]
    if previous:
        missing.append("réponse aux motifs de l'ordonnance de rejet")
    first = context["procedure"]["first_application"]
    if first and not text(case.particular_circumstances) and not _has_stakes(case, refs):
        missing.append("circonstances particulières justifiant l'urgence")
    if case.unexecuted_oqtf:
        missing.append("circonstances nouvelles depuis l'obligation de quitter le territoire")
    if case.employment and not refs["employment"]:
        missing.append("justificatif de la situation professionnelle (contrat, bulletins de paie)")
    if case.social_benefits and not refs["benefits"]:
        missing.append("justificatif des droits sociaux (notification CAF, France Travail…)")
    if case.application_filed_on:
        missing.append(
            "objet de la requête à adapter : une demande a déjà été déposée (récépissé, "
            "attestation de prolongation)"
        )
    return missing


def _has_stakes(case: Case, refs: dict[str, str]) -> bool:
    return bool(case.employment or case.social_benefits or refs["schooling"] or refs["urgency"])


def _warnings(case: Case, assessment: Assessment, options: dict[str, Any]) -> list[str]:
    warnings = []
    route = assessment.route
    if route.kind == RouteKind.PREMATURE:
        warnings.append(f"Trop tôt pour déposer cette requête : {route.reason}")
    elif route.kind == RouteKind.NOT_MESURES_UTILES:
        warnings.append(f"Requête produite malgré l'avertissement suivant : {route.reason}")
    if gender_of(case, options) not in {"f", "m"}:
        warnings.append(
            "Genre de la personne non indiqué : la requête écrit « né(e) », « la partie "
            "requérante » et reprend son nom par « elle ». Indiquez-le (fiche de la personne, "
            "ou --option gender=f|m) pour que les accords soient justes."
        )
    pending = recorded_injunction(case)
    if pending is not None and pending.settled_on is None:
        warnings.append(
            f"Une ordonnance du {french_date(pending.on)} a déjà enjoint au préfet d'agir : "
            "tant qu'elle n'est pas exécutée, la voie est la demande d'exécution (document "
            f"« execution », {citation('cja_l911_4')}), pas une nouvelle requête."
        )
    if options["costs"]:
        warnings.append(
            f"Frais ({citation('cja_l761_1')}) : sans avocat, ils sont permis mais rarement "
            "accordés, et seulement pour des frais réellement exposés (copies, envois, "
            "déplacements) : gardez-en les justificatifs pour les produire."
        )
    return warnings


def build_requete_context(case: Case, **given: object) -> dict[str, Any]:
    options = parse_options(REQUETE_OPTIONS, given)
    today: datetime.date = options["date"] or timezone.localdate()
    check_residence(case, options["confirm_department"])
    channel = check_channel(case)
    assessment = assess_case(case, today=today)
    check_route(assessment, options)
    zone = case.department.zone
    proof = _Proof(list(case.attempts.all()))
    exhibits = exhibits_for(case)
    refs = _refs(exhibits)
    context = common_context(case, options)
    previous = _previous_rejection(options, proof, zone)
    context["missing"] = _missing(case, context, exhibits, previous)
    return context | {
        # Every number and fact below comes from the exhibits: attempts a file proves are
        # « justified », the others are only « declared » (and said to be).
        "attempts": attempt_rows(proof.proven, exhibits, zone, proof.evidence),
        "declared_attempts": attempt_rows(proof.declared, exhibits, zone, proof.evidence),
        "summary": summary(proof.proven, zone),
        "declared": summary(proof.declared, zone),
        "timestamped_online": proof.timestamped_online(),
        "exhibits": exhibits,
        "refs": refs,
        "extra_documents": _extra_documents(exhibits),
        "online": any(e.kind == "channel" for e in exhibits),
        "form": channel == FilingChannel.FORM,
        "renewal_window": _renewal_window(case, proof.proven, zone, exhibits),
        "urgency": _urgency(case, today, options, _extra_documents(exhibits), refs),
        "decision": _decision(case, assessment),
        "conclusions": _conclusions(options, case.procedure_kind == "renewal"),
        "previous_rejection": previous,
        "warnings": _warnings(case, assessment, options),
    }
