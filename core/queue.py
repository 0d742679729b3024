"""One server-wide queue for heavy live measurements: fair turns, bounded holds, cancellable.

Every browser session runs in its own thread of one process, and two timings
running at once measure each other's load. So every heavy live computation
(timing sweeps, peak-memory probes, training runs) takes a *turn* from `QUEUE`:

    ticket = QUEUE.join(estimate_s=12.0, label="Timing lab: default sweep")
    ticket.position()   # 0 = your turn now; k = k tickets ahead of you
    ticket.wait_s()     # estimated seconds until your first turn
    for item in QUEUE.take_turns(ticket, work, on_wait):
        ...             # each next(work) runs one chunk while holding the turn

- Fair: tickets are served first come, first served, one holder at a time.
- Bounded holds: a holder runs its work in chunks; between chunks, once it has
  held the turn longer than `max_hold_s` (config: `QUEUE_MAX_HOLD_S`) and someone
  is waiting, it goes to the back of the line (round-robin), so nobody waits
  minutes behind one long request. One chunk should last well under that bound.
- Cancellable: `ticket.cancel()` from any thread removes a waiting ticket at
  once, and stops a holder at its next chunk boundary (`Cancelled` is raised in
  the holder's thread, which then leaves the queue).
- `on_wait(ticket)` is called about every `poll_s` while a ticket waits, so a
  page can show "position 2, about 14 s" from the first moment and its own
  interrupts (Streamlit's rerun or stop) can end the wait.
- `TIMING_LOCK` (a plain lock) is held by whoever holds the turn, so code that
  still takes `with TIMING_LOCK:` directly is excluded from running beside it.
- Polite: `core.renders.RENDERS` counts the page runs in progress (the router wraps each run
  in `RENDERS.drawing()`, and fragments too); before every chunk the holder waits,
  up to `yield_s` (config: `QUEUE_YIELD_S`), while any other run is drawing. A
  viewer's page is then drawn before the next timed chunk, and that chunk is not
  timed beside it. A run that measures or waits in the queue does not count.

Pure standard library: no streamlit, no torch. `ui.queue.run_queued` draws it.
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from typing import Callable, Iterable, Iterator, TypeVar

from contextlib import contextmanager

from core.config import QUEUE_MAX_HOLD_S, QUEUE_YIELD_S
from core.renders import RENDERS, Renders

T = TypeVar("T")

# Process-wide: whoever holds a turn of QUEUE also holds this lock.
TIMING_LOCK = threading.Lock()




class Cancelled(Exception):
    """The ticket was cancelled (by its owner's Stop button, or a newer request)."""


class Ticket:
    """One request's place in a `TurnQueue`."""

    _ids = itertools.count(1)

    def __init__(self, queue: "TurnQueue", estimate_s: float, label: str):
        self.id = next(self._ids)
        self.queue, self.label = queue, label
        self.estimate_s = max(0.0, float(estimate_s))
        self.remaining_s = self.estimate_s   # the holder lowers it as chunks finish
        self.joined_at = time.monotonic()
        self.cancelled = False
        self.done = False
        self.held_since: float | None = None  # set while holding the turn
        self.held_total_s = 0.0

    def __repr__(self) -> str:
        return f"Ticket({self.id}, {self.label!r}, position={self.position()})"

    # -- what a waiting page shows
    def position(self) -> int:
        """How many tickets are ahead (0: this ticket holds the turn, or would take it now)."""
        return len(self.queue._ahead(self))

    def wait_s(self) -> float:
        """Estimated seconds until this ticket's (next) turn: each one ahead runs at most one hold."""
        bound = self.queue.max_hold_s
        return sum(min(t.remaining_s, bound) for t in self.queue._ahead(self))

    def holding(self) -> bool:
        return self.queue._holder is self

    # -- owner actions
    def cancel(self) -> None:
        """Leave the line now; a holder stops at its next chunk boundary."""
        self.queue._cancel(self)

    def progress(self, remaining_s: float) -> None:
        """The holder's updated estimate of its remaining work (for others' wait estimates)."""
        self.remaining_s = max(0.0, float(remaining_s))

    def turn(self, on_wait: Callable[["Ticket"], None] | None = None, poll_s: float = 0.25) -> None:
        """Block until this ticket holds the turn; `on_wait(self)` about every `poll_s` meanwhile."""
        self.queue._turn(self, on_wait, poll_s)

    def between_chunks(self, on_wait: Callable[["Ticket"], None] | None = None, poll_s: float = 0.25) -> None:
        """Call between two chunks: raises `Cancelled` if cancelled; if this ticket has held the
        turn longer than the bound and someone waits, it goes to the back of the line and waits."""
        if self.cancelled:
            raise Cancelled(self.label)
        if self.queue._maybe_yield(self):
            self.turn(on_wait, poll_s)

    def leave(self) -> None:
        """Finished (or gave up): release the turn or the place in line."""
        self.queue._leave(self)


class TurnQueue:
    """A fair FIFO of tickets, one holder at a time, with round-robin after `max_hold_s`."""

    def __init__(self, max_hold_s: float = QUEUE_MAX_HOLD_S, lock: threading.Lock | None = None,
                 renders: Renders | None = None, yield_s: float = QUEUE_YIELD_S):
        self.max_hold_s = float(max_hold_s)
        self.renders, self.yield_s = renders, float(yield_s)
        self.yielded_s = 0.0                 # total seconds holders waited for pages to be drawn
        self.lock = lock if lock is not None else threading.Lock()
        self._cv = threading.Condition()
        self._line: deque[Ticket] = deque()
        self._holder: Ticket | None = None

    def join(self, estimate_s: float, label: str) -> Ticket:
        """A new ticket at the back of the line."""
        ticket = Ticket(self, estimate_s, label)
        with self._cv:
            self._line.append(ticket)
        return ticket

    def snapshot(self) -> list[tuple[str, float]]:
        """(label, remaining estimate) of the holder then the line, for a status display."""
        with self._cv:
            everyone = ([self._holder] if self._holder else []) + list(self._line)
            return [(t.label, t.remaining_s) for t in everyone]

    def take_turns(self, ticket: Ticket, work: Iterable[T],
                   on_wait: Callable[[Ticket], None] | None = None) -> Iterator[T]:
        """Run `work` (an iterator whose every step is one chunk) in turns; always leaves at the end.
        Before each chunk, waits (bounded) for other viewers' pages to be drawn (see `Renders`)."""
        with self.renders.measuring() if self.renders is not None else _nothing():
            try:
                ticket.turn(on_wait)
                it = iter(work)
                while True:
                    if self.renders is not None and self.yield_s > 0:
                        self.yielded_s += self.renders.wait_quiet(self.yield_s)
                    try:
                        item = next(it)
                    except StopIteration:
                        return
                    yield item
                    ticket.between_chunks(on_wait)
            finally:
                ticket.leave()

    # -- internals (all under self._cv)
    def _ahead(self, ticket: Ticket) -> list[Ticket]:
        with self._cv:
            if self._holder is ticket:
                return []
            ahead = [self._holder] if self._holder is not None else []
            for t in self._line:
                if t is ticket:
                    return ahead
                ahead.append(t)
            return ahead  # not in line (done or cancelled): everyone counts

    def _turn(self, ticket: Ticket, on_wait, poll_s: float) -> None:
        while True:
            with self._cv:
                if ticket.cancelled:
                    raise Cancelled(ticket.label)
                if self._holder is ticket:
                    return
                if self._holder is None and self._line and self._line[0] is ticket:
                    self._line.popleft()
                    self._holder = ticket
                    got = True
                else:
                    got = False
                    self._cv.wait(poll_s)
            if got:
                # Outside the condition: code using TIMING_LOCK directly may hold it for a while.
                while not self.lock.acquire(timeout=poll_s):
                    if ticket.cancelled:
                        self._release(ticket)
                        raise Cancelled(ticket.label)
                    if on_wait is not None:
                        on_wait(ticket)
                ticket.held_since = time.monotonic()
                return
            if on_wait is not None:
                on_wait(ticket)

    def _maybe_yield(self, ticket: Ticket) -> bool:
        with self._cv:
            if self._holder is not ticket or ticket.held_since is None:
                return False
            if time.monotonic() - ticket.held_since < self.max_hold_s or not self._line:
                return False
            self._release_locked(ticket)
            self._line.append(ticket)
            return True

    def _release_locked(self, ticket: Ticket) -> None:
        if self._holder is ticket:
            if ticket.held_since is not None:
                ticket.held_total_s += time.monotonic() - ticket.held_since
                ticket.held_since = None
                self.lock.release()
            self._holder = None
            self._cv.notify_all()

    def _release(self, ticket: Ticket) -> None:
        with self._cv:
            self._release_locked(ticket)

    def _cancel(self, ticket: Ticket) -> None:
        with self._cv:
            ticket.cancelled = True
            if ticket in self._line:
                self._line.remove(ticket)
                self._cv.notify_all()
            # A holder keeps the turn until its next chunk boundary (it is mid-computation).

    def _leave(self, ticket: Ticket) -> None:
        with self._cv:
            ticket.done = True
            ticket.remaining_s = 0.0
            if ticket in self._line:
                self._line.remove(ticket)
            self._release_locked(ticket)
            self._cv.notify_all()


@contextmanager
def _nothing():
    yield


# The one queue of this server process.
QUEUE = TurnQueue(lock=TIMING_LOCK, renders=RENDERS)
