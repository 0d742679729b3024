"""Timing lab: recurrence vs attention, timed on this device (the sequential bottleneck, measured).

First screen: the claim and the main chart painted at once from the shipped reference of the chosen
mode; the live sweep arrives over it in a fragment (queued, with progress and a Stop button), never
blanking it. Only a complete, stable live sweep is shared with other visitors or stated as a finding.
The decisions are `core.timing.view`'s; the session plumbing `ui.timing_live`'s; the sections
`ui.timing_sections`'.
"""
import os

import streamlit as st

from core.config import TIMING as L
from core.config import TIMING_METHODS, Choice, IntBound
from core.timing import notes, reference, view
from core.timing.spec import LABELS, SweepSpec
from ui import layout, measured, sidebar, vega, warmup
from ui import queue as q
from ui import timing_live as tl
from ui.params import Param, push_to_url, show_messages, slider, sync_from_url
from ui.timing_sections import SECTIONS, SHIPPED, VIEWS

# Nothing above imports torch: the first view paints from the shipped reference while torch loads
# in the background (ui.warmup); the live sweep imports it when it starts.
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
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

layout.header("The sequential bottleneck, timed")
messages = sync_from_url(list(P.values()))
claim_slot = layout.ClaimSlot("timing_lab")
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
    st.button("Measure again", icon=":material/refresh:", key="t_again", on_click=tl.measure_again,
              help="Time afresh for you (new peak reading too); other visitors' views are unchanged")
push_to_url(list(P.values()))
show_messages(messages)

spec = SweepSpec(methods=tuple(ss.t_methods), mode=ss.t_mode, B=ss.t_B, d=ss.t_d, heads=ss.t_heads,
                 t_min=ss.t_tmin, t_max=ss.t_tmax, points=ss.t_points, threads=ss.t_threads,
                 device=sidebar.device(), min_run_time=ss.t_secs, seed=sidebar.seed())
info, known = None, 0.0
if warmup.ready():
    from core.device import describe, known_peak   # torch: loaded by now
    info = describe(spec.device)
    known = known_peak(spec.device, spec.threads) or 0.0
ref_meta, ref_all = tl.shipped(spec.mode)
ref_df, ref_label = ref_all[ref_all["method"].isin(spec.methods)], f"shipped reference: {reference.name(ref_meta)}"
plan = view.plan(spec, ss.t_cmp1, ref_meta, info.name if info else None, known)
if plan.error:
    chart_col.error(plan.error, icon=":material/block:")
live = tl.live_request(plan.request, plan.prior) if plan.request and info else None
pending = plan.request is not None and (live is None or not live.finished())
if pending:
    q.stop_button(tl.KEY, where=controls, on_stop=tl.mark_stopped)
with chart_col:
    chart_slot, status_slot = vega.Redraw("t_main_live", within=st.container()), st.empty()
    # the reference (and live points) at once; the export menu once nothing is left to measure
    tl.main_chart(chart_slot, live, ref_df, ref_label, spec, export=not pending)
    if plan.request and live is None:
        status_slot.caption("Getting ready to measure on this server (loading torch)…")
    elif live is not None:
        status_slot.caption(notes.live_status(live, plan.estimate))

shown = view.shown(live, spec, ref_meta, ref_df, info.name if info else None)
layout.claim(shown.claim, claim_slot, shown.caption)
layout.notice(shown.notices)
for row, text in shown.overview.items():
    measured.record(row, text)

section = st.radio("Section", tuple(VIEWS), key="t_view", horizontal=True, format_func=VIEWS.get)
with layout.section(VIEWS[section]):
    SECTIONS[section](spec, shown, ref_meta=ref_meta, live=live)
layout.intro("timing")
layout.how_computed("timing_how")
layout.next_chapter("chapters/gradients.py", "Vanishing gradients")
tl.finish(plan, live, chart_slot, status_slot, ref_df, ref_label)
