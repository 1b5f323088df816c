"""Keep personal data out of log lines written by libraries we do not control.

Apprise names recipients in its log (« Sent 1 Signal API notification to +33600000001 »), and
that text also comes back to us as a failure reason that is stored. :func:`personal_data`
replaces phone numbers, e-mail addresses and long digit runs (chat ids) with a mark;
:class:`PersonalDataFilter` applies it to every record of the loggers it is attached to
(settings.LOGGING).
"""

import logging
import re

_PATTERNS = [
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"\+\d[\d\s().-]{5,}\d"),  # international phone numbers
    re.compile(r"(?<![\w.])0\d(?:[\s.-]?\d\d){4}(?![\w.])"),  # French national numbers
    re.compile(r"(?<![\w.:])\d{7,}(?![\w.])"),  # chat ids and other long numbers
]
MARK = "[masqué]"


def personal_data(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(MARK, text)
    return text


class PersonalDataFilter(logging.Filter):
    """Rewrite each record's message without personal data (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = personal_data(record.getMessage())
        record.args = ()
        return True
