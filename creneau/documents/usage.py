"""Which templates cite which legal references (read from the template sources)."""

import re
from pathlib import Path

from creneau.documents.generate import template_dirs

LEGAL_TAG = re.compile(r"""\{%\s*legal\s+["']([\w.-]+)["']\s*%\}""")
_COMMENT = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)


def template_sources() -> dict[str, str]:
    """File name → source, the organisation's templates overriding ours."""
    sources: dict[str, str] = {}
    for folder in reversed(template_dirs()):
        for path in sorted(Path(folder).glob("*.html")):
            sources[path.name] = path.read_text(encoding="utf-8")
    return sources


def without_comments(source: str) -> str:
    return _COMMENT.sub("", source)


def kinds_citing() -> dict[str, list[str]]:
    """Reference key → template names (``requete``, ``_identity``…) that cite it."""
    usage: dict[str, list[str]] = {}
    for name, source in template_sources().items():
        for key in sorted(set(LEGAL_TAG.findall(without_comments(source)))):
            usage.setdefault(key, []).append(name.removesuffix(".html"))
    return usage
