"""Suggestions worked out off the UI thread: one daemon thread, the newest request wins.

The engine is plain Python (``annotator.suggest.live``); the window reads the open layer by key
(a few indexed queries) and hands it over as values, so a run never touches the database. The
one read the thread makes itself is the project's tagged strings (``live.build``), and only when
the window asks for it: it reads every short span and its text, which at 10,000 documents takes a
second or more, so the window asks once the reviewer has paused (``suggest_actions``), and until
then the open document's own strings are matched. The window polls ``take`` on a timer (as
``figure_support.FigureWarmup`` does): no Qt object is touched from the thread.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .deferred import Deferred

if TYPE_CHECKING:
    from ..suggest.live import LiveSuggester

# Imported by the thread on its first request (or the window's warm-up), not before the first paint.
_live = Deferred("annotator.suggest.live")


QUIET_S = 0.2  # the thread waits at its pause points until the reviewer has been still this long


class _Superseded(Exception):
    """A newer request came: the one being worked out is dropped at the next pause point."""


@dataclass(frozen=True)
class Request:
    generation: int
    reviewer: str
    doc_id: str
    text: str
    existing: list
    learnt: list
    rejected: set
    with_project: bool  # build (once per reviewer) and use the project's tagged strings


@dataclass(frozen=True)
class Result:
    generation: int
    doc_id: str
    suggestions: list
    error: str | None = None
    with_project: bool = False


class SuggestionWorker:
    def __init__(self, store):
        self._store = store
        self._cond = threading.Condition()
        self._request: Request | None = None
        self._result: Result | None = None
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._own_only: dict[str, LiveSuggester] = {}  # reviewer -> suggester without the project's strings
        self._project: dict[str, LiveSuggester] = {}  # reviewer -> with them, once built
        self.busy = False  # a request is waiting, being worked out, or its result not yet taken
        self._computing = False
        self._input_at = 0.0  # time.monotonic() of the reviewer's last key, selection or edit

    def touch(self, *_args) -> None:
        """The reviewer did something: work waits at its next pause point until they are still."""
        self._input_at = time.monotonic()

    def _pause(self, *, superseded: bool = True) -> None:
        # Called by the engine between its sources and every few thousand tagged strings: the
        # thread competes with the window for the interpreter, so it gives way while keys come.
        while True:
            if self._stopped or (superseded and self._request is not None):
                raise _Superseded()
            quiet = time.monotonic() - self._input_at
            if quiet >= QUIET_S:
                return
            time.sleep(QUIET_S - quiet)

    def submit(self, request: Request) -> None:
        with self._cond:
            self._request = request
            self.busy = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="suggestions", daemon=True)
                self._thread.start()
            self._cond.notify()

    def take(self) -> Result | None:
        with self._cond:
            result, self._result = self._result, None
            if result is not None and self._request is None and not self._computing:
                self.busy = False  # busy until the window has the newest result
            return result

    def forget_project(self) -> None:
        """The project's strings changed beyond the open document (an import, a merge, another
        program): the next request that wants them builds them again."""
        with self._cond:
            self._project.clear()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._request = None
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._request is None and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                request, self._request = self._request, None
                self._computing = True
            try:
                result = self._work(request)
            except _Superseded:
                continue  # the newer request (or the stop) is picked up at the top
            finally:
                self._computing = False
            with self._cond:
                if self._stopped:
                    return
                self._result = result

    def _suggester(self, request: Request) -> LiveSuggester:
        if request.with_project:
            live = self._project.get(request.reviewer)
            if live is None:
                # A newer request does not interrupt the project's strings: read once, whatever comes.
                live = _live.build(self._store, request.reviewer, pause=lambda: self._pause(superseded=False))
                live.pause = self._pause
                self._project[request.reviewer] = live
            return live
        live = self._own_only.get(request.reviewer)
        if live is None:
            labels = self._store.label_scheme().names()
            live = self._own_only[request.reviewer] = _live.LiveSuggester((), request.reviewer, labels, pause=self._pause)
        return live

    def _work(self, request: Request) -> Result:
        try:
            live = self._suggester(request)
            found: list[Any] = live.suggest(request.doc_id, request.text, request.existing, request.learnt,
                                            request.rejected)
        except _Superseded:
            raise
        except Exception as exc:  # the project closed under us, or a bug: shown, never lost in the thread
            return Result(request.generation, request.doc_id, [], f"{type(exc).__name__}: {exc}")
        return Result(request.generation, request.doc_id, found, with_project=request.with_project)
