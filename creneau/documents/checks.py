"""What a finished document must never contain: placeholders and stale legal references.

A *placeholder* is any text meant to be replaced before the document is used:
template syntax (``{{``, ``}}``, ``{%``, ``%}``, ``{#``), wiki-style ``[[…]]``, any text in square
brackets (« [à compléter] », « [nom] »), angle-bracket fields (« <nom> »), ``__FIELD__``, the
markers TODO / FIXME / XXX / TBD, and the stray values ``None``, ``null``, ``undefined``, ``NaN``
that a missing value prints. A blank line to fill by hand on paper is a run of dots
(« ........ ») and is not a placeholder: it is the visible, deliberate way to leave a gap.

*Stale references* are the CESEDA articles renumbered on 1 May 2021 that old models still cite
(R. 311-1, L. 511-1), in any spacing, dot or dash variant, and R. 921-1 CJA, which old models cite
for the timing of an execution request (that rule is now R. 921-1-1; R. 921-1 is about the
administration asking how to execute a judgment).
"""

import re
from collections.abc import Iterable

_PLACEHOLDER_PATTERNS = [
    re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}"),
    re.compile(r"\[\[|\]\]"),
    re.compile(r"\[[^\]\n]{0,80}\]"),
    re.compile(r"<[^<>\n]{1,40}>"),
    re.compile(r"__[A-Za-z_]+__"),
    re.compile(r"\b(?:TODO|FIXME|XXX|TBD)\b"),
    re.compile(r"\b(?:None|null|undefined|NaN)\b"),
]

_SPACES = r"[\s\u00a0\u202f]*"
_DASH = r"[-\u2010\u2011\u2012\u2013\u2014\u2212]"
STALE_REFERENCE = re.compile(
    rf"(?<![\w.])(?:R{_SPACES}\.?{_SPACES}311|L{_SPACES}\.?{_SPACES}511|R{_SPACES}\.?{_SPACES}921)"
    rf"{_SPACES}{_DASH}{_SPACES}1(?!\d|{_SPACES}{_DASH}{_SPACES}\d)"
)


def placeholders_in(text: str, own_words: Iterable[str] = ()) -> list[str]:
    """Every placeholder found in ``text`` (empty when the document is complete).

    ``own_words`` are texts a person or a volunteer typed (a name, an address): whatever they
    hold, brackets included, is theirs and not a placeholder, so their occurrences are left out
    of the search (in any case, spacing or apostrophe the typography may have given them)."""
    for words in own_words:
        text = _mask(text, words)
    return [match.group(0) for pattern in _PLACEHOLDER_PATTERNS for match in pattern.finditer(text)]


_BLANK = "[\\s\u00a0\u202f]"


def _mask(text: str, words: str) -> str:
    if not words.strip():
        return text
    parts = []
    for char in words.strip():
        if char.isspace():
            parts.append(f"{_BLANK}+")
        elif char in "'’":
            parts.append("['’]")
        elif char in ":;!?»":
            parts.append(f"{_BLANK}*{re.escape(char)}")
        elif char == "«":
            parts.append(f"«{_BLANK}*")
        else:
            parts.append(re.escape(char))
    pattern = re.compile("".join(parts), re.IGNORECASE)
    return pattern.sub(lambda match: " " * len(match.group(0)), text)


def stale_references_in(text: str) -> list[str]:
    return [match.group(0) for match in STALE_REFERENCE.finditer(text)]
