"""Plain text lines a person saw (OCR of a phone screenshot): what in them could be an offer.

Text has no markup: a time of day may be a slot button, a list of times, or a sentence. So a
line with a time, a day with times, or an invitation to choose counts as a possible offer, and
only a few lines known never to offer anything are set aside (the phone's status bar clock,
RDV Préfecture's « Dernière mise en ligne … à 11:58 », the date of an appointment already held).
"""

import re

from creneau.watch.pagetext import fold

# A time of day as a screen shows it: 09:15, 9h15, 9 h 15, 09.15 (OCR may read ':' as '.').
TIME = re.compile(r"(?<![\w:/.,])(?:[01]?\d|2[0-3]) ?(?:[:h.]) ?[0-5]\d(?![\d/:]|[.,]\d)")
# Words that invite to pick or show a bookable time.
OFFER_WORDS = re.compile(
    r"\b(?:choisi(?:r|ssez)|selectionne[rz]|reserve[rz]|prendre ce (?:rendez-vous|creneau)"
    r"|(?:premiere?|prochaine?) (?:creneau|plage|date|disponibilite)s?\b"
    r"|creneaux (?:disponibles|libres)|choose|select (?:a|an|your) (?:time|slot|date)"
    r"|book (?:this|now)|next availab)"
)
# Lines that carry a time without offering it.
NOT_AN_OFFER = re.compile(
    r"derniere mise en ligne|mise? a jour|publie le|modifie le|imprime le|capture le"
    r"|la date de votre (?:rdv|rendez-vous) reste"
    r"|votre (?:rdv|rendez-vous) (?:est|reste) (?:fixe|prevu)"
)
# OCR wraps « Dernière mise en ligne de rendez-vous : le 06/09/2026 à 11:58 … » after the colon:
# the dated line right under such a line belongs to it.
DATED_CONTINUATION = re.compile(r"^le \d{1,2}/\d{1,2}/\d{4} a (?:[01]?\d|2[0-3]) ?[:h.] ?[0-5]\d\b")
# A phone's status bar: a clock with network or battery marks (a lone clock may be a slot).
STATUS_BAR = re.compile(
    r"^(?:[01]?\d|2[0-3])[:h.][0-5]\d(?:\s+(?:[345]g\+?|lte|e|h\+?|wi-?fi|\d{1,3} ?%|[^\w\s]+))*"
    r"\s+(?:[345]g\+?|lte|wi-?fi|\d{1,3} ?%)(?:\s+\S+)*$"
)
# A host name with its path, as an address bar shows it.
ADDRESS = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+(?:gouv\.fr|fr|com|net|org|eu)(?:/\S*)?)")
_EDGE = 3  # address bars sit in the first or last lines of a screenshot


def lines_seen(text: str) -> list[str]:
    """Non-empty lines, spaces collapsed, without the phone's status bar on the first line."""
    lines = [joined for raw in text.splitlines() if (joined := " ".join(raw.split()))]
    if lines and STATUS_BAR.match(fold(lines[0])):
        return lines[1:]
    return lines


def address(lines: list[str]) -> str:
    """The address shown in an address bar (first or last lines), as an URL, or ""."""
    edges = lines[:_EDGE] + lines[-_EDGE:]
    for line in edges:
        folded = fold(line)
        if " " in folded.strip():
            continue
        found = ADDRESS.search(folded)
        if found:
            return "https://" + found.group(1)
    return ""


def offer(lines: list[str]) -> str:
    """The first line that could offer a slot: a time of day, or an invitation to choose one."""
    previous = ""
    for line in lines:
        folded = fold(line)
        wrapped = previous.rstrip().endswith(":") and NOT_AN_OFFER.search(previous)
        previous = folded
        if NOT_AN_OFFER.search(folded) or (wrapped and DATED_CONTINUATION.match(folded)):
            continue
        if TIME.search(folded) or OFFER_WORDS.search(folded):
            return line
    return ""
