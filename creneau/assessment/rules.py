"""Sufficiency rules: pure functions of a case snapshot, each citing its legal source.

Every rule takes the frozen facts, the metrics computed from them and the thresholds, and returns
one ``Reason`` or nothing. A reason carries its level (how it weighs on the verdict), a French
text for the volunteer and the person, the source it rests on, and the next step it suggests.

What is law and what is practice is kept apart in the texts themselves: the only hard rule from
the Conseil d'État is "several attempts, not all in the same week" (CE 10 juin 2020, n° 435594)
and the urgency framework (CE 9 juin 2022, n° 453391). Durations and frequencies come from the
2019 Cimade-Gisti note and are practice, UNVERIFIED as a current rule (legal.md §9, item 9).
The assessment is advisory: a person decides whether to go to court.
"""

import calendar
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from creneau.assessment.facts import (
    AWAITING,
    STATES,
    TIMESTAMPED,
    WITHOUT_FILE,
    WRITTEN_REQUEST_CHANNELS,
    CaseFacts,
)
from creneau.assessment.metrics import Metrics
from creneau.assessment.thresholds import Thresholds
from creneau.catalog.legal import citation, reference
from creneau.evidence.states import State

GUIDE = "Guide Cimade-Gisti 2019 (pratique, pas une règle de droit)"


def ce_2020() -> str:
    """CE, 10 juin 2020, n° 435594, as the catalog's references file cites it."""
    return citation("ce_435594")


def ce_2022() -> str:
    """CE, 9 juin 2022, n° 453391, as the catalog's references file cites it."""
    return citation("ce_453391")


class Level(StrEnum):
    FATAL = "fatal"  # the verdict is "insufficient" whatever else the file holds
    MISSING = "missing"  # the verdict is at best "weak"
    CAUTION = "caution"  # the verdict is at best "adequate"
    MET = "met"  # the criterion is satisfied
    INFO = "info"  # worth knowing, no effect on the verdict

    @property
    def label(self) -> str:
        return {
            Level.FATAL: _("bloquant"),
            Level.MISSING: _("manquant"),
            Level.CAUTION: _("à renforcer"),
            Level.MET: _("acquis"),
            Level.INFO: _("à savoir"),
        }[self]


@dataclass(frozen=True)
class Reason:
    code: str
    level: Level
    text: str
    source: str
    next_step: str = ""


Rule = Callable[[CaseFacts, Metrics, Thresholds], Reason | None]


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",").removesuffix(",0")


def _weeks(n: int) -> str:
    return ngettext("%(n)d semaine", "%(n)d semaines", n) % {"n": n}


def _attempts(n: int) -> str:
    return ngettext("%(n)d tentative", "%(n)d tentatives", n) % {"n": n}


def _days(n: int) -> str:
    return ngettext("%(n)d jour", "%(n)d jours", n) % {"n": n}


def unexecuted_oqtf(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """CE 9 juin 2022 n° 453391: no urgency for a person with an OQTF not complied with."""
    if not facts.unexecuted_oqtf:
        return None
    return Reason(
        "unexecuted_oqtf",
        Level.FATAL,
        _(
            "Une obligation de quitter le territoire (OQTF) non exécutée fait obstacle à "
            "l'urgence : un référé « mesures utiles » serait très probablement rejeté, quelles que "
            "soient les preuves. Un autre recours peut être plus adapté."
        ),
        ce_2022(),
        _("Parler de la situation à une association ou à un·e avocat·e avant tout recours."),
    )


def no_counted_attempt(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """CE 10 juin 2020 n° 435594: the impossibility must be shown by attempts."""
    if m.counted:
        return None
    return Reason(
        "no_counted_attempt",
        Level.FATAL,
        _(
            "Aucune tentative probante n'est encore enregistrée : "
            "l'impossibilité n'est pas prouvée."
        ),
        ce_2020(),
        _("Commencer les tentatives en ligne et garder une preuve de chacune."),
    )


def spread_over_weeks(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """CE 10 juin 2020 n° 435594: several attempts, not all in the same week.

    In that case four captures over five days (across two calendar weeks), one letter and one
    e-mail were not enough, so a week boundary alone does not satisfy the rule: the span must
    also reach a full week. Reported TA orders granted with about three weeks (weak_min_weeks).
    The attempts the CE speaks of are attempts to get a date where it is given: when the booking
    is online, the spread is read on the online pages showing no slot; e-mails and letters prove
    diligence, not the absence of slots.
    """
    if not m.counted:
        return None
    if not m.proof_attempts:
        text = _(
            "Aucune page en ligne ne montre l'absence de créneau : les e-mails et courriers "
            "prouvent les démarches, pas l'indisponibilité du site. Les erreurs, captchas et pages "
            "non reconnues ne sont pas comptées ; une personne peut relire celles qui montrent un "
            "blocage du site et les joindre."
        )
        step = _("Refaire des tentatives en ligne et garder la page « aucun créneau » datée.")
        return Reason("spread_over_weeks", Level.FATAL, text, ce_2020(), step)
    hard_weeks, hard_span = t.whole("hard_min_weeks"), t.whole("hard_min_span_days")
    what = _("Pages en ligne sans créneau") if facts.uses_online else _("Tentatives probantes")
    facts_text = _("%(what)s sur %(weeks)s (du %(first)s au %(last)s, %(days)s).") % {
        "what": what,
        "weeks": _weeks(m.proof_weeks),
        "first": f"{m.proof_first_date:%d/%m/%Y}",
        "last": f"{m.proof_last_date:%d/%m/%Y}",
        "days": _days(m.proof_span_days),
    }
    if m.proof_weeks < hard_weeks or m.proof_span_days < hard_span:
        text = _(
            "%(facts)s Le Conseil d'État a jugé insuffisantes quatre captures d'écran sur cinq "
            "jours, avec une lettre et un e-mail : les tentatives doivent s'étaler sur plusieurs "
            "semaines."
        ) % {"facts": facts_text}
        step = _("Continuer les tentatives sur plusieurs semaines différentes.")
        return Reason("spread_over_weeks", Level.FATAL, text, ce_2020(), step)
    weak_weeks = t.whole("weak_min_weeks")
    if m.proof_weeks < weak_weeks:
        text = _(
            "%(facts)s Les ordonnances favorables rapportées portent sur au moins %(weeks)s."
        ) % {"facts": facts_text, "weeks": _weeks(weak_weeks)}
        step = _("Continuer les tentatives pendant au moins %(weeks)s au total.") % {
            "weeks": _weeks(weak_weeks)
        }
        return Reason(
            "spread_over_weeks",
            Level.MISSING,
            text,
            f"{ce_2020()} ; {t.source('weak_min_weeks')}",
            step,
        )
    return Reason("spread_over_weeks", Level.MET, facts_text, ce_2020())


def practice_duration(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """Guide Cimade-Gisti 2019: 2-3 months for a first application, 1-2 months for a renewal.

    Practice guidance, not law, UNVERIFIED as a current rule: the text says so.
    """
    if not m.counted:
        return None
    practice = t.practice(facts.procedure_kind)
    caveat = _("C'est une pratique conseillée par les associations, pas une règle de droit.")
    text = _(
        "%(weeks)s de tentatives ; pour cette démarche, la pratique conseille au moins %(min)s "
        "(%(strong)s pour un dossier solide). %(caveat)s"
    ) % {
        "weeks": _weeks(m.distinct_weeks),
        "min": _weeks(practice.min_weeks),
        "strong": _weeks(practice.strong_weeks),
        "caveat": caveat,
    }
    if m.distinct_weeks >= practice.strong_weeks:
        return Reason("practice_duration", Level.MET, text, practice.source)
    if m.distinct_weeks >= practice.min_weeks:
        # Enough to go to court; not yet the length the practice calls solid, so not "strong".
        step = _("Continuer jusqu'à %(strong)s pour un dossier solide.") % {
            "strong": _weeks(practice.strong_weeks)
        }
        return Reason("practice_duration", Level.CAUTION, text, practice.source, step)
    weeks_left = practice.min_weeks - m.distinct_weeks
    attempts_left = max(1, math.ceil(practice.min_weeks * practice.per_week) - m.counted)
    step = _(
        "Faire encore au moins %(attempts)s, sur au moins %(weeks)s de plus (environ "
        "%(per_week)s par semaine)."
    ) % {
        "attempts": _attempts(attempts_left),
        "weeks": _weeks(weeks_left),
        "per_week": _decimal(practice.per_week),
    }
    return Reason("practice_duration", Level.CAUTION, text, practice.source, step)


def practice_frequency(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """Guide Cimade-Gisti 2019: two to three attempts a week (practice, not law)."""
    if not m.counted:
        return None
    practice = t.practice(facts.procedure_kind)
    # Days, not clicks: ten captures in one morning are one day of diligence.
    text = _(
        "En moyenne %(rate)s jours de tentatives probantes par semaine ; la pratique conseille "
        "au moins %(target)s par semaine (pratique des associations, pas une règle de droit)."
    ) % {"rate": _decimal(m.days_per_week), "target": _decimal(practice.per_week)}
    if m.days_per_week >= practice.per_week:
        return Reason("practice_frequency", Level.MET, text, practice.source)
    step = _("Faire des tentatives au moins %(target)s jours différents par semaine.") % {
        "target": _decimal(practice.per_week)
    }
    return Reason("practice_frequency", Level.CAUTION, text, practice.source, step)


def urgency(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """CE 9 juin 2022 n° 453391: urgency presumed for a renewal; otherwise particular
    circumstances must be shown. An unexecuted OQTF is handled by its own rule."""
    if facts.unexecuted_oqtf:
        return None
    if facts.procedure_kind == "renewal":
        text = _(
            "Renouvellement : l'urgence est en principe présumée. Décrire quand même les "
            "conséquences concrètes (fin du titre, emploi, droits sociaux)."
        )
        return Reason("urgency", Level.MET, text, ce_2022())
    stakes = [
        label
        for present, label in (
            (facts.has_particular_circumstances, _("circonstances particulières décrites")),
            (facts.employment, _("emploi en jeu")),
            (facts.social_benefits, _("droits sociaux en jeu")),
        )
        if present
    ]
    if stakes:
        text = _(
            "Première demande : l'urgence doit être démontrée par des circonstances particulières "
            "(%(stakes)s). Joindre les justificatifs."
        ) % {"stakes": ", ".join(stakes)}
        return Reason("urgency", Level.MET, text, ce_2022())
    text = _(
        "Première demande : l'urgence n'est pas présumée et aucune circonstance particulière n'est "
        "indiquée (emploi, droits sociaux, stage, santé, délai annoncé…). Sans elle, le juge "
        "rejettera probablement la demande."
    )
    step = _(
        "Décrire les circonstances particulières qui rendent le rendez-vous urgent et réunir "
        "les justificatifs (contrat, promesse d'embauche, courrier de la CAF, convention de "
        "stage…)."
    )
    return Reason("urgency", Level.MISSING, text, ce_2022(), step)


def written_request(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """At least one written request to the prefecture (e-mail or registered letter).

    Reported favourable orders rest on e-mails plus captures (TA Cergy-Pontoise, 2 Nov 2020);
    the guide advises both e-mails and registered letters.
    """
    source = f"{citation('ta_cergy_2010725')} ; {GUIDE}"
    if m.written_requests:
        text = _("Demandes écrites à la préfecture avec preuve : %(emails)s, %(letters)s.") % {
            "emails": ngettext("%(n)d e-mail", "%(n)d e-mails", m.emails) % {"n": m.emails},
            "letters": ngettext("%(n)d lettre recommandée", "%(n)d lettres recommandées", m.letters)
            % {"n": m.letters},
        }
        step = (
            ""
            if m.letters
            else _(
                "Envoyer aussi une lettre recommandée avec avis de réception au service des "
                "étrangers."
            )
        )
        return Reason("written_request", Level.MET, text, source, step)
    text = _(
        "Aucune demande écrite à la préfecture n'est prouvée (e-mail envoyé ou lettre "
        "recommandée avec son avis de réception)."
    )
    step = _(
        "Envoyer un e-mail au service des étrangers de la préfecture en joignant les captures, "
        "puis une lettre recommandée avec avis de réception."
    )
    declared = sum(
        a.channel in WRITTEN_REQUEST_CHANNELS and not a.has_proof for a in facts.attempts
    )
    if declared:
        text += " " + ngettext(
            "%(n)d demande écrite est déclarée sans justificatif joint.",
            "%(n)d demandes écrites sont déclarées sans justificatif joint.",
            declared,
        ) % {"n": declared}
        step = _(
            "Joindre la copie de l'e-mail envoyé (.eml) ou l'avis de réception de la lettre ; "
            "à défaut, écrire de nouveau au service des étrangers."
        )
    return Reason("written_request", Level.MISSING, text, source, step)


def channel_diversity(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """Guide Cimade-Gisti 2019: combine online attempts, e-mails, letters and the guichet."""
    if not m.counted:
        return None
    target = t.whole("strong_min_channels")
    text = ngettext(
        "%(n)d canal utilisé (un dossier solide en combine au moins %(target)d : en ligne, "
        "e-mail, lettre recommandée, guichet, centre de contact citoyen, Défenseur des droits).",
        "%(n)d canaux utilisés (un dossier solide en combine au moins %(target)d : en ligne, "
        "e-mail, lettre recommandée, guichet, centre de contact citoyen, Défenseur des droits).",
        m.channels,
    ) % {"n": m.channels, "target": target}
    if m.channels >= target:
        return Reason("channel_diversity", Level.MET, text, t.source("strong_min_channels"))
    step = _(
        "Ajouter un autre canal : passage au guichet avec un témoin qui fait une attestation, "
        "centre de contact citoyen (ANEF) ou Défenseur des droits."
    )
    if facts.unexecuted_oqtf:
        # Associations warn of arrests at the counter of people under an OQTF (guide 2019).
        step = _(
            "Ajouter un autre canal sans se présenter au guichet : lettre recommandée, centre "
            "de contact citoyen (ANEF) ou Défenseur des droits."
        )
    return Reason("channel_diversity", Level.CAUTION, text, t.source("strong_min_channels"), step)


def varied_hours(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """Guide Cimade-Gisti 2019: slots appear at varying times, so try at different hours."""
    if not m.counted_online:
        return None
    text = ngettext(
        "Tentatives en ligne probantes à %(hours)d seule heure, sur %(bands)d des 4 moments de "
        "la journée (nuit, matin, après-midi, soir).",
        "Tentatives en ligne probantes à %(hours)d heures différentes, sur %(bands)d des 4 "
        "moments de la journée (nuit, matin, après-midi, soir).",
        m.distinct_hours,
    ) % {"hours": m.distinct_hours, "bands": m.hour_bands}
    if m.distinct_hours >= t.whole("min_distinct_hours") and m.hour_bands >= t.whole(
        "min_hour_bands"
    ):
        return Reason("varied_hours", Level.MET, text, t.source("min_distinct_hours"))
    step = _("Faire les prochaines tentatives à des heures variées (matin, midi, soir).")
    return Reason("varied_hours", Level.CAUTION, text, t.source("min_distinct_hours"), step)


def no_long_gap(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """Guide Cimade-Gisti 2019: regular attempts over the period; our limit is max_gap_days."""
    if m.counted < 2:
        return None
    limit = t.whole("max_gap_days")
    text = _("Plus longue interruption entre deux tentatives probantes : %(gap)s.") % {
        "gap": _days(m.longest_gap_days)
    }
    if m.longest_gap_days <= limit:
        return Reason("no_long_gap", Level.MET, text, t.source("max_gap_days"))
    step = _("Ne pas laisser passer plus de %(days)s sans tentative.") % {"days": _days(limit)}
    return Reason("no_long_gap", Level.CAUTION, text, t.source("max_gap_days"), step)


def recent_attempts(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """The judge looks at the situation when ruling: the last proof should be recent."""
    if m.days_since_last is None or m.days_since_last <= t.whole("max_idle_days"):
        return None
    text = _("La dernière tentative probante date de %(days)s.") % {
        "days": _days(m.days_since_last)
    }
    step = _("Reprendre les tentatives avant de saisir le tribunal.")
    return Reason("recent_attempts", Level.CAUTION, text, t.source("max_idle_days"), step)


def excluded_outcomes(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """Only a page showing no slot proves the impossibility (CE 435594 asks for that proof)."""
    if not m.excluded_total:
        return None
    labels = {
        "error": _("erreur du site"),
        "unknown": _("page non reconnue"),
        "captcha": _("captcha"),
        "queue": _("file d'attente"),
        "closed": _("module fermé"),
    }
    detail = ", ".join(f"{labels.get(k, k)} : {n}" for k, n in sorted(m.excluded.items()))
    text = ngettext(
        "%(n)d tentative en ligne n'est pas comptée (%(detail)s) : elle ne montre pas l'absence "
        "de créneau. Une personne peut la relire et la joindre si elle est parlante.",
        "%(n)d tentatives en ligne ne sont pas comptées (%(detail)s) : elles ne montrent pas "
        "l'absence de créneau. Une personne peut les relire et joindre celles qui sont parlantes.",
        m.excluded_total,
    ) % {"n": m.excluded_total, "detail": detail}
    return Reason("excluded_outcomes", Level.INFO, text, ce_2020())


def unproven_attempts(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """A written or counter attempt without any proof attached cannot be shown to a judge."""
    if not m.unproven:
        return None
    text = ngettext(
        "%(n)d démarche (e-mail, courrier, guichet…) n'a aucun justificatif joint : elle n'est "
        "pas comptée.",
        "%(n)d démarches (e-mail, courrier, guichet…) n'ont aucun justificatif joint : elles ne "
        "sont pas comptées.",
        m.unproven,
    ) % {"n": m.unproven}
    step = _("Joindre les justificatifs : e-mail envoyé (.eml), avis de réception, attestation.")
    return Reason("unproven_attempts", Level.INFO, text, ce_2020(), step)


def slots_seen(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """Slots seen available weaken the claim of impossibility (CE 435594)."""
    if not m.slots_seen:
        return None
    text = ngettext(
        "Des créneaux ont été vus disponibles %(n)d fois : si un rendez-vous a pu être pris, le "
        "référé n'a plus d'objet ; sinon, expliquer pourquoi il n'a pas pu l'être.",
        "Des créneaux ont été vus disponibles %(n)d fois : si un rendez-vous a pu être pris, le "
        "référé n'a plus d'objet ; sinon, expliquer pourquoi il n'a pas pu l'être.",
        m.slots_seen,
    ) % {"n": m.slots_seen}
    if m.slots_last:
        # The latest page offered slots: the impossibility the référé rests on is not current.
        text += " " + _(
            "La dernière page consultée proposait des créneaux : l'impossibilité n'est plus "
            "établie à ce jour."
        )
        step = _(
            "Essayer de réserver tout de suite ; sinon noter pourquoi ce n'était pas possible et "
            "reprendre les tentatives."
        )
        return Reason("slots_seen", Level.MISSING, text, ce_2020(), step)
    return Reason("slots_seen", Level.CAUTION, text, ce_2020())


def _state_counts(m: Metrics) -> str:
    """« scellée et horodatée : 3 ; … », in the one vocabulary of evidence states."""
    return " ; ".join(f"{State(code).label} : {m.counted_by_state[code]}" for code in STATES)


def evidence_kinds(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """Attempts Créneau witnessed and had timestamped weigh most; declarations count but weigh
    less, and those without any file give the judge nothing to read.

    Evidence is freely weighed by the administrative judge; lawyers report that each capture must
    show its date and time. A file is strong only when at least ``strong_min_documented_share``
    of its counted attempts bring an exhibit: a capture made by Créneau, or a dated file attached
    to them (a person's screenshot, a scan of the AR). Declarations without any file never make
    it strong, and only a token that verifies makes an attempt « horodatée ».
    """
    if not m.counted:
        return None
    by_state = m.counted_by_state
    text = _("Preuve des tentatives comptées — %(states)s.") % {"states": _state_counts(m)}
    if by_state[AWAITING]:
        text += " " + ngettext(
            "%(n)d tentative faite par Créneau attend encore son horodatage : vérifier la "
            "configuration de l'horodatage (creneau doctor).",
            "%(n)d tentatives faites par Créneau attendent encore leur horodatage : vérifier la "
            "configuration de l'horodatage (creneau doctor).",
            by_state[AWAITING],
        ) % {"n": by_state[AWAITING]}
    source = t.source("strong_min_documented_share")
    bare = by_state[WITHOUT_FILE]
    if bare * 2 > m.counted:
        # Nothing to file for most of them: a judge weighs exhibits, not a declared list.
        text += " " + _(
            "La plupart des tentatives comptées sont déclarées sans justificatif : il n'y a "
            "rien à produire devant le juge pour elles."
        )
        step = _(
            "Joindre à chaque tentative sa capture d'écran datée, ou laisser Créneau faire "
            "lui-même les tentatives en ligne."
        )
        return Reason("evidence_kinds", Level.MISSING, text, f"{source} ; {ce_2020()}", step)
    if (m.counted - bare) / m.counted >= t.number("strong_min_documented_share"):
        witnessed = by_state[TIMESTAMPED] == m.counted
        return Reason("evidence_kinds", Level.MET if witnessed else Level.INFO, text, source)
    step = _(
        "Joindre une capture datée à chaque tentative déclarée, ou préférer les tentatives "
        "faites par Créneau lui-même."
    )
    return Reason("evidence_kinds", Level.CAUTION, text, source, step)


def set_aside(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """Attempts that cannot be relied on as dated: after the assessment day, before the renewal
    could be filed (R.431-5 CESEDA, to re-check), or repeated in the same minute."""
    parts = []
    if m.future:
        parts.append(
            ngettext(
                "%(n)d datée après le jour de l'évaluation",
                "%(n)d datées après le jour de l'évaluation",
                m.future,
            )
            % {"n": m.future}
        )
    if m.premature:
        parts.append(
            ngettext(
                "%(n)d antérieure à l'ouverture du dépôt du renouvellement (le %(opens)s, "
                "%(days)d jours avant l'expiration)",
                "%(n)d antérieures à l'ouverture du dépôt du renouvellement (le %(opens)s, "
                "%(days)d jours avant l'expiration)",
                m.premature,
            )
            % {
                "n": m.premature,
                "opens": f"{facts.window_opens:%d/%m/%Y}",
                "days": facts.renewal_window_days or 0,
            }
        )
    if m.duplicates:
        parts.append(
            ngettext(
                "%(n)d en double (même canal, même résultat, même minute)",
                "%(n)d en double (même canal, même résultat, même minute)",
                m.duplicates,
            )
            % {"n": m.duplicates}
        )
    if m.screenshots_set_aside:
        parts.append(_screenshots_aside(facts))
    if not parts:
        return None
    text = _("Tentatives non comptées : %(parts)s.") % {"parts": " ; ".join(parts)}
    if m.premature:
        text += unchecked_note("ceseda_r431_5")
    source = f"{ce_2020()} ; {t.source('renewal_window_anef_days')}" if m.premature else ce_2020()
    step = ""
    if m.screenshots_set_aside:
        step = _(
            "Revoir les captures mises de côté sur la page du dossier : les garder en disant "
            "pourquoi (une note), ou les laisser de côté et noter la tentative autrement."
        )
    return Reason("set_aside", Level.INFO, text, source, step)


def _screenshot_problems() -> dict[str, str]:
    return {
        "other_prefecture": _("une autre préfecture"),
        "other_procedure": _("une autre démarche"),
        "no_unavailability_statement": _("aucune phrase disant qu'il n'y a pas de créneau"),
        "slots_visible": _("des créneaux disponibles"),
        "time_mismatch": _("une autre date ou heure"),
        "duplicate_image": _("la même image qu'une autre tentative"),
        "edited": _("une image modifiée"),
        "year_mismatch": _("une année qui ne concorde pas"),
    }


def _screenshots_aside(facts: CaseFacts) -> str:
    """« 2 dont la capture ne correspond pas au dossier (elle montre une autre préfecture) »."""
    n = len(facts.screenshots_aside)
    names = _screenshot_problems()
    codes = sorted({code for a in facts.screenshots_aside for code in a.screenshot_codes})
    shown = ", ".join(names.get(code, code) for code in codes)
    return ngettext(
        "%(n)d dont la capture ne correspond pas au dossier (elle montre : %(what)s)",
        "%(n)d dont la capture ne correspond pas au dossier (elles montrent : %(what)s)",
        n,
    ) % {"n": n, "what": shown}


def screenshots_read(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """The person's screenshots Créneau read and compared with the case: they count as
    documented, still as attempts declared with a file (a reading proves no date)."""
    read = m.screenshots_agreeing + m.screenshots_overridden
    if not read:
        return None
    text = ngettext(
        "%(n)d tentative comptée a une capture lue par Créneau : rien n'y contredit le dossier "
        "(préfecture, démarche, date, absence de créneau)",
        "%(n)d tentatives comptées ont une capture lue par Créneau : rien n'y contredit le "
        "dossier (préfecture, démarche, date, absence de créneau)",
        read,
    ) % {"n": read}
    if m.screenshots_overridden:
        text += ngettext(
            ", dont %(n)d gardée par un·e bénévole malgré un écart, avec une note",
            ", dont %(n)d gardées par un·e bénévole malgré un écart, avec une note",
            m.screenshots_overridden,
        ) % {"n": m.screenshots_overridden}
    text += ". " + _(
        "Elles restent des tentatives déclarées avec fichier joint : une capture ne prouve pas "
        "à elle seule sa date."
    )
    return Reason("screenshots_read", Level.INFO, text, _("Lecture des captures par Créneau"))


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def renewal_window(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """R.431-5 CESEDA: renew between the 120th and the 60th day before expiry (ANEF titles),
    or within the two months before expiry (other titles). A title expired long ago no longer
    shows a current urgency by itself (CE 9 juin 2022: urgency is judged concretely)."""
    if facts.procedure_kind != "renewal":
        return None
    source = t.source("renewal_window_anef_days")
    if facts.title_expires_on is None:
        text = _("La date de fin de validité du titre n'est pas indiquée : elle fonde l'urgence.")
        step = _("Indiquer la date de fin de validité du titre et en joindre une copie.")
        return Reason("renewal_window", Level.CAUTION, text, source, step)
    days_left = (facts.title_expires_on - facts.today).days
    if days_left < 0:
        return _expired(facts, -days_left, t)
    windows = {
        "anef": t.whole("renewal_window_anef_days"),
        "other": t.whole("renewal_window_other_days"),
    }
    rule_text = _(
        "La demande de renouvellement se fait entre le %(anef)de et le %(other)de jour avant "
        "l'expiration pour un titre demandé sur l'ANEF, dans les %(other)d jours avant "
        "l'expiration pour les autres titres."
    ) % windows + unchecked_note("ceseda_r431_5")
    expiry = _("Le titre expire dans %(days)s.") % {"days": _days(days_left)}
    if days_left > windows["anef"]:
        text = _(
            "%(expiry)s La période de dépôt n'est pas encore ouverte : le juge pourrait "
            "estimer qu'il n'y a pas encore urgence. %(rule)s"
        ) % {"expiry": expiry, "rule": rule_text}
        return Reason("renewal_window", Level.CAUTION, text, source)
    if days_left > windows["other"]:
        return Reason("renewal_window", Level.INFO, f"{expiry} {rule_text}", source)
    return _late_window(facts, f"{expiry} {rule_text}", windows["other"], source)


def _late_window(facts: CaseFacts, text: str, other: int, source: str) -> Reason:
    """Fewer days left than the ANEF window allows: the urgency is real, and it is « acquis »
    only when the documented steps began before that window closed."""
    assert facts.title_expires_on is not None
    closes = facts.title_expires_on - timedelta(days=other)
    started = min((facts.local_date(a.at) for a in facts.counted), default=None)
    if started is not None and started <= closes:
        return Reason("renewal_window", Level.MET, text, source)
    when = (
        _("les tentatives comptées ont commencé le %(day)s, après cette date")
        % {"day": f"{started:%d/%m/%Y}"}
        if started is not None
        else _("aucune tentative n'est encore comptée")
    )
    text += " " + _(
        "Pour un titre demandé sur l'ANEF, le délai de dépôt s'est fermé le %(closes)s et "
        "%(when)s : la préfecture pourrait opposer ce retard."
    ) % {"closes": f"{closes:%d/%m/%Y}", "when": when}
    step = _(
        "Réunir les preuves des démarches plus anciennes (captures, courriels datés) et les "
        "noter dans le dossier."
    )
    return Reason("renewal_window", Level.CAUTION, text, source, step)


def _expired(facts: CaseFacts, days_ago: int, t: Thresholds) -> Reason:
    assert facts.title_expires_on is not None
    if days_ago <= t.whole("expired_long_ago_days"):
        text = _(
            "Le titre a expiré depuis %(days)s : sans récépissé ni attestation de prolongation, "
            "la personne ne peut plus prouver la régularité de son séjour, ce qui rend l'urgence "
            "concrète."
        ) % {"days": _days(days_ago)}
        return Reason("renewal_window", Level.MET, text, t.source("renewal_window_anef_days"))
    text = _(
        "Le titre a expiré le %(date)s, il y a %(ago)s : une expiration aussi ancienne ne montre "
        "plus, à elle seule, une urgence actuelle. Vérifier la date saisie ; si elle est juste, "
        "le juge demandera ce qui rend la situation urgente aujourd'hui."
    ) % {"date": f"{facts.title_expires_on:%d/%m/%Y}", "ago": _duration(days_ago)}
    step = _(
        "Décrire ce qui rend le rendez-vous urgent aujourd'hui (emploi, droits sociaux, "
        "circonstances particulières) et réunir les justificatifs."
    )
    return Reason("renewal_window", Level.CAUTION, text, t.source("expired_long_ago_days"), step)


def _duration(days: int) -> str:
    """« 2 ans », « 14 mois »: a long time in the unit a person uses for it."""
    if days >= 730:
        years = days // 365
        return ngettext("%(n)d an", "%(n)d ans", years) % {"n": years}
    months = days // 30
    return ngettext("%(n)d mois", "%(n)d mois", months) % {"n": months}


def unchecked_note(key: str) -> str:
    """Nothing when a jurist checked the reference in its official text; otherwise says so,
    with the reference: a reader must know what « à vérifier » is about."""
    if reference(key).is_verified:
        return ""
    return " " + _(
        "(Ce délai vient de l'%(citation)s, que personne n'a encore relu dans le texte officiel.)"
    ) % {"citation": citation(key)}


def implicit_rejection(facts: CaseFacts, m: Metrics, t: Thresholds) -> Reason | None:
    """R.432-2 CESEDA: four months of silence on an application is an implicit rejection, even if
    récépissés or attestations were issued (CE avis 6 mai 2025 n° 499904). Then the route changes:
    we can only say so conditionally, since we do not know whether an application was lodged."""
    if facts.procedure_kind != "renewal" or not facts.attempts:
        return None
    if facts.application_filed_on is not None or facts.refused_on is not None:
        return None  # the date is known: the route says what it means (assessment.route)
    months = t.whole("implicit_rejection_months")
    started = facts.local_date(facts.attempts[0].at)
    source = t.source("implicit_rejection_months")
    if facts.today >= _add_months(started, months):
        text = _(
            "Les démarches ont commencé il y a plus de %(months)d mois. Si une demande a été "
            "déposée (par exemple sur l'ANEF) il y a plus de %(months)d mois, un refus implicite "
            "est né : un autre recours peut être plus adapté (des délais plus courts existent "
            "pour certains titres)."
        ) % {"months": months} + unchecked_note("ceseda_r432_2")
        step = _(
            "Vérifier avec une association ou un·e avocat·e la date de tout dépôt de demande et le "
            "recours adapté."
        )
        return Reason("implicit_rejection", Level.CAUTION, text, source, step)
    text = _(
        "Si une demande est déposée et reste sans réponse pendant %(months)d mois, un refus "
        "implicite naît et le recours adapté change : noter la date de tout dépôt."
    ) % {"months": months} + unchecked_note("ceseda_r432_2")
    return Reason("implicit_rejection", Level.INFO, text, source)


RULES: tuple[Rule, ...] = (
    unexecuted_oqtf,
    no_counted_attempt,
    urgency,
    spread_over_weeks,
    practice_duration,
    practice_frequency,
    written_request,
    channel_diversity,
    varied_hours,
    no_long_gap,
    recent_attempts,
    evidence_kinds,
    excluded_outcomes,
    unproven_attempts,
    slots_seen,
    set_aside,
    screenshots_read,
    renewal_window,
    implicit_rejection,
)


def evaluate(facts: CaseFacts, metrics: Metrics, thresholds: Thresholds) -> list[Reason]:
    """Every rule's reason, in the order above (the gravest first)."""
    return [reason for rule in RULES if (reason := rule(facts, metrics, thresholds)) is not None]
