"""Paint a shipped reference at once, then refine it with a live sweep on this server.

`refine(spec, reference, chart, ...)` draws `chart(reference)` immediately,
then iterates the spec's sweep (a generator of `core.price.sweep` events) with
a progress bar that says what is being measured and how long it may take
(the spec's own estimate, made before anything runs), redrawing the chart over
the reference as each point arrives. A control change or a page switch stops
it between points (Streamlit interrupts the run; the `finally` blocks release
the lock and kill the measuring child process).

Results are cached by spec: server-wide only when every point was stable, in
the caller's session otherwise (a busy minute never misinforms later visitors).
"""
from __future__ import annotations

import contextlib
from typing import Callable

import pandas as pd
import streamlit as st

from core.benchmark import TIMING_LOCK
from core.price.isolated import Worker
from core.price.sweep import Row, Start, Stop
from ui import vega

LIVE, SHIPPED = "live", "shipped reference"


@st.cache_resource(max_entries=1)
def _stable_store() -> dict:
    return {}


def _session_store() -> dict:
    return st.session_state.setdefault("_live_rows", {})


def cached(spec) -> tuple[list[dict], list[str]] | None:
    return _stable_store().get(spec) or _session_store().get(spec)


def keep(spec, value, stable: bool) -> None:
    store = _stable_store() if stable else _session_store()
    store[spec] = value
    if len(store) > 64:
        store.pop(next(iter(store)))


@contextlib.contextmanager
def measuring_lock(bar):
    """The server's one timing lock; while another session holds it, the bar says so."""
    while not TIMING_LOCK.acquire(timeout=0.5):
        bar.progress(0.0, text="Another session is measuring on this server; waiting for it to finish…")
    try:
        yield
    finally:
        TIMING_LOCK.release()


def sweep(spec, draw: Callable[[list[dict]], None], isolated: bool) -> tuple[list[dict], list[str]]:
    """This server's rows for `spec`: cached, or measured now with progress, calling `draw(rows)` per point."""
    hit = cached(spec)
    if hit is not None:
        return hit
    seconds = spec.check()
    bar = st.progress(0.0, text=f"Measuring on this server (at most about {seconds:,.0f} s)…")
    rows, stopped = [], []
    with measuring_lock(bar), (Worker() if isolated else contextlib.nullcontext()) as worker:
        for ev in spec.run(worker) if isolated else spec.run():
            if isinstance(ev, Start):
                bar.progress(ev.done / ev.total, text=f"Measuring {ev.name} at T = {ev.T:,} ({ev.done + 1} of "
                                                      f"{ev.total}; at most about {seconds:,.0f} s in all)…")
            elif isinstance(ev, Row):
                rows.append({**ev.row, "source": LIVE})
                draw(rows)
            elif isinstance(ev, Stop):
                stopped.append(ev.reason)
    bar.empty()
    keep(spec, (rows, stopped), all(r.get("stable", True) for r in rows))
    return rows, stopped


def refine(spec, reference: pd.DataFrame | None, chart: Callable[[pd.DataFrame], object], live: bool,
           isolated: bool = True, key: str | None = None) -> tuple[pd.DataFrame | None, pd.DataFrame, list[str]]:
    """Draw the reference now, then the live sweep over it. Returns (live or reference rows, both, stop reasons).
    With `key`, the chart's height follows its width (one box, redrawn in place)."""
    ref = None if reference is None else reference.assign(source=SHIPPED)
    box = vega.Box(key) if key else None
    slot = None if box else st.empty()                  # a box makes its own slot at the first draw

    def both(rows: list[dict]) -> pd.DataFrame:
        parts = [f for f in (ref, pd.DataFrame(rows)) if f is not None and len(f)]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    def draw(rows: list[dict]) -> None:
        frame = both(rows)
        if len(frame):                                    # labelled for screen readers from its data
            fig = chart(frame)
            vega.draw(fig, frame, where=slot, box=box)

    draw([])
    rows, stopped = sweep(spec, draw, isolated) if live else ([], [])
    draw(rows)
    return (pd.DataFrame(rows) if rows else ref), both(rows), stopped
