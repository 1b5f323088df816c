"""Which court route fits the case: the référé « mesures utiles », not yet, or not at all.

The référé « mesures utiles » (article L. 521-3 CJA) orders a measure « sans faire obstacle à
l'exécution d'aucune décision administrative »: it fits a person who cannot even lodge an
application, not one whose application was refused. So:

* a decision exists (an express refusal; four months of silence on a lodged application, which
  is an implicit refusal even when récépissés or attestations were issued; an unexecuted OQTF,
  where the Conseil d'État finds no urgency) → ``not_mesures_utiles``: the contest of that
  decision (annulment with a référé-suspension, L. 521-1, or a référé-liberté, L. 521-2) is to
  be examined case by case with a jurist or a lawyer, as the associations' note says;
* the route fits but it is too early (the renewal cannot be lodged yet, or the evidence cannot
  yet carry the requête) → ``mesures_utiles_premature``;
* otherwise → ``mesures_utiles``.

Pure: a function of the frozen facts and of the verdict's fatal reasons.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from creneau.assessment.facts import CaseFacts
from creneau.catalog.legal import citation, citations


class RouteKind(StrEnum):
    MESURES_UTILES = "mesures_utiles"
    PREMATURE = "mesures_utiles_premature"
    NOT_MESURES_UTILES = "not_mesures_utiles"


@dataclass(frozen=True)
class Route:
    kind: RouteKind
    code: str  # why: no_decision, application_pending, evidence_insufficient, …
    reason: str  # French, for the volunteer and the person
    sources: tuple[str, ...]
    decision_on: date | None = None  # the decision that closes the route, when there is one
    next_step: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "sources": list(self.sources),
            "decision_on": self.decision_on.isoformat() if self.decision_on else None,
            "next_step": self.next_step,
        }


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def _lawyer_step() -> str:
    return _(
        "Préparer la note de synthèse pour un·e avocat·e (document « summary ») et prendre "
        "contact vite : les délais de recours contre une décision courent."
    )


def _explicit_refusal(refused_on: date) -> Route:
    reason = _(
        "Une décision de refus a été prise (le %(date)s). Le référé « mesures utiles » ne peut "
        "pas faire obstacle à l'exécution d'une décision (%(l521_3)s) : ce n'est pas la bonne "
        "voie. La contestation du refus — recours en annulation avec un référé-suspension "
        "(%(l521_1)s) ou, en cas d'atteinte grave et manifestement illégale à une liberté "
        "fondamentale, référé-liberté (%(l521_2)s) — s'examine au cas par cas avec un·e "
        "juriste ou un·e avocat·e."
    ) % {
        "date": _day(refused_on),
        "l521_3": citation("cja_l521_3"),
        "l521_1": citation("cja_l521_1"),
        "l521_2": citation("cja_l521_2"),
    }
    sources = tuple(citation(k) for k in ("cja_l521_3", "cja_l521_1", "cja_l521_2"))
    return Route(
        RouteKind.NOT_MESURES_UTILES,
        "explicit_refusal",
        reason,
        sources,
        refused_on,
        _lawyer_step(),
    )


def _implicit_rejection(filed_on: date, born_on: date, months: int) -> Route:
    reason = _(
        "Une demande a été déposée le %(filed)s et n'a pas reçu de réponse : depuis le "
        "%(born)s, après %(months)d mois, ce silence vaut refus implicite (%(r432)s), même si "
        "des récépissés ou des attestations de prolongation ont été remis (%(ce499904)s). Le "
        "référé « mesures utiles » n'est alors plus la bonne voie (%(l521_3)s), sauf si le "
        "dossier déposé était incomplet : le silence vaut alors refus d'enregistrement "
        "(%(ce494718)s). La suite — recours contre le refus implicite avec un "
        "référé-suspension (%(l521_1)s), ou référé-liberté (%(l521_2)s) — s'examine au cas "
        "par cas avec un·e juriste ou un·e avocat·e."
    ) % {
        "filed": _day(filed_on),
        "born": _day(born_on),
        "months": months,
        "r432": citations(["ceseda_r432_1", "ceseda_r432_2"]),
        "ce499904": citation("ce_499904"),
        "l521_3": citation("cja_l521_3"),
        "ce494718": citation("ce_494718"),
        "l521_1": citation("cja_l521_1"),
        "l521_2": citation("cja_l521_2"),
    }
    keys = ("ceseda_r432_2", "ce_499904", "ce_494718", "cja_l521_3", "cja_l521_1", "cja_l521_2")
    return Route(
        RouteKind.NOT_MESURES_UTILES,
        "implicit_rejection",
        reason,
        tuple(citation(k) for k in keys),
        born_on,
        _lawyer_step(),
    )


def _unexecuted_oqtf() -> Route:
    reason = _(
        "Une obligation de quitter le territoire français (OQTF) n'a pas été exécutée : le "
        "Conseil d'État juge qu'il n'y a alors pas d'urgence (%(ce453391)s), et le référé « "
        "mesures utiles » ne peut pas faire obstacle à son exécution (%(l521_3)s). Ce n'est en "
        "principe pas la bonne voie : la situation s'examine avec un·e juriste ou un·e "
        "avocat·e avant toute démarche."
    ) % {"ce453391": citation("ce_453391"), "l521_3": citation("cja_l521_3")}
    return Route(
        RouteKind.NOT_MESURES_UTILES,
        "unexecuted_oqtf",
        reason,
        (citation("ce_453391"), citation("cja_l521_3")),
        next_step=_(
            "Ne pas se présenter au guichet de la préfecture avant d'en avoir parlé avec une "
            "association ou un·e avocat·e : des personnes sous OQTF y ont été interpellées."
        ),
    )


def _window_not_open(expires_on: date, opens_on: date) -> Route:
    reason = _(
        "Le titre expire le %(expires)s : le dépôt du renouvellement n'est possible qu'à partir "
        "du %(opens)s (%(r431_5)s ; délai le plus long, celui des titres demandés en ligne). "
        "Avant cette date, le juge pourrait estimer qu'il n'y a pas encore d'urgence."
    ) % {
        "expires": _day(expires_on),
        "opens": _day(opens_on),
        "r431_5": citation("ceseda_r431_5"),
    }
    return Route(
        RouteKind.PREMATURE, "renewal_window_not_open", reason, (citation("ceseda_r431_5"),)
    )


def _evidence_insufficient(fatal: list[str]) -> Route:
    reason = _(
        "Le référé « mesures utiles » est la voie adaptée, mais les preuves ne suffisent pas "
        "encore : %(reasons)s Une requête déposée maintenant serait très probablement rejetée."
    ) % {"reasons": " ".join(fatal)}
    return Route(RouteKind.PREMATURE, "evidence_insufficient", reason, (citation("ce_435594"),))


def _pending(filed_on: date, born_on: date) -> Route:
    reason = _(
        "Une demande a été déposée le %(filed)s et reste sans réponse : le référé « mesures "
        "utiles » reste possible (par exemple pour obtenir le récépissé ou l'attestation de "
        "prolongation), mais le silence vaudra refus implicite le %(born)s et la voie changera "
        "alors. La requête doit être adaptée à cette situation."
    ) % {"filed": _day(filed_on), "born": _day(born_on)}
    sources = (citation("cja_l521_3"), citation("ceseda_r432_2"))
    return Route(RouteKind.MESURES_UTILES, "application_pending", reason, sources, born_on)


def _open() -> Route:
    reason = _(
        "Aucune décision n'est connue (ni refus, ni demande déposée) : le référé « mesures "
        "utiles » est la voie adaptée pour obtenir un rendez-vous (%(l521_3)s ; %(ce435594)s)."
    ) % {"l521_3": citation("cja_l521_3"), "ce435594": citation("ce_435594")}
    return Route(
        RouteKind.MESURES_UTILES,
        "no_decision",
        reason,
        (citation("cja_l521_3"), citation("ce_435594")),
    )


def route_of(facts: CaseFacts, fatal: list[str], implicit_months: int) -> Route:
    """The route, gravest reason first; ``fatal`` are the texts of the verdict's fatal reasons
    other than the OQTF (which has a route of its own)."""
    if facts.refused_on is not None and facts.refused_on <= facts.today:
        return _explicit_refusal(facts.refused_on)
    filed = facts.application_filed_on
    born = add_months(filed, implicit_months) if filed else None
    if filed and born and facts.today >= born:
        return _implicit_rejection(filed, born, implicit_months)
    if facts.unexecuted_oqtf:
        return _unexecuted_oqtf()
    opens = _window_opens(facts)
    if opens is not None and facts.today < opens and facts.title_expires_on:
        return _window_not_open(facts.title_expires_on, opens)
    if fatal:
        return _evidence_insufficient(fatal)
    if filed and born:
        return _pending(filed, born)
    return _open()


def _window_opens(facts: CaseFacts) -> date | None:
    if facts.procedure_kind != "renewal" or facts.title_expires_on is None:
        return None
    if facts.renewal_window_days is None:
        return None
    return facts.title_expires_on - timedelta(days=facts.renewal_window_days)
