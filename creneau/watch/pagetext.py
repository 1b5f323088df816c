"""What a person sees of an HTML page: its visible text and elements, hidden DOM left out.

Pure: a string in, a :class:`Page` out. Only the standard library's ``html.parser`` is used, so
a malformed page never raises; at worst some text is treated as hidden, which can only make the
classifier less sure, never make it conclude "no slot".

``fold()`` is the one text normalisation the classifier matches against: accents removed,
case folded, apostrophes, quotes and dashes unified, every kind of space collapsed. Blocks
(paragraphs, cells, ``<br>``…) are separated by ``\\n`` so that sentences keep their shape.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


VOID_TAGS = _words("area base br col embed hr img input link meta param source track wbr")
# Elements whose content a browser never renders as text on the page.
HIDDEN_TAGS = _words("head script style template noscript iframe object svg")
BLOCK_TAGS = _words(
    """address article aside blockquote body button caption dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol option
    p pre section select summary table tbody td textarea tfoot th thead tr ul"""
)
# Start tags that close an open element of the same kind (HTML's implied end tags).
SELF_CLOSING_SIBLINGS = _words("p li option td th tr dt dd")
# Utility classes that hide text from sighted readers (Bootstrap, DSFR, Tailwind, Vue…).
HIDING_CLASSES = _words(
    """hidden d-none sr-only visually-hidden fr-sr-only fr-hidden is-hidden hide invisible
    display-none ng-hide v-cloak"""
)
# Components a framework shows only once a class is added (DSFR, Bootstrap): collapsed
# accordions, closed modals and unselected tab panels. Saved without their stylesheet, their
# text is in the DOM but was not on the screen.
COLLAPSED: dict[str, frozenset[str]] = {
    "fr-collapse": _words("fr-collapse--expanded"),
    "collapse": _words("show in"),
    "accordion-collapse": _words("show in"),
    "fr-modal": _words("fr-modal--opened"),
    "modal": _words("show in"),
    "fr-tabs__panel": _words("fr-tabs__panel--selected"),
    "tab-pane": _words("active show"),
    "dropdown-menu": _words("show"),
}
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
PREFORMATTED = _words("pre textarea listing plaintext")
_SOURCE_BREAKS = re.compile(r"[\n\r\f\v]+")
MAX_SEARCH = 256  # how deep an end tag looks for its start tag

# Declarations that hide text from a sighted reader: not displayed, invisible, transparent, no
# size, or moved off-screen (the screen-reader-only pattern). innerText keeps several of these,
# so the browser's text alone would not do; hiding too much only makes the classifier less sure.
_STYLE_HIDING = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|content-visibility\s*:\s*hidden"
    r"|(?<![-\w])opacity\s*:\s*0*(?:\.0+)?\s*(?:!important\s*)?(?:;|$)"
    r"|font-size\s*:\s*0(?:px|em|rem|%)?\s*(?:!important\s*)?(?:;|$)"
    r"|(?<![-\w])(?:left|top|text-indent)\s*:\s*-(?:\d{4,}(?:\.\d+)?px|\d{3,}(?:\.\d+)?r?em)\b"
    r"|(?<![-\w])clip\s*:\s*rect\(\s*(?:0|1px)\b|clip-path\s*:\s*inset\(\s*50%"
    r"|transform\s*:\s*scale\(\s*0\s*\)"
)
# A box of no width or height hides its text only when its overflow is hidden.
_ZERO_SIZE = re.compile(
    r"(?<![-\w])(?:max-)?(?:width|height)\s*:\s*0(?:px)?\s*(?:!important\s*)?(?:;|$)"
)
_OVERFLOW_HIDDEN = re.compile(r"overflow(?:-[xy])?\s*:\s*(?:hidden|clip)")
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
# Pseudo-classes, pseudo-elements and attribute tests, removed to keep a selector's base.
_PSEUDO = re.compile(r"::?[\w-]+(?:\((?:[^()]|\([^()]*\))*\))?|\[[^\]]*\]")
_COMPOUND = re.compile(r"^([a-z][a-z0-9-]*)?((?:[.#][\w-]+)*)$", re.IGNORECASE)
_NAMES = re.compile(r"([.#])([\w-]+)")
_COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")
# Attributes of client-side templates that are gone once the framework has rendered the page:
# on a saved, unrendered shell every branch (« aucun créneau » and the slot list) shows at once.
TEMPLATE_ATTRIBUTES = _words("v-if v-else v-else-if v-show v-cloak ng-cloak data-ng-cloak x-cloak")


def hides_by_style(declarations: str) -> bool:
    """Whether a CSS declaration block hides its element's text from a sighted reader."""
    lowered = declarations.lower()
    if _STYLE_HIDING.search(lowered) or _unseen_colour(lowered):
        return True
    return bool(_ZERO_SIZE.search(lowered) and _OVERFLOW_HIDDEN.search(lowered))


# Text painted in the colour of a page (white) or not painted at all. A white text on a coloured
# background set elsewhere (a stylesheet) reads as hidden too: doubt only costs a "no slot".
_COLOUR = re.compile(r"(?<![-\w])color\s*:\s*([^;!]+)")
_BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*([^;!]+)")
_BLANK = re.compile(
    r"^(?:transparent|white|#f{3}(?:f{3})?|rgba?\(\s*255\s*,\s*255\s*,\s*255\s*(?:,[^)]*)?\)"
    r"|rgba\([^)]*,\s*0(?:\.0+)?\s*\)|hsla?\(\s*0\s*,\s*0%\s*,\s*100%[^)]*\))$"
)


def _unseen_colour(declarations: str) -> bool:
    colour = _COLOUR.search(declarations)
    if colour is None:
        return False
    ink = colour.group(1).strip()
    background = _BACKGROUND.search(declarations)
    if background is None:
        return bool(_BLANK.match(ink))
    paper = background.group(1).strip()
    return ink == paper or ink == "transparent" or bool(_BLANK.match(ink) and _BLANK.match(paper))


@dataclass(eq=False)
class Element:
    """One parsed element; its text is the slice ``[start:end]`` of the page's text chunks."""

    tag: str
    attrs: dict[str, str]
    hidden: bool
    parent: "Element | None"
    chunks: "list[tuple[str, bool]]"  # (text, visible), shared by every element of the page
    start: int
    end: int | None = None  # None while the element is open

    @cached_property
    def text(self) -> str:
        """What shows of the element (hidden descendants left out), spaces collapsed."""
        return " ".join("".join(t for t, shown in self._chunks() if shown).split())

    @cached_property
    def lines(self) -> tuple[str, ...]:
        """What shows of the element, line by line (blocks and ``<br>`` break lines)."""
        shown = "".join(t for t, visible in self._chunks() if visible)
        return tuple(line for raw in shown.splitlines() if (line := " ".join(raw.split())))

    @cached_property
    def folded(self) -> str:
        """``fold(self.text)``: what the classifier compares."""
        return fold(self.text)

    @cached_property
    def raw(self) -> str:
        """Every text inside the element, hidden or not."""
        return " ".join("".join(t for t, _ in self._chunks()).split())

    def small(self, chunks: int = 40) -> bool:
        """Whether the element holds at most this many pieces of text (a label, not a section):
        asking a section's whole text for a short label would cost as much as the page."""
        return self.end is not None and self.end - self.start <= chunks

    def _chunks(self) -> "list[tuple[str, bool]]":
        return self.chunks[self.start : self.end]

    def attr(self, name: str) -> str:
        return self.attrs.get(name, "")

    def classes(self) -> frozenset[str]:
        known = self.__dict__.get("_classes")
        if known is None:
            known = self.__dict__["_classes"] = frozenset(self.attr("class").lower().split())
        return known

    def within(self, tag: str) -> "Element | None":
        """The nearest ancestor with this tag name."""
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        return node


@dataclass(frozen=True)
class Page:
    text: str  # visible text, blocks separated by newlines
    title: str
    elements: tuple[Element, ...]
    scripts: tuple[str, ...]  # inline script bodies (never visible, used only against "no slot")
    external_styles: bool = False  # styles from elsewhere may hide what this copy shows
    # What the judges computed once for this page (lists of elements, labels), by name.
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class _Stylesheet:
    """Classes, ids and tags that the page's own ``<style>`` blocks hide.

    Each selector is read by its last compound, without its pseudo-classes and attribute tests
    (``main > h2:first-of-type`` hides every ``h2``, ``.modal:not(.show)`` every ``.modal``):
    hiding too much can only make us less sure, and the browser's innerText (``visible_text``)
    is the authority when it is available. Rules inside ``@media`` blocks are applied too.
    """

    classes: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    collapsed_ids: frozenset[str] = frozenset()  # controlled by an aria-expanded="false" toggle


_TOGGLE = re.compile(r"<[a-z][^>]*\baria-expanded\s*=\s*[\"']?false\b[^>]*>", re.IGNORECASE)
_CONTROLS = re.compile(r"\baria-controls\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
_EXTERNAL_STYLE = re.compile(
    r"<link\b[^>]*\brel\s*=\s*[\"']?[^\"'>]*stylesheet[^>]*>|@import\b", re.IGNORECASE
)


def has_external_styles(html: str) -> bool:
    """The page takes styles from elsewhere: a saved copy without them may show hidden text."""
    return _EXTERNAL_STYLE.search(html) is not None


def _collapsed_ids(html: str) -> frozenset[str]:
    return frozenset(
        ident.lower()
        for tag in _TOGGLE.findall(html)
        for controls in _CONTROLS.findall(tag)
        for ident in controls.split()
    )


def _stylesheet(html: str) -> _Stylesheet:
    names: dict[str, set[str]] = {".": set(), "#": set(), "tag": set()}
    for block in _STYLE_BLOCK.findall(html):
        for selectors, declarations in _CSS_RULE.findall(_CSS_COMMENT.sub("", block)):
            if hides_by_style(declarations):
                for selector in _PSEUDO.sub("", selectors).split(","):
                    _hidden_by(selector, names)
    return _Stylesheet(
        frozenset(names["."]), frozenset(names["#"]), frozenset(names["tag"]), _collapsed_ids(html)
    )


def _hidden_by(selector: str, names: dict[str, set[str]]) -> None:
    """What a hiding selector hides, by its last compound (``.alerte .vide`` hides ``.vide``
    everywhere: erring on the side of doubt)."""
    last = _COMBINATOR.split(selector.strip())[-1]
    compound = _COMPOUND.match(last)
    if compound is None:
        return
    tag, rest = compound.group(1), compound.group(2)
    found = _NAMES.findall(rest)
    if found:
        kind, name = found[0]
        names[kind].add(name.lower())
    elif tag and tag.lower() not in {"html", "body", "head"}:
        names["tag"].add(tag.lower())


def _hides(tag: str, attrs: dict[str, str], sheet: _Stylesheet) -> bool:
    if tag in HIDDEN_TAGS or "hidden" in attrs or TEMPLATE_ATTRIBUTES & attrs.keys():
        return True
    if attrs.get("aria-hidden", "").strip().lower() == "true":
        return True
    if tag == "input" and attrs.get("type", "").strip().lower() == "hidden":
        return True
    if tag == "dialog" and "open" not in attrs:
        return True
    classes = set(attrs.get("class", "").lower().split())
    if (HIDING_CLASSES | sheet.classes) & classes or tag in sheet.tags:
        return True
    ident = attrs.get("id", "").lower()
    if ident and (ident in sheet.ids or ident in sheet.collapsed_ids):
        return True
    if any(base in classes and not shown & classes for base, shown in COLLAPSED.items()):
        return True
    return hides_by_style(attrs.get("style", ""))


class _Reader(HTMLParser):
    def __init__(self, sheet: _Stylesheet) -> None:
        super().__init__(convert_charrefs=True)
        self.sheet = sheet
        self.stack: list[Element] = []
        self.elements: list[Element] = []
        self.chunks: list[tuple[str, bool]] = []
        self.title: list[str] = []
        self.scripts: list[str] = []

    def _text(self, data: str) -> None:
        self.chunks.append((data, not (self.stack and self.stack[-1].hidden)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag in SELF_CLOSING_SIBLINGS and self.stack and self.stack[-1].tag == tag:
            self.handle_endtag(tag)
        parent = self.stack[-1] if self.stack else None
        hidden = (parent is not None and parent.hidden) or _hides(tag, values, self.sheet)
        if parent is not None and parent.tag == "details" and "open" not in parent.attrs:
            hidden = hidden or tag != "summary"
        if tag in BLOCK_TAGS or tag == "br":
            self.chunks.append(("\n", True))
        element = Element(tag, values, hidden, parent, self.chunks, len(self.chunks))
        self.elements.append(element)
        self.stack.append(element)
        if tag == "input" and values.get("type", "").lower() in BUTTON_INPUTS:
            self._text(f"\n{values.get('value', '')}\n")
        if tag == "q":  # browsers draw quotation marks around <q>
            self._text('"')
        if tag in VOID_TAGS:
            self._close(len(self.stack) - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Browsers ignore "/>" on HTML elements: <div hidden/> still hides what follows.
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        # Only the innermost elements are searched: a stray end tag costs little on deep pages.
        for depth in range(len(self.stack) - 1, max(-1, len(self.stack) - 1 - MAX_SEARCH), -1):
            if self.stack[depth].tag == tag:
                if tag == "q":
                    self._text('"')
                self._close(depth)
                if tag in BLOCK_TAGS:
                    self.chunks.append(("\n", True))
                return

    def _close(self, depth: int) -> None:
        for element in self.stack[depth:]:
            element.end = len(self.chunks)
        del self.stack[depth:]

    def handle_data(self, data: str) -> None:
        top = self.stack[-1].tag if self.stack else ""
        if top == "title":
            self.title.append(data)
        elif top == "script":
            self.scripts.append(data)
        # A line break in the source is a space on screen: only blocks and <br> break lines
        # (a sentence wrapped in the source must not look like two sentences).
        if not any(element.tag in PREFORMATTED for element in self.stack):
            data = _SOURCE_BREAKS.sub(" ", data)
        self._text(data)

    def close(self) -> None:
        super().close()
        self._close(0)


def read(html: str) -> Page:
    """Parse ``html`` into what a person would see of it."""
    reader = _Reader(_stylesheet(html))
    reader.feed(html)
    reader.close()
    shown = "".join(text for text, visible in reader.chunks if visible)
    text = "\n".join(" ".join(line.split()) for line in shown.splitlines())
    return Page(
        text=re.sub(r"\n{2,}", "\n", text).strip("\n"),
        title=" ".join("".join(reader.title).split()),
        elements=tuple(reader.elements),
        scripts=tuple(reader.scripts),
        external_styles=has_external_styles(html),
    )


_APOSTROPHES = "\u2019\u2018\u02bc\u02bb`\u00b4\u2032\u2035"
_QUOTES = "\u00ab\u00bb\u201c\u201d\u201e\u201f\u2039\u203a"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_FOLDED: dict[str, str] = {}  # each character's folding, filled as characters are met


def _fold_char(char: str) -> str:
    if char in _APOSTROPHES:
        return "'"
    if char in _QUOTES:
        return '"'
    if char in _DASHES:
        return "-"
    if char in _INVISIBLE:
        return ""
    if char in "\n\r\f\v\u2028\u2029\x1c\x1d\x1e\x85":
        return "\n"
    if char.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, the index it came from in ``text``."""
    out: list[str] = []
    where: list[int] = []
    cache = _FOLDED
    for index, char in enumerate(text):
        folded = cache.get(char)
        if folded is None:
            folded = cache[char] = _fold_char(char)
        for piece in folded:
            if piece in " \n":
                if not out or out[-1] == "\n":
                    continue
                if out[-1] == " ":
                    if piece == "\n":
                        out[-1], where[-1] = "\n", index
                    continue
            out.append(piece)
            where.append(index)
    while out and out[-1] in " \n":
        out.pop()
        where.pop()
    return "".join(out), where


_BLANKS = re.compile(r"[ \n]+")


def _blank(match: re.Match[str]) -> str:
    return "\n" if "\n" in match.group(0) else " "


def fold(text: str) -> str:
    """Text as the classifier compares it: no accents, no case, one kind of space and quote.

    The same text as ``fold_with_map(text)[0]``, without building the map.
    """
    cache = _FOLDED
    pieces = []
    for char in text:
        folded = cache.get(char)
        if folded is None:
            folded = cache[char] = _fold_char(char)
        pieces.append(folded)
    return _BLANKS.sub(_blank, "".join(pieces)).strip(" \n")
