"""Structural marks of booking pages: slot widgets, captcha widgets, flow steps, systems.

These functions read the parsed elements of a page (``pagetext.Page``); the phrases live in
``signals``. ``visible=True`` looks only at what a person sees; ``visible=False`` looks only at
hidden DOM, which may *prevent* a "no slot" conclusion but never supports one.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from creneau.watch import signals as s
from creneau.watch.pagetext import Element, Page, fold

PARIS = ZoneInfo("Europe/Paris")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|"
    "décembre|decembre"
)
# A day as headings write it: « mercredi 10 juin 2026 », « 1er juillet 2026 », « 10/06/2026 ».
DAY = re.compile(
    rf"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?\d{{1,2}}(?:er)?\s+"
    rf"(?:{MONTHS})\s+\d{{4}}|\b\d{{2}}/\d{{2}}/\d{{4}}\b",
    re.IGNORECASE,
)
CLICKABLE = frozenset({"a", "button", "label"})
DISABLED_CLASSES = re.compile(r"disabled|unavailable|indisponible|complet|unselectable")


@dataclass(frozen=True)
class SlotEvidence:
    matched: str  # what a person reads there (or a description of the mark when it has no text)
    slots: tuple[str, ...] = ()
    described: bool = False  # ``matched`` names the mark rather than quoting the page


def elements(page: Page, *, visible: bool) -> Iterator[Element]:
    return (element for element in page.elements if element.hidden != visible)


def _label(element: Element, visible: bool) -> str:
    if element.tag == "input":
        return element.attr("value")
    return element.text if visible else element.raw


def _disabled(element: Element) -> bool:
    if "disabled" in element.attrs or element.attr("aria-disabled").lower() == "true":
        return True
    return bool(DISABLED_CLASSES.search(element.attr("class").lower()))


def _clickable(element: Element) -> bool:
    if element.tag == "input":
        return element.attr("type").lower() in {"submit", "button"}
    return element.tag in CLICKABLE and not _disabled(element)


def legacy_slot_links(page: Page, *, visible: bool) -> SlotEvidence | None:
    """System A: free slots are links to ``/booking/create/<id>/5/<unix time>``."""
    found = [
        (element, match)
        for element in elements(page, visible=visible)
        if element.tag == "a" and (match := s.LEGACY_SLOT_LINK.search(element.attr("href")))
    ]
    if not found:
        return None
    slots = tuple(
        datetime.fromtimestamp(int(m.group(1)), PARIS).isoformat(timespec="minutes")
        for _, m in found
    )
    return SlotEvidence(_label(found[0][0], visible) or found[0][1].group(0), slots)


def free_cells(page: Page, *, visible: bool) -> SlotEvidence | None:
    """System A's weekly grid marks free cells ``td.status-1.free``."""
    cells = [
        element
        for element in elements(page, visible=visible)
        if element.tag == "td" and "free" in element.classes()
    ]
    if not cells:
        return None
    labels = tuple(label for cell in cells if (label := _label(cell, visible)))
    return SlotEvidence(labels[0], labels) if labels else SlotEvidence("td.free", described=True)


def time_buttons(page: Page, *, visible: bool) -> SlotEvidence | None:
    """Any enabled button or link whose label starts with a time of day (09:30, 9h30).

    Not in the site's chrome (a footer's opening hours, a ticker's « 14h30 : … » headline).
    Each time is listed with the date of the heading above it, when there is one (« mercredi
    10 juin 2026 09:15 »): a time alone tells a judge, or the person alerted, too little.
    """
    labels: list[str] = []
    dated: list[str] = []
    day = ""
    for element in elements(page, visible=visible):
        if element.tag in HEADINGS and (found := DAY.search(_label(element, visible))):
            day = found.group(0)
        elif (
            _clickable(element)
            and _time_label(fold(label := _label(element, visible)))
            and not _disabled(element)
            and not in_chrome(element)
        ):
            labels.append(label)
            dated.append(f"{day} {label}" if day else label)
    return SlotEvidence(labels[0], tuple(dated)) if labels else None


def _time_label(folded: str) -> bool:
    return bool(s.TIME_BUTTON.match(folded)) and not s.NOT_A_SLOT_BUTTON.search(folded)


def doubtful_time_buttons(page: Page) -> bool:
    """Visible links starting with a time that read like opening hours: not slots, but a
    person should look before a "no slot" is recorded beside them."""
    return any(
        _clickable(element)
        and not in_chrome(element)
        and s.TIME_BUTTON.match(folded := fold(_label(element, True)))
        and s.NOT_A_SLOT_BUTTON.search(folded)
        for element in elements(page, visible=True)
    )


def inherited(element: Element, key: str, own: Callable[[Element], bool]) -> bool:
    """Whether ``own`` holds for the element or one of its ancestors, remembered on each
    element of the way (pages are deep: asking every element must stay linear)."""
    path: list[Element] = []
    node: Element | None = element
    found = False
    while node is not None:
        known = node.__dict__.get(key)
        if known is not None:
            found = bool(known)
            break
        path.append(node)
        if own(node):
            found = True
            break
        node = node.parent
    # Every element below the one that decided shares its answer.
    for visited in path:
        visited.__dict__[key] = found
    return found


def in_chrome(element: Element) -> bool:
    """The element sits in the site's header, footer, menu, side box or ticker."""
    return inherited(element, "_in_chrome", _is_chrome)


def in_banner(element: Element) -> bool:
    """The element sits in the site's header, footer, menu or ticker: never in a side box,
    which may hold a calendar as well as news."""
    return inherited(element, "_in_banner", _is_banner)


_SIDES = frozenset({"sidebar", "colonne-droite", "colonne-gauche"})


def _is_banner(element: Element) -> bool:
    """Chrome that never holds a calendar: not a side box (aside, sidebar)."""
    if element.tag == "aside" or element.attr("role").lower() == "complementary":
        return False
    if element.attr("id").lower() in _SIDES or element.classes() & _SIDES:
        return False
    return _is_chrome(element)


def _outside_main(element: Element) -> bool:
    """A block named « menu » inside the main content is part of the page, not its chrome."""
    node = element.parent
    while node is not None:
        if node.tag == "main" or node.attr("role").lower() == "main":
            return False
        node = node.parent
    return True


def choose_slot_links(page: Page, *, visible: bool) -> SlotEvidence | None:
    """System D: ``a[aria-label="Choisir le créneau de HH:MM"]``."""
    found = [
        (label, match)
        for element in elements(page, visible=visible)
        if element.tag in CLICKABLE
        and (match := s.CHOOSE_SLOT_LABEL.match(fold(label := element.attr("aria-label"))))
    ]
    if not found:
        return None
    return SlotEvidence(found[0][0], tuple(match.group(1) for _, match in found))


def datepicker_days(page: Page) -> SlotEvidence | None:
    """System C: clickable days of a jQuery-UI datepicker (unselectable days are not links)."""
    days = [
        element
        for element in elements(page, visible=True)
        if element.tag == "a"
        and (cell := element.within("td")) is not None
        and not _disabled(cell)
        and _in_datepicker(cell)
    ]
    if not days:
        return None
    month = next(
        (e.text for e in elements(page, visible=True) if "ui-datepicker-title" in e.classes()), ""
    )
    labels = tuple(" ".join(f"{day.text} {month}".split()) for day in days)
    return SlotEvidence(labels[0], labels)


def _in_datepicker(cell: Element) -> bool:
    """A day cell sits in ``table.ui-datepicker-calendar``, a few levels up at most."""
    node = cell.parent
    for _ in range(4):
        if node is None:
            return False
        if any(name.startswith("ui-datepicker") for name in node.classes()):
            return True
        node = node.parent
    return False


def enabled_day_field(page: Page) -> SlotEvidence | None:
    """System C: the date page's ``#dayValueId`` is shown enabled, with hours to pick."""
    field = next(
        (e for e in elements(page, visible=True) if e.attr("id").lower() == "dayvalueid"), None
    )
    if field is None or _disabled(field):
        return None
    hours = tuple(
        e.text
        for e in elements(page, visible=True)
        if e.tag == "option"
        and (select := e.within("select")) is not None
        and select.attr("id").lower() == "hourvalueselect"
        and s.TIME_LABEL.match(fold(e.text))
    )
    return SlotEvidence(
        field.attr("value") or "#dayValueId", hours, described=not field.attr("value")
    )


def soonest_text(page: Page) -> SlotEvidence | None:
    """eAppointment instances (Le Havre) show the earliest date in ``.soonestText``."""
    for element in elements(page, visible=True):
        if "soonesttext" in element.classes() and element.text:
            return SlotEvidence(element.text, (element.text,))
    return None


def legacy_held_slot(page: Page, system: str, *, calendar_full: bool) -> SlotEvidence | None:
    """System A past the calendar: a slot was chosen and held (step 5+, security check), or the
    description and calendar steps that only show when slots exist (not when the calendar
    shown has every cell full: then the grid, not the step's picture, tells)."""
    if system != s.LEGACY:
        return None
    for element in elements(page, visible=True):
        source = element.attr("src").lower()
        if element.tag != "img":
            continue
        if s.LEGACY_HELD_STEP.search(source) or (
            s.LEGACY_SLOT_STEP.search(source) and not calendar_full
        ):
            return SlotEvidence(source.rsplit("/", 1)[-1], described=True)
    widget = captcha_widget(page)
    return SlotEvidence(widget, described=True) if widget else None


def captcha_widget(page: Page) -> str:
    """A visible reCAPTCHA / hCaptcha box (invisible v3 badges do not gate anything)."""
    for element in elements(page, visible=True):
        classes = element.classes()
        if {"g-recaptcha", "h-captcha"} & classes and element.attr("data-size") != "invisible":
            return "reCAPTCHA" if "g-recaptcha" in classes else "hCaptcha"
    return ""


def captchetat(page: Page) -> bool:
    """System B's CaptchEtat widget (``<rdv-captchetat>`` or its rendered BotDetect form)."""
    for element in elements(page, visible=True):
        ident = element.attr("id").lower()
        if element.tag == "rdv-captchetat" or element.attr("name").lower() == "captchausercode":
            return True
        if ident in {"captchafr_captchaimage", "captchaformulaireextinput"}:
            return True
    return False


def challenge_markup(page: Page) -> bool:
    """Cloudflare challenge markup (also injected into ordinary pages: never decisive alone)."""
    for element in page.elements:
        values = " ".join((element.attr("src"), element.attr("action"), element.attr("class")))
        if s.CHALLENGE_MARKUP.search(values.lower()) or element.attr("id") == "challenge-form":
            return True
    return any("cf_chl_opt" in script for script in page.scripts)


def queue_markup(page: Page) -> bool:
    """A Queue-it waiting room's own parts (``MainPart_…``), not its client script, which
    protected sites load on ordinary pages too."""
    return any(element.attr("id").lower().startswith("mainpart_") for element in page.elements)


def block_markup(page: Page) -> str:
    """A WAF block page whose words sit in an iframe's fallback (Imperva/Incapsula)."""
    for element in page.elements:
        if element.tag in {"iframe", "noscript", "body", "html"} and s.ERROR_MARKUP.search(
            element.raw
        ):
            return element.raw[:200]
    return ""


def first_available_in_scripts(page: Page) -> bool:
    """System B embeds ``"critere": {... "datePremiereDispo": "…"}``: non-empty = a slot."""
    return any(s.FIRST_AVAILABLE_DATE.search(script) for script in page.scripts)


def hidden_slot_evidence(page: Page) -> bool:
    """Slot marks that exist in the DOM but are hidden (or shown but doubtful): enough to doubt a
    "no slot" text."""
    detectors = (legacy_slot_links, free_cells, time_buttons, choose_slot_links)
    if any(detect(page, visible=False) for detect in detectors):
        return True
    return first_available_in_scripts(page) or doubtful_time_buttons(page)


CHROME_TAGS = frozenset({"nav", "aside", "marquee"})
CHROME_ROLES = frozenset({"banner", "contentinfo", "navigation", "complementary", "marquee"})
SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})


def chrome_lines(page: Page) -> Counter[str]:
    """Folded visible lines of the page's chrome (site header and footer, menus, side boxes,
    tickers), each with how often it shows there. What they say is about the site or another
    démarche, not this page's answer."""
    return Counter(
        fold(line)
        for element in elements(page, visible=True)
        if _is_chrome(element)
        for line in element.lines
    )


def quoted_lines(page: Page) -> Counter[str]:
    """Folded visible lines inside quotations (``<blockquote>``): a quotation is never a
    statement of the page, whatever it quotes."""
    return Counter(
        fold(line)
        for element in elements(page, visible=True)
        if element.tag == "blockquote"
        for line in element.lines
    )


def row_cell_lines(page: Page) -> Counter[str]:
    """Folded lines of table cells that share their row with another cell that says
    something (« Sous-préfecture d'Antony | Aucun créneau disponible »): such a cell speaks
    for its row only."""
    rows: dict[int, list[Element]] = {}
    for cell in elements(page, visible=True):
        if cell.tag in {"td", "th"} and (row := cell.within("tr")) is not None:
            rows.setdefault(id(row), []).append(cell)
    found: Counter[str] = Counter()
    for cells in rows.values():
        if sum(1 for cell in cells if cell.small(200) and cell.text) >= 2:
            found.update(fold(line) for cell in cells if cell.small(200) for line in cell.lines)
    return found


HEADING_TAGS = HEADINGS | {"legend", "dt", "th", "caption", "summary"}
_HEADING_CLASSES = re.compile(r"title|titre|heading|header|label|date|jour|\bday")
_HEADING_MAX = 80


def heading_lines(page: Page) -> dict[str, str]:
    """Folded visible lines that head a part of the page (a day, a site, an agent, a motif):
    headings, legends, table headers, and short blocks whose class says they are a title.
    Each with the kind of element that shows it (« h3.fr-card__title »): parts of one list
    are headed alike."""
    heads: dict[str, str] = {}
    for element in elements(page, visible=True):
        if _heads(element) and not in_chrome(element):
            kind = f"{element.tag}.{'.'.join(sorted(element.classes()))}"
            for line in element.lines:
                if len(line) <= _HEADING_MAX:
                    heads.setdefault(fold(line), kind)
    return heads


def _heads(element: Element) -> bool:
    if element.tag in HEADING_TAGS:
        return True
    classes = element.attr("class").lower()
    return bool(classes) and _HEADING_CLASSES.search(classes) is not None


# Older prefecture sites (eZ Publish) mark their banners by id or class rather than by tag.
CHROME_NAMES = frozenset(
    {
        *("header", "footer", "pied", "pied-de-page", "bandeau", "bandeau-haut", "bandeau-bas"),
        *("menu", "menu-principal", "nav", "navigation", "navbar", "breadcrumb", "breadcrumbs"),
        *("fil-ariane", "site-header", "site-footer", "topbar", "top-bar"),
        *("sidebar", "colonne-droite", "colonne-gauche"),
    }
)


def _is_chrome(element: Element) -> bool:
    if element.tag in CHROME_TAGS or element.attr("role").lower() in CHROME_ROLES:
        return True
    if element.tag in {"div", "ul", "section"} and (
        element.attr("id").lower() in CHROME_NAMES or element.classes() & CHROME_NAMES
    ):
        return _outside_main(element)
    # <header>/<footer> are the site's banner only outside a section (HTML-AAM).
    if element.tag in {"header", "footer"}:
        node = element.parent
        while node is not None and node.tag not in SECTIONING:
            node = node.parent
        return node is None
    return False


def legacy_step_inputs(page: Page) -> bool:
    """System A's steps 0 and 1: the conditions checkbox or the desk radios are shown."""
    for element in elements(page, visible=True):
        if element.tag != "input" or _disabled(element):
            continue
        kind, name = element.attr("type").lower(), element.attr("name").lower()
        if (kind, name) in {("checkbox", "condition"), ("radio", "planning")}:
            return True
    return False


STEP_INPUTS = frozenset({"condition", "planning", "cp", "cpid", "selectedmotivekeylist"})


def step_form(page: Page) -> str:
    """Expected intermediate steps: conditions checkbox, desk list, postal code, motives.

    Returns the label a person reads next to the field (or the field's name).
    """
    for element in elements(page, visible=True):
        name, ident = element.attr("name").lower(), element.attr("id").lower()
        if element.tag == "input" and {name, ident} & STEP_INPUTS:
            return _label_for(page, element) or element.attr("title") or name or ident
    return ""


def _label_for(page: Page, field: Element) -> str:
    ident = field.attr("id")
    labels = (e for e in elements(page, visible=True) if e.tag == "label")
    return next((e.text for e in labels if ident and e.attr("for") == ident), "")
