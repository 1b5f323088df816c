"""Browser snapshots for code that uses the database around them.

Playwright's API leaves an asyncio loop running in the thread that drives it, and Django then
refuses every ORM call in that thread (``SynchronousOnlyOperation``). The browser seam keeps
that loop on a thread of its own (one browser per process, see :mod:`creneau.lib.browser`):
callers on any thread get back only the frozen :class:`PageSnapshot`, and keep their database.

Whether local addresses may be visited travels with the call (``allow_local``; None: the setting).
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from creneau.lib import browser
from creneau.lib.browser import PageSnapshot, Step

T = TypeVar("T")


def snapshot(
    url: str, steps: Sequence[Step] = (), *, allow_local: bool | None = None, **options: Any
) -> PageSnapshot:
    """:func:`creneau.lib.browser.snapshot`, safe to call from a thread that uses the database."""
    return browser.snapshot(url, steps, allow_local=allow_local, **options)


def snapshot_with(
    work: Callable[[PageSnapshot, bool], T],
    url: str,
    steps: Sequence[Step] = (),
    *,
    allow_local: bool | None = None,
    **options: Any,
) -> tuple[PageSnapshot, T]:
    """:func:`creneau.lib.browser.snapshot_with`: ``work`` runs in the calling thread."""
    return browser.snapshot_with(work, url, steps, allow_local=allow_local, **options)


def close_all() -> None:
    """Close this process's browser (end of a worker process, end of a test session)."""
    browser.close()
