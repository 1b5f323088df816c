"""The case page's timeline: every attempt with its evidence state, why a failed one failed and
what to do, and the periods when the followed page showed slots (what the alerts saw).

A page's shared watcher keeps no attempt of its own (it is not evidence for one case), but the
slots it saw are what the person and the volunteer were alerted about: they appear here beside
the attempts, with what was sent to whom.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creneau.assessment.services import Journal, journal_of
from creneau.cases.models import Attempt, Case, Outcome
from creneau.evidence.states import Evidence
from creneau.notifications.models import AlertLog, SlotEpisode


@dataclass(frozen=True)
class Failure:
    """Why an online attempt proves nothing, in words, and what a volunteer can do."""

    reason: str
    todo: str
    technical: str = ""  # the browser's own words, for whoever maintains the installation


@dataclass
class Entry:
    at: datetime
    kind: str  # "attempt" or "slots"
    attempt: Attempt | None = None
    evidence: Evidence | None = None
    failure: Failure | None = None
    viewable: bool = False  # a file or a sealed capture to open in the evidence viewer
    episode: SlotEpisode | None = None
    alerts: list[AlertLog] = field(default_factory=list)


WHAT_TO_DO: dict[str, tuple[Promise, Promise]] = {
    Outcome.ERROR: (
        gettext_lazy("Le site n'a pas répondu normalement"),
        gettext_lazy(
            "Créneau réessaie à une autre heure et ralentit si le site est surchargé. Si "
            "l'erreur revient à chaque fois, ouvrez la capture : l'adresse de la page a "
            "peut-être changé (« Modifier » le dossier)."
        ),
    ),
    Outcome.UNKNOWN: (
        gettext_lazy(
            "La page n'a été reconnue ni comme « aucun créneau » ni comme une offre de "
            "créneaux : cette tentative n'est pas comptée"
        ),
        gettext_lazy(
            "Ouvrez la capture. Si c'est bien la page de rendez-vous, un·e administrateur·ice "
            "peut vérifier son système dans les réglages de l'organisation."
        ),
    ),
    Outcome.CAPTCHA: (
        gettext_lazy("Le site demande de résoudre un captcha : Créneau ne le résout jamais"),
        gettext_lazy(
            "Faites régler la page en tentative assistée (la personne résout le captcha depuis "
            "son téléphone), ou notez les tentatives faites à la main avec leur capture."
        ),
    ),
    Outcome.QUEUE: (
        gettext_lazy("Le site fait patienter dans une file d'attente"),
        gettext_lazy("Créneau revient plus tard, sans insister : rien à faire."),
    ),
    Outcome.CLOSED: (
        gettext_lazy("Le site annonce la prise de rendez-vous fermée"),
        gettext_lazy(
            "La capture montre ce blocage mais ne compte pas comme « aucun créneau » : "
            "doublez-la d'un courriel ou d'une lettre recommandée à la préfecture."
        ),
    ),
}
# The browser's failures, as a volunteer would say them.
_TECHNICAL = (
    (
        re.compile(r"ERR_NAME_NOT_RESOLVED|getaddrinfo|Name or service", re.I),
        gettext_lazy("l'adresse du site est introuvable"),
    ),
    (
        re.compile(r"timeout|timed out|ERR_TIMED_OUT", re.I),
        gettext_lazy("le site n'a pas répondu à temps"),
    ),
    (
        re.compile(r"ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_CONNECTION_CLOSED", re.I),
        gettext_lazy("le site a refusé ou coupé la connexion"),
    ),
    (
        re.compile(r"ERR_CERT|SSL|certificate", re.I),
        gettext_lazy("le certificat de sécurité du site n'est pas valable"),
    ),
    (
        re.compile(r"egress guard", re.I),
        gettext_lazy("l'adresse mène à un réseau privé, que Créneau ne visite pas"),
    ),
    (
        re.compile(r"^step \d+", re.I),
        gettext_lazy(
            "une étape du parcours du site n'a pas pu être faite (bouton ou champ introuvable)"
        ),
    ),
)


def failure_of(outcome: str, status: int | None, error: str) -> Failure | None:
    """Why an online attempt with this outcome proves nothing, or None when it does."""
    if outcome not in WHAT_TO_DO:
        return None
    reason, todo = WHAT_TO_DO[outcome]
    details = []
    if status and status >= 400:
        details.append(_("le site a répondu « erreur %(status)d »") % {"status": status})
    for pattern, words in _TECHNICAL:
        if error and pattern.search(error):
            details.append(str(words))
            break
    text = str(reason) + (f" ({' ; '.join(details)})" if details else "") + "."
    return Failure(text, str(todo), error)


def entries(case: Case, journal: Journal | None = None) -> list[Entry]:
    """Attempts and slot periods of the case, oldest first (the order of the journal).

    ``journal``: the case's attempts with their files, when the page has loaded them already
    (``assessment.services.journal_of(case, files=True)``)."""
    journal = journal or journal_of(case, files=True)
    attempts = journal.attempts
    evidence = journal.evidence  # the one vocabulary of evidence states
    captures = journal.captures
    found = []
    for attempt in attempts:
        capture = captures.get(attempt.pk)
        failure = None
        if attempt.channel == "online":
            status, error = (capture.status, capture.error) if capture else (None, "")
            failure = failure_of(attempt.outcome, status, error)
        found.append(
            Entry(
                attempt.at,
                "attempt",
                attempt=attempt,
                evidence=evidence[attempt.pk],
                failure=failure,
                viewable=capture is not None or bool(attempt.files.all()),
            )
        )
    found += slot_periods(case)
    return sorted(found, key=lambda entry: entry.at)


def slot_periods(case: Case) -> list[Entry]:
    """When the case's page showed slots while the case followed it, and who was alerted."""
    if case.booking_page_id is None:
        return []
    episodes = list(
        SlotEpisode.objects.filter(page_id=case.booking_page_id).filter(
            Q(closed_at__isnull=True) | Q(closed_at__gte=case.created_at)
        )[:50]
    )
    alerts: dict[int, list[AlertLog]] = {}
    for log in AlertLog.objects.filter(case=case, episode__in=episodes).order_by("recipient"):
        assert log.episode_id is not None
        alerts.setdefault(log.episode_id, []).append(log)
    return [Entry(e.opened_at, "slots", episode=e, alerts=alerts.get(e.pk, [])) for e in episodes]
