"""Reading back what a document carries: the text of a PDF (pypdf) and of a DOCX (python-docx)."""

import io
import re

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

_FOOTER = re.compile(r"Page \d+ sur \d+")
_SPACES = re.compile(r"\s+")
_WRAPPED_HYPHEN = re.compile(r"(?<=\w-)\s+(?=\w)")  # « Seine-Saint-⏎Denis » wrapped in the PDF


def text_of_pdf(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def text_of_docx(data: bytes) -> str:
    """Body paragraphs and table cells in document order (footers left out)."""
    document = docx.Document(io.BytesIO(data))
    chunks: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            chunks.append(Paragraph(element, document).text)
        elif element.tag.endswith("}tbl"):
            table = Table(element, document)
            chunks += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(chunks)


def normalised(text: str) -> str:
    """One space between words, page footers removed: what two renderings must share."""
    text = _WRAPPED_HYPHEN.sub("", _FOOTER.sub(" ", text))
    return _SPACES.sub(" ", text).strip()
