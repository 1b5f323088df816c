"""The assessment of a case lodged on the ANEF téléservice: its own metrics, rules and route.

There is no slot to miss on ANEF: what must be shown is that the téléservice could not be used
(documented blockings, not all in the same week), that the person did what the law asks before
the substitute route — the contact centre (CCC) and, when offered, a point d'accueil numérique
(article R. 431-2 CESEDA and the arrêté of 1 August 2023) — and that the prefecture was asked in
writing to register the application by that route (CE, 3 June 2022, n° 452798). For a renewal,
the R. 431-5 filing window and the attestation de prolongation (R. 431-15-1) decide the urgency.

Pure, like the other rules: a function of the frozen facts, the metrics and the thresholds.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from creneau.assessment import rules
from creneau.assessment.facts import ONLINE, WRITTEN_REQUEST_CHANNELS, CaseFacts, iso_week
from creneau.assessment.metrics import Metrics
from creneau.assessment.route import Route
from creneau.assessment.rules import Level, Reason
from creneau.assessment.thresholds import Thresholds
from creneau.cases.models import Channel
from creneau.catalog.legal import citation

ANEF = "anef"
SUBSTITUTE = "substitute"
ATTESTATION = "attestation"


def _cite(*keys: str) -> str:
    return " ; ".join(citation(key) for key in keys)


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


@dataclass(frozen=True)
class AnefMetrics:
    blockings: int  # documented failures of the téléservice, counted
    blocking_weeks: int
    first_blocking: date | None
    last_blocking: date | None
    ccc_contacts: int  # every contact recorded with the contact centre
    ccc_documented: int  # with an e-mail, a capture or a PDF attached
    ccc_answered: int
    ccc_tickets: int
    ccc_certified: int  # answers certifying that filing online is impossible
    pan_visits: int
    pan_witnessed: int
    pan_certified: int
    requests: int  # written requests to the prefecture (substitute route or attestation)
    requests_documented: int
    first_request: date | None

    def as_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        for key in ("first_blocking", "last_blocking", "first_request"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def compute_anef(facts: CaseFacts) -> AnefMetrics:
    blockings = [a for a in facts.counted if a.channel == ONLINE and a.blocking]
    days = [facts.local_date(a.at) for a in blockings]
    ccc = [a for a in facts.attempts if a.channel == Channel.CCC]
    pan = [a for a in facts.attempts if a.channel == Channel.PAN]
    requests = [
        a
        for a in facts.attempts
        if a.channel in WRITTEN_REQUEST_CHANNELS and a.purpose in {SUBSTITUTE, ATTESTATION}
    ]
    documented = [a for a in requests if a.has_proof]
    return AnefMetrics(
        blockings=len(blockings),
        blocking_weeks=len({iso_week(day) for day in days}),
        first_blocking=min(days, default=None),
        last_blocking=max(days, default=None),
        ccc_contacts=len(ccc),
        ccc_documented=sum(a.has_proof for a in ccc),
        ccc_answered=sum(a.outcome == "answered" for a in ccc),
        ccc_tickets=sum(bool(a.ticket) for a in ccc),
        ccc_certified=sum(a.certifies and a.has_proof for a in ccc),
        pan_visits=len(pan),
        pan_witnessed=sum(a.witnessed for a in pan),
        pan_certified=sum(a.certifies and a.has_proof for a in pan),
        requests=len(requests),
        requests_documented=len(documented),
        first_request=min((facts.local_date(a.at) for a in documented), default=None),
    )


AnefRule = Callable[[CaseFacts, Metrics, AnefMetrics, Thresholds], Reason | None]


def blocking(facts: CaseFacts, m: Metrics, a: AnefMetrics, t: Thresholds) -> Reason | None:
    """R. 431-2 CESEDA: the substitute route is for a person who « se trouve dans
    l'impossibilité constatée d'utiliser le téléservice »; CE n° 453391: attempts in different
    weeks when a dysfunction prevents the online formalities."""
    source = _cite("ceseda_r431_2", "ce_452798")
    if facts.application_filed_on is not None and not a.blockings:
        text = _(
            "La demande a été déposée sur le téléservice le %(date)s : ce qui est en cause est la "
            "suite de son instruction (attestation de prolongation, récépissé), pas le dépôt."
        ) % {"date": _day(facts.application_filed_on)}
        return Reason("anef_blocking", Level.INFO, text, source)
    if not a.blockings:
        text = _(
            "Aucun blocage du téléservice ANEF n'est documenté : il faut une capture datée de "
            "chaque message d'erreur ou page bloquée (ou une page publique de panne scellée)."
        )
        step = _(
            "À chaque essai sur l'ANEF, faire une capture d'écran montrant le message d'erreur, "
            "la page et l'heure, et l'enregistrer dans le dossier (page « Parcours ANEF » ou "
            "portail de la personne)."
        )
        return Reason("anef_blocking", Level.FATAL, text, source, step)
    assert a.first_blocking is not None and a.last_blocking is not None
    text = ngettext(
        "%(n)d blocage du téléservice documenté, sur %(weeks)s (du %(first)s au %(last)s).",
        "%(n)d blocages du téléservice documentés, sur %(weeks)s (du %(first)s au %(last)s).",
        a.blockings,
    ) % {
        "n": a.blockings,
        "weeks": ngettext("%(n)d semaine", "%(n)d semaines", a.blocking_weeks)
        % {"n": a.blocking_weeks},
        "first": _day(a.first_blocking),
        "last": _day(a.last_blocking),
    }
    weeks = t.whole("anef_min_blocking_weeks")
    if a.blocking_weeks < weeks:
        text += " " + _(
            "Le juge attend des essais répétés, pas tous la même semaine (au moins %(weeks)d "
            "semaines différentes)."
        ) % {"weeks": weeks}
        step = _("Refaire constater le blocage, avec une capture datée, une autre semaine.")
        return Reason(
            "anef_blocking", Level.MISSING, text, f"{source} ; {citation('ce_453391')}", step
        )
    return Reason("anef_blocking", Level.MET, text, source)


def ccc_contacted(facts: CaseFacts, m: Metrics, a: AnefMetrics, t: Thresholds) -> Reason | None:
    """R. 431-2: the substitute route is for a person who used the accompaniment; the arrêté of
    1 August 2023 names the centre de contact citoyens (phone or contact form)."""
    source = _cite("ceseda_r431_2", "arrete_2023_08_01")
    counts = ngettext(
        "%(n)d contact avec le centre de contact citoyen",
        "%(n)d contacts avec le centre de contact citoyen",
        a.ccc_contacts,
    ) % {"n": a.ccc_contacts}
    ask = _(
        "Contacter le centre de contact citoyen (téléphone ou formulaire de contact de l'ANEF), "
        "noter le numéro de ticket, garder le courriel reçu et demander un courriel attestant "
        "que le dépôt en ligne est impossible."
    )
    if not a.ccc_documented:
        text = _(
            "%(counts)s, dont aucun avec un justificatif (courriel, capture). Le recours à "
            "l'accompagnement fait partie des diligences exigées avant la solution de "
            "substitution."
        ) % {"counts": counts}
        return Reason("ccc_contacted", Level.MISSING, text, source, ask)
    text = _(
        "%(counts)s : %(documented)d avec justificatif, %(tickets)d avec numéro de ticket, "
        "%(answered)d avec réponse, %(silent)d sans réponse."
    ) % {
        "counts": counts,
        "documented": a.ccc_documented,
        "tickets": a.ccc_tickets,
        "answered": a.ccc_answered,
        "silent": a.ccc_contacts - a.ccc_answered,
    }
    if a.ccc_certified or a.pan_certified:
        text += " " + _(
            "Un courriel ou un document atteste que le dépôt en ligne est impossible : c'est la "
            "preuve qu'un texte ministériel demande pour un dépôt de substitution (texte à "
            "vérifier)."
        )
        return Reason(
            "ccc_contacted", Level.MET, text, f"{source} ; {_cite('anef_postal_substitute')}"
        )
    step = _(
        "Redemander au centre de contact citoyen un courriel attestant que le dépôt en ligne est "
        "impossible, en rappelant le numéro de ticket."
    )
    return Reason("ccc_contacted", Level.CAUTION, text, source, step)


def pan_visited(facts: CaseFacts, m: Metrics, a: AnefMetrics, t: Thresholds) -> Reason | None:
    """The arrêté of 1 August 2023: points d'accueil numérique in the prefectures; a person may
    be directed there when the contact centre did not lead to a filing."""
    source = citation("arrete_2023_08_01")
    if a.pan_visits:
        text = ngettext(
            "%(n)d visite au point d'accueil numérique de la préfecture (%(w)d avec un témoin).",
            "%(n)d visites au point d'accueil numérique de la préfecture (%(w)d avec un témoin).",
            a.pan_visits,
        ) % {"n": a.pan_visits, "w": a.pan_witnessed}
        return Reason("pan_visited", Level.MET, text, source)
    text = _(
        "Aucune visite au point d'accueil numérique de la préfecture n'est notée. Elle montre que "
        "l'accompagnement a été tenté jusqu'au bout."
    )
    step = _(
        "Se rendre au point d'accueil numérique de la préfecture, si possible avec un témoin, et "
        "demander un document qui constate que le dépôt en ligne est impossible."
    )
    if facts.unexecuted_oqtf:
        step = _(
            "Avant toute visite en préfecture, en parler avec une association ou un·e avocat·e "
            "(obligation de quitter le territoire non exécutée)."
        )
    return Reason("pan_visited", Level.CAUTION, text, source, step)


def written_request(facts: CaseFacts, m: Metrics, a: AnefMetrics, t: Thresholds) -> Reason | None:
    """R. 431-2 and CE n° 452798: a substitute route the prefecture opens after finding the
    impossibility; the prefecture must have been asked. For a filed application: the
    attestation de prolongation (R. 431-15-1) or the récépissé must have been asked for."""
    filed = facts.application_filed_on is not None
    keys = ("ceseda_r431_15_1",) if filed else ("ceseda_r431_2", "arrete_2023_08_01")
    source = _cite(*keys, "ce_452798")
    what = (
        _("la délivrance de l'attestation de prolongation de l'instruction ou du récépissé")
        if filed
        else _("l'enregistrement de la demande par la solution de substitution")
    )
    if a.requests_documented:
        assert a.first_request is not None
        text = ngettext(
            "%(n)d demande écrite à la préfecture, avec justificatif, pour %(what)s (première le "
            "%(first)s).",
            "%(n)d demandes écrites à la préfecture, avec justificatif, pour %(what)s (première "
            "le %(first)s).",
            a.requests_documented,
        ) % {"n": a.requests_documented, "what": what, "first": _day(a.first_request)}
        return Reason("anef_written_request", Level.MET, text, source)
    text = _("La préfecture n'a pas été saisie par écrit, avec une preuve, pour %(what)s.") % {
        "what": what
    }
    if a.requests:
        text += " " + _("Une demande est notée sans justificatif joint.")
    step = _(
        "Écrire à la préfecture (courriel depuis Créneau, puis lettre recommandée) pour demander "
        "%(what)s, en joignant les captures du blocage et les échanges avec le centre de contact."
    ) % {"what": what}
    return Reason("anef_written_request", Level.MISSING, text, source, step)


def time_blocked(facts: CaseFacts, m: Metrics, a: AnefMetrics, t: Thresholds) -> Reason | None:
    """How long the person has been kept out (CE n° 452798: a substitute route must work), and
    whether the last blocking is recent enough to show the situation today."""
    if a.first_blocking is None or a.last_blocking is None:
        return None
    source = citation("ce_452798")
    days = (facts.today - a.first_blocking).days
    text = ngettext(
        "Démarche bloquée depuis au moins %(n)d jour (premier blocage documenté le %(first)s).",
        "Démarche bloquée depuis au moins %(n)d jours (premier blocage documenté le %(first)s).",
        days,
    ) % {"n": days, "first": _day(a.first_blocking)}
    idle = (facts.today - a.last_blocking).days
    if idle > t.whole("max_idle_days"):
        text += " " + _("Le dernier blocage documenté date du %(last)s.") % {
            "last": _day(a.last_blocking)
        }
        step = _("Refaire constater le blocage, avec une capture datée, avant de saisir le juge.")
        return Reason("anef_time_blocked", Level.CAUTION, text, source, step)
    return Reason("anef_time_blocked", Level.INFO, text, source)


def renewal_window(facts: CaseFacts, m: Metrics, a: AnefMetrics, t: Thresholds) -> Reason | None:
    """R. 431-5 CESEDA: a renewal of a title on the ANEF list is filed between the 120th and the
    60th day before expiry; R. 431-15-1 ties the attestation de prolongation to that window."""
    if facts.procedure_kind != "renewal":
        return None
    source = _cite("ceseda_r431_5", "ceseda_r431_15_1")
    if facts.title_expires_on is None:
        text = _("La date de fin de validité du titre n'est pas indiquée : elle fonde l'urgence.")
        step = _("Indiquer la date de fin de validité du titre et en joindre une copie.")
        return Reason("anef_renewal_window", Level.CAUTION, text, source, step)
    opens = facts.title_expires_on - timedelta(days=t.whole("renewal_window_anef_days"))
    closes = facts.title_expires_on - timedelta(days=t.whole("renewal_window_other_days"))
    started = _first_diligence(facts)
    window = _(
        "Pour un titre demandé sur l'ANEF, la demande de renouvellement se fait entre le "
        "%(opens)s et le %(closes)s (120e et 60e jours avant l'expiration)."
    ) % {"opens": _day(opens), "closes": _day(closes)} + rules.unchecked_note("ceseda_r431_5")
    if started is None:
        return Reason("anef_renewal_window", Level.INFO, window, source)
    if started <= closes:
        text = _("%(window)s Les démarches ont commencé le %(started)s, dans ce délai.") % {
            "window": window,
            "started": _day(started),
        }
        return Reason("anef_renewal_window", Level.MET, text, source)
    text = _(
        "%(window)s Les démarches documentées ont commencé le %(started)s, après ce délai : "
        "la préfecture pourrait l'opposer. Indiquer toute tentative plus ancienne."
    ) % {"window": window, "started": _day(started)}
    step = _("Réunir les preuves des premiers essais sur l'ANEF (captures, courriels datés).")
    return Reason("anef_renewal_window", Level.CAUTION, text, source, step)


def _first_diligence(facts: CaseFacts) -> date | None:
    days = [
        facts.local_date(attempt.at)
        for attempt in facts.attempts
        if attempt.blocking or (attempt.channel != ONLINE and attempt.has_proof)
    ]
    return min(days, default=None)


def provisional(facts: CaseFacts, m: Metrics, a: AnefMetrics, t: Thresholds) -> Reason | None:
    """R. 431-15-1 CESEDA: an attestation de prolongation for a complete application filed in
    time; R. 431-12: a récépissé. Without either, after expiry, regular stay cannot be shown
    (CE n° 453391: urgency in principle for a renewal)."""
    if facts.procedure_kind != "renewal" or facts.title_expires_on is None:
        return None
    source = _cite("ceseda_r431_15_1", "ceseda_r431_12", "ce_453391")
    expires = facts.title_expires_on
    holds = facts.provisional in {"attestation", "recepisse"}
    valid = holds and (facts.provisional_until is None or facts.provisional_until >= facts.today)
    if valid:
        until = facts.provisional_until
        text = _(
            "Un document provisoire a été remis%(until)s : tant qu'il est valable, l'urgence est "
            "moins évidente."
        ) % {"until": _(" (valable jusqu'au %(d)s)") % {"d": _day(until)} if until else ""}
        step = _("Noter la date de fin du document provisoire et agir avant qu'elle n'arrive.")
        return Reason("anef_provisional", Level.CAUTION, text, source, step)
    if expires >= facts.today:
        text = _(
            "Le titre expire le %(date)s et aucun récépissé ni attestation de prolongation n'est "
            "noté : sans eux, la personne ne pourra plus justifier de la régularité de son "
            "séjour après cette date."
        ) % {"date": _day(expires)}
        return Reason("anef_provisional", Level.INFO, text, source)
    text = _(
        "Le titre a expiré le %(date)s et aucune attestation de prolongation de l'instruction ni "
        "aucun récépissé n'a été remis : la personne ne peut plus justifier de la régularité de "
        "son séjour, ce qui rend l'urgence concrète."
    ) % {"date": _day(expires)}
    if facts.provisional == "":
        text += " " + _("(Indiquer sur la page « Parcours ANEF » si un document a été remis.)")
    return Reason("anef_provisional", Level.MET, text, source)


def excluded(facts: CaseFacts, m: Metrics, a: AnefMetrics, t: Thresholds) -> Reason | None:
    """Attempts on the téléservice that show no blocking (an unrecognised page, a capture
    missing) are not counted: the honesty rule, as for a booking page."""
    online = [x for x in facts.attempts if x.channel == ONLINE]
    left = sum(not x.blocking for x in online)
    if not left:
        return None
    text = ngettext(
        "%(n)d tentative sur le téléservice n'est pas comptée : page non reconnue, ou aucune "
        "capture ne montre le blocage.",
        "%(n)d tentatives sur le téléservice ne sont pas comptées : page non reconnue, ou aucune "
        "capture ne montre le blocage.",
        left,
    ) % {"n": left}
    return Reason("anef_excluded", Level.INFO, text, citation("ceseda_r431_2"))


def _shared(rule: rules.Rule) -> AnefRule:
    def run(facts: CaseFacts, m: Metrics, a: AnefMetrics, t: Thresholds) -> Reason | None:
        return rule(facts, m, t)

    return run


ANEF_RULES: tuple[AnefRule, ...] = (
    _shared(rules.unexecuted_oqtf),
    blocking,
    _shared(rules.urgency),
    provisional,
    renewal_window,
    ccc_contacted,
    pan_visited,
    written_request,
    time_blocked,
    _shared(rules.recent_attempts),
    _shared(rules.evidence_kinds),
    excluded,
    _shared(rules.unproven_attempts),
    _shared(rules.set_aside),
    _shared(rules.screenshots_read),
    _shared(rules.implicit_rejection),
)


def evaluate_anef(
    facts: CaseFacts, metrics: Metrics, anef: AnefMetrics, thresholds: Thresholds
) -> list[Reason]:
    return [
        reason
        for rule in ANEF_RULES
        if (reason := rule(facts, metrics, anef, thresholds)) is not None
    ]


def anef_route(route: Route, facts: CaseFacts) -> Route:
    """The route in ANEF words: the référé asks for the substitute route or the attestation,
    not for an appointment."""
    if route.code == "no_decision":
        reason = _(
            "Aucune décision n'est connue (ni refus, ni demande déposée) : le référé « mesures "
            "utiles » est la voie adaptée pour obtenir que la préfecture enregistre la demande "
            "par la solution de substitution, ou débloque la démarche (%(l521_3)s ; %(r431_2)s ; "
            "%(ce452798)s)."
        ) % {
            "l521_3": citation("cja_l521_3"),
            "r431_2": citation("ceseda_r431_2"),
            "ce452798": citation("ce_452798"),
        }
        keys = ("cja_l521_3", "ceseda_r431_2", "ce_452798")
        return replace(route, reason=reason, sources=tuple(citation(k) for k in keys))
    if route.code == "evidence_insufficient":
        return replace(route, sources=(citation("ceseda_r431_2"), citation("ce_452798")))
    if route.code == "application_pending" and facts.application_filed_on and route.decision_on:
        reason = _(
            "La demande a été déposée sur le téléservice le %(filed)s et reste sans réponse : le "
            "référé « mesures utiles » reste possible pour obtenir l'attestation de prolongation "
            "de l'instruction (%(r431_15_1)s) ou un récépissé, mais le silence vaudra refus "
            "implicite le %(born)s et la voie changera alors."
        ) % {
            "filed": _day(facts.application_filed_on),
            "r431_15_1": citation("ceseda_r431_15_1"),
            "born": _day(route.decision_on),
        }
        return replace(route, reason=reason)
    return route


def is_anef(facts: CaseFacts) -> bool:
    return facts.channel == ANEF
