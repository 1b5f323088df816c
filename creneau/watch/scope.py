"""What a statement of unavailability speaks for: the whole page, or one day, site, motif or agent.

« Aucun créneau disponible » under « Mardi 12 mai », after « Titre de voyage : », or in one lieu's
card says nothing of the other days, démarches or lieux: only a statement for the whole page can
become the page's answer. A statement's scope is read from

1. the phrase itself (RDV Service Public's « Votre référent n'a pas de créneaux disponibles »
   speaks for one agent);
2. its own line: a label before it (« Mardi 12 mai 2026 : … », « Naturalisation : … ») or
   words after it in the same sentence (« … en décembre », « … à la sous-préfecture »);
3. the line just above it when that line is a day (« lun. 08/06 »);
4. the nearest heading above it when that heading is a day, or one of several sites, motifs or
   agents of the same kind.

Scoped statements may still answer together: when every day (or every lieu) of the page carries
one, and nothing else on the page may offer a time, the page has nothing to offer.
"""

import re

from creneau.watch.seen import Hit, Seen, line_in

PAGE = "page"
DAY = "day"
SITE = "site"
MOTIF = "motif"
AGENT = "agent"
PART = "part"  # a label we cannot name: one part of the page among others

_WEEKDAY = (
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\.?"
)
_MONTH = (
    r"(?:janv(?:ier)?|fevr?(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|aout|sept(?:embre)?"
    r"|oct(?:obre)?|nov(?:embre)?|dec(?:embre)?|january|february|march|april|may|june|july"
    r"|august|september|october|november|december)\.?"
)
_DATE = re.compile(
    rf"\b{_WEEKDAY} \d{{1,2}}\b|\b\d{{1,2}}(?:er)? {_MONTH}(?!\w)"
    rf"|\b\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\b"
    rf"|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b(?:aujourd'hui|demain|today|tomorrow|ce jour)\b"
    rf"|^{_WEEKDAY}$"
)
_PERIOD = re.compile(
    rf"\b(?:en|au mois d[e']|pour le mois d[e']|in) ?{_MONTH}|\bcette semaine\b|\bce mois\b"
    r"|\bthis (?:week|month)\b|\bla semaine (?:du|prochaine)\b"
)
_KINDS = (
    (
        AGENT,
        re.compile(r"\b(?:agent|referente?|conseill(?:er|ere)|docteur|dr|mme|madame|monsieur)\b"),
    ),
    (
        SITE,
        re.compile(
            r"\b(?:sous-prefecture|prefecture|site|lieu|antenne|guichet|mairie|annexe|bureau"
            r"|agence|centre|maison|espace|permanence|point d'accueil)\b|\b\d{5}\b"
        ),
    ),
    (MOTIF, re.compile(r"\b(?:motif|prestation|demarche)\b")),
)
# Labels that introduce the page's own answer rather than a part of the page.
_NEUTRAL_LABEL = re.compile(
    r"^(?:information|info|infos|attention|important|resultat|reponse|message|remarque|avis"
    r"|note|statut|etat|disponibilites?|creneaux?(?: disponibles?)?|rendez-vous|rdv)\s?:$"
)
_DAY_LABEL_MAX = 60


# Dated lines that tell when something happened, not which day they speak for.
_DATED = re.compile(
    r"derniere|mise? a jour|mise? en ligne|publie|modifie|imprime|updated|published"
)


def is_day_label(line: str) -> bool:
    """A short line that names a day (« Mardi 12 mai 2026 », « lun. 08/06 », « demain »)."""
    return (
        len(line) <= _DAY_LABEL_MAX and _DATE.search(line) is not None and not _DATED.search(line)
    )


def kind_of(label: str) -> str:
    """What a heading or label names: a day, an agent, a site, a motif, or "" (none known)."""
    if is_day_label(label):
        return DAY
    return next((kind for kind, pattern in _KINDS if pattern.search(label)), "")


def scope_of(seen: Seen, hit: Hit) -> str:
    """What ``hit`` speaks for: ``PAGE``, or the part of the page it is about."""
    if hit.scope:
        return hit.scope
    if hit.start < 0:  # a native dialog answers the page's request
        return PAGE
    if line_in(seen, seen.cells, hit.start, hit.end):
        return PART  # one row of a table: its other cells name what it speaks for
    return (
        _line_scope(seen, hit)
        or _day_above(seen, hit)
        or _day_below(seen, hit)
        or _heading_scope(seen, hit)
        or PAGE
    )


def _line_scope(seen: Seen, hit: Hit) -> str:
    folded = seen.folded
    line_start = folded.rfind("\n", 0, hit.start) + 1
    prefix = folded[line_start : hit.start].strip()
    if prefix:
        kind = kind_of(prefix) or ("" if _DATE.search(prefix) is None else DAY)
        if kind:
            return kind
        if prefix.endswith((":", "-")) and not _NEUTRAL_LABEL.match(prefix.rstrip("-").strip()):
            return PART
    line_end = folded.find("\n", hit.end)
    rest = folded[hit.end : line_end if line_end >= 0 else len(folded)]
    sentence = re.split(r"[.!?;]", rest, maxsplit=1)[0]
    if _DATE.search(sentence) or _PERIOD.search(sentence):
        return DAY
    kind = next((kind for kind, pattern in _KINDS if pattern.search(sentence)), "")
    return kind if kind in (SITE, AGENT) else ""


def _day_above(seen: Seen, hit: Hit) -> str:
    index = seen.folded.count("\n", 0, hit.start)
    return DAY if index > 0 and is_day_label(seen.lines[index - 1]) else ""


_CONTINUED = re.compile(r"^(?:pour|le|la|du|au|a|en|sur|ce|cette|dans|chez|avec|at|on|for|in)\b")


def _day_below(seen: Seen, hit: Hit) -> str:
    """The line below goes on with a day, a place or an agent (« pour le mardi 12 mai »)."""
    index = seen.folded.count("\n", 0, hit.end)
    if index + 1 >= len(seen.lines):
        return ""
    below = seen.lines[index + 1]
    if len(below) > _DAY_LABEL_MAX or not _CONTINUED.match(below):
        return ""
    if _DATE.search(below) or _PERIOD.search(below):
        return DAY
    return next((kind for kind, pattern in _KINDS if pattern.search(below)), "")


def _heading_scope(seen: Seen, hit: Hit) -> str:
    """The nearest heading above names a day, or one of several sites, agents or motifs."""
    above = heading_above(seen, seen.folded.count("\n", 0, hit.start))
    if above is None:
        return ""
    heading = seen.lines[above]
    kind = kind_of(heading)
    if kind == DAY:
        return DAY
    if kind and len(units(seen, kind, seen.headings[heading])) > 1:
        return kind
    return ""


def heading_above(seen: Seen, index: int) -> int | None:
    """The index of the nearest heading line above line ``index``."""
    return next((i for i in range(index - 1, -1, -1) if seen.lines[i] in seen.headings), None)


def units(seen: Seen, kind: str, element: str = "") -> list[int]:
    """Indexes of the lines that head one part of the page of this kind (days; sites, agents or
    motifs headed by the same kind of element); a day written on two lines (« lundi » then
    « 8 juin ») counts once."""
    if kind == DAY:
        heads = [index for index, line in enumerate(seen.lines) if is_day_label(line)]
    else:
        heads = [
            index
            for index, line in enumerate(seen.lines)
            if seen.headings.get(line) == element and kind_of(line) == kind
        ]
    return [index for n, index in enumerate(heads) if n == 0 or heads[n - 1] != index - 1]


def every_unit(seen: Seen, hits: list[Hit], scopes: list[str]) -> Hit | None:
    """The first scoped statement, when every day (or site, or motif) of the page carries one."""
    for kind in (DAY, SITE, MOTIF):
        said = [
            seen.folded.count("\n", 0, hit.start)
            for hit, scope in zip(hits, scopes, strict=True)
            if scope == kind and hit.start >= 0
        ]
        if not said:
            continue
        above = heading_above(seen, said[0])
        heads = units(seen, kind, seen.headings[seen.lines[above]] if above is not None else "")
        if len(heads) < 2:
            continue
        bounds = [*heads[1:], len(seen.lines)]
        if all(
            any(head <= at < end for at in said) for head, end in zip(heads, bounds, strict=True)
        ):
            return next(hit for hit, scope in zip(hits, scopes, strict=True) if scope == kind)
    return None
