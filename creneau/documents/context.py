"""Plain-dict pieces shared by every document: identity, prefecture, tribunal, dated attempts.

Values a document needs but the file does not hold are ``""``: the template prints a dotted
line to fill by hand (``or_blank``) and the label lands in ``missing`` so the interface can say
what to complete.
"""

import datetime
import re
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from creneau.cases.models import Attempt, Case, Channel, Outcome, Person
from creneau.catalog.models import Prefecture
from creneau.documents.exhibits import Exhibit, exhibit_of, is_listed, letter_receipts
from creneau.documents.french import PARIS, french_date, french_datetime, of, paris
from creneau.evidence.readings import set_aside_attempts
from creneau.evidence.states import Evidence, State, evidence_of

_CHANNEL_PHRASES = {
    Channel.ONLINE: "tentative de prise de rendez-vous en ligne",
    Channel.EMAIL: "courriel au service des étrangers de la préfecture",
    Channel.LETTER: "lettre recommandée avec accusé de réception à la préfecture",
    Channel.COUNTER: "présentation au guichet de la préfecture",
    Channel.CCC: "demande au centre de contact citoyen (ANEF)",
    Channel.PAN: "visite au point d'accueil numérique de la préfecture",
    Channel.DDD: "saisine du Défenseur des droits",
    Channel.PHONE: "appel téléphonique à la préfecture",
    Channel.OTHER: "autre démarche",
}
_OUTCOME_PHRASES = {
    Outcome.NO_SLOT: "aucun créneau disponible",
    Outcome.SLOTS_AVAILABLE: "créneaux affichés",
    Outcome.CLOSED: "prise de rendez-vous fermée",
    Outcome.ERROR: "le site a renvoyé une erreur",
    Outcome.CAPTCHA: "vérification anti-robot non aboutie",
    Outcome.QUEUE: "file d'attente sans accès au calendrier",
    Outcome.UNKNOWN: "page non reconnue",
    Outcome.SENT: "envoi effectué",
    Outcome.DELIVERED: "distribué",
    Outcome.REFUSED: "aucun rendez-vous donné",
    Outcome.ANSWERED: "réponse reçue",
    Outcome.NO_ANSWER: "resté sans réponse",
}
_MASCULINE_CHANNELS = frozenset({Channel.EMAIL, Channel.PHONE})  # courriel, appel
_FEMININE_OUTCOMES = {Outcome.DELIVERED: "distribuée", Outcome.NO_ANSWER: "restée sans réponse"}
_POSTCODE_CITY = re.compile(r"\b\d{5}\s+(?:CEDEX\s+)?([^\d,\n][^,\n]*?)\s*(?:CEDEX.*)?$", re.I)


def text(value: object) -> str:
    """``None`` and blanks become ``""``: a document never prints « None »."""
    return "" if value is None else str(value).strip()


def _birth_date(value: str) -> str:
    try:
        return french_date(datetime.date.fromisoformat(value))
    except ValueError:
        return value


def _lines(value: str) -> list[str]:
    return [line.strip() for line in re.split(r"[\n;]", value) if line.strip()]


def in_sentence(name: str) -> str:
    """« Préfecture de l'Ain » → « préfecture de l'Ain », for use after « la »."""
    return name[:1].lower() + name[1:]


def french_clock(clock: datetime.time) -> str:
    """« 7 h 55 », with non-breaking spaces."""
    return f"{clock.hour}\u00a0h\u00a0{clock.minute:02d}"


def person_context(person: Person) -> dict[str, Any]:
    family = text(person.family_name).upper()
    given = text(person.given_names)
    address = text(person.address)
    full_name = f"{given} {family}".strip()
    return {
        "family_name": family,
        "given_names": given,
        "full_name": full_name,
        "of_name": of(full_name),  # « d'Amina BENALI », « de Mamadou DIALLO »
        "birth_date": _birth_date(text(person.birth_date)),
        "birth_place": text(person.birth_place),
        "nationality": text(person.nationality),
        "email": text(person.email),
        "phone": text(person.phone),
        "address_lines": _lines(address),
        "foreigner_number": text(person.foreigner_number),
    }


def site_of(case: Case) -> Prefecture | None:
    """The prefecture site the case targets, else the département's main one."""
    if case.prefecture is not None:
        return case.prefecture
    sites = case.department.sites.all()
    return sites.exclude(kind=Prefecture.Kind.SUBPREFECTURE).first() or sites.first()


def prefecture_context(case: Case) -> dict[str, Any]:
    site = site_of(case)
    # « le {{ prefect }} », « au {{ prefect }} »: in Paris the préfet de police (legal.md §6.2).
    prefect = case.department.prefect_title
    name = site.name if site else f"Préfecture {case.department.name_with_article}"
    return {
        "name": name,
        "name_in_sentence": in_sentence(name),
        "city": site.city if site else case.department.chef_lieu,
        "address_lines": _lines(site.address) if site else [],
        "email": site.foreigners_email if site else "",
        "prefect": prefect,
        "Prefect": prefect[:1].upper() + prefect[1:],
        "department": case.department.name,
        "department_code": case.department.code,
        "department_with_article": case.department.name_with_article,
    }


def tribunal_context(case: Case) -> dict[str, Any]:
    tribunal = case.tribunal
    return {
        "name": tribunal.name,
        "name_in_sentence": in_sentence(tribunal.name),
        "seat": tribunal.seat,
        "address": " ".join(tribunal.address.split()),
        "address_verified": tribunal.address_verified_on is not None,
    }


_SUBJECT_PREFIX = {"renewal": "renouvellement : ", "first_application": "première demande : "}


def procedure_context(case: Case) -> dict[str, Any]:
    title = text(case.title) or "titre de séjour"
    ground = text(case.ground)
    renewal = case.procedure_kind == "renewal"
    what = f"{title} ({ground})" if ground else title
    # « carte de séjour temporaire portant la mention « salarié » », as titles are named.
    designation = f"{title} portant la mention « {ground} »" if ground else title
    return {
        "kind": case.procedure_kind,
        "renewal": renewal,
        "first_application": case.procedure_kind == "first_application",
        "title": title,
        "ground": ground,
        "object": what,
        "designation": designation,
        "request": (
            f"demande de renouvellement de {designation}"
            if renewal
            else f"demande de {designation}"
        ),
        "subject": f"{_SUBJECT_PREFIX.get(case.procedure_kind, '')}{what}",
        "title_expires_on": french_date(case.title_expires_on) if case.title_expires_on else "",
        "booking_url": case.booking_page.url if case.booking_page else "",
    }


def outcome_phrase(attempt: Attempt) -> str:
    """The outcome, agreeing with the channel's noun (« lettre … distribuée »)."""
    channel, outcome = Channel(attempt.channel), Outcome(attempt.outcome)
    if channel not in _MASCULINE_CHANNELS and outcome in _FEMININE_OUTCOMES:
        return _FEMININE_OUTCOMES[outcome]
    return _OUTCOME_PHRASES[outcome]


def describe(attempt: Attempt) -> str:
    """« tentative de prise de rendez-vous en ligne, aucun créneau disponible »."""
    return f"{_CHANNEL_PHRASES[Channel(attempt.channel)]}, {outcome_phrase(attempt)}"


_RECEIPT_PHRASES = {
    Outcome.DELIVERED: "lettre distribuée",
    Outcome.REFUSED: "lettre refusée",
    Outcome.NO_ANSWER: "restée sans réponse",
}


def _receipt_phrase(attempt: Attempt, letter: Attempt, zone: ZoneInfo) -> str:
    """« avis de réception de la lettre recommandée du 22 septembre 2026 : lettre distribuée »."""
    sent = french_date(paris(letter.at, zone).date())
    outcome = _RECEIPT_PHRASES.get(Outcome(attempt.outcome), outcome_phrase(attempt))
    return f"avis de réception de la lettre recommandée du {sent} : {outcome}"


def _with_receipt(letter: Attempt, receipt: Attempt | None, zone: ZoneInfo) -> str:
    """The letter's line, with what its avis de réception says when it is in the same list:
    one letter is one step, so a document that counts N steps lists N lines."""
    if receipt is None:
        return describe(letter)
    received = french_date(paris(receipt.at, zone).date())
    outcome = _RECEIPT_PHRASES.get(Outcome(receipt.outcome), outcome_phrase(receipt))
    return f"{describe(letter)} ; avis de réception du {received} : {outcome}"


def attempt_rows(
    attempts: Sequence[Attempt],
    exhibits: Sequence[Exhibit] = (),
    zone: ZoneInfo = PARIS,
    evidence: Mapping[int, Evidence] | None = None,
) -> list[dict[str, Any]]:
    """The attempts a document lists (see ``is_listed``), dated, with their exhibit number and
    their evidence state (``creneau.evidence.states``: the words every document uses).

    An avis de réception whose letter is in the list is said on the letter's line (``summary``
    counts the letter once); one whose letter is not keeps its own line, naming the letter."""
    numbers = exhibit_of(exhibits)
    receipts = letter_receipts(attempts)
    listed_ids = {attempt.pk for attempt in attempts}
    receipt_of = {letter.pk: receipt_id for receipt_id, letter in receipts.items()}
    by_id = {attempt.pk: attempt for attempt in attempts}
    found = evidence if evidence is not None else evidence_of(attempts)
    aside = set_aside_attempts(a.pk for a in attempts if found[a.pk].has_file)
    rows = []
    for attempt in attempts:
        if not is_listed(attempt):
            continue
        if attempt.pk in receipts and receipts[attempt.pk].pk in listed_ids:
            continue  # said on its letter's line
        if attempt.pk in receipts:
            description = _receipt_phrase(attempt, receipts[attempt.pk], zone)
        else:
            description = _with_receipt(attempt, by_id.get(receipt_of.get(attempt.pk, -1)), zone)
        evidence_found = found[attempt.pk]
        row = _row(attempt, description, numbers.get(attempt.pk), evidence_found, zone)
        # A file proves it, unless its screenshot shows something else (set aside).
        row["proven"] = evidence_found.has_file and attempt.pk not in aside
        rows.append(row)
    return rows


def _row(
    attempt: Attempt, description: str, exhibit: int | None, evidence: Evidence, zone: ZoneInfo
) -> dict[str, Any]:
    return {
        "id": attempt.pk,
        "when": french_datetime(attempt.at, zone),
        "day": french_date(paris(attempt.at, zone).date()),
        "channel": str(attempt.channel),
        "description": description,
        "outcome": _OUTCOME_PHRASES[Outcome(attempt.outcome)],  # after « tentative(s) »
        "exhibit": exhibit,
        "state": str(evidence.state),
        "state_label": evidence.label,
        "proven": evidence.has_file,
        "proof": proof_phrase(evidence, zone),
    }


def proof_phrase(evidence: Evidence, zone: ZoneInfo = PARIS) -> str:
    """The evidence state, in the words every page uses, and for an attempt Créneau witnessed
    what witnessed it and which authority dated it (never more than the token shows)."""
    if evidence.state == State.TIMESTAMPED:
        stamp = evidence.stamps[0]
        return (
            f"{evidence.label} : constat de Créneau, horodatage du "
            f"{french_datetime(stamp.at, zone)} par {authority_name(stamp.tsa)}"
        )
    if evidence.state == State.AWAITING_TIMESTAMP:
        return f"{evidence.label} : constat de Créneau"
    return evidence.label


def authority_name(subject: str) -> str:
    """« DigiCert SHA256 RSA4096 Timestamp Responder » from the signer's distinguished name."""
    for part in subject.split(","):
        key, _, value = part.strip().partition("=")
        if key.upper() == "CN" and value:
            return value
    return subject or "une autorité d'horodatage"


def split_by_proof(
    attempts: Sequence[Attempt], evidence: Mapping[int, Evidence]
) -> tuple[list[Attempt], list[Attempt]]:
    """(attempts a file proves, attempts only declared), each in their order. An attempt whose
    screenshot shows something else than the case, and that no volunteer kept, is declared: the
    bundle files no exhibit for it (``evidence.readings``)."""
    aside = set_aside_attempts(a.pk for a in attempts if evidence[a.pk].has_file)
    proven = [a for a in attempts if evidence[a.pk].has_file and a.pk not in aside]
    declared = [a for a in attempts if not evidence[a.pk].has_file or a.pk in aside]
    return proven, declared


def summary(attempts: Sequence[Attempt], zone: ZoneInfo = PARIS) -> dict[str, Any]:
    """Counts a judge looks at: how many, from when to when, over how many distinct weeks."""
    receipts = letter_receipts(attempts)
    # An avis de réception is the letter's outcome, not one more step the person took.
    listed = [a for a in attempts if is_listed(a) and a.pk not in receipts]
    online = [a for a in listed if a.channel == Channel.ONLINE]
    days = sorted(paris(a.at, zone).date() for a in listed)
    clocks = sorted(paris(a.at, zone).time() for a in online)
    weeks = {day.isocalendar()[:2] for day in days}
    return {
        "count": len(listed),
        "online_count": len(online),
        "others": len(listed) - len(online),
        "written_count": sum(a.channel in {Channel.EMAIL, Channel.LETTER} for a in listed),
        "counter_count": sum(a.channel == Channel.COUNTER for a in listed),
        "weeks": len(weeks),
        "first": french_date(days[0]) if days else "",
        "last": french_date(days[-1]) if days else "",
        "first_date": days[0] if days else None,
        "hours": len({paris(a.at, zone).hour for a in online}),
        "earliest": french_clock(clocks[0]) if clocks else "",
        "latest": french_clock(clocks[-1]) if clocks else "",
    }


def city_of(address_lines: Sequence[str]) -> str:
    """« Saint-Denis » from « 12 rue X, 93200 Saint-Denis »; ``""`` when not recognisable."""
    for line in reversed(address_lines):
        match = _POSTCODE_CITY.search(line)
        if match:
            return match.group(1).strip()
    return ""


def agreement(gender: str) -> dict[str, str]:
    """Agreement for templates: ``né{{ e }}``, ``{{ applicant }}``, ``{{ of_applicant }}``,
    ``{{ civility }}`` (« Mme », « M. » or nothing) and ``{{ she }}`` (« elle », « il »)."""
    if gender == "f":
        applicant, of_applicant, e, civility, she = (
            "la requérante",
            "de la requérante",
            "e",
            "Mme ",
            "elle",
        )
    elif gender == "m":
        applicant, of_applicant, e, civility, she = (
            "le requérant",
            "du requérant",
            "",
            "M. ",
            "il",
        )
    else:
        applicant, of_applicant, e, civility, she = (
            "la partie requérante",
            "de la partie requérante",
            "(e)",
            "",
            "elle",
        )
    return {
        "e": e,
        "applicant": applicant,
        "Applicant": applicant[:1].upper() + applicant[1:],
        "of_applicant": of_applicant,
        "to_applicant": "au requérant" if gender == "m" else f"à {applicant}",
        "civility": civility,
        "she": she,
        "She": she.capitalize(),
    }


def missing_prefecture_address(context: dict[str, Any]) -> list[str]:
    return [] if context["prefecture"]["address_lines"] else ["adresse postale de la préfecture"]


def missing_place(place: str) -> list[str]:
    return [] if place else ["lieu de signature"]


def missing_identity(person: dict[str, Any]) -> list[str]:
    labels = {
        "given_names": "prénoms",
        "birth_date": "date de naissance",
        "birth_place": "lieu de naissance",
        "nationality": "nationalité",
        "address_lines": "adresse postale",
    }
    return [label for key, label in labels.items() if not person[key]]


def gender_of(case: Case, options: dict[str, Any]) -> str:
    """The option given for this document, else the person's own (case format 2)."""
    return str(options.get("gender") or case.person.gender or "")


def common_context(case: Case, options: dict[str, Any]) -> dict[str, Any]:
    person = person_context(case.person)
    today = options["date"] or timezone.localdate()
    place = options["place"] or city_of(person["address_lines"])
    agreed = agreement(gender_of(case, options))
    # After the first mention: « Mme BENALI »; without a civility, the full name again.
    civility = agreed["civility"]
    person["short"] = f"{civility}{person['family_name']}" if civility else person["full_name"]
    # « la demande d'Awa KONE », « c'est alors qu'Awa KONE… »: elided before a vowel.
    short = person["short"]
    person["of_short"] = of(short)
    person["that_short"] = f"qu'{short}" if of(short).startswith("d'") else f"que {short}"
    return {
        "reference": case.reference,
        "person": person,
        "prefecture": prefecture_context(case),
        "tribunal": tribunal_context(case),
        "procedure": procedure_context(case),
        "date": french_date(today),
        "today": today,
        "place": place,
        "missing": missing_identity(person) + missing_place(place),
        "cited": [],  # filled by {% legal %}: the references this document cites
        **agreed,
    }
