"""Finding a person by name although names are encrypted: a keyed blind index.

Names are stored encrypted, so the database cannot compare them. Beside them each person keeps
``name_index``: a keyed hash (HMAC-SHA-256 with a key derived from the field encryption key,
truncated to 48 bits) of every normalised word of their names and of every start of such a word
from three letters, so that « dial », « diallo » and « DIALLO » find « Aminata Diallo ». The
database sees which persons share a name or the start of one, never the names; without the key
a hash cannot be tested against a guessed name.

Normalised: accents removed, case folded, split on anything that is not a letter or a digit
(« N'Diaye » gives « n », « diaye » and the joined « ndiaye »).
"""

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable

from django.conf import settings

PREFIX_FROM = 3
_SPLIT = re.compile(r"[^\w]+|_", re.UNICODE)


def _key() -> bytes:
    keys = settings.SALT_KEY
    base = keys[0] if isinstance(keys, list | tuple) else keys
    return hashlib.sha256(b"creneau name index\0" + str(base).encode()).digest()


def normalised_words(text: str) -> list[str]:
    """« N'Diaye-Sow » → ["n", "diaye", "sow", "ndiayesow"] (joined form last when it differs)."""
    words = [w for w in _SPLIT.split(_fold(text or "")) if w]
    joined = "".join(words)
    return words + ([joined] if len(words) > 1 else [])


def _token(word: str) -> str:
    return hmac.new(_key(), word.encode(), hashlib.sha256).hexdigest()[:12]


def index_of(names: Iterable[str | None]) -> str:
    """The stored index of these names: space-separated tokens, with spaces around."""
    tokens: set[str] = set()
    for name in names:
        for word in normalised_words(name or ""):
            tokens.add(_token(word))
            tokens.update(_token(word[:n]) for n in range(PREFIX_FROM, len(word)))
    return " " + " ".join(sorted(tokens)) + " " if tokens else ""


def query_tokens(query: str) -> list[str]:
    """The tokens a search must all find (words shorter than three letters match whole only)."""
    words = [w for w in _SPLIT.split(_fold(query)) if w]
    return [_token(word) for word in words]


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()
