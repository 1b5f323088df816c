"""Template helpers for documents: ``{% legal "key" %}`` and ``|or_blank``.

``{% load legal %}`` then ``{% legal "cja_l521_3" %}`` prints « article L. 521-3 du code de
justice administrative » from the catalog's ``legal_references.csv``; several keys print one
phrase (``{% legal "cja_l911_1" "cja_l911_3" %}`` → « articles L. 911-1 et L. 911-3 du code de
justice administrative »). An unknown key stops the rendering instead of printing nothing. Every
key a document cites is noted in its context (``cited``), so the references nobody has checked
yet can be listed beside the document. ``{% legal_same "key" %}`` prints « article R. 431-15-1
du même code » when the sentence has just cited that code. ``{{ value|or_blank }}`` prints the
value, or a dotted line to fill by hand on paper when the file does not hold it
(``or_blank:"short"``, ``or_blank:"line"`` for other lengths).
"""

from typing import Any

from django import template

from creneau.catalog.legal import citations, reference

register = template.Library()

BLANKS = {"short": "." * 20, "": "." * 44, "line": "." * 90}


@register.simple_tag(takes_context=True)
def legal(context: Any, *keys: str) -> str:
    text = citations(keys)
    cited = context.get("cited")
    if isinstance(cited, list):
        cited.extend(key for key in keys if key not in cited)
    return text


@register.simple_tag(takes_context=True)
def legal_same(context: Any, key: str) -> str:
    """« article R. 431-15-1 du même code », after a citation of the same code in the sentence."""
    found = reference(key)
    cited = context.get("cited")
    if isinstance(cited, list) and key not in cited:
        cited.append(key)
    return f"article {found.article} du même code" if found.article else found.citation


@register.filter
def or_blank(value: object, width: str = "") -> object:
    if value is None or (isinstance(value, str) and not value.strip()):
        return BLANKS[width]
    return value
