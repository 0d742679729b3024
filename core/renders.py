"""The page runs in progress, server-wide: what a polite measurement waits for.

The router wraps every page run in `RENDERS.drawing()`, and `ui.layout.fragment` every fragment
run; a run that measures (or waits for a turn of `core.queue.QUEUE`) does not count meanwhile.
Before each timed chunk a measurement waits (bounded) while any run is drawing
(`wait_quiet`), so a viewer's page is drawn before the next chunk and that chunk is not timed
beside it. The warm-up's runs are nobody's page (`uncounted`). `activity` says when runs last
ended, for the idle collector (`core.idle_gc`).

Pure standard library: no streamlit, no torch.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager


class _RunState:
    """One thread's part in `Renders`: how deep in drawing() it is, whether it counts now."""

    def __init__(self):
        self.depth = 0
        self.counted = False
        self.measuring = False
        self.uncounted = False


class Renders:
    """How many page runs (and fragment runs) are drawing right now, server-wide."""

    def __init__(self):
        self._cv = threading.Condition()
        self._n = 0
        self._local = threading.local()
        self._ended, self._last_end = 0, time.monotonic()

    def count(self) -> int:
        with self._cv:
            return self._n

    def activity(self) -> tuple[int, float]:
        """(runs ended so far, counted or not; `time.monotonic()` when the last one ended)."""
        with self._cv:
            return self._ended, self._last_end

    def _state(self) -> _RunState:
        state = getattr(self._local, "state", None)
        if state is None:
            state = self._local.state = _RunState()
        return state

    @contextmanager
    def drawing(self):
        """Around a page run or a fragment run (nested runs in one thread count once)."""
        state = self._state()
        state.depth += 1
        if state.depth == 1 and not state.measuring and not state.counted and not state.uncounted:
            state.counted = True
            self._add(1)
        try:
            yield
        finally:
            state.depth -= 1
            if state.depth == 0:
                with self._cv:
                    self._ended, self._last_end = self._ended + 1, time.monotonic()
                if state.counted:
                    state.counted = False
                    self._add(-1)
                state.measuring = False      # a measurement abandoned mid-run ends with its run

    @contextmanager
    def uncounted(self):
        """Around a run that is nobody's page (the server's start-up warm-up): neither it nor the
        fragments it runs inline count as drawing."""
        state = self._state()
        before, state.uncounted = state.uncounted, True
        try:
            yield
        finally:
            state.uncounted = before

    @contextmanager
    def measuring(self):
        """Around measuring (or waiting for a turn) inside a run: that run does not count meanwhile.
        Safe when closed late or from another thread (an abandoned generator): the state is the
        entering thread's, and a run that has ended is not counted again."""
        state = self._state()
        state.measuring = True
        if state.counted:
            state.counted = False
            self._add(-1)
        try:
            yield
        finally:
            state.measuring = False
            if state.depth > 0 and not state.counted:
                state.counted = True
                self._add(1)

    def wait_quiet(self, max_s: float) -> float:
        """Wait until no run is drawing, at most `max_s`; the seconds waited."""
        start = time.monotonic()
        with self._cv:
            while self._n > 0:
                left = max_s - (time.monotonic() - start)
                if left <= 0:
                    break
                self._cv.wait(left)
        return time.monotonic() - start

    def _add(self, k: int) -> None:
        with self._cv:
            self._n += k
            if self._n <= 0:
                self._cv.notify_all()


# Process-wide: core cannot see Streamlit; the router and ui.layout.fragment count the runs.
RENDERS = Renders()
