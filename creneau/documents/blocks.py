"""A restricted HTML reader: the rendered template as a list of paragraphs, for DOCX and text.

The PDF is drawn from the HTML itself; the DOCX and the plain text are built from the blocks read
here from the very same HTML, so the three carry the same words. The reader accepts only what a
legal document needs and refuses the rest with a message naming the tag, so a jurist editing a
template learns at once what works:

- ``h1``–``h3``, ``p``, ``ul``/``ol``/``li`` (markers « – » and « 1. » are written out, the same
  way the stylesheet draws them), simple ``table``/``tr``/``th``/``td``;
- inline ``strong``/``b``, ``em``/``i``, ``span``, ``a`` and ``br``;
- ``div``/``section``/``header``/``footer`` as containers whose ``class`` passes to the
  paragraphs inside (see ``LAYOUT_CLASSES``).
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Classes with a layout meaning in both outputs; document.css draws them for the PDF and
# render.py for the DOCX. Any other class only styles the PDF.
LAYOUT_CLASSES = frozenset(
    {"center", "left", "right", "recipient", "signature", "note", "new-page", "closing"}
)

UL_MARKER = "– "
_PARAGRAPHS = {"p", "h1", "h2", "h3", "li"}
_CONTAINERS = {"html", "body", "div", "section", "header", "footer", "article", "main"}
_INLINE = {"span", "a", "strong", "b", "em", "i"}
_TABLE = {"table", "thead", "tbody", "tr"}
_CELLS = {"th", "td"}
_IGNORED = {"head", "title", "meta", "link", "style"}
_VOID = {"br", "meta", "link"}
_SPACES = re.compile(r"[ \t\n\r\f]+")  # not \s: non-breaking spaces are meant to stay


class UnsupportedMarkupError(ValueError):
    """The template uses HTML the DOCX converter does not know."""


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    kind: str  # p, h1, h2, h3, li
    runs: tuple[Run, ...]
    classes: frozenset[str] = frozenset()
    marker: str = ""
    list_id: int = 0  # list items of the same list share it

    @property
    def text(self) -> str:
        return self.marker + "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[tuple[Run, ...], ...], ...]


Block = Paragraph | Table


def _tidy(runs: list[Run]) -> tuple[Run, ...]:
    """Collapse spaces as a browser does: one space between words, none at line ends."""
    tidy: list[Run] = []
    at_line_start = True
    for run in runs:
        text = _SPACES.sub(" ", run.text) if run.text != "\n" else "\n"
        if at_line_start:
            text = text.lstrip(" ")
        if text == "\n" and tidy:
            tidy[-1] = Run(tidy[-1].text.rstrip(" "), tidy[-1].bold, tidy[-1].italic)
        if text:
            tidy.append(Run(text, run.bold, run.italic))
            at_line_start = text.endswith((" ", "\n"))
    if tidy:
        tidy[-1] = Run(tidy[-1].text.rstrip(" \n"), tidy[-1].bold, tidy[-1].italic)
    return tuple(run for run in tidy if run.text)


@dataclass
class _State:
    classes: list[frozenset[str]] = field(default_factory=lambda: [frozenset()])
    lists: list[list[int | None]] = field(default_factory=list)  # [counter] or [None] for ul
    lists_opened: int = 0
    bold: int = 0
    italic: int = 0
    ignored: int = 0
    paragraph: tuple[str, frozenset[str], str, int] | None = None
    runs: list[Run] = field(default_factory=list)
    row: list[tuple[Run, ...]] | None = None
    rows: list[tuple[tuple[Run, ...], ...]] | None = None


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.state = _State()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        own = frozenset((dict(attrs).get("class") or "").split()) & LAYOUT_CLASSES
        if tag in _IGNORED or self.state.ignored:
            self.state.ignored += tag not in _VOID
        elif tag == "br":
            self._add_text("\n")
        elif tag in _PARAGRAPHS:
            self._open_paragraph(tag, own)
        elif tag in _CONTAINERS:
            self.state.classes.append(self.state.classes[-1] | own)
        elif tag in {"ul", "ol"}:
            self.state.lists.append([0 if tag == "ol" else None])
            self.state.lists_opened += 1
        elif tag in _INLINE:
            self.state.bold += tag in {"strong", "b"}
            self.state.italic += tag in {"em", "i"}
        elif tag in _TABLE or tag in _CELLS:
            self._table_start(tag)
        else:
            raise UnsupportedMarkupError(f"<{tag}> is not supported in document templates")

    def handle_endtag(self, tag: str) -> None:
        if self.state.ignored:
            self.state.ignored -= tag not in _VOID
        elif tag in _PARAGRAPHS:
            self._close_paragraph()
        elif tag in _CONTAINERS:
            self.state.classes.pop()
        elif tag in {"ul", "ol"}:
            self.state.lists.pop()
        elif tag in _INLINE:
            self.state.bold -= tag in {"strong", "b"}
            self.state.italic -= tag in {"em", "i"}
        elif tag in _TABLE or tag in _CELLS:
            self._table_end(tag)

    def handle_data(self, data: str) -> None:
        if self.state.ignored:
            return
        if self.state.paragraph is None and self.state.row is None:
            if data.strip(" \t\n\r\f"):
                raise UnsupportedMarkupError(f"text outside a paragraph: {data.strip()[:40]!r}")
            return
        self._add_text(data)

    def _add_text(self, text: str) -> None:
        self.state.runs.append(Run(text, self.state.bold > 0, self.state.italic > 0))

    def _open_paragraph(self, tag: str, own: frozenset[str]) -> None:
        self._close_paragraph()
        marker = ""
        if tag == "li":
            if not self.state.lists:
                raise UnsupportedMarkupError("<li> outside <ul> or <ol>")
            current = self.state.lists[-1]
            if current[0] is None:
                marker = UL_MARKER
            else:
                current[0] += 1
                marker = f"{current[0]}. "
        list_id = self.state.lists_opened if tag == "li" else 0
        self.state.paragraph = (tag, self.state.classes[-1] | own, marker, list_id)
        self.state.runs = []

    def _close_paragraph(self) -> None:
        if self.state.paragraph is None:
            return
        kind, classes, marker, list_id = self.state.paragraph
        runs = _tidy(self.state.runs)
        if runs:
            self.blocks.append(Paragraph(kind, runs, classes, marker, list_id))
        self.state.paragraph = None
        self.state.runs = []

    def _table_start(self, tag: str) -> None:
        if tag == "table":
            self.state.rows = []
        elif tag == "tr":
            self.state.row = []
        elif tag in _CELLS:
            self.state.runs = []

    def _table_end(self, tag: str) -> None:
        if tag in _CELLS and self.state.row is not None:
            self.state.row.append(_tidy(self.state.runs))
            self.state.runs = []
        elif tag == "tr" and self.state.rows is not None and self.state.row is not None:
            self.state.rows.append(tuple(self.state.row))
            self.state.row = None
        elif tag == "table" and self.state.rows is not None:
            self.blocks.append(Table(tuple(self.state.rows)))
            self.state.rows = None


def read_blocks(html: str) -> list[Block]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.blocks


def _cell_text(cell: tuple[Run, ...]) -> str:
    return "".join(run.text for run in cell)


def text_of_blocks(blocks: list[Block]) -> str:
    """Plain text: one paragraph per line group, list items on consecutive lines."""
    chunks: list[str] = []
    previous_list = 0
    for block in blocks:
        if isinstance(block, Table):
            text = "\n".join(" | ".join(_cell_text(c) for c in row) for row in block.rows)
            in_list = 0
        else:
            text, in_list = block.text, block.list_id
        separator = "\n" if in_list and in_list == previous_list else "\n\n"
        chunks.append((separator if chunks else "") + text)
        previous_list = in_list
    return "".join(chunks) + "\n"
