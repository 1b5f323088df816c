"""``render_document(case, kind, **options)``: one document in every format, checked.

Steps: (1) build the kind's context, (2) render its HTML template, (3) read the blocks (the text
both the DOCX and the e-mail carry), (4) refuse the result if it holds a placeholder or a stale
legal reference, (5) draw the PDF/A and the DOCX, (6) for ``email``, compose the ``.eml``.
Nothing is sent or stored here. Beside the document come its ``missing`` facts (dotted lines to
fill by hand) and its ``warnings`` (a premature requête, the references it cites that nobody
has checked yet…), which the command prints and the bundle lists.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Engine
from django.utils import translation

from creneau.cases.models import Case
from creneau.catalog.legal import unverified
from creneau.documents import render
from creneau.documents.blocks import Block, read_blocks, text_of_blocks
from creneau.documents.checks import placeholders_in, stale_references_in
from creneau.documents.french import fix_list_endings, fix_typography
from creneau.documents.kinds import KINDS, MissingInformationError
from creneau.documents.mail import compose_eml
from creneau.documents.options import OptionError

TEMPLATES_DIR = Path(__file__).parent / "templates" / "documents"
STYLESHEET = "document.css"
# Printed where a template names a variable the context lacks; the placeholder check then
# refuses the document instead of letting a silent gap reach a court.
_MISSING_VARIABLE = "{{ MISSING %s }}"


class DocumentError(ValueError):
    """The document cannot be produced; the message (French) says why and what to do."""


@dataclass(frozen=True)
class RenderedDocument:
    kind: str
    title: str
    html: str
    text: str
    pdf: bytes
    docx: bytes
    eml: bytes | None = None
    missing: tuple[str, ...] = field(default=())  # facts left as dotted lines to fill by hand
    warnings: tuple[str, ...] = field(default=())  # what the volunteer must know before use


def template_dirs() -> list[Path]:
    """Templates of the organisation's jurist (``DOCUMENT_TEMPLATES_DIR``) first, then ours."""
    custom = settings.DOCUMENT_TEMPLATES_DIR
    return [Path(custom), TEMPLATES_DIR] if custom else [TEMPLATES_DIR]


def engine() -> Engine:
    return Engine(
        dirs=[str(folder) for folder in template_dirs()],
        libraries={"legal": "creneau.documents.templatetags.legal"},
        string_if_invalid=_MISSING_VARIABLE,
        autoescape=True,
    )


def render_html(kind: str, context: dict[str, Any]) -> str:
    html = engine().get_template(f"{kind}.html").render(Context(context))
    return fix_typography(fix_list_endings(html))


def stylesheet() -> str:
    found = next(d / STYLESHEET for d in template_dirs() if (d / STYLESHEET).is_file())
    return found.read_text(encoding="utf-8")


# Texts typed by a person or a volunteer: what they hold is theirs, never a placeholder.
OWN_PERSON_FIELDS: tuple[str, ...] = ("family_name", "given_names", "birth_place")
OWN_PERSON_FIELDS += ("nationality", "email", "phone", "address", "foreigner_number")
OWN_CASE_FIELDS = ("title", "ground", "particular_circumstances")


def own_words(case: Case) -> list[str]:
    values = [getattr(case.person, name) for name in OWN_PERSON_FIELDS]
    values += [getattr(case, name) for name in OWN_CASE_FIELDS]
    lines = [line for value in values if value for line in str(value).splitlines()]
    return sorted({line.strip() for line in lines if line.strip()}, key=len, reverse=True)


def _check(kind: str, text: str, own: list[str] = []) -> None:  # noqa: B006 (never mutated)
    problems = [*placeholders_in(text, own), *stale_references_in(text)]
    if problems:
        listed = ", ".join(repr(p) for p in sorted(set(problems)))
        raise DocumentError(
            f"Le document « {kind} » est incomplet (texte à remplacer ou référence abrogée) : "
            f"{listed}. Vérifiez le modèle et les informations du dossier."
        )


def _context(case: Case, kind: str, options: dict[str, Any]) -> dict[str, Any]:
    if kind not in KINDS:
        raise DocumentError(
            f"Type de document inconnu : {kind!r} (possibles : {', '.join(KINDS)})."
        )
    try:
        return KINDS[kind].build(case, **options)
    except (OptionError, MissingInformationError) as error:
        raise DocumentError(str(error)) from error


@dataclass(frozen=True)
class Draft:
    """A document's words before any output format: what a web preview shows."""

    kind: str
    title: str
    html: str
    blocks: list[Block]
    text: str
    context: dict[str, Any]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(self.context["missing"])

    @property
    def warnings(self) -> tuple[str, ...]:
        found = list(self.context.get("warnings", []))
        checks = [f"{ref.citation} (source : {ref.source})" for ref in self.unverified]
        if checks:
            found.append("Références à vérifier avant le dépôt : " + " ; ".join(checks) + ".")
        return tuple(found)

    @property
    def unverified(self) -> list[Any]:
        return unverified(self.context.get("cited", []))


def draft_document(case: Case, kind: str, **options: Any) -> Draft:
    """Steps (1) to (4): the checked text, without drawing the PDF or the DOCX."""
    with translation.override("fr"):
        context = _context(case, kind, options)  # (1)
        # A kind may have a variant for the route of the case (the ANEF requête, letters).
        html = render_html(str(context.get("template") or kind), context)  # (2)
    blocks = read_blocks(html)  # (3)
    text = text_of_blocks(blocks)
    _check(kind, text, own_words(case))  # (4)
    title = str(context.get("document_title") or KINDS[kind].title)
    return Draft(kind, title, html, blocks, text, context)


def render_document(case: Case, kind: str, **options: Any) -> RenderedDocument:
    draft = draft_document(case, kind, **options)
    pdf = render.pdf_from_html(draft.html, stylesheet=stylesheet(), title=draft.title)  # (5)
    docx = render.docx_from_blocks(draft.blocks, title=draft.title)
    eml = compose_eml(case, draft.context, draft.text, pdf) if kind == "email" else None  # (6)
    return RenderedDocument(
        kind, draft.title, draft.html, draft.text, pdf, docx, eml, draft.missing, draft.warnings
    )
