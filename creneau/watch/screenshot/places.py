"""Where a screenshot was taken, by what its page names: prefectures, sous-préfectures, démarches.

Names come from data files, never from lists in code: the départements and their chefs-lieux
(``catalog/data/departments.csv``), the sous-préfectures (``catalog/data/subprefectures.csv``)
and the démarche families (``demarches.csv`` beside this module). Matching works on folded text
(``pagetext.fold``) with hyphens and apostrophes as spaces, and forgives one OCR error in a long
name (« Val-de-Mame » for « Val-de-Marne ») when only one name is that close.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from creneau.catalog.loader import DATA as CATALOG_DATA
from creneau.watch.pagetext import fold

_DEMARCHES = Path(__file__).resolve().parent / "demarches.csv"
_NAME_WORDS = 5  # the longest place name, in words (« Saint-Laurent-du-Maroni »)
# OCR misreads a letter or two (« rn » read as « m »): names of 8 letters or more may differ by
# one edit, of 12 or more by two, when no other name is that close. Shorter names must be exact
# (« Loire » / « Loiret »).
_FUZZY_MIN_LENGTH = 8
_FUZZY_TWO_EDITS_LENGTH = 12
# « Préfecture de la Seine-Maritime », « sous-préfecture de Palaiseau », « Préfet du Val-de-Marne »,
# « Les services de l'État en Seine-Saint-Denis ».
_INTRO = re.compile(
    r"\b(?P<kind>sous prefecture|prefecture|prefete?|services de l etat)"
    r" (?:de police\b|(?:(?:de|du|des|d|en|dans|a|pour)(?: la| le| les| l)? )?"
    rf"(?=(?P<rest>\S+(?: \S+){{0,{_NAME_WORDS - 1}}})))"
)
_HOST_SITE = re.compile(r"^(?:www\.)?([a-z0-9-]+)\.gouv\.fr$")
_POLICE_HOSTS = re.compile(r"prefecturedepolice|prefecture-police")


@dataclass(frozen=True)
class Place:
    """A place the page names, and the départements that name can be."""

    name: str  # « Préfecture — Seine-Maritime », or the site's host
    departments: tuple[str, ...]
    site: bool = False  # told by the address bar's host, not named on the page


@dataclass(frozen=True)
class Family:
    code: str
    label: str
    words: "re.Pattern[str]"
    procedures: frozenset[str]  # catalog procedure slugs of this family


def normalise(text: str) -> str:
    """Folded, hyphens and apostrophes as spaces, one space between words."""
    return " ".join(re.sub(r"[-'’_]", " ", fold(text)).split())


@cache
def _catalog_rows(name: str) -> tuple[dict[str, str], ...]:
    with (CATALOG_DATA / name).open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@cache
def _names() -> dict[str, dict[str, frozenset[str]]]:
    """For each kind of mention, the normalised names and the départements they designate."""
    departments: dict[str, set[str]] = {}
    seats: dict[str, set[str]] = {}
    subprefectures: dict[str, set[str]] = {}
    for row in _catalog_rows("departments.csv"):
        code = row["code"]
        for name in _with_and_without_article(row["name"]):
            departments.setdefault(name, set()).add(code)
            _display()[name] = row["name"]
        for seat in re.split(r"\s*[()]\s*", row["chef_lieu"]):
            if seat:
                seats.setdefault(normalise(seat), set()).add(code)
                _display().setdefault(normalise(seat), seat)
    for row in _catalog_rows("subprefectures.csv"):
        for name in _with_and_without_article(row["city"]):
            subprefectures.setdefault(name, set()).add(row["department"])
            _display().setdefault(name, row["city"])
    return {
        "prefecture": _frozen(departments, seats),
        "sous prefecture": _frozen(subprefectures),
        "department": _frozen(departments),
    }


@cache
def _display() -> dict[str, str]:
    """Normalised name → the name as the catalog spells it (filled by ``_names``)."""
    return {}


def _with_and_without_article(name: str) -> list[str]:
    normalised = normalise(name)
    bare = re.sub(r"^(?:la|le|les|l) ", "", normalised)
    return [normalised, bare] if bare != normalised else [normalised]


def _frozen(*tables: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    merged: dict[str, set[str]] = {}
    for table in tables:
        for name, codes in table.items():
            merged.setdefault(name, set()).update(codes)
    return {name: frozenset(codes) for name, codes in merged.items()}


def named_places(lines: list[str]) -> list[Place]:
    """Every prefecture, sous-préfecture or département the page names, in reading order."""
    found: list[Place] = []
    text = " ".join(normalise(line) for line in lines)  # a name may wrap onto the next line
    for match in _INTRO.finditer(text):
        place = _place(match)
        if place is not None:
            found.append(place)
    return found


def _place(match: "re.Match[str]") -> Place | None:
    kind = match.group("kind")
    if match.group("rest") is None:  # « préfecture de police »
        return Place("Préfecture de police", ("75",))
    table = _names()["sous prefecture" if kind == "sous prefecture" else "prefecture"]
    if kind == "services de l etat":
        table = _names()["department"]
    words = match.group("rest").split()[:_NAME_WORDS]
    hit = _longest_name(words, table)
    if hit is None:
        return None
    name, codes = hit
    label = "Sous-préfecture" if kind == "sous prefecture" else "Préfecture"
    return Place(f"{label} — {_display().get(name, name)}", tuple(sorted(codes)))


def _longest_name(
    words: list[str], table: dict[str, frozenset[str]]
) -> tuple[str, frozenset[str]] | None:
    for size in range(len(words), 0, -1):
        candidate = " ".join(words[:size])
        if candidate in table:
            return candidate, table[candidate]
    for size in range(len(words), 0, -1):
        close = _close_names(" ".join(words[:size]), table)
        if len(close) == 1:
            return close[0], table[close[0]]
    return None


def _close_names(candidate: str, table: dict[str, frozenset[str]]) -> list[str]:
    if len(candidate) < _FUZZY_MIN_LENGTH:
        return []
    return [
        name
        for name in table
        if len(name) >= _FUZZY_MIN_LENGTH
        and abs(len(name) - len(candidate)) <= _allowed(name)
        and _distance(name, candidate) <= _allowed(name)
    ]


def _allowed(name: str) -> int:
    return 2 if len(name) >= _FUZZY_TWO_EDITS_LENGTH else 1


def _distance(first: str, second: str) -> int:
    """Levenshtein distance (short strings only)."""
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, start=1):
        current = [i]
        for j, b in enumerate(second, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]


def place_of_host(host: str) -> Place | None:
    """A prefecture's own site names its département: www.seine-maritime.gouv.fr → 76."""
    host = host.lower()
    if _POLICE_HOSTS.search(host):
        return Place(host, ("75",), site=True)
    match = _HOST_SITE.match(host)
    if match is None:
        return None
    letters = re.sub(r"[^a-z]", "", match.group(1))
    codes = {
        code
        for name, codes in _names()["department"].items()
        if re.sub(r"[^a-z]", "", name) == letters
        for code in codes
    }
    return Place(host, tuple(sorted(codes)), site=True) if codes else None


def department_name(code: str) -> str:
    for row in _catalog_rows("departments.csv"):
        if row["code"] == code:
            return row["name"]
    return code


# --- démarches ------------------------------------------------------------------------------


@cache
def families() -> tuple[Family, ...]:
    with _DEMARCHES.open(newline="", encoding="utf-8") as handle:
        return tuple(
            Family(
                code=row["family"],
                label=row["label"],
                words=re.compile(rf"\b(?:{row['words']})"),
                procedures=frozenset(filter(None, row["procedures"].split("|"))),
            )
            for row in csv.DictReader(handle)
        )


def families_in(text: str) -> Iterator[tuple[Family, "re.Match[str]"]]:
    """The démarche families a text names (on folded text), each once, with its first match."""
    folded = fold(text)
    for family in families():
        match = family.words.search(folded)
        if match:
            yield family, match


def case_families(procedure_slug: str, procedure_kind: str, words: str) -> frozenset[str]:
    """The démarche families of a case: its catalog procedure, its kind, its own words."""
    codes = {family.code for family in families() if procedure_slug in family.procedures}
    if procedure_kind in ("first_application", "renewal"):
        codes.add(procedure_kind)
    codes |= {family.code for family, _ in families_in(words)}
    return frozenset(codes)


def family_label(code: str) -> str:
    return next((family.label for family in families() if family.code == code), code)
