"""Document options (``--option key=value``): declared per kind, typed, refused when unknown."""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class OptionError(ValueError):
    """An option is unknown, malformed or missing; the message is in French for the user."""


def as_int(value: object) -> int:
    number = int(str(value).strip().removesuffix("€").strip())
    if number < 0:
        raise ValueError("negative")
    return number


def as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "oui", "yes", "true", "o", "y"}:
        return True
    if text in {"0", "non", "no", "false", "n", ""}:
        return False
    raise ValueError(text)


def as_date(value: object) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def as_text(value: object) -> str:
    return str(value).strip()


def as_gender(value: object) -> str:
    text = str(value).strip().lower()
    if text not in {"f", "m", "x", ""}:
        raise ValueError(text)
    return text


@dataclass(frozen=True)
class Option:
    parse: Callable[[object], Any]
    default: Any
    help: str
    required: bool = False


COMMON = {
    "date": Option(as_date, None, "date du document (AAAA-MM-JJ), aujourd'hui par défaut"),
    "place": Option(as_text, "", "lieu de signature, tiré de l'adresse par défaut"),
    "gender": Option(
        as_gender, "", "accord grammatical : f, m ou x (par défaut celui de la personne)"
    ),
}


def parse_options(spec: Mapping[str, Option], given: Mapping[str, object]) -> dict[str, Any]:
    """Typed values for every declared option; French messages for anything wrong."""
    unknown = sorted(set(given) - set(spec))
    if unknown:
        allowed = ", ".join(sorted(spec)) or "aucune"
        raise OptionError(
            f"Option inconnue : {', '.join(unknown)} (options possibles : {allowed})."
        )
    values: dict[str, Any] = {}
    for name, option in spec.items():
        raw = given.get(name)
        if raw is None or raw == "":
            if option.required:
                raise OptionError(f"Option manquante : --option {name}=… ({option.help}).")
            values[name] = option.default
            continue
        try:
            values[name] = option.parse(raw)
        except ValueError:
            raise OptionError(f"Valeur invalide pour {name} : {raw!r} ({option.help}).") from None
    return values


def split_pairs(pairs: list[str]) -> dict[str, str]:
    """``["a=1", "b=x"]`` from the command line → ``{"a": "1", "b": "x"}``."""
    result: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise OptionError(f"Option mal formée : {pair!r} (attendu : clé=valeur).")
        result[key.strip()] = value
    return result
