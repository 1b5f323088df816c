"""One page as the classifier's judges see it, and how they find phrases in it.

Computed once per page: the visible text (folded for matching), the browser's innerText when a
browser saw the page, native dialogs, the HTTP status, the booking system, and which lines
belong to the site's chrome, to quotations, to headings and to toggled "state" blocks.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from creneau.watch import signals as s
from creneau.watch import systems, widgets
from creneau.watch.pagetext import Page, fold, fold_with_map, read
from creneau.watch.scripts import load_alerts

# A no-slot sentence introduced like this is reported speech (« si le message … s'affiche : »).
_REPORTED = re.compile(r"\b(?:si|s'il|lorsque?|lorsqu|quand|en cas|messages?|mention|exemple)\b")
_MATCHED_MAX = 300


@dataclass(frozen=True)
class Seen:
    """One page as the judges see it, computed once."""

    html: str
    page: Page
    folded: str
    where: list[int]  # index in page.text of each folded character
    guard: str | None  # folded innerText: a phrase must also be there to count
    dialogs: tuple[str, ...]
    status: int | None
    url: str
    system: str
    chrome: Counter[str]  # folded lines of the site's header, footer, menus and side boxes
    quoted: Counter[str]  # folded lines inside quotations (<blockquote>)
    headings: dict[str, str]  # folded lines of headings and labels → the element showing them
    cells: Counter[str]  # folded lines of table cells beside other cells of their row
    partial: bool = False  # text of a screenshot: the page may go on beyond what was seen

    @property
    def saved(self) -> bool:
        """Judged from a saved copy only: no browser said what was on the screen."""
        return self.guard is None

    @cached_property
    def lines(self) -> list[str]:
        return self.folded.split("\n")


@dataclass(frozen=True)
class Hit:
    system: str
    matched: str
    start: int = -1  # position in ``Seen.folded``; -1 for a dialog
    end: int = -1
    scope: str = ""  # what the phrase itself speaks for ("" = the page, or as its context says)


def see(
    html: str,
    status: int | None,
    url: str,
    dialogs: Sequence[str],
    visible_text: str | None,
    *,
    partial: bool = False,
) -> Seen:
    page = read(html)
    folded, where = fold_with_map(page.text)
    if visible_text is None and not dialogs:
        # A saved copy: the dialogs its scripts open when it loads were seen by whoever saved
        # it (a browser's snapshot records its own, and they are the only ones that count).
        dialogs = load_alerts(page.scripts)
    return Seen(
        html=html,
        page=page,
        folded=folded,
        where=where,
        guard=None if visible_text is None else fold(visible_text),
        dialogs=tuple(d for d in dialogs if d.strip()),
        status=status,
        url=url,
        system=systems.system_of(page, url or saved_from(html)),
        chrome=widgets.chrome_lines(page),
        quoted=widgets.quoted_lines(page),
        headings=widgets.heading_lines(page),
        cells=widgets.row_cell_lines(page),
        partial=partial,
    )


def saved_from(html: str) -> str:
    """The address a browser recorded in a page it saved (a file classified without ``--url``)."""
    mark = s.SAVED_FROM.search(html, 0, s.SAVED_FROM_WINDOW)
    return mark.group(1) if mark else ""


# --- finding phrases -------------------------------------------------------------------------


def find(seen: Seen, phrases: Sequence[s.Phrase], *, statement: bool = False) -> Hit | None:
    """The first phrase a person can read on the page or in a dialog.

    ``statement``: the phrase must belong to this page's system and be stated, not reported.
    """
    for phrase in phrases:
        if statement and not phrase.fits(seen.system):
            continue
        on_page = _on_page(seen, phrase, statement)
        hit = on_page[0] if on_page else _in_dialogs(seen, phrase, statement)
        if hit is not None:
            return hit
    return None


def statements(seen: Seen, phrases: Sequence[s.Phrase]) -> list[Hit]:
    """Every stated occurrence of these phrases on the page and in dialogs, in page order."""
    found: list[Hit] = []
    for phrase in phrases:
        if not phrase.fits(seen.system):
            continue
        found.extend(_on_page(seen, phrase, statement=True))
        dialog = _in_dialogs(seen, phrase, statement=True)
        if dialog is not None:
            found.append(dialog)
    # One sentence may match two phrases (a label and its longer form): keep the longest.
    kept: list[Hit] = []
    for hit in sorted(found, key=lambda hit: (hit.start, -hit.end)):
        if any(
            (k.start <= hit.start < k.end) if hit.start >= 0 else k.matched == hit.matched
            for k in kept
        ):
            continue
        kept.append(hit)
    return kept


def _on_page(seen: Seen, phrase: s.Phrase, statement: bool) -> list[Hit]:
    if seen.guard is not None and not phrase.bare.search(seen.guard):
        return []
    hits = []
    for match in phrase.anchored.finditer(seen.folded):
        start, end = match.start(), match.end()
        if statement and (
            reported(seen.folded, start, end)
            or line_in(seen, seen.chrome, start, end)
            or line_in(seen, seen.quoted, start, end)
        ):
            continue
        hits.append(Hit(phrase.system, matched(seen, start, end), start, end, phrase.scope))
    return hits


def line_in(seen: Seen, lines: Counter[str], start: int, end: int) -> bool:
    """The statement's line belongs to these lines (chrome, quotations…), matched by text.

    The line counts as the page's own only when it shows more often on the page than there
    (nested blocks count twice, which can only lose a no-slot answer).
    """
    line = line_of(seen, start, end)
    inside = lines[line]
    return inside > 0 and seen.lines.count(line) <= inside


def line_of(seen: Seen, start: int, end: int) -> str:
    line_start = seen.folded.rfind("\n", 0, start) + 1
    line_end = seen.folded.find("\n", end)
    return seen.folded[line_start : line_end if line_end >= 0 else len(seen.folded)]


def _in_dialogs(seen: Seen, phrase: s.Phrase, statement: bool) -> Hit | None:
    for dialog in seen.dialogs:
        folded = fold(dialog)
        for match in phrase.anchored.finditer(folded):
            if not (statement and reported(folded, match.start(), match.end())):
                return Hit(phrase.system, " ".join(dialog.split()), scope=phrase.scope)
    return None


def reported(folded: str, start: int, end: int) -> bool:
    """Quoted on its line, or introduced as a hypothesis (« si ce message s'affiche : »)."""
    # Inside quotation marks: an odd number of them opens the line before the sentence. (A quoted
    # word elsewhere on the line, « cliquez sur "Terminer" », does not make the sentence quoted.)
    line_start = folded.rfind("\n", 0, start) + 1
    if folded.count('"', line_start, start) % 2 == 1:
        return True
    before = folded[max(0, start - 80) : start].rstrip()
    return before.endswith(":") and _REPORTED.search(before) is not None


def matched(seen: Seen, start: int, end: int) -> str:
    """The original visible lines around a folded match (or the match itself if they are long)."""
    text = seen.page.text
    first, last = seen.where[start], seen.where[end - 1] + 1
    line_end = text.find("\n", last)
    lines = text[text.rfind("\n", 0, first) + 1 : line_end if line_end >= 0 else len(text)]
    lines = " ".join(lines.split())
    return lines if len(lines) <= _MATCHED_MAX else " ".join(text[first:last].split())


def line(seen: Seen, pattern: re.Pattern[str]) -> str:
    """The visible line where ``pattern`` matches (and that the browser shows), or ""."""
    for match in pattern.finditer(seen.folded):
        if seen.guard is None or match.group(0) in seen.guard:
            return matched(seen, match.start(), max(match.end(), match.start() + 1))
    return ""
