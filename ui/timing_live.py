"""The timing lab's session plumbing: this session's live requests, the server-wide store of stable
sweeps, the Stop / Measure-again callbacks, the main chart, and the kick that starts a
pending sweep on the run after the page has been painted."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict

import streamlit as st

from core.config import TIMING as L
from core.config import app as app_cfg
from core.story import snippets
from core.timing import charts, reference
from ui import queue as q
from ui import vega, warmup
from ui.export import show_chart
from ui.spec_cache import Lazy

KEY = "t_live"
ss = st.session_state


@st.cache_data(max_entries=4, show_spinner=False)
def shipped(mode: str):
    return reference.load(mode)


@st.cache_resource(max_entries=1)
def _shared() -> tuple[threading.Lock, OrderedDict]:
    """Server-wide, for complete and stable live results only (unstable ones stay in the session)."""
    return threading.Lock(), OrderedDict()


def shared(key, value=None, max_entries: int = 64):
    lock, store = _shared()
    with lock:
        if value is not None:
            store[key] = value
            while len(store) > max_entries:
                store.popitem(last=False)
        return None if ss.get("_t_bypass") else store.get(key)


def live_request(request: tuple, prior_peak: float = 0.0):
    """This session's `LiveRequest` for `request` (a stable one from another visitor if shared)."""
    from core.timing.live import LiveRequest   # torch

    mine = ss.setdefault("_t_live", {})
    if request not in mine:
        mine[request] = shared(request) or LiveRequest(request, fresh=ss.pop("_t_fresh_peak", False),
                                                       prior_peak=prior_peak)
    return mine[request]


def measure_again() -> None:
    """Everything fresh for this caller only: its live points, snippet and a new peak reading."""
    ss["_t_live"], ss["_t_bypass"], ss["_t_fresh_peak"] = {}, True, True
    ss.pop("_t_snippet", None)


def mark_stopped() -> None:
    if (live := ss.get("_t_running")) is not None and not live.finished():
        live.status, live.message = "stopped", "Stopped: the points measured before the stop are shown."


def main_chart(slot: vega.Redraw, live, ref_df, ref_label: str, spec=None, export: bool = False) -> None:
    """The time-vs-T chart: the reference at once, live points over it; with its export menu once no
    sweep is pending (while one is, every draw is the bare chart, so the slot keeps one element and
    the browser redraws it in place instead of remounting it)."""
    refs = {ref_label: ref_df}
    if live is not None and len(live.specs) > 1:
        refs["this device, 1 thread"] = live.frame(live.specs[1])
    chart = Lazy(charts.time_vs_T, live.frame() if live else None, refs)
    if not export:         # in place, in a box of the final draw's height
        slot.draw(chart)
        return
    from_live = live is not None and live.complete()
    data = live.frame() if from_live else ref_df
    settings = {"mode": spec.mode, "methods": ",".join(spec.methods)}
    snippet = (snippets.timing_sweep(spec) if from_live
               else snippets.timing_reference(spec.mode, spec.methods))
    show_chart(chart, data, page="timing", name="time_vs_T", key="t_main", where=slot.slot,
               settings={**settings, **({"B": spec.B, "d": spec.d, "threads": spec.threads} if from_live else {})},
               snippet=snippet, meta={"source": "live" if from_live else ref_label}, aspect=True)


def kick() -> None:
    """A one-shot timer: its first tick after the page is drawn reruns the page (which then measures)."""
    if ss.get("_t_kick"):
        ss["_t_kick"] = False
        st.rerun()
    ss["_t_kick"] = True


def measure_live(slot, status, live, ref_df, ref_label: str, estimate: float) -> None:
    """Run this session's pending sweep at the END of the page run (everything above is already drawn),
    redrawing the main chart after each point; one rerun when it finishes updates claim and notes."""
    ss["_t_running"] = live
    limit = L.overrun_factor * estimate + 5

    def on_item(text: str) -> str:
        sent = slot.sent
        main_chart(slot, live, ref_df, ref_label)
        if slot.sent != sent:              # a new point drawn: the browser redraws before the next block
            time.sleep(app_cfg.TIMING_SETTLE_S)
        return text

    out = q.run_queued(KEY, "Timing this sweep", estimate, live.work(budget_s=limit), where=status,
                       on_item=on_item, time_limit_s=limit, settle_s=app_cfg.TIMING_SETTLE_S)
    if out.status != "done" and not live.finished():
        live.status, live.message = out.status, out.message
    if live.shareable():
        shared(live.specs, live)
    st.rerun()


def finish(plan, live, chart_slot, status_slot, ref_df, ref_label: str) -> None:
    """The page's last step: measure a pending sweep (armed on the run before), or arm it and kick."""
    pending = plan.request is not None and (live is None or not live.finished())
    armed = ss.setdefault("_t_armed", set())
    if pending and live is not None and (plan.request in armed or ss.get("t_again")):
        measure_live(chart_slot, status_slot, live, ref_df, ref_label, plan.estimate)
    elif pending and live is not None:
        armed.add(plan.request)      # this run only paints; the kick's first tick reruns the page, which measures
        st.fragment(run_every=0.5)(kick)()
    elif plan.request and live is None and not warmup.ready():
        warmup.wait()          # torch is loading: once it is in, one rerun starts the live sweep
        st.rerun()
