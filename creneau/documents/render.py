"""The only module that knows the output formats: PDF/A through WeasyPrint, DOCX through
python-docx.

Why one HTML source rather than docxtpl ``.docx`` templates: a jurist edits one readable file per
document kind (``templates/documents/<kind>.html``); the PDF is drawn from it and the DOCX is built
from the same rendered HTML (``blocks.read_blocks``), so both always carry the same text. Two
template formats per kind would drift apart at the first edit.

Contract: both functions take finished content (no database, no template logic) and return bytes.
"""

import io
import logging
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as DocxParagraph

from creneau.documents.blocks import Block, Paragraph, Run, Table

# WeasyPrint reports each layout step at INFO, from its import on; a command's stderr is for our
# own messages, so the level is set here and WeasyPrint imported on first use.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_VARIANT = "pdf/a-3b"
DOCX_FONT = "Times New Roman"  # present on every word processor; LibreOffice maps it
DOCX_LANGUAGE = "fr-FR"
_INDENTS = {"recipient": Cm(8.5), "signature": Cm(9)}
_HEADING_SIZES = {"h1": Pt(15), "h2": Pt(12.5), "h3": Pt(11.5)}


def pdf_from_html(html: str, *, stylesheet: str, title: str) -> bytes:
    """A PDF/A-3b: fonts embedded, ``lang`` from the HTML, bookmarks from the headings."""
    from weasyprint import CSS, HTML

    document = HTML(string=html).render(stylesheets=[CSS(string=stylesheet)])
    document.metadata.title = title
    result = document.write_pdf(pdf_variant=PDF_VARIANT)
    assert isinstance(result, bytes)
    return result


def docx_from_blocks(blocks: Sequence[Block], *, title: str) -> bytes:
    """An editable DOCX with the same paragraphs, A4, French language, numbered pages."""
    document = Document()
    _set_up(document, title)
    for block in blocks:
        if isinstance(block, Table):
            _add_table(document, block)
        else:
            _add_paragraph(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up(document: DocxDocument, title: str) -> None:
    properties = document.core_properties
    properties.title = title
    properties.language = DOCX_LANGUAGE
    properties.author = "Créneau"
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.3)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
        _plain_style(document.styles[name])
    normal = document.styles["Normal"].paragraph_format
    normal.space_after = Pt(6)
    _page_numbers(section.footer.paragraphs[0])


def _plain_style(style: ParagraphStyle) -> None:
    """Serif, black, French: Word's blue heading theme does not belong in a court filing."""
    style.font.name = DOCX_FONT
    style.font.color.rgb = RGBColor(0, 0, 0)
    style.font.size = Pt(11.5)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), DOCX_LANGUAGE)
    rpr.append(language)


def _page_numbers(paragraph: DocxParagraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" sur ")
    _field(paragraph, "NUMPAGES")


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _add_paragraph(document: DocxDocument, block: Paragraph) -> None:
    if block.kind in _HEADING_SIZES:
        paragraph = document.add_heading(level=int(block.kind[1]))
        paragraph.paragraph_format.keep_with_next = True
    else:
        paragraph = document.add_paragraph()
    _format(paragraph, block)
    runs = (Run(block.marker), *block.runs) if block.marker else block.runs
    for run in runs:
        _add_run(paragraph, run, block)


def _format(paragraph: DocxParagraph, block: Paragraph) -> None:
    layout = paragraph.paragraph_format
    if block.kind == "h1" or "center" in block.classes:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif "right" in block.classes:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif block.kind in {"p", "li"} and not block.classes & {"left", *_INDENTS}:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name, indent in _INDENTS.items():
        if name in block.classes:
            layout.left_indent = indent
    if "new-page" in block.classes:
        layout.page_break_before = True
    if "closing" in block.classes:
        layout.keep_with_next = True  # the signature never stands alone on the last page
    if block.kind == "li":
        layout.left_indent, layout.first_line_indent = Cm(0.8), Cm(-0.5)
        layout.space_after = Pt(2)


def _add_run(paragraph: DocxParagraph, run: Run, block: Paragraph) -> None:
    lines = run.text.split("\n")
    for index, line in enumerate(lines):
        if index:
            paragraph.add_run().add_break()
        if not line:
            continue
        added = paragraph.add_run(line)
        added.bold = run.bold or block.kind in _HEADING_SIZES or None
        added.italic = run.italic or "note" in block.classes or None
        if block.kind in _HEADING_SIZES:
            added.font.size = _HEADING_SIZES[block.kind]
        elif "note" in block.classes:
            added.font.size = Pt(9.5)


def _add_table(document: DocxDocument, block: Table) -> None:
    columns = max((len(row) for row in block.rows), default=0)
    table = document.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    for row in block.rows:
        cells = table.add_row().cells
        for cell, runs in zip(cells, row, strict=False):
            paragraph = cell.paragraphs[0]
            for run in runs:
                paragraph.add_run(run.text).bold = run.bold or None
