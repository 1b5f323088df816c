"""Template helpers for documents: ``{% legal "key" %}`` and ``|or_blank``.

``{% load legal %}`` then ``{% legal "cja_l521_3" %}`` prints « article L. 521-3 du code de
justice administrative » from ``data/legal_references.csv``; an unknown key stops the rendering
instead of printing nothing. ``{{ value|or_blank }}`` prints the value, or a dotted line to fill
by hand on paper when the file does not hold it (``or_blank:"short"``, ``or_blank:"line"`` for
other lengths).
"""

from django import template

from creneau.documents.references import citation

register = template.Library()

BLANKS = {"short": "." * 20, "": "." * 44, "line": "." * 90}


@register.simple_tag
def legal(key: str) -> str:
    return citation(key)


@register.filter
def or_blank(value: object, width: str = "") -> object:
    if value is None or (isinstance(value, str) and not value.strip()):
        return BLANKS[width]
    return value
