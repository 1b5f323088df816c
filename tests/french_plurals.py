"""The French catalogue of plural messages, read from the sources themselves.

Créneau's msgids are French. For a message missing from the catalogue of the active language,
gettext falls back on the English rule (singular only for 1): « 0 dossiers », « 0 jours ». The
French catalogue therefore holds every plural message of the code, each translated by itself,
under the French rule (singular for 0 and 1). Nothing else is in it: singular messages need no
entry.

Regenerate it after adding a plural message (the test in tests/desk/test_words.py says when)::

    scripts/uv run python -m tests.french_plurals --write
    scripts/uv run python manage.py compilemessages -l fr
"""

import ast
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "creneau"
PO = SOURCES / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLURAL_CALLS = {"ngettext", "ngettext_lazy"}
# templatize turns {% blocktranslate count %} into ngettext(u'…', u'…', count).
_LITERAL = r"""(u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))"""
TEMPLATE_CALL = re.compile(rf"\bngettext\({_LITERAL}, {_LITERAL}, count\)")
Location = tuple[str, int]
CREATED = datetime(2026, 12, 1, tzinfo=UTC)


def _python(path: Path) -> Iterator[tuple[str, str, Location]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        first, second = node.args[0], node.args[1]
        if (
            name in PLURAL_CALLS
            and isinstance(first, ast.Constant)
            and isinstance(second, ast.Constant)
        ):
            yield str(first.value), str(second.value), (_relative(path), node.lineno)


def _template(path: Path) -> Iterator[tuple[str, str, Location]]:
    from django.utils.translation.template import templatize

    text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for number, line in enumerate(text.splitlines(), start=1):
        for match in TEMPLATE_CALL.finditer(line):
            singular, plural = (ast.literal_eval(group) for group in match.groups())
            yield singular, plural, (_relative(path), number)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def plural_messages() -> dict[tuple[str, str], list[Location]]:
    """(singular, plural) → where, for every plural message of the code and its templates."""
    found: dict[tuple[str, str], list[Location]] = {}
    for path in sorted(SOURCES.rglob("*")):
        if "simulators" in path.parts or "migrations" in path.parts:
            continue
        if path.suffix == ".py":
            messages = _python(path)
        elif path.suffix in {".html", ".txt"} and "templates" in path.parts:
            messages = _template(path)
        else:
            continue
        for singular, plural, where in messages:
            found.setdefault((singular, plural), []).append(where)
    return found


def catalogue() -> Catalog:
    catalog = Catalog(
        locale="fr",
        project="Créneau",
        version="0.1",
        charset="utf-8",
        fuzzy=False,
        creation_date=CREATED,  # fixed, and no locations: regenerating changes only messages
    )
    # Two forms, singular for 0 and 1: Babel's newer CLDR data adds a third (« de millions »)
    # that these messages never need.
    catalog._num_plurals, catalog._plural_expr = 2, "(n > 1)"
    for singular, plural in sorted(plural_messages()):
        catalog.add((singular, plural), (singular, plural), flags=("python-format",))
    return catalog


def write() -> None:
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as handle:
        write_po(handle, catalogue(), width=100, omit_header=False)


if __name__ == "__main__":
    import django

    sys.path.insert(0, str(ROOT))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creneau.settings")
    django.setup()
    if "--write" in sys.argv:
        write()
        print(f"{PO}: {len(plural_messages())} plural messages")
    else:
        print(len(plural_messages()))
