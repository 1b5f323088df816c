"""How well the classifier reads a labelled folder of saved pages, as a person read them.

``labels.csv`` has the columns ``file`` and ``expected`` (an outcome), and optionally ``url``
(the page's final address), ``status`` (its HTTP status) and ``dialogs`` (native dialog texts,
separated by `` | ``). Each page is classified twice when it has a URL: with it, and as a bare
saved file. A false ``no_slot`` (said where the person read anything else) is the one error
never accepted, in either reading: the report lists those first.
"""

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from creneau.watch.classify import NO_SLOT, OUTCOMES, Classification, classify

LABELS = "labels.csv"


class LabelsError(ValueError):
    """The folder or its labels cannot be evaluated (missing file, unknown outcome…)."""


@dataclass(frozen=True)
class Label:
    file: str
    expected: str
    url: str = ""
    status: int | None = None
    dialogs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """One page as the classifier read it, against the person's reading."""

    file: str
    expected: str
    got: str
    system: str
    matched: str
    url: str  # the address given to the classifier ("" for the bare saved file)

    @property
    def false_no_slot(self) -> bool:
        return self.got == NO_SLOT and self.expected != NO_SLOT


@dataclass(frozen=True)
class Run:
    """Every page of the folder read one way (with their final URLs, or without)."""

    readings: tuple[Reading, ...]

    @property
    def agreed(self) -> int:
        return sum(1 for reading in self.readings if reading.got == reading.expected)

    @property
    def agreement(self) -> float:
        return self.agreed / len(self.readings) if self.readings else 1.0

    @property
    def false_no_slot(self) -> list[Reading]:
        return [reading for reading in self.readings if reading.false_no_slot]

    @property
    def disagreements(self) -> list[Reading]:
        """Every page read otherwise, false ``no_slot`` first."""
        wrong = [reading for reading in self.readings if reading.got != reading.expected]
        return sorted(wrong, key=lambda reading: not reading.false_no_slot)

    def confusion(self) -> dict[str, dict[str, int]]:
        """How many pages of each expected outcome got each outcome."""
        counts = Counter((reading.expected, reading.got) for reading in self.readings)
        return {
            expected: {got: counts[expected, got] for got in OUTCOMES if counts[expected, got]}
            for expected in OUTCOMES
            if any(counts[expected, got] for got in OUTCOMES)
        }


@dataclass(frozen=True)
class Evaluation:
    folder: str
    with_url: Run
    without_url: Run | None = None  # only when some labels give a URL

    @property
    def false_no_slot(self) -> list[Reading]:
        runs = [self.with_url, *([self.without_url] if self.without_url else [])]
        return [reading for run in runs for reading in run.false_no_slot]


def evaluate(folder: Path) -> Evaluation:
    """Classify every labelled page of ``folder``; raises ``LabelsError`` on a bad folder."""
    labels = read_labels(folder)
    pages = {label.file: read_page(folder / label.file) for label in labels}
    with_url = Run(tuple(_read(label, pages[label.file], label.url) for label in labels))
    without_url = None
    if any(label.url for label in labels):
        without_url = Run(tuple(_read(label, pages[label.file], "") for label in labels))
    return Evaluation(str(folder), with_url, without_url)


def _read(label: Label, html: str, url: str) -> Reading:
    result: Classification = classify(
        html, status=label.status, final_url=url, dialogs=label.dialogs
    )
    return Reading(label.file, label.expected, result.outcome, result.system, result.matched, url)


def read_labels(folder: Path) -> list[Label]:
    path = folder / LABELS
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise LabelsError(f"no {LABELS} in {folder}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LabelsError(f"cannot read {path}: {exc}") from exc
    if not rows or not {"file", "expected"} <= set(rows[0]):
        raise LabelsError(f"{path} needs the columns file,expected (and optionally url)")
    return [_label(number, row) for number, row in enumerate(rows, start=2)]


def _label(number: int, row: dict[str, str]) -> Label:
    expected = (row.get("expected") or "").strip()
    if expected not in OUTCOMES:
        raise LabelsError(
            f"line {number}: expected outcome {expected!r} is not one of {', '.join(OUTCOMES)}"
        )
    status = (row.get("status") or "").strip()
    if status and not status.isdigit():
        raise LabelsError(f"line {number}: status {status!r} is not an HTTP status")
    dialogs = (row.get("dialogs") or "").split(" | ")
    return Label(
        file=(row.get("file") or "").strip(),
        expected=expected,
        url=(row.get("url") or "").strip(),
        status=int(status) if status else None,
        dialogs=tuple(d.strip() for d in dialogs if d.strip()),
    )


def read_page(path: Path) -> str:
    """A saved page's text: UTF-8, else Latin-1 (which never fails)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LabelsError(f"file not found: {path}") from None
    except OSError as exc:
        raise LabelsError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
