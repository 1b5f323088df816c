"""The one honesty rule: what a visit shows is believed only when the visit itself succeeded.

Every judgement of a page — the generic classifier, a driver's own reading, an assisted
session's page — goes through :func:`honest` before anyone records or seals it:

1. an answer that is not an online outcome is ``unknown``;
2. a visit without a screenshot is an ``error``: nothing could be shown to a judge;
3. a gate page (challenge, waiting room, closure notice) keeps its outcome even when the steps
   or the HTTP status failed, since it is the reason they failed (a waiting room answers 429,
   a challenge 403);
4. otherwise a failed navigation or step, or an HTTP status of 400 or more, is an ``error``;
5. a page that kept changing while it was saved is ``unknown``: its screenshot may show another
   state than the text the verdict read;
6. a page still loading when it was saved (requests it needs still in flight) is never
   ``no_slot``: the answer may not have arrived yet.

So a failure is recorded as a failure, never as ``no_slot``.
"""

from typing import Protocol

from creneau.cases.models import ONLINE_OUTCOMES, Outcome
from creneau.watch.classify import Classification, Snapshot, classify

# Pages that explain by themselves why the steps could not go on.
GATES = frozenset({Outcome.CAPTCHA, Outcome.QUEUE, Outcome.CLOSED})


class Visit(Protocol):
    """What the rule reads of a ``lib.browser.PageSnapshot`` (no browser import here)."""

    @property
    def screenshot(self) -> bytes: ...
    @property
    def error(self) -> str: ...
    @property
    def status(self) -> int | None: ...
    @property
    def unsettled(self) -> str: ...
    @property
    def coherent(self) -> bool: ...


class Visited(Snapshot, Visit, Protocol):
    """A visited page: what the classifier reads and what the rule checks."""


def honest(snapshot: Visit, verdict: Classification) -> Classification:
    """The verdict, overruled to ``error`` (or ``unknown``) whenever the visit failed."""
    if verdict.outcome not in ONLINE_OUTCOMES:  # (1)
        return Classification(Outcome.UNKNOWN, verdict.system, verdict.matched, needs_review=True)
    if not snapshot.screenshot:  # (2)
        reason = snapshot.error or "no screenshot"
        return Classification(Outcome.ERROR, verdict.system, reason, needs_review=True)
    if verdict.outcome in GATES or verdict.outcome == Outcome.ERROR:  # (3)
        return verdict
    if snapshot.error:  # (4)
        return Classification(Outcome.ERROR, verdict.system, snapshot.error, needs_review=True)
    if (snapshot.status or 0) >= 400:
        status = f"HTTP {snapshot.status}"
        return Classification(Outcome.ERROR, verdict.system, status, needs_review=True)
    if not snapshot.coherent:  # (5)
        reason = snapshot.unsettled or "the page changed while it was saved"
        return Classification(Outcome.UNKNOWN, verdict.system, reason, needs_review=True)
    if snapshot.unsettled and verdict.outcome == Outcome.NO_SLOT:  # (6)
        return Classification(
            Outcome.UNKNOWN, verdict.system, snapshot.unsettled, needs_review=True
        )
    return verdict


def read(snapshot: Visited) -> Classification:
    """A visited page read by the generic classifier (no driver's knowledge), under the rule."""
    verdict = classify(
        snapshot.html,
        status=snapshot.status,
        final_url=snapshot.final_url,
        dialogs=snapshot.dialogs,
        visible_text=snapshot.visible_text,
    )
    return honest(snapshot, verdict)
