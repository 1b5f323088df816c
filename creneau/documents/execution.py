"""The demande d'exécution of an injunction (article L. 911-4 CJA): never before its time.

When the order fixed a time limit, the request can only be made once it has run out (article
R. 921-1-1 CJA): an injunction notified on 1 December with 15 days leaves the prefect until
16 December included, so the request can be filed from 17 December; asked earlier, the
document is refused with that date. The order comes from the options or, by default, from the
case's latest injunction recorded at court (``cases.CourtEvent``).
"""

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from creneau.cases.filing import is_anef
from creneau.catalog.legal import citation
from creneau.documents.context import attempt_rows, common_context
from creneau.documents.errors import MissingInformationError
from creneau.documents.french import euros, french_date, paris
from creneau.documents.injunction import Injunction, recorded_injunction
from creneau.documents.options import COMMON, Option, as_date, as_int, as_text, parse_options
from creneau.documents.requete_anef import anef_rows

if TYPE_CHECKING:
    from creneau.cases.models import Case

EXECUTION_OPTIONS = COMMON | {
    "ordonnance_date": Option(
        as_date, None, "date de l'ordonnance (AAAA-MM-JJ), la dernière injonction notée sinon"
    ),
    "ordonnance_number": Option(as_text, "", "numéro de l'ordonnance"),
    "deadline_days": Option(as_int, None, "délai en jours fixé par l'ordonnance"),
    "notified_on": Option(as_date, None, "date de notification de l'ordonnance (AAAA-MM-JJ)"),
    "astreinte": Option(as_int, None, "euros par jour de retard (100 par défaut), 0 pour aucune"),
}
DEFAULT_ASTREINTE = 100


def _from_options(options: dict[str, Any]) -> Injunction | None:
    if options["ordonnance_date"] is None:
        return None
    return Injunction(
        on=options["ordonnance_date"],
        number=options["ordonnance_number"],
        deadline_days=options["deadline_days"],
        notified_on=options["notified_on"],
    )


def _injunction(case: "Case", options: dict[str, Any]) -> Injunction:
    found = _from_options(options) or recorded_injunction(case)
    if found is None:
        raise MissingInformationError(
            f"Aucune ordonnance d'injonction n'est notée pour le dossier {case.reference} : "
            "notez-la (page « Tribunal » : date, numéro, délai, date de notification) ou "
            "donnez --option ordonnance_date=AAAA-MM-JJ --option ordonnance_number=… "
            "--option deadline_days=… --option notified_on=AAAA-MM-JJ."
        )
    if found.settled_on is not None:
        raise MissingInformationError(
            f"Un rendez-vous a été proposé (ou un non-lieu constaté) le "
            f"{french_date(found.settled_on)}, après l'ordonnance du {french_date(found.on)} : "
            "une demande d'exécution affirmerait à tort qu'aucun rendez-vous n'a été fixé."
        )
    return found


def check_deadline(injunction: Injunction, today: datetime.date) -> None:
    """Refuse a request made before the time limit the order fixed has run out."""
    last = injunction.last_day
    if last is None or today > last:
        return
    counted = (
        f"notification du {french_date(injunction.notified_on)}"
        if injunction.notified_on
        else f"ordonnance du {french_date(injunction.on)}, date de notification inconnue"
    )
    first = last + datetime.timedelta(days=1)
    raise MissingInformationError(
        f"Trop tôt : l'ordonnance du {french_date(injunction.on)} laisse au préfet "
        f"{injunction.deadline_days} jours à compter de sa notification ({counted}), soit "
        f"jusqu'au {french_date(last)} inclus. La demande d'exécution ne peut être présentée "
        f"qu'à l'expiration de ce délai ({citation('cja_r921_1_1')}) : à partir du "
        f"{french_date(first)}."
    )


def build_execution_context(case: "Case", **given: object) -> dict[str, Any]:
    options = parse_options(EXECUTION_OPTIONS, given)
    today: datetime.date = options["date"] or timezone.localdate()
    injunction = _injunction(case, options)
    check_deadline(injunction, today)
    zone = case.department.zone
    attempts = case.attempts.select_related("detail", "detail__site")
    since = [a for a in attempts if paris(a.at, zone).date() > injunction.on]
    anef = is_anef(case)
    astreinte = options["astreinte"]
    # An astreinte the order already pronounced is liquidated (L. 911-7), not pronounced again.
    ordered = injunction.astreinte or 0
    if astreinte is None:
        astreinte = 0 if ordered else DEFAULT_ASTREINTE
    last = injunction.last_day
    context = common_context(case, options)
    if not injunction.number:
        context["missing"].append("numéro de l'ordonnance")
    if last is not None and injunction.notified_on is None:
        # The time limit runs from the notification: from the order's date, the day it ran out
        # would be a guess (too early if the order was notified later). Left to fill in.
        context["missing"] += ["date de notification de l'ordonnance", "date d'expiration du délai"]
        last = None
    return context | {
        "ordonnance": {
            "date": french_date(injunction.on),
            "number": injunction.number,
            "days": str(injunction.deadline_days) if injunction.deadline_days else "",
            "notified_on": french_date(injunction.notified_on) if injunction.notified_on else "",
            "expired_on": french_date(last) if last else "",
        },
        # In the words of the route: ANEF blockings and contacts, or booking attempts.
        "attempts_since": anef_rows(since, (), zone) if anef else attempt_rows(since, zone=zone),
        "astreinte": euros(astreinte) if astreinte else "",
        "ordered_astreinte": euros(ordered) if ordered else "",
        # An ANEF case: the order was about registering the application, not an appointment.
        "anef": anef,
        "filed": case.application_filed_on is not None,
    }
