"""Timing lab: recurrence vs attention, timed on this device (the sequential bottleneck, measured).

First screen: the claim and the main chart painted at once from the shipped reference of the chosen
mode; the live sweep arrives over it in a fragment (queued, with progress and a Stop button), never
blanking it. Only a complete, stable live sweep is shared with other visitors or stated as a finding.
"""
import os
import threading
from collections import OrderedDict

import streamlit as st

from core.config import TIMING as L
from core.config import TIMING_METHODS, Choice, IntBound
from core.timing import charts, fit, notes, reference, results
from core.timing.spec import LABELS, SweepSpec, check_time, estimate_request, validate
from ui import layout, measured, sidebar, warmup
from ui import queue as q
from ui.params import Param, push_to_url, show_messages, slider, sync_from_url

# Nothing above imports torch: the first view paints from the shipped reference while torch loads
# in the background (ui.warmup); the live sweep imports it when it starts.
KEY, CORES = "t_live", len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
ESTIMATE_SNIPPET_S = 8.0
VIEWS = {"speedup": "Speed-up", "peak": "Share of peak", "model": "Work–span model",
         "snippet": "The seed's snippet", "file": "Compare a result file"}
SHIPPED = {f.stem: f for f in reference.shipped()}
P = {p.key: p for p in [
    Param("t_methods", Choice("methods", TIMING_METHODS, ""), multi=True, default=list(SweepSpec().methods)),
    Param("t_mode", L.mode), Param("t_B", L.batch), Param("t_d", L.width), Param("t_heads", L.heads),
    Param("t_tmin", L.t_min), Param("t_tmax", L.t_max), Param("t_points", L.points),
    Param("t_threads", IntBound("threads", 1, max(2, CORES), min(L.threads.default, max(2, CORES)))),
    Param("t_secs", L.min_run_time), Param("t_cmp1", flag=True, default=False),
    Param("t_view", Choice("section", tuple(VIEWS), "speedup")),
    Param("t_base", Choice("speed-up baseline", TIMING_METHODS, "rnncell_loop")),
    Param("t_ref", Choice("result file", tuple(SHIPPED), next(iter(SHIPPED), ""))),
    Param("t_tflops", L.model_tflops), Param("t_step_us", L.model_step_us)]}
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


def main_chart(slot, live, ref_df, ref_label: str) -> None:
    refs = {ref_label: ref_df}
    if live is not None and len(live.specs) > 1:
        refs["this device, 1 thread"] = live.frame(live.specs[1])
    slot.altair_chart(charts.time_vs_T(live.frame() if live else None, refs), width="stretch")


def live_panel(request: tuple | None, ref_df, ref_label: str, estimate: float, prior: float) -> None:
    """The main chart and its live sweep: paints at once, measures on the fragment's own rerun."""
    live = live_request(request, prior) if request and warmup.ready() else None
    slot, status = st.empty(), st.empty()
    main_chart(slot, live, ref_df, ref_label)
    if request and live is None:
        status.caption("Getting ready to measure on this server (loading torch)…")
        return
    first = ss.get("_t_seen") != ss["_t_runs"]
    ss["_t_seen"] = ss["_t_runs"]
    if live is None or live.finished() or (first and not ss.get("t_again")):
        status.caption(notes.live_status(live, estimate) if live else "")
        return
    ss["_t_running"] = live
    limit = L.overrun_factor * estimate + 5
    out = q.run_queued(KEY, "Timing this sweep", estimate, live.work(budget_s=limit), where=status,
                       on_item=lambda text: (main_chart(slot, live, ref_df, ref_label), text)[1], time_limit_s=limit)
    if out.status != "done" and not live.finished():
        live.status, live.message = out.status, out.message
    if live.shareable():
        shared(request, live)
    main_chart(slot, live, ref_df, ref_label)
    status.caption(notes.live_status(live, estimate))


layout.header("The sequential bottleneck, timed")
messages = sync_from_url(list(P.values()))
ss["_t_runs"] = ss.get("_t_runs", 0) + 1
claim_slot = st.empty()
controls, chart_col = layout.main_columns(1, 2.7)
with controls:
    st.multiselect("Methods", TIMING_METHODS, key="t_methods", format_func=LABELS.get)
    st.radio("Mode", L.mode.options, key="t_mode", horizontal=True,
             format_func={"forward": "inference", "train": "training step"}.get)
    st.slider("Threads", 1, max(2, CORES), key="t_threads", help="torch intra-op threads for every measurement")
    st.toggle("Also time on 1 thread", key="t_cmp1", help="The same sweep on 1 thread, drawn dotted")
    with st.expander("Sizes and sweep"):
        slider(P["t_B"], "Batch B")
        slider(P["t_d"], "Width d")
        slider(P["t_heads"], "Heads")
        st.number_input("Shortest T", L.t_min.lo, L.t_min.hi, key="t_tmin")
        st.number_input("Longest T", L.t_max.lo, L.t_max.hi, key="t_tmax")
        slider(P["t_points"], "Points in the sweep")
        slider(P["t_secs"], "Seconds per point (more = steadier medians)")
    st.button("Measure again", icon=":material/refresh:", key="t_again", on_click=measure_again,
              help="Time afresh for you (new peak reading too); other visitors' views are unchanged")
push_to_url(list(P.values()))
show_messages(messages)

spec = SweepSpec(methods=tuple(ss.t_methods), mode=ss.t_mode, B=ss.t_B, d=ss.t_d, heads=ss.t_heads,
                 t_min=ss.t_tmin, t_max=ss.t_tmax, points=ss.t_points, threads=ss.t_threads,
                 device=sidebar.device(), min_run_time=ss.t_secs, seed=sidebar.seed())
info = None
if warmup.ready():
    from core.device import describe, known_peak   # torch: loaded by now
    info = describe(spec.device)
ref_meta, ref_all = shipped(spec.mode)
ref_df, ref_label = ref_all[ref_all["method"].isin(spec.methods)], f"shipped reference: {reference.name(ref_meta)}"
request, estimate = spec.request(ss.t_cmp1), 0.0
same_device = info is not None and ref_meta["device_name"] == info.name and ref_meta["threads"] == spec.threads
prior = ref_meta["peak_flops_per_s"] if same_device else 0.0
try:
    for s in request:
        validate(s)
    peak_guess = max((known_peak(spec.device, spec.threads) or 0.0) if info else 0.0, prior)
    estimate = estimate_request(request, peak_guess or ref_meta["peak_flops_per_s"])
    if peak_guess:
        check_time(request, peak_guess)   # refused before queueing; without any reading, after one
except ValueError as e:
    chart_col.error(f"Not timed: {e}.", icon=":material/block:")
    request = None
live = live_request(request, prior) if request and info else None
pending = request is not None and (live is None or not live.finished())
if pending:
    q.stop_button(KEY, where=controls, on_stop=mark_stopped)
with chart_col:
    (st.fragment(run_every=0.5)(live_panel) if pending else st.fragment(live_panel))(request, ref_df, ref_label,
                                                                                      estimate, prior)

stable_live = live is not None and live.status == "done" and live.stable()
df = live.frame() if live is not None and live.complete() else ref_df
with claim_slot.container():
    layout.claim(notes.claim(df if stable_live else ref_df, spec.device.upper() if stable_live else "CPU",
                             spec.threads if stable_live else ref_meta["threads"])
                 or "Choose the RNNCell loop and an attention method to compare them.")
    st.caption("Measured live on this server just now." if stable_live else
               f"From the {ref_label} until a steady live sweep on this server arrives.")
from_ref = df is ref_df
busy = None if from_ref else notes.busy_note(df)
ref_slopes = fit.slopes(ref_df, ref_meta["d"], ref_meta["B"], spec.mode)
slopes = ref_slopes if from_ref or busy else fit.slopes(df, spec.d, spec.B, spec.mode)
if from_ref or busy:
    lines = [f"Shipped reference ({reference.name(ref_meta)}): {n}" for n in
             notes.notes(ref_df, ref_slopes, ref_meta["B"], ref_meta["d"], ref_meta["threads"], "CPU")]
    layout.notice(([busy] if busy else []) + lines)
else:
    layout.notice(notes.notes(df, slopes, spec.B, spec.d, spec.threads, spec.device.upper())
                  + (notes.thread_notes(df, live.frame(live.specs[1]), spec.threads) if len(live.specs) > 1 else []))
for row, text in notes.overview_rows(ref_df if from_ref or busy else df, slopes).items():
    measured.record(row, f"{text} — {info.name}, {spec.threads} threads" if stable_live else
                    f"{text} — shipped reference: {reference.name(ref_meta)}"
                    + (" (this host was too busy to tell live)" if busy else ""))
layout.downloads(df, "timing_sweep", "t_dl", {"source": "live" if df is not ref_df else ref_label})

view = st.radio("Section", tuple(VIEWS), key="t_view", horizontal=True, format_func=VIEWS.get)
with layout.section(VIEWS[view]):
    if view == "speedup":
        st.selectbox("Speed-up over", TIMING_METHODS, key="t_base", format_func=LABELS.get)
        if ss.t_base in set(df["method"]) and df["method"].nunique() > 1:
            st.altair_chart(charts.speedup(df, ss.t_base), width="stretch")
    elif view == "peak" and "pct_of_peak" in df:
        peak = (live.peak if df is not ref_df else ref_meta["peak_flops_per_s"]) or 1.0
        st.altair_chart(charts.pct_of_peak(df, peak / 1e9), width="stretch")
        st.caption("The peak is the best float32 matmul rate read on this device with the same threads; an achieved "
                   "rate above every reading means the readings were depressed by load, so the peak is raised to it.")
    elif view == "model":
        m1, m2 = st.columns(2)
        m1.number_input("Modelled device, TFLOP/s", L.model_tflops.lo, L.model_tflops.hi, key="t_tflops")
        m2.number_input("Latency per dependent step, µs", L.model_step_us.lo, L.model_step_us.hi, key="t_step_us")
        model = fit.work_span(spec.grid(), spec.methods, spec.B, spec.d, spec.mode, ss.t_tflops * 1e12,
                                   ss.t_step_us * 1e-6)
        st.altair_chart(charts.model_curves(model, "Work–span MODEL (not a measurement)"), width="stretch")
    elif view == "snippet":
        st.markdown("The seed article times its loop and attention once each with `time.time()` at "
                    f"$B = {L.preset_batch}$, $T = {L.preset_t}$, $d = {L.preset_width}$, {L.preset_heads} heads.")
        if st.button(f"Replay the seed's snippet (about {ESTIMATE_SNIPPET_S:.0f} s)", key="t_replay"):
            from core.timing import seed_snippet   # torch
            q.stop_button("t_snip")
            out = q.run_queued("t_snip", "Replaying the seed's snippet", ESTIMATE_SNIPPET_S,
                               seed_snippet.replay_steps(spec.device, spec.threads, spec.seed),
                               on_item=lambda item: item if isinstance(item, str) else "done")
            if out.items and not isinstance(out.items[-1], str):
                ss["_t_snippet"] = out.items[-1]
        if (snip := ss.get("_t_snippet")) is not None:
            st.altair_chart(charts.snippet_bars(notes.snippet_frame(snip)), width="stretch")
            st.markdown("\n".join(f"- {line}" for line in notes.snippet_notes(snip)))
    elif view == "file":
        st.selectbox("A shipped result file", tuple(SHIPPED), key="t_ref")
        upload = st.file_uploader("…or upload one (written by `python -m core.timing` or this page)", type=["json"])
        fmeta, fdf = results.parse(upload.getvalue()) if upload else results.load(SHIPPED[ss.t_ref])
        fdf = fdf[fdf["method"].isin(spec.methods)]
        if fdf.empty:
            st.info("That file has none of the chosen methods.", icon=":material/info:")
        else:
            st.altair_chart(charts.time_vs_T(df if df is not ref_df else None,
                                             {f"file: {reference.name(fmeta)}": fdf}), width="stretch")
layout.intro("timing")
layout.how_computed("timing_how")
layout.next_chapter("chapters/gradients.py", "Vanishing gradients")
