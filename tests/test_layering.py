"""Apps import downward only: the order of INSTALLED_APPS is the order of the layers.

Every ``import`` of ``creneau`` code, at module level or inside a function, is read from the
source (no import is executed). An app may import itself, the apps listed before it, and
``creneau.lib`` (which imports no app at all). ``creneau``'s own modules (settings, urls, cli)
sit above every app.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

import creneau

ROOT = Path(creneau.__file__).parent
APPS = [name.split(".")[1] for name in settings.INSTALLED_APPS if name.startswith("creneau.")]
TOP = {"settings", "urls", "cli", "__main__"}
# wsgi.py only asks Django for the application; `creneau run` (the desk app) serves it.
GROUND = {"lib", "wsgi"}


def layer_of(module: str) -> int:
    """The ground (-1: ``lib``, the package itself), an app's index, or the top."""
    parts = module.split(".")
    if parts[0] != "creneau":
        raise ValueError(module)
    if len(parts) == 1 or parts[1] in GROUND:
        return -1
    if parts[1] in APPS:
        return APPS.index(parts[1])
    assert parts[1] in TOP, f"{module}: not an app, not lib, not a top module"
    return len(APPS)


def imports() -> Iterator[tuple[str, str, int]]:
    """(importing file, imported module, line) for every import of creneau code."""
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name == "creneau" or name.startswith("creneau."):
                    yield str(path.relative_to(ROOT.parent)), name, node.lineno


def module_of(path: str) -> str:
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def test_every_import_goes_down_the_layers():
    upward = [
        f"{path}:{line} imports {name}"
        for path, name, line in imports()
        if layer_of(name) > layer_of(module_of(path))
    ]
    assert upward == []


def test_the_seams_import_nothing_of_the_apps():
    found = [
        f"{path}:{line} imports {name}"
        for path, name, line in imports()
        if path.startswith("creneau/lib/")
        and name.split(".")[:2] != ["creneau", "lib"]
        and name != "creneau"
    ]
    assert found == []


def test_evidence_never_imports_the_page_judgement():
    found = [
        f"{path}:{line}"
        for path, name, line in imports()
        if path.startswith("creneau/evidence/") and name.startswith("creneau.watch")
    ]
    assert found == []


def test_the_rule_sees_an_upward_import():
    assert layer_of("creneau.desk.views") > layer_of("creneau.cases.models")
    assert layer_of("creneau.lib.browser") < layer_of("creneau.cases.models")
    assert layer_of("creneau.urls") > layer_of("creneau.desk.views")
