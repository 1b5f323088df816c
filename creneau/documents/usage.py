"""Which templates and modules cite which legal references (read from their sources)."""

import csv
import re
from pathlib import Path

from creneau.catalog.legal import all_references
from creneau.documents.generate import template_dirs

LEGAL_TAG = re.compile(r"""\{%\s*legal(?:_same)?\s+((?:["'][\w.-]+["']\s*)+)%\}""")
_KEY = re.compile(r"""["']([\w.-]+)["']""")
_COMMENT = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
PACKAGE = Path(__file__).resolve().parent.parent  # the creneau package


def template_sources() -> dict[str, str]:
    """File name → source, the organisation's templates overriding ours."""
    sources: dict[str, str] = {}
    for folder in reversed(template_dirs()):
        for path in sorted(Path(folder).glob("*.html")):
            sources[path.name] = path.read_text(encoding="utf-8")
    return sources


def without_comments(source: str) -> str:
    return _COMMENT.sub("", source)


def keys_in_template(source: str) -> set[str]:
    found: set[str] = set()
    for tag in LEGAL_TAG.findall(without_comments(source)):
        found.update(_KEY.findall(tag))
    return found


# The loader and the template tags name keys in their docstrings only, as examples.
_NOT_USERS = frozenset({"catalog/legal", "documents/templatetags/legal", "documents/usage"})


def python_sources() -> dict[str, str]:
    """Module path (« assessment/rules ») → source, migrations and tests aside."""
    sources = {
        str(path.relative_to(PACKAGE).with_suffix("")): path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
    }
    return {name: source for name, source in sources.items() if name not in _NOT_USERS}


def data_sources() -> dict[str, str]:
    """Data files that name references (« ref:KEY » in the assessment thresholds, the
    ``reference`` column of the catalog's procedure channels)."""
    path = PACKAGE / "assessment" / "data" / "thresholds.json"
    channels = PACKAGE / "catalog" / "data" / "procedure_channels.csv"
    with channels.open(encoding="utf-8", newline="") as handle:
        keys = sorted({row["reference"] for row in csv.DictReader(handle) if row["reference"]})
    return {
        "assessment/data/thresholds": path.read_text(encoding="utf-8"),
        "catalog/data/procedure_channels": " ".join(f"ref:{key}" for key in keys),
    }


def kinds_citing() -> dict[str, list[str]]:
    """Reference key → templates (``requete``…), modules (``assessment/rules``…) and data files
    citing it."""
    usage: dict[str, list[str]] = {}
    for name, source in template_sources().items():
        for key in sorted(keys_in_template(source)):
            usage.setdefault(key, []).append(name.removesuffix(".html"))
    known = set(all_references())
    for name, source in python_sources().items():
        for key in sorted(set(_KEY.findall(source)) & known):
            usage.setdefault(key, []).append(name)
    for name, source in data_sources().items():
        for key in sorted(set(re.findall(r"ref:([\w.-]+)", source)) & known):
            usage.setdefault(key, []).append(name)
    return usage
