"""The timing lab's sections below the main chart, each drawing its chart with an export menu."""
from __future__ import annotations

import streamlit as st

from core.config import TIMING as L
from core.config import TIMING_METHODS
from core.config import app as app_cfg
from core.story import snippets
from core.timing import charts, fit, notes, reference, results
from core.timing.spec import LABELS
from ui import queue as q
from ui.export import show_chart
from ui.spec_cache import Lazy

ESTIMATE_SNIPPET_S = 8.0
HEIGHT = 440    # the whole chart, its title and the legend below included (Streamlit theme)
VIEWS = {"speedup": "Speed-up", "peak": "Share of peak", "model": "Work–span model",
         "snippet": "The seed's snippet", "file": "Compare a result file"}
SHIPPED = {f.stem: f for f in reference.shipped()}
ss = st.session_state


def _frame_snippet(spec, shown) -> str:
    return (snippets.timing_reference(spec.mode, spec.methods) if shown.from_ref else snippets.timing_sweep(spec))


def speedup(spec, shown, **_) -> None:
    st.selectbox("Speed-up over", TIMING_METHODS, key="t_base", format_func=LABELS.get)
    df = shown.df
    if ss.t_base in set(df["method"]) and df["method"].nunique() > 1:
        show_chart(Lazy(charts.speedup, df, ss.t_base, height=HEIGHT), df, page="timing", name="speedup", key="t_speedup",
                   settings={"mode": spec.mode, "over": ss.t_base, "source": "live" if not shown.from_ref else "ref"},
                   snippet=_frame_snippet(spec, shown))


def peak(spec, shown, **_) -> None:
    if "pct_of_peak" not in shown.df:
        return
    show_chart(Lazy(charts.pct_of_peak, shown.df, shown.peak_gflops, height=HEIGHT), shown.df, page="timing", name="share_of_peak",
               key="t_peak", settings={"mode": spec.mode, "source": "live" if not shown.from_ref else "ref"},
               snippet=_frame_snippet(spec, shown), meta={"peak_gflops": shown.peak_gflops})
    st.caption("The peak is the best float32 matmul rate read on this device with the same threads; an achieved "
               "rate above every reading means the readings were depressed by load, so the peak is raised to it.")


def model(spec, shown, **_) -> None:
    m1, m2 = st.columns(2)
    m1.number_input("Modelled device, TFLOP/s", L.model_tflops.lo, L.model_tflops.hi, key="t_tflops")
    m2.number_input("Latency per dependent step, µs", L.model_step_us.lo, L.model_step_us.hi, key="t_step_us")
    args = (spec.grid(), spec.methods, spec.B, spec.d, spec.mode, ss.t_tflops * 1e12, ss.t_step_us * 1e-6)
    df = fit.work_span(*args)
    show_chart(Lazy(charts.model_curves, df, "Work–span MODEL (not a measurement)", height=HEIGHT), df, page="timing", name="work_span",
               key="t_model", settings={"mode": spec.mode, "tflops": ss.t_tflops, "step_us": ss.t_step_us},
               snippet=snippets.timing_work_span(*args))


def snippet(spec, shown, **_) -> None:
    st.markdown("The seed article times its loop and attention once each with `time.time()` at "
                f"$B = {L.preset_batch}$, $T = {L.preset_t}$, $d = {L.preset_width}$, {L.preset_heads} heads.")
    if st.button(f"Replay the seed's snippet (about {ESTIMATE_SNIPPET_S:.0f} s)", key="t_replay"):
        from core.timing import seed_snippet   # torch
        q.stop_button("t_snip")
        out = q.run_queued("t_snip", "Replaying the seed's snippet", ESTIMATE_SNIPPET_S,
                           seed_snippet.replay_steps(spec.device, spec.threads, spec.seed),
                           on_item=lambda item: item if isinstance(item, str) else "done",
                           settle_s=app_cfg.TIMING_SETTLE_S)
        if out.items and not isinstance(out.items[-1], str):
            ss["_t_snippet"] = out.items[-1]
    if (snip := ss.get("_t_snippet")) is not None:
        df = notes.snippet_frame(snip)
        show_chart(Lazy(charts.snippet_bars, df), df, page="timing", name="seed_snippet", key="t_snipchart",
                   settings={"threads": spec.threads}, snippet=snippets.timing_seed(spec.device, spec.threads, spec.seed))
        st.markdown("\n".join(f"- {line}" for line in notes.snippet_notes(snip)))


def file(spec, shown, **_) -> None:
    st.selectbox("A shipped result file", tuple(SHIPPED), key="t_ref")
    upload = st.file_uploader("…or upload one (written by `python -m core.timing` or this page)", type=["json"])
    fmeta, fdf = results.parse(upload.getvalue()) if upload else results.load(SHIPPED[ss.t_ref])
    fdf = fdf[fdf["method"].isin(spec.methods)]
    if fdf.empty:
        st.info("That file has none of the chosen methods.", icon=":material/info:")
        return
    chart = charts.time_vs_T(None if shown.from_ref else shown.df, {f"file: {reference.name(fmeta)}": fdf},
                            height=HEIGHT)
    show_chart(chart, fdf, page="timing", name="file", key="t_file", settings={"file": ss.t_ref if not upload else "upload"},
               snippet=None if upload else snippets.timing_file(SHIPPED[ss.t_ref].name, spec.methods))


SECTIONS = {"speedup": speedup, "peak": peak, "model": model, "snippet": snippet, "file": file}
