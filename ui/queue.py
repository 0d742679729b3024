"""The one progress bar, queue wait and Stop button for every heavy live computation.

    from ui import queue as q

    q.stop_button("t_live")                    # in the page body, NOT inside a fragment
    out = q.run_queued("t_live", "Timing lab sweep", estimate_s, work, on_item)
    out.items, out.status ("done" | "stopped" | "time limit"), out.message

- `work` is an iterator; every `next(work)` runs one chunk (well under
  `core.config.QUEUE_MAX_HOLD_S`) while this session holds the server's turn of
  `core.queue.QUEUE`. Between chunks the turn passes to a waiting session once
  it has been held that long, so no visitor waits minutes behind another.
- From the first moment (before any measurement) the bar shows this session's
  place in the line and the estimated wait; while running, the share of the
  estimate used and `on_item(item)`'s text (e.g. "RNNCell loop at T = 64").
- `time_limit_s` bounds this request's own measuring time (a busy host can be
  slower than the estimate): past it the work stops and the items so far return.
- Stop: Streamlit's own stop does not cancel server work (streamlit#8182), and
  a click on a widget inside a fragment waits until that fragment's run ends,
  so `stop_button` must be drawn outside any fragment. Its click cancels this
  session's ticket (the work stops at its next chunk boundary) and interrupts
  the run at its next progress update (then `run_queued` does not return: the
  click's rerun starts, so mark your own state in `on_stop`); `stopped(key)`
  then reads True until `clear_stop(key)` or the next `run_queued(key, …)`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import streamlit as st

from core.config import app as cfg
from core.queue import QUEUE, Cancelled, Ticket

_TICKET = "_queue_ticket_{}"
_STOPPED = "_queue_stopped_{}"


@dataclass
class Outcome:
    items: list = field(default_factory=list)
    status: str = "done"          # "done", "stopped" or "time limit"
    seconds: float = 0.0          # time spent holding the turn (measuring)
    waited_s: float = 0.0         # time spent waiting for the turn
    message: str = ""


def _secs(s: float) -> str:
    return f"{s:.0f} s" if s >= 10 else f"{s:.1f} s"


def cancel(key: str, on_stop: Callable[[], None] | None = None) -> None:
    """Cancel this session's request under `key` (the Stop button's callback); then `on_stop()`."""
    ticket: Ticket | None = st.session_state.get(_TICKET.format(key))
    if ticket is not None:
        ticket.cancel()
    st.session_state[_STOPPED.format(key)] = True
    if on_stop is not None:
        on_stop()


def stopped(key: str) -> bool:
    return bool(st.session_state.get(_STOPPED.format(key)))


def clear_stop(key: str) -> None:
    st.session_state.pop(_STOPPED.format(key), None)


def stop_button(key: str, label: str = "Stop measuring", where: Any = st,
                on_stop: Callable[[], None] | None = None) -> None:
    """The Stop button for `key`'s live work. Draw it in the page body, outside any fragment.
    `on_stop` runs in the click's callback (e.g. to mark the page's own state as stopped)."""
    where.button(label, key=f"{key}_stop", on_click=cancel, args=(key, on_stop), icon=":material/stop_circle:",
                 help="Stops this session's live measurement at its next step; what was measured stays")


def wait_text(ticket: Ticket) -> str:
    ahead = ticket.position()
    if ahead == 0:
        return "Waiting for another measurement on this server to finish its current step…"
    who = "1 request" if ahead == 1 else f"{ahead} requests"
    return (f"Waiting for the measuring turn: {who} ahead of yours, about {_secs(ticket.wait_s())} "
            "(two measurements at once would time each other's load).")


def run_queued(key: str, label: str, estimate_s: float, work: Iterable,
               on_item: Callable[[Any], str | None] | None = None, *, where: Any = st,
               time_limit_s: float | None = None, settle_s: float = 0.0) -> Outcome:
    """Run `work` in queued turns with a progress bar in `where`; returns what it produced.

    The bar is redrawn at most every `cfg.PROGRESS_EVERY_S`; after each redraw the run pauses
    `settle_s` (a timing measurement: `cfg.TIMING_SETTLE_S`), so the browser is not redrawing the
    page while the next chunk is timed."""
    old: Ticket | None = st.session_state.get(_TICKET.format(key))
    if old is not None:
        old.cancel()       # a newer request of this session replaces an older one
        old.leave()
    clear_stop(key)
    ticket = QUEUE.join(estimate_s, label)
    st.session_state[_TICKET.format(key)] = ticket
    bar = where.progress(0.0, text=wait_text(ticket) if ticket.position() else f"{label}: starting…")
    out, joined = Outcome(), time.monotonic()
    started: list[float] = []
    shown = float("-inf")          # when the bar was last redrawn

    def on_wait(t: Ticket) -> None:
        bar.progress(min(0.99, _used(t, started) / max(estimate_s, 1e-9)), text=wait_text(t))

    try:
        for item in QUEUE.take_turns(ticket, work, on_wait):
            if not started:
                started.append(time.monotonic())
                out.waited_s = started[0] - joined
            out.items.append(item)
            used = _used(ticket, started)
            ticket.progress(estimate_s - used)
            text = on_item(item) if on_item is not None else None
            if time_limit_s is not None and used > time_limit_s:
                out.status = "time limit"
                out.message = (f"Stopped at this request's time limit ({_secs(time_limit_s)} of measuring): "
                               "the host is slower than estimated right now.")
                break
            if time.monotonic() - shown >= cfg.PROGRESS_EVERY_S:
                bar.progress(min(0.99, used / max(estimate_s, 1e-9)),
                             text=f"{label}: {text or 'measuring'} · {_secs(used)} of about {_secs(estimate_s)}")
                shown = time.monotonic()
                time.sleep(settle_s)
    except Cancelled:
        out.status, out.message = "stopped", "Stopped: what was measured before the stop is shown."
    finally:
        ticket.leave()
        out.seconds = ticket.held_total_s
        bar.empty()
    return out


def _used(ticket: Ticket, started: list[float]) -> float:
    """Seconds this ticket has held the turn so far (its own measuring time)."""
    now = ticket.held_total_s + (time.monotonic() - ticket.held_since if ticket.held_since else 0.0)
    return now if started or ticket.held_since else 0.0
