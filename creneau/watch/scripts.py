"""Dialogs a saved page shows by itself when it loads (``alert("…")`` run at load time).

eAppointment answers "no slot" with a native dialog: a saved copy of that answer keeps only the
script that opens it. A dialog counts as seen only if the page opens it unconditionally when it
loads: a call at the top level of an inline script, or at the top of a load handler
(``$(function () { … })``, ``$(document).ready(…)``, ``window.onload = function () { … }``).
A call inside any other function, condition or loop is not run by loading the page (a postal
code check, a button's handler), so it proves nothing.
"""

import re

_MAX_SCRIPT = 200_000
_LOAD_HANDLER = re.compile(
    r"(?:\$|jquery)\s*\(\s*(?:document\s*\)\s*\.\s*ready\s*\(\s*)?function\s*\(\s*\)\s*$"
    r"|window\s*\.\s*onload\s*=\s*function\s*\(\s*\)\s*$"
    r"|addeventlistener\s*\(\s*['\"](?:domcontentloaded|load)['\"]\s*,\s*function\s*\(\s*\)\s*$",
    re.IGNORECASE,
)
_ALERT = re.compile(r"(?<![\w$.])(?:window\s*\.\s*)?alert\s*\(\s*$")


def load_alerts(scripts: tuple[str, ...]) -> tuple[str, ...]:
    """The texts of the ``alert()`` calls these inline scripts make when the page loads."""
    found: list[str] = []
    for script in scripts:
        found.extend(_Scanner(script[:_MAX_SCRIPT]).alerts())
    return tuple(found)


class _Scanner:
    """A small JavaScript reader: strings, comments and braces, nothing more."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.code: list[str] = []  # what was read so far, strings and comments left out
        self.blocks: list[bool] = []  # for each open brace: does it open a load handler?
        self.found: list[str] = []

    def alerts(self) -> list[str]:
        index = 0
        while index < len(self.source):
            index = self._step(index)
        return self.found

    def _step(self, index: int) -> int:
        char = self.source[index]
        if char in "\"'`":
            return self._string(index)
        if self.source.startswith("//", index):
            end = self.source.find("\n", index)
            return len(self.source) if end < 0 else end
        if self.source.startswith("/*", index):
            end = self.source.find("*/", index + 2)
            return len(self.source) if end < 0 else end + 2
        if char == "{":
            self.blocks.append(bool(_LOAD_HANDLER.search("".join(self.code[-200:]))))
        elif char == "}" and self.blocks:
            self.blocks.pop()
        self.code.append(char)
        return index + 1

    def _string(self, index: int) -> int:
        quote, text, cursor = self.source[index], [], index + 1
        while cursor < len(self.source) and self.source[cursor] != quote:
            if self.source[cursor] == "\\" and cursor + 1 < len(self.source):
                cursor += 1
            text.append(self.source[cursor])
            cursor += 1
        if self._at_load() and quote != "`":
            before = "".join(self.code[-200:])
            call = _ALERT.search(before)
            if call and _unconditional(before[: call.start()]):
                self.found.append("".join(text))
        # Short strings stay readable (an event's name); long ones cannot name a handler.
        literal = "".join(text)
        self.code.append(f'"{literal}"' if len(literal) <= 40 else '""')
        return cursor + 1

    def _at_load(self) -> bool:
        """Outside any block, or directly inside a load handler's body."""
        return all(self.blocks) and len(self.blocks) <= 1


def _unconditional(before: str) -> bool:
    """The call starts a statement of its own: after ``;``, a closed block or the handler's
    opening brace (``_at_load`` has checked which block it is in), never after ``if (…)``,
    ``else``, ``&&``, ``?`` or an assignment."""
    tail = before.rstrip()
    return not tail or tail.endswith((";", "}", "{"))
