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
from dataclasses import dataclass
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
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
MAX_SEARCH = 256  # how deep an end tag looks for its start tag

_STYLE_HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)")
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^(?:[a-z][a-z0-9-]*)?([.#])([\w-]+)$", re.IGNORECASE)


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
    def raw(self) -> str:
        """Every text inside the element, hidden or not."""
        return " ".join("".join(t for t, _ in self._chunks()).split())

    def _chunks(self) -> "list[tuple[str, bool]]":
        return self.chunks[self.start : self.end]

    def attr(self, name: str) -> str:
        return self.attrs.get(name, "")

    def classes(self) -> set[str]:
        return set(self.attr("class").lower().split())

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


@dataclass(frozen=True)
class _Stylesheet:
    """Classes and ids that the page's own ``<style>`` blocks hide with a simple rule.

    Only ``.name``, ``#id`` and ``tag.name`` selectors are read; anything subtler is left to the
    browser's innerText (``visible_text``), which is the authority when it is available. Rules
    inside ``@media`` blocks are applied too: hiding too much can only make us less sure.
    """

    classes: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()


def _stylesheet(html: str) -> _Stylesheet:
    classes: set[str] = set()
    ids: set[str] = set()
    for block in _STYLE_BLOCK.findall(html):
        for selectors, declarations in _CSS_RULE.findall(_CSS_COMMENT.sub("", block)):
            if not _STYLE_HIDING.search(declarations.lower()):
                continue
            for selector in selectors.split(","):
                simple = _SIMPLE_SELECTOR.match(selector.strip())
                if simple:
                    (classes if simple.group(1) == "." else ids).add(simple.group(2).lower())
    return _Stylesheet(frozenset(classes), frozenset(ids))


def _hides(tag: str, attrs: dict[str, str], sheet: _Stylesheet) -> bool:
    if tag in HIDDEN_TAGS or "hidden" in attrs:
        return True
    if attrs.get("aria-hidden", "").strip().lower() == "true":
        return True
    if tag == "input" and attrs.get("type", "").strip().lower() == "hidden":
        return True
    if tag == "dialog" and "open" not in attrs:
        return True
    classes = set(attrs.get("class", "").lower().split())
    if (HIDING_CLASSES | sheet.classes) & classes or attrs.get("id", "").lower() in sheet.ids:
        return True
    return bool(_STYLE_HIDING.search(attrs.get("style", "").lower()))


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
        if tag in VOID_TAGS:
            self._close(len(self.stack) - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Browsers ignore "/>" on HTML elements: <div hidden/> still hides what follows.
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        # Only the innermost elements are searched: a stray end tag costs little on deep pages.
        for depth in range(len(self.stack) - 1, max(-1, len(self.stack) - 1 - MAX_SEARCH), -1):
            if self.stack[depth].tag == tag:
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


def fold(text: str) -> str:
    """Text as the classifier compares it: no accents, no case, one kind of space and quote."""
    return fold_with_map(text)[0]
