"""Run browser snapshots on dedicated threads that never touch the database.

Playwright's sync API leaves an asyncio loop marked as running in the thread that started it;
Django then refuses every ORM call in that thread (``SynchronousOnlyOperation``). So snapshots
run on long-lived helper threads (each keeps its own browser, reused between captures) and only
the frozen :class:`PageSnapshot` comes back to the caller's thread.

Whether local addresses may be visited travels with the call (``allow_local``; None: the setting).
"""

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

from creneau.lib import browser
from creneau.lib.browser import PageSnapshot, Step

_Job = tuple[Callable[[], Any], "Future[Any]"] | None


class _Worker:
    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, name="creneau-browser", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while (job := self.jobs.get()) is not None:
            work, future = job
            try:
                future.set_result(work())
            except BaseException as exc:  # noqa: BLE001 (handed back to the caller's thread)
                future.set_exception(exc)
        browser.close()

    def call(self, work: Callable[[], Any]) -> Any:
        future: Future[Any] = Future()
        self.jobs.put((work, future))
        return future.result()


_idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()


def snapshot(
    url: str, steps: Sequence[Step] = (), *, allow_local: bool | None = None, **options: Any
) -> PageSnapshot:
    """:func:`creneau.lib.browser.snapshot` on an idle helper thread (made if none is idle)."""
    try:
        worker = _idle.get_nowait()
    except queue.Empty:
        worker = _Worker()
    try:
        result: PageSnapshot = worker.call(
            lambda: browser.snapshot(url, steps, allow_local=allow_local, **options)
        )
        return result
    finally:
        _idle.put(worker)


def close_all() -> None:
    """Close every idle helper's browser (end of a worker process, end of a test session)."""
    while True:
        try:
            worker = _idle.get_nowait()
        except queue.Empty:
            return
        worker.jobs.put(None)
        worker.thread.join()
