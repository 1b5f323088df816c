"""Page classifier (pure): what did the booking page show a person?

``classify`` judges one captured page in the order of booking-systems.md §7, and the first judge
that recognises something decides:

1. the browser could not reach the page → error
2. anti-bot challenge → captcha; waiting room or overload page → queue (before the HTTP status:
   a waiting room served with 429 is a queue, a challenge served with 403 a captcha)
3. technical failure (HTTP status >= 400, proxy/CDN/WAF error page, application error) → error
4. a captcha standing before availability → captcha
5. a booking system's own JSON answer (ClicRDV, Qmatic) → what it lists
6. visible slot evidence (free cell, time button or radio, enabled day, next availability)
   → slots_available
7. a visible statement of unavailability for the whole page, on a page recognised as that
   booking system, with nothing anywhere on the page that may offer a time; or a calendar
   with zero free cell → no_slot (a statement for one day, site, motif or agent → unknown)
8. closure notice (démarche suspended, holiday closure, maintenance) → closed
9. otherwise → unknown (an expected intermediate step, or a page a person should review)

A false ``no_slot`` would be false evidence before a court, so step 7 requires a known sentence
that a person can see, stated (not quoted, hypothetical, in a FAQ or in a side box), spoken for
the whole page (scope.py), and no possible offer on the page nor slot hidden in the DOM.
``classify_text`` judges plain text lines (a screenshot's OCR) the same way, more strictly.
No I/O, no database: the same input always gives the same answer.
"""

import html as html_lib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from creneau.cases.models import ONLINE_OUTCOMES, Outcome
from creneau.watch import answers, offers, scope, textlines, widgets
from creneau.watch import signals as s
from creneau.watch.pagetext import fold
from creneau.watch.seen import Hit, Seen, find, line, line_of, reported, see, statements

# The one vocabulary of outcomes (cases.models.Outcome), named here for the judges' brevity.
NO_SLOT = Outcome.NO_SLOT.value
SLOTS_AVAILABLE = Outcome.SLOTS_AVAILABLE.value
CLOSED = Outcome.CLOSED.value
ERROR = Outcome.ERROR.value
CAPTCHA = Outcome.CAPTCHA.value
QUEUE = Outcome.QUEUE.value
UNKNOWN = Outcome.UNKNOWN.value
OUTCOMES = (NO_SLOT, SLOTS_AVAILABLE, CLOSED, ERROR, CAPTCHA, QUEUE, UNKNOWN)
assert set(OUTCOMES) == ONLINE_OUTCOMES


@dataclass(frozen=True)
class Classification:
    outcome: str  # no_slot, slots_available, closed, error, captcha, queue, unknown
    system: str = ""  # a creneau.catalog.models.BookingSystem value, "" when not recognised
    matched: str = ""  # the visible text that decided
    slots: tuple[str, ...] = field(default_factory=tuple)
    needs_review: bool = False  # an unknown layout a person should look at


def classify(
    html: str,
    *,
    status: int | None = None,
    final_url: str = "",
    dialogs: Sequence[str] = (),
    visible_text: str | None = None,
) -> Classification:
    """Classify one page; ``dialogs`` are native ``alert()`` texts, seen by the person too."""
    return _judge(see(html, status, final_url, dialogs, visible_text))


def _judge(seen: Seen) -> Classification:
    for judge in _JUDGES:
        verdict = judge(seen)
        if verdict is not None:
            return verdict
    return Classification(UNKNOWN, seen.system, needs_review=True)


def classify_text(text: str, *, final_url: str = "") -> Classification:
    """Classify plain text lines a person saw (e.g. the OCR of a phone screenshot).

    A conservative judge: the lines go through the same judges as a page (errors, gates, slots,
    statements and their scope), then a ``no_slot`` stands only if nothing in the text could be
    an offer (a time of day, « choisir », a next availability…): text has no markup to tell a
    slot button from a sentence. ``final_url`` names the booking system when the text does not
    show its address. The phone's status bar is set aside only when it reads as one (a clock
    with network or battery marks on the first line); a lone time keeps the doubt.
    """
    lines = textlines.lines_seen(text)
    url = final_url or textlines.address(lines)
    page = "".join(f"<p>{html_lib.escape(line)}</p>" for line in lines)
    # A screenshot may show part of the page only: what it leaves out may offer a time, so no
    # answer is drawn from every day it shows being empty.
    result = _judge(see(page, None, url, (), None, partial=True))
    if result.outcome == NO_SLOT:
        offer = textlines.offer(lines)
        if offer:
            return Classification(UNKNOWN, result.system, offer, needs_review=True)
    return result


def stands_for_the_page(
    html: str, visible_text: str, sentence: str, dialogs: Sequence[str] = ()
) -> bool:
    """Whether a sentence configured for a site (the generic driver's no-slot texts), seen by
    the person, can be the page's answer: in a dialog, or stated on its own line for the whole
    page (not for one day, site or agent), with nothing on the page that may offer a time."""
    wanted = fold(sentence)
    if not wanted:
        return False
    page_wide = any(wanted in fold(dialog) for dialog in dialogs) or _stated_for_the_page(
        visible_text, wanted
    )
    if not page_wide:
        return False
    page = see(html, None, "", (), visible_text)
    if widgets.hidden_slot_evidence(page.page) or offers.hidden_offer(page.page):
        return False
    return not (offers.possible_offer(page.page) or offers.loading(page.page) or _discussion(page))


def _stated_for_the_page(visible_text: str, wanted: str) -> bool:
    lines = textlines.lines_seen(visible_text)
    seen = see("".join(f"<p>{html_lib.escape(line)}</p>" for line in lines), None, "", (), None)
    pattern = re.compile(r"\s+".join(map(re.escape, wanted.split())))
    for match in pattern.finditer(seen.folded):
        if reported(seen.folded, match.start(), match.end()):
            continue
        hit = Hit(s.GENERIC, match.group(0), match.start(), match.end())
        if scope.scope_of(seen, hit) == scope.PAGE:
            return True
    return False


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


# --- the judges, in order of precedence -------------------------------------------------------


def _judge_unreached(seen: Seen) -> Classification | None:
    if seen.url.lower().startswith(("chrome-error:", "about:neterror")):
        return Classification(ERROR, seen.system, _headline(seen) or seen.url)
    return None


def _judge_gate(seen: Seen) -> Classification | None:
    """Challenges and waiting rooms explain themselves, whatever HTTP status carries them."""
    challenge = _challenge(seen)
    if challenge:
        return Classification(CAPTCHA, seen.system or s.GENERIC, challenge)
    queue = line(seen, s.QUEUE_TEXT)
    if queue or s.QUEUE_MARKUP.search(seen.url.lower()):
        return Classification(QUEUE, seen.system or s.GENERIC, queue or seen.url)
    if seen.status is not None and seen.status >= 400 and widgets.queue_markup(seen.page):
        return Classification(QUEUE, seen.system or s.GENERIC, seen.page.title or "Queue-it")
    return None


def _judge_error(seen: Seen) -> Classification | None:
    if seen.status is not None and seen.status >= 400:
        return Classification(ERROR, seen.system, _headline(seen) or f"HTTP {seen.status}")
    blocked = widgets.block_markup(seen.page)
    if blocked:
        return Classification(ERROR, seen.system, blocked)
    title = fold(seen.page.title)
    if s.ERRORS.search(title) or s.ERROR_TITLE.search(title):
        return Classification(ERROR, seen.system, seen.page.title)
    matched = line(seen, s.ERRORS) or next(
        (d for d in seen.dialogs if s.ERRORS.search(fold(d))), ""
    )
    return Classification(ERROR, seen.system, matched) if matched else None


def _headline(seen: Seen) -> str:
    """What an error page says of itself: its error line, else its title or first line."""
    first_line = seen.page.text.split("\n", 1)[0]
    return line(seen, s.ERRORS) or seen.page.title or first_line[:200]


def _challenge(seen: Seen) -> str:
    """A Cloudflare-style challenge: its own words, or its title on its own markup."""
    matched = line(seen, s.CHALLENGE_TEXT)
    if matched:
        return matched
    title = fold(seen.page.title)
    if s.CHALLENGE_TITLE.match(title) and widgets.challenge_markup(seen.page):
        return seen.page.title
    return ""


def _judge_captcha(seen: Seen) -> Classification | None:
    if widgets.captchetat(seen.page):
        matched = line(seen, re.compile(r"code de securite")) or "CaptchEtat"
        return Classification(CAPTCHA, seen.system or s.RDV_PREFECTURE, matched)
    widget = widgets.captcha_widget(seen.page)
    if widget and seen.system != s.LEGACY:  # System A asks for it only once a slot is held
        return Classification(CAPTCHA, seen.system, widget)
    return None


def _judge_answer(seen: Seen) -> Classification | None:
    answer = answers.read_answer(seen.html, seen.url, seen.system)
    if answer is None:
        return None
    if answer.empty:
        return Classification(NO_SLOT, answer.system, answer.matched)
    return Classification(SLOTS_AVAILABLE, answer.system, answer.matched, answer.slots)


def _visible_slots(seen: Seen) -> list[widgets.SlotEvidence]:
    """Slot evidence a person can see, the most precise first."""
    page = seen.page
    hit = find(seen, s.SLOTS)
    found = [
        widgets.legacy_slot_links(page, visible=True),
        widgets.free_cells(page, visible=True),
        widgets.choose_slot_links(page, visible=True),
        widgets.time_buttons(page, visible=True),
        widgets.datepicker_days(page),
        widgets.enabled_day_field(page),
        widgets.soonest_text(page),
        offers.time_radios(page),
        offers.time_items(page),
        widgets.legacy_held_slot(
            page,
            seen.system,
            calendar_full=seen.system == s.LEGACY and bool(offers.full_week(page)),
        ),
        widgets.SlotEvidence(hit.matched) if hit else None,
    ]
    return [evidence for evidence in found if evidence is not None]


def _judge_slots(seen: Seen) -> Classification | None:
    found = _visible_slots(seen)
    if not found:
        return None
    slots = next((evidence.slots for evidence in found if evidence.slots), ())
    matched = next((e.matched for e in found if not e.described), found[0].matched)
    return Classification(SLOTS_AVAILABLE, seen.system, matched, slots)


def _judge_no_slot(seen: Seen) -> Classification | None:
    hits = statements(seen, (*s.NO_SLOT, *s.SCOPED_NO_SLOT))
    if not hits:
        return _judge_empty_calendar(seen)
    scopes = [scope.scope_of(seen, hit) for hit in hits]
    page_wide = [hit for hit, said in zip(hits, scopes, strict=True) if said == scope.PAGE]
    every = None if page_wide or seen.partial else scope.every_unit(seen, hits, scopes)
    candidates = page_wide or ([every] if every else [])
    if not candidates:
        # Each statement speaks for one day, site, motif or agent only: never the page's answer.
        agent_only = all(said == scope.AGENT for said in scopes)
        return Classification(UNKNOWN, seen.system, hits[0].matched, needs_review=not agent_only)
    doubt = _doubt(seen) or (offers.navigation(seen.page) if every else "")
    answer = next((hit for hit in candidates if not _in_state_block(seen, hit)), None)
    if doubt or answer is None:
        return Classification(UNKNOWN, seen.system, candidates[0].matched, needs_review=True)
    if _unfinished(seen, answer):
        return Classification(UNKNOWN, seen.system, answer.matched, needs_review=True)
    return Classification(NO_SLOT, seen.system, answer.matched)


def _doubt(seen: Seen) -> str:
    """Why no statement of this page can be its answer, whatever it says, or ""."""
    if not seen.system or seen.system == s.ANEF:
        # The sentence alone does not make a page a booking page (an article may quote it
        # without quotation marks); ANEF is no booking system at all.
        return "system"
    if widgets.hidden_slot_evidence(seen.page) or offers.hidden_offer(seen.page):
        return "hidden slot evidence"
    return offers.possible_offer(seen.page) or offers.loading(seen.page) or _discussion(seen)


def _in_state_block(seen: Seen, hit: Hit) -> bool:
    """A saved copy whose styles live elsewhere: a block named « empty-state » may have been
    hidden on the screen, so its words are no statement."""
    if not (seen.saved and seen.page.external_styles) or hit.start < 0:
        return False
    return line_of(seen, hit.start, hit.end) in offers.state_lines(seen.page)


_FAQ = re.compile(r"\bfaq\b|foire aux questions|questions? frequentes?|questions[-/ ]reponses")


def _discussion(seen: Seen) -> str:
    """A page that talks about booking (a FAQ, questions and answers) rather than answering."""
    labels = [fold(seen.page.title), *seen.headings]
    if any(_FAQ.search(label) for label in labels):
        return "FAQ"
    if sum(1 for label in seen.headings if label.rstrip().endswith("?")) >= 2:
        return "questions"
    if any("faqpage" in script.lower() for script in seen.page.scripts):
        return "FAQ"
    return ""


# Template placeholders a framework replaces when it renders (« {{ creneau.heure }} »).
_PLACEHOLDER = re.compile(r"\{\{[^{}\n]{1,120}\}\}|\[\[[^\[\]\n]{1,120}\]\]")


def _unfinished(seen: Seen, hit: Hit) -> bool:
    """A page that cannot yet be a no-slot answer, whatever sentence it shows.

    An unrendered template shows every branch at once (its « aucun créneau » and its slot list);
    a System A page still asking to accept the conditions or to choose a desk has not reached
    availability (§7: intermediate steps are unknown). A dialog is the answer itself (System C).
    """
    if _PLACEHOLDER.search(seen.page.text):
        return True
    return hit.start >= 0 and seen.system == s.LEGACY and widgets.legacy_step_inputs(seen.page)


def _judge_empty_calendar(seen: Seen) -> Classification | None:
    """A calendar with nothing to book and nothing to say: a week whose cells are all
    « complet » (System A's also when its « libre » is only the legend's), RDV Service Public's
    week whose days are all past the booking horizon (closed). Another week may offer slots:
    only a calendar without any link to another week decides."""
    if seen.partial:
        return None
    outcome = NO_SLOT
    if seen.system == s.LEGACY:
        week = _empty_week(seen) or offers.full_week(seen.page)
    elif seen.system in _CALENDAR_SYSTEMS:
        week = offers.full_week(seen.page)
        if not week and seen.system == s.RDV_SERVICE_PUBLIC:
            week, outcome = line(seen, s.CLOSED_DAY), CLOSED
    else:
        return None
    if not week or (seen.guard is not None and fold(week) not in seen.guard):
        return None
    if offers.navigation(seen.page) or _doubt(seen):
        return Classification(UNKNOWN, seen.system, week, needs_review=True)
    return Classification(outcome, seen.system, week)


# Booking systems whose pages may show a calendar (not forms, not ANEF, not infrastructure).
_CALENDAR_SYSTEMS = frozenset({s.RDV_PREFECTURE, s.EAPPOINTMENT, s.RDV_SERVICE_PUBLIC, *s.VENDORS})
_WEEK = re.compile(r"^semaine du [^\n]*", re.MULTILINE)
_FREE_WORD = re.compile(r"\blibres?\b")


def _empty_week(seen: Seen) -> str:
    """System A's weekly grid where « libre » appears only once: in the legend (§2.3)."""
    week = _WEEK.search(seen.folded)
    legend = seen.folded.find("legende")
    free = _FREE_WORD.findall(seen.folded)
    if week is None or legend < 0 or len(free) != 1:
        return ""
    if _FREE_WORD.search(seen.folded, legend) is None:
        return ""
    if seen.guard is not None and week.group(0) not in seen.guard:
        return ""
    return line(seen, re.compile(re.escape(week.group(0))))


def _judge_closed(seen: Seen) -> Classification | None:
    hit = find(seen, s.CLOSED)
    return None if hit is None else Classification(CLOSED, seen.system or hit.system, hit.matched)


def _judge_step(seen: Seen) -> Classification | None:
    hit = find(seen, s.STEPS)
    matched = hit.matched if hit else widgets.step_form(seen.page)
    if not matched:
        return None
    return Classification(UNKNOWN, seen.system or (hit.system if hit else ""), matched)


_JUDGES: tuple[Callable[[Seen], Classification | None], ...] = (
    _judge_unreached,
    _judge_gate,
    _judge_error,
    _judge_captcha,
    _judge_answer,
    _judge_slots,
    _judge_no_slot,
    _judge_closed,
    _judge_step,
)
