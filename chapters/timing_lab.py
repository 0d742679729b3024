"""Timing lab: recurrence vs attention, timed on this device (claims C1, C2, C3, C12, C17)."""
import time

import pandas as pd
import streamlit as st

from core.timing import seed_snippet
from core.timing import sweep as timing
from core.timing import results as timing_io
from core.timing import notes as timing_notes
from core.benchmark import TIMING_LOCK
from core.timing import charts
from core.config import TIMING as L
from core.config import TIMING_METHODS, Choice, IntBound
from core.device import best_peak, describe, matmul_peak
from core.assets import REFERENCE as REFERENCE_DIR
from ui import layout, measured, sidebar
from ui.params import Param, push_to_url, show_messages, slider, sync_from_url

REFERENCES = sorted(REFERENCE_DIR.glob("timing_*.json"))
CORES = describe().cores
P_METHODS = Param("t_methods", Choice("methods", TIMING_METHODS, ""), multi=True,
                  default=list(timing.SweepSpec().methods))
P = {p.key: p for p in [
    P_METHODS, Param("t_mode", L.mode), Param("t_B", L.batch), Param("t_d", L.width), Param("t_heads", L.heads),
    Param("t_tmin", L.t_min), Param("t_tmax", L.t_max), Param("t_points", L.points),
    Param("t_threads", IntBound("threads", 1, max(2, CORES), min(L.threads.default, max(2, CORES)))),
    Param("t_secs", L.min_run_time), Param("t_snippet", flag=True, default=False),
    Param("t_cmp1", flag=True, default=False),
    Param("t_ref", Choice("reference", ("none", *(f.stem for f in REFERENCES)), "none")),
    Param("t_tflops", L.model_tflops), Param("t_step_us", L.model_step_us),
]}


@st.cache_data(max_entries=16, ttl=300, show_spinner=False)
def peak_flops(device: str, threads: int) -> float:
    """The best matmul rate seen in this process, re-measured at most every 5 minutes."""
    with TIMING_LOCK:
        return matmul_peak(device, threads, L.peak_matmul_n).flops_per_s


@st.cache_data(max_entries=4096, show_spinner=False)
def point(method: str, T: int, **spec) -> dict:
    s = timing.SweepSpec(methods=(method,), **spec)
    with TIMING_LOCK:
        return timing.measure_point(method, T, s)


@st.cache_data(max_entries=16, show_spinner=False)
def snippet(device: str, threads: int, seed: int) -> seed_snippet.SnippetResult:
    with TIMING_LOCK:
        return seed_snippet.replay(device, threads, seed)


def measure_again() -> None:
    point.clear()
    peak_flops.clear()


layout.header("Timing lab: one step at a time vs all at once", "timing")
messages = sync_from_url(list(P.values()))
c1, c2, c3, c4 = st.columns([3, 1.1, 1.1, 1.4])
c1.multiselect("Methods", TIMING_METHODS, key="t_methods", format_func=timing.LABELS.get)
c2.radio("Mode", L.mode.options, key="t_mode", format_func={"forward": "inference", "train": "training step"}.get)
c3.slider("Threads", 1, max(2, CORES), key="t_threads", help="torch intra-op threads for every measurement")
c3.toggle("Also time with 1 thread", key="t_cmp1", help="Overlay the same sweep on one thread (dashed)")
c4.toggle("The seed's snippet (C3)", key="t_snippet")
c4.button("Measure again", icon=":material/refresh:", key="t_again", on_click=measure_again,
          help="Forget the cached points (every session's) and time afresh")
with st.expander("Sizes and sweep", expanded=False):
    a, b, c = st.columns(3)
    with a:
        slider(P["t_B"], "Batch B")
        st.number_input("Shortest T", L.t_min.lo, L.t_min.hi, key="t_tmin")
    with b:
        slider(P["t_d"], "Width d")
        st.number_input("Longest T", L.t_max.lo, L.t_max.hi, key="t_tmax")
    with c:
        slider(P["t_heads"], "Heads")
        slider(P["t_points"], "Points in the sweep")
    slider(P["t_secs"], "Seconds per point (more = steadier medians)")
push_to_url(list(P.values()))
show_messages(messages)

ss = st.session_state
spec = timing.SweepSpec(tuple(ss.t_methods), ss.t_mode, ss.t_B, ss.t_d, ss.t_heads, ss.t_tmin, ss.t_tmax,
                        ss.t_points, ss.t_threads, sidebar.device(), ss.t_secs, 5, sidebar.seed())
info = describe(spec.device)


def checked(spec: timing.SweepSpec, attempts: int = 3) -> None:
    """Validate; a time refusal rests on the peak reading, which a busy moment (say, a browser booting
    on the same cores) depresses, so take fresh readings before refusing."""
    for attempt in range(attempts):
        peak = max(peak_flops(spec.device, spec.threads), best_peak(spec.device, spec.threads, L.peak_matmul_n) or 0.0)
        try:
            timing.validate(spec, peak)
            return
        except timing.SweepTooSlow:
            if attempt == attempts - 1:
                raise
            time.sleep(0.3)
            with TIMING_LOCK:
                matmul_peak(spec.device, spec.threads, L.peak_matmul_n)


try:
    checked(spec)
except ValueError as e:
    st.error(f"Not timed: {e}.", icon=":material/block:")
    st.stop()

caption, chart_slot, bar = st.empty(), st.empty(), st.progress(0.0, text="Timing…")
jobs = [(m, T) for T in spec.grid() for m in spec.methods]


def run_sweep(threads: int, what: str) -> pd.DataFrame:
    """Every point through the per-point cache, drawing the chart as rows arrive."""
    rows, kw = [], {k: v for k, v in vars(spec).items() if k not in ("methods", "threads")}
    drawn = time.monotonic()
    for i, (m, T) in enumerate(jobs):
        if TIMING_LOCK.locked():
            bar.progress(i / len(jobs), text="Another session is timing on this server; waiting so neither measures the other's load…")
        rows.append(point(m, T, threads=threads, **kw))
        bar.progress((i + 1) / len(jobs), text=f"{what}: {timing.LABELS[m]} at T = {T} ({i + 1}/{len(jobs)})")
        if what == "Timing" and time.monotonic() - drawn > 0.2:  # live points, but no redraw storm from the cache
            chart_slot.altair_chart(charts.time_vs_T(pd.DataFrame(rows)), width="stretch")
            drawn = time.monotonic()
    return pd.DataFrame(rows)


started = time.monotonic()
df = run_sweep(spec.threads, "Timing")
one_thread = run_sweep(1, "Timing on 1 thread") if ss.t_cmp1 and spec.threads != 1 else None
if time.monotonic() - started > 0.5:  # points were timed just now: take one more peak reading, keep the best
    with TIMING_LOCK:
        matmul_peak(spec.device, spec.threads, L.peak_matmul_n)
peak = max(peak_flops(spec.device, spec.threads), best_peak(spec.device, spec.threads, L.peak_matmul_n) or 0.0)
df = timing.with_peak_share(df, peak)
bar.empty()
caption.caption(f"Measured on **{info.name}** ({info.kind}) · torch {info.torch_version} · {spec.threads} threads · "
                f"B = {spec.B}, d = {spec.d}, {spec.heads} heads · best matmul peak seen {peak / 1e9:,.0f} GFLOP/s")

ref_df, ref_name = None, ""
rc1, rc2 = st.columns(2)
rc1.selectbox("Overlay a shipped reference result", P["t_ref"].bound.options, key="t_ref")
upload = rc2.file_uploader("…or upload a result JSON (from `python -m core.timing`)", type=["json"])
try:
    if upload is not None:
        ref_meta, ref_df = timing_io.parse(upload.getvalue())
        ref_name = f"{ref_meta['device_name']}, {ref_meta['threads']} threads (uploaded)"
    elif ss.t_ref != "none":
        ref_meta, ref_df = timing_io.load(REFERENCES[[f.stem for f in REFERENCES].index(ss.t_ref)])
        ref_name = f"{ref_meta['device_name']}, {ref_meta['threads']} threads"
except ValueError as e:
    st.error(f"That result file was not loaded: {e}.", icon=":material/error:")
if ref_df is not None:
    ref_df = ref_df[ref_df["method"].isin(spec.methods)].assign(label=lambda f: f["method"].map(timing.LABELS))
chart_slot.altair_chart(charts.time_vs_T(df, {"this device, 1 thread": one_thread, f"reference: {ref_name}": ref_df}),
                        width="stretch")

slopes = timing.slopes(df, spec.d, spec.B, spec.mode)
layout.notice(timing_notes.notes(df, slopes, spec.B, spec.d, spec.threads, info.kind.upper())
              + (timing_notes.thread_notes(df, one_thread, spec.threads) if one_thread is not None else []))
if len(slopes):
    for row, text in timing_notes.overview_rows(df, slopes).items():
        measured.record(row, f"{text} — {info.name}, {spec.threads} threads")

left, right = st.columns(2)
if len(spec.methods) > 1:
    left.altair_chart(charts.speedup(df, spec.methods[0]), width="stretch")
right.altair_chart(charts.pct_of_peak(df, peak / 1e9), width="stretch")
st.dataframe(slopes.drop(columns="method"), hide_index=True, column_config={
    "label": "method", "measured_slope": st.column_config.NumberColumn("measured slope of log time vs log T", format="%.2f"),
    "flop_model_slope": st.column_config.NumberColumn("FLOP-count slope, same range", format="%.2f"),
    "asymptotic_slope": "slope for T ≫ d"})
layout.downloads(df, "timing_sweep", "t_dl", timing.meta(spec, peak, info.name))

st.subheader("What changes on parallel hardware")
m1, m2 = st.columns(2)
m1.number_input("Modelled device, TFLOP/s", L.model_tflops.lo, L.model_tflops.hi, key="t_tflops")
m2.number_input("Latency per dependent step, µs", L.model_step_us.lo, L.model_step_us.hi, key="t_step_us")
model = timing.work_span(spec.grid(), spec.methods, spec.B, spec.d, spec.mode, ss.t_tflops * 1e12, ss.t_step_us * 1e-6)
st.altair_chart(charts.model_curves(model, "Work–span MODEL (not a measurement): work / P + span × latency"), width="stretch")

if ss.t_snippet:
    st.subheader("The seed's snippet, replayed (B = 32, T = 512, d = 128, 4 heads)")
    with st.spinner("Replaying the snippet (in a new Python process too)…"):
        s = snippet(spec.device, spec.threads, spec.seed)
    st.altair_chart(charts.snippet_bars(timing_notes.snippet_frame(s)), width="stretch")
    st.markdown("\n".join(f"- {line}" for line in timing_notes.snippet_notes(s)))
layout.how_computed("timing_how")
