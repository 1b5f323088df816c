"""What on a page may offer a time, beyond the slot widgets we know.

A statement of unavailability decides a page only if nothing else on it may offer a time. The
search here is deliberately wide, since it can only keep a page from being ``no_slot``: a time
of day in a button, link, radio's label, list item, cell or option; a selectable day of a date
picker; a date or time field. Two narrower readings are slot evidence themselves: an enabled
radio labelled with a time, and a list item, cell or option that is only a time.

Also here: calendars that offer nothing (every cell « complet »; every day « Date fermée à la
réservation ») and the links that lead to another week or month.
"""

import re

from creneau.watch import signals as s
from creneau.watch.pagetext import Element, Page, fold, hides_by_style
from creneau.watch.widgets import SlotEvidence, elements, in_banner, in_chrome, inherited

# A time of day anywhere in a short label: 09:15, 9h15, 14 h 30, 8.30.
TIME = re.compile(r"(?<![\w:/.,])(?:[01]?\d|2[0-3]) ?[:h.] ?[0-5]\d(?![\d/:]|[.,]\d)")
OFFER_TAGS = frozenset({"a", "button", "label", "li", "td", "dd", "option", "summary"})
OFFER_ROLES = frozenset(
    {"button", "option", "gridcell", "radio", "link", "menuitem", "checkbox", "tab"}
)
_LABEL_MAX = 80
# Lines that carry a time without offering it (RDV Préfecture's release line, an update date).
NOT_AN_OFFER = re.compile(
    r"derniere mise en ligne|mise? a jour|publie le|modifie le"
    r"|\blast\b[^\n]{0,30}\b(?:online|posting|posted|upload|update)|\b(?:updated|published) on\b"
)
# Class names of switched-off days and slots (Quasar writes ``q-date__calendar-item--out``).
_DISABLED = re.compile(
    r"(?:^|[-_])(?:disabled|unavailable|indisponible|complet|full|unselectable|out|past)$"
)
_CALENDAR = re.compile(r"calend|datepicker|date-?picker|q-date|flatpickr|day|jour|cal\b|month")
_DAY_NUMBER = re.compile(r"^(?:[1-9]|[12]\d|3[01])$")
_DATE_FIELDS = frozenset({"date", "datetime-local", "time", "week", "month"})
# A button or link that is only a day (« Mardi 12 mai », « mar. 12/05 »): it leads to that day.
_WEEKDAY = (
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\.?"
)
_DAY_BUTTON = re.compile(
    rf"^(?:(?:le|du|au) )?(?:{_WEEKDAY} )?\d{{1,2}}(?:er)?(?: [a-z]{{3,9}}\.?|/\d{{1,2}})"
    rf"(?: \d{{4}}|/\d{{2,4}})?$|^{_WEEKDAY} \d{{1,2}}$"
)
# Links and buttons that lead to times (« Voir les créneaux », « Autres dates »).
_INVITATION = re.compile(
    r"\bvoir (?:les |tous les |toutes les )?(?:creneaux|disponibilites|horaires|dates|rendez-vous)"
    r"|\b(?:choisir|selectionner|reserver) (?:ce|cet|cette|un|une) "
    r"(?:creneau|horaire|date|rendez-vous|jour)"
    r"|\b(?:autres?|plus de|afficher (?:plus de|les)) (?:creneaux|dates|disponibilites|horaires)"
    r"|\b(?:see|show|view) (?:more |all |available )?(?:slots|times|dates|availabilit)"
    r"|^(?:reserver|choisir|selectionner|valider|book|select|choose)$"
    r"|^prendre (?:un )?(?:rendez-vous|rdv)"
    r"(?: (?:ici|en ligne|(?:a|au|aux|pour|sur) [^\n]{1,50}))?$"
)
_NAVIGATION = re.compile(
    r"\b(?:suivante?s?|precedente?s?|prochaine?|next|previous|prev|later|earlier)\b"
    r"|^(?:[<>\u2039\u203a\u00ab\u00bb\u2190\u2192]{1,2}|sem\. (?:prochaine|precedente))$"
)
_FULL = re.compile(r"^(?:complet|complete|full|ferme|indisponible|non disponible|-|\u2014)$")
_FREE = re.compile(r"\blibres?\b|\bfree\b|\bdisponible\b")


def possible_offer(page: Page) -> str:
    """What first may offer a time on the page (its label), or ""."""
    for element in _shown(page):
        label = (
            _offer_label(element, page)
            or _dated(element)
            or _slot_named(element)
            or _marked_available(element)
        )
        if label:
            return label
    return _booking_frame(page) or choice_of_places(page)


def hidden_offer(page: Page) -> str:
    """A time offered in the DOM but not shown (a collapsed list, a closed modal): enough to
    doubt a statement shown beside it. Scripts, styles and templates are not offers."""
    for element in elements(page, visible=False):
        if not (element.tag in OFFER_TAGS or _acts(element)) or not element.small():
            continue
        if inherited(element, "_in_code", _code) or in_banner(element):
            continue
        text = element.raw
        folded = fold(text)
        told = NOT_AN_OFFER.search(folded) or s.NOT_A_SLOT_BUTTON.search(folded)
        if len(text) <= _LABEL_MAX and TIME.search(folded) and not told:
            return text
    return ""


def _code(element: Element) -> bool:
    return element.tag in {"script", "style", "template", "head", "title", "noscript"}


# Blocks a page names as a slot (« creneau », « slot », « horaire »…), whatever they say: a slot
# written in words (« Mardi, matin ») is still an offer. Not the statement's own block.
_SLOT_CLASS = re.compile(
    r"^(?:creneau|creneaux|slot|slots|timeslot|time-slot|horaire|plage)(?:$|[-_])"
)
_NOT_SLOT_CLASS = re.compile(r"aucun|vide|empty|none|no-|indispo|complet|disabled|full|title|titre")
_UNAVAILABLE = re.compile(
    r"aucune? |pas de |\b0 |indisponible|complet|ferme|no (?:slot|availab|appointment)"
)
_BOOKING_FRAME = re.compile(
    r"clicrdv|synbird|smartagenda|qmatic|rdv-prefecture|rdv\.anct|rdv-solidarites|/booking/"
    r"|eappointment|rendez-vous|rdv"
)


# A day or slot the page marks as open by its class alone (« td.day.available »).
_AVAILABLE_CLASS = re.compile(
    r"(?:^|[-_])(?:available|disponibles?|libres?|free|selectable|bookable|has-?slots?)$"
)


def _marked_available(element: Element) -> str:
    """An element whose class says it is available (not the calendar's legend)."""
    if not any(_AVAILABLE_CLASS.search(c) for c in element.classes()):
        return ""
    if inherited(element, "_in_legend", _legend) or not element.small():
        return ""
    return element.text or " ".join(sorted(element.classes()))


def _legend(element: Element) -> bool:
    names = f"{element.attr('class')} {element.attr('id')}".lower()
    return element.tag == "legend" or "legend" in names or "legende" in names


def _slot_named(element: Element) -> str:
    if not element.small():
        return ""
    classes = element.classes()
    if not any(_SLOT_CLASS.search(c) for c in classes):
        return ""
    if any(_NOT_SLOT_CLASS.search(c) for c in classes):
        return ""
    text = element.text
    if not text or len(text) > _LABEL_MAX or _UNAVAILABLE.search(fold(text)):
        return ""
    return text


def _booking_frame(page: Page) -> str:
    """An embedded booking calendar (a vendor's iframe): what it shows is not in this page.

    An iframe's own content never shows (it is the fallback), so the frame counts when the
    block around it is shown and nothing on the frame itself hides it."""
    for element in page.elements:
        if element.tag != "iframe" or (element.parent is not None and element.parent.hidden):
            continue
        attrs = element.attrs
        if "hidden" in attrs or hides_by_style(element.attr("style")):
            continue
        if element.attr("width") in {"0", "1"} or element.attr("height") in {"0", "1"}:
            continue
        source = element.attr("src").lower()
        if _BOOKING_FRAME.search(source) and not in_banner(element):
            return source
    return ""


_PLACE = re.compile(
    r"\b(?:sous-prefecture|prefecture|site|lieu|antenne|guichet|mairie|annexe|bureau|agence"
    r"|centre|maison|espace|permanence|agent|referente?|conseill(?:er|ere))\b|\b\d{5}\b"
)


def choice_of_places(page: Page) -> str:
    """A list to pick another site or agent from (a select, radios): a statement shown beside
    it speaks for the one picked, and the others may offer a time."""
    for element in _shown(page):
        if element.tag == "select":
            options = [
                fold(e.text) for e in page.elements if e.tag == "option" and e.parent is element
            ]
            if sum(1 for option in options if _PLACE.search(option)) >= 2:
                return element.attr("name") or "select"
    radios = [
        label
        for element in _shown(page)
        if element.tag == "input"
        and element.attr("type").lower() == "radio"
        and _PLACE.search(fold(label := _label_of(element, page)))
    ]
    return radios[0] if len(radios) >= 2 else ""


def _shown(page: Page) -> list[Element]:
    """Visible elements outside the site's banners, not switched off (computed once a page)."""
    shown = page.memo.get("offers.shown")
    if not isinstance(shown, list):
        shown = [
            element
            for element in elements(page, visible=True)
            if not in_banner(element) and not _switched_off(element)
        ]
        page.memo["offers.shown"] = shown
    return shown


def _switched_off(element: Element) -> bool:
    """Disabled itself, or inside a disabled select, fieldset or cell (up to its form)."""
    return inherited(element, "_switched_off", _off)


def _off(element: Element) -> bool:
    if "disabled" in element.attrs or element.attr("aria-disabled").lower() == "true":
        return True
    return any(_DISABLED.search(token) for token in element.classes())


def _offer_label(element: Element, page: Page) -> str:
    if element.tag == "input":
        return _input_offer(element, page)
    if not element.small():
        return ""
    text = element.text
    if not text or len(text) > _LABEL_MAX:
        return ""
    clickable = element.tag in {"a", "button"} or _acts(element)
    if not clickable and not _DIGIT.search(text):
        return ""  # without a digit, only an invitation to click may offer a time
    folded = element.folded
    if NOT_AN_OFFER.search(folded) or s.NOT_A_SLOT_BUTTON.search(folded):
        return ""
    offering = element.tag in OFFER_TAGS or _acts(element)
    if TIME.search(folded) and (offering or _only_times(folded)) and not _told_about(element):
        return text
    if offering and _HOUR.match(folded):
        return text
    if _COUNT.search(folded):
        return text
    if element.tag == "option" and _DAY_BUTTON.match(folded):
        return text
    if not clickable:
        return ""
    if _DAY_NUMBER.match(folded) and _in_calendar(element):
        return text
    return text if _DAY_BUTTON.match(folded) or _INVITATION.search(folded) else ""


_DIGIT = re.compile(r"\d")
# A count of slots left (« 3 créneaux disponibles », « 2 places restantes »).
_COUNT = re.compile(
    r"\b[1-9]\d* (?:creneaux?|places?|rendez-vous|disponibilites?|horaires?|slots?|appointments?)"
    r" (?:(?:encore |sont |est )?(?:disponibles?|libres?|restante?s?|available|left))"
)
_HOUR = re.compile(r"^(?:[01]?\d|2[0-3]) ?h$")  # « 9h », a slot list by the hour
# A date and time in an attribute (``data-start="2026-05-12T09:15"``): a slot the page renders
# as words (« Mardi matin »).
_DATETIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}")
_DATETIME_ATTRIBUTES = ("data-", "value", "href")


def _dated(element: Element) -> str:
    """An attribute holding a date and time, on an element that is not a date itself."""
    if element.tag in {"time", "meta", "link", "script"}:
        return ""
    for name, value in element.attrs.items():
        if name.startswith(_DATETIME_ATTRIBUTES) and _DATETIME.search(value.lower()):
            return "" if _told_about(element) else (element.text or value)
    return ""


def _told_about(element: Element) -> bool:
    """A time inside a sentence that dates something else (« mise en ligne le … à 11:58 »)."""
    node = element.parent
    for _ in range(3):
        if node is None or not node.small(80) or len(node.text) > 300:
            return False
        if NOT_AN_OFFER.search(node.folded):
            return True
        node = node.parent
    return False


def _only_times(folded: str) -> bool:
    """A label that is nothing but a time or a range of times (« 10h00 - 10h15 »)."""
    return re.fullmatch(r"(?:\s|-|a|to|/)*", TIME.sub("", folded)) is not None


def _acts(element: Element) -> bool:
    """Made clickable by script or role (a ``div`` a person taps)."""
    return (
        element.attr("role").lower() in OFFER_ROLES
        or "onclick" in element.attrs
        or "tabindex" in element.attrs
        or any(
            name.startswith(("data-time", "data-slot", "data-creneau")) for name in element.attrs
        )
    )


def _in_calendar(element: Element) -> bool:
    node = element.parent
    for _ in range(6):
        if node is None:
            return False
        if _CALENDAR.search(node.attr("class").lower() + " " + node.attr("role").lower()):
            return True
        if node.tag == "table":
            return True
        node = node.parent
    return False


def _input_offer(field: Element, page: Page) -> str:
    kind = field.attr("type").lower()
    if kind in _DATE_FIELDS:
        return field.attr("aria-label") or field.attr("name") or kind
    if kind in {"submit", "button"} and TIME.search(fold(field.attr("value"))):
        return field.attr("value")
    if kind not in {"radio", "checkbox"}:
        return ""
    label = _label_of(field, page)
    if TIME.search(fold(label)) or TIME.search(fold(field.attr("value"))):
        return label or field.attr("value")
    return ""


def _labels(page: Page) -> dict[str, str]:
    """Each shown ``<label for>`` text by the id it names (computed once a page)."""
    known = page.memo.get("offers.labels")
    if isinstance(known, dict):
        return known
    labels: dict[str, str] = {}
    for element in page.elements:
        if element.tag == "label" and not element.hidden:
            labels.setdefault(element.attr("for"), element.text)
    page.memo["offers.labels"] = labels
    return labels


def _label_of(field: Element, page: Page) -> str:
    """The text a person reads beside a radio: its ``<label for>``, or the label around it."""
    ident = field.attr("id")
    if ident:
        labels = _labels(page)
        if ident in labels:
            return labels[ident]
    around = field.within("label")
    if around is not None:
        return around.text
    parent = field.parent
    return parent.text if parent is not None and len(parent.text) <= _LABEL_MAX else ""


# --- slot evidence --------------------------------------------------------------------------


def time_radios(page: Page) -> SlotEvidence | None:
    """Enabled radios (or checkboxes) whose label is a time of day: a slot to pick."""
    labels = [
        label
        for element in _shown(page)
        if not in_chrome(element)
        and element.tag == "input"
        and element.attr("type").lower() in {"radio", "checkbox"}
        and s.TIME_BUTTON.match(fold(label := _label_of(element, page)))
        and not s.NOT_A_SLOT_BUTTON.search(fold(label))
    ]
    return SlotEvidence(labels[0], tuple(labels)) if labels else None


def time_items(page: Page) -> SlotEvidence | None:
    """List items, cells and options that are only a time (« 09:15 »): times on offer."""
    labels = [
        element.text
        for element in _shown(page)
        if element.tag in {"li", "td", "option", "dd"}
        and element.small()
        and s.TIME_LABEL.match(element.folded)
        and not in_chrome(element)
    ]
    return SlotEvidence(labels[0], tuple(labels)) if labels else None


# --- calendars that offer nothing -----------------------------------------------------------


def navigation(page: Page) -> str:
    """A link or button to another week, month or page of times (« sem. prochaine », « > »)."""
    for element in _shown(page):
        if element.tag not in {"a", "button"} and element.attr("role").lower() != "button":
            continue
        label = fold(element.text or element.attr("aria-label") or element.attr("title"))
        if label and len(label) <= 40 and _NAVIGATION.search(label):
            return element.text or element.attr("aria-label") or element.attr("title")
    return ""


def full_week(page: Page) -> str:
    """A week grid whose cells all read « complet » (none free, none with a time or link).

    Returns the first full cell's text, or "". The legend (« libre », « complet ») is not a cell.
    """
    cells = [
        element
        for element in elements(page, visible=True)
        if element.tag == "td" and not in_chrome(element)
    ]
    full = [cell for cell in cells if _FULL.match(fold(cell.text)) or "status-0" in cell.classes()]
    if len(full) < 2:
        return ""
    for cell in cells:
        folded = fold(cell.text)
        if cell in full or not folded:
            continue
        if _FREE.search(folded) or TIME.search(folded) or "free" in cell.classes():
            return ""
    if any(e.tag == "a" and e.within("td") is not None for e in elements(page, visible=True)):
        return ""
    return full[0].text or "complet"


_STATE = re.compile(
    r"(?:^|[-_])(?:empty|vide|no-?results?|aucun|placeholder|fallback|state|toggle|template|tpl"
    r"|no-?slots?|no-?creneaux?|sans-creneau|not-?found|no-?data|blank)(?:$|[-_])|^js-"
)


_LOADING_CLASSES = re.compile(r"(?:^|[-_])(?:loading|loader|spinner|skeleton|busy)(?:$|[-_])")
_LOADING_TEXT = re.compile(
    r"^(?:chargement|loading|recherche (?:des|de) (?:creneaux|disponibilites)|veuillez patienter"
    r"|merci de patienter|please wait)\b[^\n]{0,40}$"
)


_LOADING_HINT = re.compile(r"(?i)charg|load|patient|wait|recherche")


def loading(page: Page) -> str:
    """The page was still loading something when it was seen (a spinner, « Chargement… »):
    what it says of the slots may not be its last word."""
    for element in _shown(page):
        if element.attr("aria-busy").lower() == "true":
            return "aria-busy"
        if any(_LOADING_CLASSES.search(token) for token in element.classes()):
            return element.text or " ".join(sorted(element.classes()))
        if (
            element.small(10)
            and _LOADING_HINT.search(element.text)
            and _LOADING_TEXT.match(element.folded)
        ):
            return element.text
    return ""


def state_lines(page: Page) -> set[str]:
    """Folded lines of blocks named like a toggled state (« empty-state », « no-results »).

    In a saved copy whose stylesheet is elsewhere, such a block may have been hidden: its
    words cannot be taken as what the person saw.
    """
    return {
        fold(line)
        for element in elements(page, visible=True)
        if any(_STATE.search(token) for token in [element.attr("id").lower(), *element.classes()])
        for line in element.lines
    }
