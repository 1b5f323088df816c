"""Page classifier (pure): what did the booking page show a person?

``classify`` judges one captured page in the order of booking-systems.md §7, and the first judge
that recognises something decides:

1. technical failure (HTTP status >= 400, proxy/CDN/browser error page, application error) → error
2. anti-bot challenge → captcha; waiting room → queue
3. visible slot evidence (free cell, time button, enabled day, next availability)
   → slots_available
4. visible no-slot statement on a page recognised as that booking system, or its calendar
   with zero free cell → no_slot
5. closure notice → closed
6. otherwise → unknown (an expected intermediate step, or a page a person should review)

A false ``no_slot`` would be false evidence before a court, so step 4 requires a known sentence
that a person can see, stated (not quoted or hypothetical), and no slot hidden in the DOM.
No I/O, no database: the same input always gives the same answer.
"""

import html as html_lib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from creneau.watch import signals as s
from creneau.watch import textlines, widgets
from creneau.watch.pagetext import Page, fold, fold_with_map, read

NO_SLOT = "no_slot"
SLOTS_AVAILABLE = "slots_available"
CLOSED = "closed"
ERROR = "error"
CAPTCHA = "captcha"
QUEUE = "queue"
UNKNOWN = "unknown"
OUTCOMES = (NO_SLOT, SLOTS_AVAILABLE, CLOSED, ERROR, CAPTCHA, QUEUE, UNKNOWN)

# A no-slot sentence introduced like this is reported speech (« si le message … s'affiche : »).
_REPORTED = re.compile(r"\b(?:si|s'il|lorsque?|lorsqu|quand|en cas|messages?|mention|exemple)\b")
_MATCHED_MAX = 300


@dataclass(frozen=True)
class Classification:
    outcome: str  # no_slot, slots_available, closed, error, captcha, queue, unknown
    system: str = ""  # a creneau.catalog.models.BookingSystem value, "" when not recognised
    matched: str = ""  # the visible text that decided
    slots: tuple[str, ...] = field(default_factory=tuple)
    needs_review: bool = False  # an unknown layout a person should look at


@dataclass(frozen=True)
class _Seen:
    """One page as the judges see it, computed once."""

    page: Page
    folded: str
    where: list[int]  # index in page.text of each folded character
    guard: str | None  # folded innerText: a phrase must also be there to count
    dialogs: tuple[str, ...]
    status: int | None
    url: str
    system: str
    chrome: Counter[str]  # folded lines of the site's header, footer, menus and side boxes


@dataclass(frozen=True)
class _Hit:
    system: str
    matched: str


def classify(
    html: str,
    *,
    status: int | None = None,
    final_url: str = "",
    dialogs: Sequence[str] = (),
    visible_text: str | None = None,
) -> Classification:
    """Classify one page; ``dialogs`` are native ``alert()`` texts, seen by the person too."""
    seen = _see(html, status, final_url, dialogs, visible_text)
    for judge in _JUDGES:
        verdict = judge(seen)
        if verdict is not None:
            return verdict
    return Classification(UNKNOWN, seen.system, needs_review=True)


class Snapshot(Protocol):
    """The part of ``browser.PageSnapshot`` the classifier reads (no Playwright import here)."""

    @property
    def html(self) -> str: ...
    @property
    def status(self) -> int | None: ...
    @property
    def final_url(self) -> str: ...
    @property
    def dialogs(self) -> tuple[str, ...]: ...
    @property
    def visible_text(self) -> str: ...
    @property
    def error(self) -> str: ...


def classify_snapshot(snapshot: Snapshot) -> Classification:
    """Classify a browser snapshot; a failed navigation or step is an error, whatever shows."""
    result = classify(
        snapshot.html,
        status=snapshot.status,
        final_url=snapshot.final_url,
        dialogs=snapshot.dialogs,
        visible_text=snapshot.visible_text,
    )
    if snapshot.error and result.outcome != ERROR:
        return Classification(ERROR, result.system, snapshot.error, needs_review=True)
    return result


def classify_text(text: str, *, final_url: str = "") -> Classification:
    """Classify plain text lines a person saw (e.g. the OCR of a phone screenshot).

    A conservative judge: the lines go through the same judges as a page (errors, gates, slots,
    statements), then a ``no_slot`` stands only if nothing in the text could be an offer (a time
    of day, « choisir », a next availability…): text has no markup to tell a slot button from a
    sentence. ``final_url`` names the booking system when the text does not show its address.
    """
    lines = textlines.lines_seen(text)
    url = final_url or textlines.address(lines)
    page = "".join(f"<p>{html_lib.escape(line)}</p>" for line in lines)
    result = classify(page, final_url=url)
    if result.outcome == NO_SLOT:
        offer = textlines.offer(lines)
        if offer:
            return Classification(UNKNOWN, result.system, offer, needs_review=True)
    return result


def _see(
    html: str,
    status: int | None,
    url: str,
    dialogs: Sequence[str],
    visible_text: str | None,
) -> _Seen:
    page = read(html)
    folded, where = fold_with_map(page.text)
    return _Seen(
        page=page,
        folded=folded,
        where=where,
        guard=None if visible_text is None else fold(visible_text),
        dialogs=tuple(d for d in dialogs if d.strip()),
        status=status,
        url=url,
        system=widgets.system_of_url(url or _saved_from(html)) or widgets.system_of_markup(page),
        chrome=widgets.chrome_lines(page),
    )


def _saved_from(html: str) -> str:
    """The address a browser recorded in a page it saved (a file classified without ``--url``)."""
    mark = s.SAVED_FROM.search(html, 0, s.SAVED_FROM_WINDOW)
    return mark.group(1) if mark else ""


# --- finding phrases -------------------------------------------------------------------------


def _find(seen: _Seen, phrases: Sequence[s.Phrase], *, statement: bool = False) -> _Hit | None:
    """The first phrase a person can read on the page or in a dialog.

    ``statement``: the phrase must belong to this page's system and be stated, not reported.
    """
    for phrase in phrases:
        if statement and not _fits(seen.system, phrase):
            continue
        hit = _find_on_page(seen, phrase, statement) or _find_in_dialogs(seen, phrase, statement)
        if hit is not None:
            return hit
    return None


def _fits(system: str, phrase: s.Phrase) -> bool:
    if phrase.short:
        return system == phrase.system
    return system in ("", phrase.system)


def _find_on_page(seen: _Seen, phrase: s.Phrase, statement: bool) -> _Hit | None:
    if seen.guard is not None and not phrase.bare.search(seen.guard):
        return None
    for match in phrase.anchored.finditer(seen.folded):
        if statement and _reported(seen.folded, match.start(), match.end()):
            continue
        if statement and _in_chrome(seen, match.start(), match.end()):
            continue
        return _Hit(phrase.system, _matched(seen, match.start(), match.end()))
    return None


def _in_chrome(seen: _Seen, start: int, end: int) -> bool:
    """The statement's line belongs to the site's header, footer, menu, side box or ticker.

    Matched by text: the line counts as the page's own only when it shows more often on the
    page than in its chrome (nested chrome counts twice, which can only lose a no-slot answer).
    """
    line_start = seen.folded.rfind("\n", 0, start) + 1
    line_end = seen.folded.find("\n", end)
    line = seen.folded[line_start : line_end if line_end >= 0 else len(seen.folded)]
    in_chrome = seen.chrome[line]
    return in_chrome > 0 and seen.folded.split("\n").count(line) <= in_chrome


def _find_in_dialogs(seen: _Seen, phrase: s.Phrase, statement: bool) -> _Hit | None:
    for dialog in seen.dialogs:
        folded = fold(dialog)
        for match in phrase.anchored.finditer(folded):
            if not (statement and _reported(folded, match.start(), match.end())):
                return _Hit(phrase.system, " ".join(dialog.split()))
    return None


def _reported(folded: str, start: int, end: int) -> bool:
    """Quoted on its line, or introduced as a hypothesis (« si ce message s'affiche : »)."""
    # Inside quotation marks: an odd number of them opens the line before the sentence. (A quoted
    # word elsewhere on the line, « cliquez sur "Terminer" », does not make the sentence quoted.)
    line_start = folded.rfind("\n", 0, start) + 1
    if folded.count('"', line_start, start) % 2 == 1:
        return True
    before = folded[max(0, start - 80) : start].rstrip()
    return before.endswith(":") and _REPORTED.search(before) is not None


def _matched(seen: _Seen, start: int, end: int) -> str:
    """The original visible lines around a folded match (or the match itself if they are long)."""
    text = seen.page.text
    first, last = seen.where[start], seen.where[end - 1] + 1
    line_end = text.find("\n", last)
    lines = text[text.rfind("\n", 0, first) + 1 : line_end if line_end >= 0 else len(text)]
    lines = " ".join(lines.split())
    return lines if len(lines) <= _MATCHED_MAX else " ".join(text[first:last].split())


def _line(seen: _Seen, pattern: re.Pattern[str]) -> str:
    """The visible line where ``pattern`` matches (and that the browser shows), or ""."""
    for match in pattern.finditer(seen.folded):
        if seen.guard is None or match.group(0) in seen.guard:
            return _matched(seen, match.start(), max(match.end(), match.start() + 1))
    return ""


# --- the judges, in order of precedence -------------------------------------------------------


def _judge_error(seen: _Seen) -> Classification | None:
    if seen.status is not None and seen.status >= 400 and not _challenge(seen):
        return Classification(ERROR, seen.system, _headline(seen) or f"HTTP {seen.status}")
    if seen.url.lower().startswith(("chrome-error:", "about:neterror")):
        return Classification(ERROR, seen.system, _headline(seen) or seen.url)
    title = fold(seen.page.title)
    if s.ERRORS.search(title) or s.ERROR_TITLE.search(title):
        return Classification(ERROR, seen.system, seen.page.title)
    matched = _line(seen, s.ERRORS) or next(
        (d for d in seen.dialogs if s.ERRORS.search(fold(d))), ""
    )
    return Classification(ERROR, seen.system, matched) if matched else None


def _headline(seen: _Seen) -> str:
    """What an error page says of itself: its error line, else its title or first line."""
    first_line = seen.page.text.split("\n", 1)[0]
    return _line(seen, s.ERRORS) or seen.page.title or first_line[:200]


def _challenge(seen: _Seen) -> str:
    """A Cloudflare-style challenge: its own words, or its title on its own markup."""
    matched = _line(seen, s.CHALLENGE_TEXT)
    if matched:
        return matched
    title = fold(seen.page.title)
    if s.CHALLENGE_TITLE.match(title) and widgets.challenge_markup(seen.page):
        return seen.page.title
    return ""


def _judge_gate(seen: _Seen) -> Classification | None:
    challenge = _challenge(seen)
    if challenge:
        return Classification(CAPTCHA, seen.system or s.GENERIC, challenge)
    if widgets.captchetat(seen.page):
        matched = _line(seen, re.compile(r"code de securite")) or "CaptchEtat"
        return Classification(CAPTCHA, seen.system or s.RDV_PREFECTURE, matched)
    widget = widgets.captcha_widget(seen.page)
    if widget and seen.system != s.LEGACY:  # System A asks for it only once a slot is held
        return Classification(CAPTCHA, seen.system, widget)
    queue = _line(seen, s.QUEUE_TEXT)
    if queue or s.QUEUE_MARKUP.search(seen.url.lower()):
        return Classification(QUEUE, seen.system or s.GENERIC, queue or seen.url)
    return None


def _visible_slots(seen: _Seen) -> list[widgets.SlotEvidence]:
    """Slot evidence a person can see, the most precise first."""
    page = seen.page
    hit = _find(seen, s.SLOTS)
    found = [
        widgets.legacy_slot_links(page, visible=True),
        widgets.free_cells(page, visible=True),
        widgets.choose_slot_links(page, visible=True),
        widgets.time_buttons(page, visible=True),
        widgets.datepicker_days(page),
        widgets.enabled_day_field(page),
        widgets.soonest_text(page),
        widgets.legacy_held_slot(page, seen.system),
        widgets.SlotEvidence(hit.matched) if hit else None,
    ]
    return [evidence for evidence in found if evidence is not None]


def _judge_slots(seen: _Seen) -> Classification | None:
    found = _visible_slots(seen)
    if not found:
        return None
    slots = next((evidence.slots for evidence in found if evidence.slots), ())
    matched = next((e.matched for e in found if not e.described), found[0].matched)
    return Classification(SLOTS_AVAILABLE, seen.system, matched, slots)


def _judge_no_slot(seen: _Seen) -> Classification | None:
    hit = _find(seen, s.NO_SLOT, statement=True) or _empty_week(seen)
    if hit is None:
        return None
    # The sentence alone does not make a page a booking page (an article may quote it without
    # quotation marks), and slots hidden in the DOM contradict it: a person decides.
    if not seen.system or widgets.hidden_slot_evidence(seen.page) or _unfinished(seen, hit):
        return Classification(UNKNOWN, seen.system, hit.matched, needs_review=True)
    return Classification(NO_SLOT, seen.system, hit.matched)


# Template placeholders a framework replaces when it renders (« {{ creneau.heure }} »).
_PLACEHOLDER = re.compile(r"\{\{[^{}\n]{1,120}\}\}|\[\[[^\[\]\n]{1,120}\]\]")


def _unfinished(seen: _Seen, hit: _Hit) -> bool:
    """A page that cannot yet be a no-slot answer, whatever sentence it shows.

    An unrendered template shows every branch at once (its « aucun créneau » and its slot list);
    a System A page still asking to accept the conditions or to choose a desk has not reached
    availability (§7: intermediate steps are unknown). A dialog is the answer itself (System C).
    """
    if _PLACEHOLDER.search(seen.page.text):
        return True
    from_dialog = any(hit.matched == " ".join(d.split()) for d in seen.dialogs)
    return not from_dialog and seen.system == s.LEGACY and widgets.legacy_step_inputs(seen.page)


_WEEK = re.compile(r"^semaine du [^\n]*", re.MULTILINE)
_FREE_WORD = re.compile(r"\blibres?\b")


def _empty_week(seen: _Seen) -> _Hit | None:
    """System A's weekly grid where « libre » appears only once: in the legend (§2.3)."""
    if seen.system != s.LEGACY:
        return None
    week = _WEEK.search(seen.folded)
    legend = seen.folded.find("legende")
    free = _FREE_WORD.findall(seen.folded)
    if week is None or legend < 0 or len(free) != 1:
        return None
    if _FREE_WORD.search(seen.folded, legend) is None:
        return None
    if seen.guard is not None and week.group(0) not in seen.guard:
        return None
    return _Hit(s.LEGACY, _matched(seen, week.start(), week.end()))


def _judge_closed(seen: _Seen) -> Classification | None:
    hit = _find(seen, s.CLOSED)
    return None if hit is None else Classification(CLOSED, seen.system or hit.system, hit.matched)


def _judge_step(seen: _Seen) -> Classification | None:
    hit = _find(seen, s.STEPS)
    matched = hit.matched if hit else widgets.step_form(seen.page)
    if not matched:
        return None
    return Classification(UNKNOWN, seen.system or (hit.system if hit else ""), matched)


_JUDGES: tuple[Callable[[_Seen], Classification | None], ...] = (
    _judge_error,
    _judge_gate,
    _judge_slots,
    _judge_no_slot,
    _judge_closed,
    _judge_step,
)
