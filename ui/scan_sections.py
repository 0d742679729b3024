"""The scan chapter's sections (each a body drawn in the page's fragment), their caches, and the
session-only store of live timings (a busy host's timing is never cached server-wide)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.benchmark import TIMING_LOCK
from core.config import SCAN as L
from core.config import app as app_cfg
from core.device import describe
from core.scan import assoc, charts, compare, grads, lm, modes, notes, results, steptime, tree_view, view
from core.story import snippets
from ui import layout, measured, vega
from ui import queue as q
from ui.export import show_chart
from ui.params import Param, slider
from ui.spec_cache import Lazy

PARAMS = [Param("s_sec", L.sections), Param("s_T", L.T), Param("s_D", L.width), Param("s_tT", L.tree_T),
          Param("s_a", L.tree_a), Param("s_b", L.tree_b), Param("s_lvl", L.tree_level), Param("s_sT", L.step_T),
          Param("s_mT", L.modes_T), Param("s_N", L.hidden), Param("s_task", L.task), Param("s_gT", L.grad_T),
          Param("s_bz", L.gate_bias)]
BY_KEY = {p.key: p for p in PARAMS}
ERROR_TS = [16, 64, 256, 1024, 4096]
THREE_TITLE = "Solving h_t = a_t·h_{t−1} + b_t: time vs T"
ss = st.session_state


@st.cache_data(max_entries=4, show_spinner=False)
def shipped(path: str) -> tuple[dict, pd.DataFrame] | None:
    try:
        return results.load(path)
    except (OSError, ValueError):
        return None


@st.cache_data(max_entries=8, show_spinner=False)
def error_curve(seed: int) -> pd.DataFrame:
    return compare.error_curve(ERROR_TS, seed=seed)


@st.cache_data(max_entries=32, show_spinner=False)
def gradient_profile(T: int, bias: float, seed: int) -> grads.ScanGradients:
    return grads.profile(T, bias, seed)


def _live_key(T: int, D: int, seed: int) -> tuple:
    return ("s_live3", T, D, seed)


def live_three_ways(T: int, D: int, seed: int, rates) -> compare.ThreeWays:
    """Timed live; kept for this session only (a busy host's timing is never cached server-wide)."""
    key = _live_key(T, D, seed)
    if key not in ss:
        with TIMING_LOCK:
            ss[key] = compare.three_ways(T, D, seed, threads=1, rates=rates)
    return ss[key]


def three_ways(device: str, seed: int) -> None:
    ref_meta, ref_df = shipped(str(results.THREE_WAYS)) or ({}, None)
    ctrl, main = layout.main_columns(1.0, 3.2)
    with ctrl:
        st.number_input("Sequence length T (any whole number)", L.T.lo, L.T.hi, key="s_T")
        slider(BY_KEY["s_D"], "Width D")
        st.caption(f"B = {L.batch}, a_t uniform in [{L.a_lo.default:g}, 1), b_t and h₀ random; float32, one thread.")
    T, D = ss.s_T, ss.s_D
    redraw = vega.Redraw("s_three_first", within=main.container())   # the last chart stays until the first draw
    first = Lazy(charts.timings, ref_df, None, list(compare.METHODS), THREE_TITLE)
    if ref_df is not None and _live_key(T, D, seed) not in ss:
        # To be timed now: the reference meanwhile, with its own export menu, replaced in place below.
        # The chart alone was one menu row (59 px) shorter: the caption and everything below moved
        # up for the run and back.
        show_chart(first, ref_df, page="scan", name="three_ways_reference", key="s_three_ref", where=redraw.slot,
                   snippet=snippets.scan_shipped("THREE_WAYS"), aspect=True)
    try:
        rates = compare.calibrate()
        est = compare.check(T, D, rates)
    except ValueError as e:
        st.error(f"Not measured live: {e}.", icon=":material/block:")
        return
    with main, st.spinner(f"Timing the three solvers at T = {T:,} (about {est:.1f} s on this host now)…"):
        live = live_three_ways(T, D, seed, rates)
    live_df = live.table.assign(T=T)
    show_chart(Lazy(charts.timings, ref_df, live_df, list(compare.METHODS), THREE_TITLE), live_df, page="scan",
               name="three_ways", key="s_three", where=redraw.slot, settings={"T": T, "D": D},
               snippet=snippets.scan_three_ways(T, D, seed), meta={"T": T, "D": D, "B": L.batch, "threads": 1},
               aspect=True)
    main.caption(f"Dashed: the shipped reference ({ref_meta.get('device', 'none')}, one thread, "
                 f"{notes.reference_host(ref_meta)}). "
                 "Points: this device now, with the interquartile range; a faint point stayed unstable.")
    c1, c2 = st.columns([1.25, 1])
    c1.dataframe(view.three_ways_table(live.table, live.counts), hide_index=True, width="stretch",
                 column_config={"median ms": st.column_config.NumberColumn(format="%.3f"),
                                "max |diff| vs float64": st.column_config.NumberColumn(format="%.1e")})
    c1.caption(view.work_span_caption(T, live.counts))
    curve = error_curve(seed)
    show_chart(Lazy(charts.errors, curve), curve, page="scan", name="float32_error", key="s_err", where=c2,
               settings={"seed": seed}, snippet=snippets.scan_error_curve(ERROR_TS, seed))
    layout.notice(notes.three_ways(live.table, live.counts, T, 1))
    measured.record("linear_recurrence", view.overview_row(live.table, T))


def _level_step(delta: int, hi: int) -> None:
    ss.s_lvl = min(max(ss.s_lvl + delta, 0), hi)


def tree(device: str, seed: int) -> None:
    ctrl, main = layout.main_columns(1.0, 3.2)
    with ctrl:
        st.segmented_control("Steps T", L.tree_T.options, key="s_tT")
        slider(BY_KEY["s_a"], "a_t (the same at every step)", step=0.05)
        st.selectbox("b_t", L.tree_b.options, key="s_b")
    T = int(ss.s_tT or L.tree_T.default)
    hi = 2 * (T.bit_length() - 1)
    ss.s_lvl = min(ss.s_lvl, hi)
    with ctrl:
        st.slider("Show levels up to", 0, hi, key="s_lvl")
        b1, b2 = st.columns(2)
        b1.button("◀ Back", on_click=_level_step, args=(-1, hi), key="s_prev", width="stretch")
        b2.button("Next ▶", on_click=_level_step, args=(1, hi), key="s_next", width="stretch")
    levels, res = tree_view.levels(T, ss.s_a, ss.s_b, seed)
    show_chart(Lazy(charts.tree, levels, ss.s_lvl, T), levels, page="scan", name="tree", key="s_tree", where=main,
               settings={"T": T, "a": ss.s_a, "b": ss.s_b, "level": ss.s_lvl},
               snippet=snippets.scan_tree(T, ss.s_a, ss.s_b, seed), meta={"T": T, "a": ss.s_a, "b": ss.s_b})
    name = levels.loc[levels["level"] == ss.s_lvl, "name"].iloc[0]
    main.caption(f"Level {ss.s_lvl} of {hi} ({name}). " + view.TREE_CAPTION)
    c1, c2 = st.columns(2)
    c1.dataframe(res.rename(columns={"tree": "h_t by the tree", "loop": "h_t by the loop", "diff": "|difference|"}),
                 hide_index=True, width="stretch")
    first = levels[levels["level"] == 0].iloc[:2]
    pc = assoc.pair_check((first.a.iloc[0], first.b.iloc[0]), (first.a.iloc[1], first.b.iloc[1]), 0.7)
    c2.markdown(view.associativity(pc, assoc.check(seed)))


def step(device: str, seed: int) -> None:
    cpu, gpu = shipped(str(results.STEP_CPU)), shipped(str(results.STEP_CUDA))
    ctrl, main = layout.main_columns(1.0, 3.2)
    with ctrl:
        slider(BY_KEY["s_sT"], "Longest T to time live")
        go = st.button("Time it live here", key="s_go", icon=":material/timer:")
        st.caption(f"B = {L.step_batch}, D = {L.step_width}, one layer, forward + backward, one thread. "
                   f"A method stops before a T whose step would pass {L.step_max_call_s:g} s.")
    key = ("s_live_step", ss.s_sT, device, seed)
    ref_df = cpu[1] if cpu else None
    if go and key not in ss:
        Ts = steptime.grid(ss.s_sT)
        # each point also takes TIMING_LOCK: pages that time without the queue wait for it
        out = q.run_queued("s_step", "Timing one training step", view.step_estimate(ref_df, Ts),
                           steptime.sweep(Ts, device=device, seed=seed, lock=TIMING_LOCK),
                           on_item=lambda it: it if isinstance(it, str) else f"{charts.label(it['method'])} at "
                                                                             f"T = {it['T']:,}",
                           where=main, time_limit_s=4 * view.step_estimate(ref_df, Ts) + 30,
                           settle_s=app_cfg.TIMING_SETTLE_S)
        rows = [i for i in out.items if isinstance(i, dict)]
        ss[key] = (pd.DataFrame(rows) if rows else None, [i for i in out.items if isinstance(i, str)] +
                   ([out.message] if out.message else []))
    live, stops = ss.get(key, (None, []))
    chart = charts.timings(ref_df, live, list(L.step_methods), "One training step (forward + backward) vs T",
                           extra_reference=gpu[1] if gpu else None)
    if live is not None or ref_df is not None:
        show_chart(chart, live if live is not None else ref_df, page="scan", name="train_step", key="s_stepc",
                   where=main, settings={"source": "live" if live is not None else "shipped", "T": ss.s_sT},
                   snippet=(snippets.scan_step(ss.s_sT, device, seed) if live is not None
                            else snippets.scan_shipped("STEP_CPU")))
    else:
        vega.draw(chart, where=main, describe=False)
    if cpu:
        m = cpu[0]
        main.caption(f"Dashed: shipped reference on {m['device']} ({m['threads']} thread, load average "
                     f"{m['loadavg_before'][0]:.1f} at the start, {m['unstable_points']} unstable points)."
                     + ("" if gpu else " No GPU reference is shipped yet: `python -m core.scan train-step "
                                       "--device cuda --out assets/scan/train_step_cuda.json` makes one."))
    for s in stops:
        st.info(s, icon=":material/block:")
    layout.notice(notes.step_notes(live if live is not None else pd.DataFrame(), ref_df, L.paper_speedup,
                                   describe(device).name))


def two_modes(device: str, seed: int) -> None:
    ctrl, main = layout.main_columns(1.0, 3.2)
    with ctrl:
        st.number_input("Tokens T", L.modes_T.lo, L.modes_T.hi, key="s_mT")
        st.number_input("Hidden size N", L.hidden.lo, L.hidden.hi, key="s_N")
    r = modes.two_modes(ss.s_mT, ss.s_N, seed)
    frame = modes.state_frame(ss.s_N, ss.s_N)
    show_chart(Lazy(charts.state_size, frame), frame, page="scan", name="state_size", key="s_state", aspect=True, where=main,
               settings={"N": ss.s_N}, snippet=snippets.scan_state(ss.s_N))
    ctrl.caption("The first four numbers of h_T, both ways:")
    ctrl.dataframe(pd.DataFrame({"parallel": r.last_parallel, "step": r.last_step}), hide_index=True,
                   column_config={c: st.column_config.NumberColumn(format="%.5f") for c in ("parallel", "step")})
    layout.notice(notes.modes_notes(r))


def given_up(device: str, seed: int) -> None:
    ctrl, main = layout.main_columns(1.0, 3.2)
    with ctrl:
        st.segmented_control("Task", L.task.options, key="s_task")
    task = ss.s_task or L.task.default
    rec = lm.recorded().get(task)
    if rec is None:
        st.info("No minGRU checkpoint is shipped for this task yet.")
        return
    df = pd.DataFrame(rec["by_length"])
    show_chart(Lazy(charts.accuracy, df, task), df, page="scan", name="accuracy_by_length", key="s_acc", aspect=True, where=main,
               settings={"task": task}, snippet=snippets.scan_recorded(task))
    ctrl.caption(f"Both trained on the same seeded stream ({rec['steps']:,} steps); scored on the same "
                 f"evaluation set by greedy decoding. minGRU: {rec['layers']} layers of width {rec['width']} "
                 f"({rec['state_numbers']} numbers of state). Retrain: `{rec['command']}`.")
    layout.notice(notes.given_up_notes(df, rec, task))
    st.markdown(layout.prose("scan_given_up"))


def gradients(device: str, seed: int) -> None:
    ctrl, main = layout.main_columns(1.0, 3.2)
    with ctrl:
        slider(BY_KEY["s_gT"], "Sequence length T")
        slider(BY_KEY["s_bz"], "Update-gate bias b_z", step=0.5)
        st.caption("Inputs, directions and the tanh RNN (ρ = 0.9) are the gradient chapter's; float64.")
    g = gradient_profile(ss.s_gT, ss.s_bz, seed)
    show_chart(Lazy(charts.gradient_decay, g.band, g.closed), g.band, page="scan", name="gradients", key="s_grad", aspect=True,
               where=main, settings={"T": g.T, "b_z": g.bias}, snippet=snippets.scan_gradients(g.T, g.bias, seed),
               meta={"T": g.T, "b_z": g.bias})
    layout.notice(notes.gradient_notes(g))


SECTIONS = {"three ways": three_ways, "the tree": tree, "training step": step,
            "two modes": two_modes, "what was given up": given_up, "gradients": gradients}
