"""Recurrence strikes back: linear recurrences, the parallel scan, and what they give up (C21)."""
import pandas as pd
import streamlit as st

from core.benchmark import TIMING_LOCK
from core.config import SCAN as L
from core.device import describe
from core.scan import assoc, charts, compare, grads, lm, modes, notes, results, steptime, tree_view
from ui import layout, measured, sidebar
from ui import queue as q
from ui.params import Param, push_to_url, show_messages, slider, sync_from_url

PARAMS = [Param("s_sec", L.sections), Param("s_T", L.T), Param("s_D", L.width), Param("s_tT", L.tree_T),
          Param("s_a", L.tree_a), Param("s_b", L.tree_b), Param("s_lvl", L.tree_level), Param("s_sT", L.step_T),
          Param("s_mT", L.modes_T), Param("s_N", L.hidden), Param("s_task", L.task), Param("s_gT", L.grad_T),
          Param("s_bz", L.gate_bias)]
ss = st.session_state


@st.cache_data(max_entries=4, show_spinner=False)
def shipped(path: str) -> tuple[dict, pd.DataFrame] | None:
    try:
        return results.load(path)
    except (OSError, ValueError):
        return None


@st.cache_data(max_entries=64, show_spinner=False)
def untimed(T: int, D: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    r = compare.three_ways(T, D, seed, timed=False)
    return r.table, r.counts


@st.cache_data(max_entries=8, show_spinner=False)
def error_curve(seed: int) -> pd.DataFrame:
    return compare.error_curve([16, 64, 256, 1024, 4096], seed=seed)


def live_three_ways(T: int, D: int, seed: int, rates) -> compare.ThreeWays:
    """Timed live; kept for this session only (a busy host's timing is never cached server-wide)."""
    key = ("s_live3", T, D, seed)
    if key not in ss:
        with TIMING_LOCK:
            ss[key] = compare.three_ways(T, D, seed, threads=1, rates=rates)
    return ss[key]


def three_ways_section(seed: int) -> None:
    ref = shipped(str(results.THREE_WAYS))
    ref_meta, ref_df = ref if ref else ({}, None)
    ctrl, main = layout.main_columns(1.0, 3.2)
    with ctrl:
        st.number_input("Sequence length T (any whole number)", L.T.lo, L.T.hi, key="s_T")
        slider(PARAMS[2], "Width D")
        st.caption(f"B = {L.batch}, a_t uniform in [{L.a_lo.default:g}, 1), b_t and h₀ random; float32, one thread.")
    T, D = ss.s_T, ss.s_D
    slot = main.empty()
    slot.altair_chart(charts.timings(ref_df, None, list(compare.METHODS),
                                     "Solving h_t = a_t·h_{t−1} + b_t: time vs T"), width="stretch")
    try:
        rates = compare.calibrate()
        est = compare.check(T, D, rates)
    except ValueError as e:
        st.error(f"Not measured live: {e}.", icon=":material/block:")
        return
    with main, st.spinner(f"Timing the three solvers at T = {T:,} (about {est:.1f} s on this host now)…"):
        live = live_three_ways(T, D, seed, rates)
    live_df = live.table.assign(T=T)
    slot.altair_chart(charts.timings(ref_df, live_df, list(compare.METHODS),
                                     "Solving h_t = a_t·h_{t−1} + b_t: time vs T"), width="stretch")
    main.caption("Dashed: the shipped reference (" + ref_meta.get("device", "none") +
                 f", one thread, load average {ref_meta.get('loadavg_before', [0])[0]:.1f} on "
                 f"{ref_meta.get('cpu_count', '?')} cores — a busy host). "
                 "Points: this device now, with the interquartile range; a faint point stayed unstable.")
    table = live.table.merge(live.counts[["method", "span", "work"]], on="method", how="left")
    table = table.assign(method=table["method"].map(charts.label), ms=table["median_s"] * 1e3)
    c1, c2 = st.columns([1.25, 1])
    c1.dataframe(table[["method", "ms", "unstable", "max_abs_diff", "calls", "span", "work"]].rename(columns={
        "ms": "median ms", "max_abs_diff": "max |diff| vs float64", "calls": "torch calls",
        "span": "sequential depth", "work": "combines"}), hide_index=True, width="stretch",
        column_config={"median ms": st.column_config.NumberColumn(format="%.3f"),
                       "max |diff| vs float64": st.column_config.NumberColumn(format="%.1e")})
    c1.caption(f"Work–span at T = {T:,}: loop T = {T:,} deep; Blelloch tree 2⌈log₂T⌉ = "
               f"{live.counts.set_index('method').loc['tree', 'span']} levels; the doubling scan "
               f"⌈log₂T⌉ levels but ~T·log₂T = {int(live.counts['T_log_T'].iloc[0]):,} work.")
    c2.altair_chart(charts.errors(error_curve(seed)), width="stretch")
    layout.notice(notes.three_ways(live.table, live.counts, T, 1))
    measured.record("linear_recurrence", f"T = {T:,}: tree {notes.ms(live.table.set_index('method').loc['tree', 'median_s'])}"
                    f" vs loop {notes.ms(live.table.set_index('method').loc['loop', 'median_s'])}, one thread")
    layout.downloads(live.table, "scan_three_ways", "s_dl3", {"T": T, "D": D, "B": L.batch, "threads": 1})


def _level_step(delta: int, hi: int) -> None:
    ss.s_lvl = min(max(ss.s_lvl + delta, 0), hi)


def tree_section(seed: int) -> None:
    ctrl, main = layout.main_columns(1.0, 3.2)
    with ctrl:
        st.segmented_control("Steps T", L.tree_T.options, key="s_tT")
        slider(PARAMS[4], "a_t (the same at every step)", step=0.05)
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
    main.altair_chart(charts.tree(levels, ss.s_lvl, T), width="stretch")
    name = levels.loc[levels["level"] == ss.s_lvl, "name"].iloc[0]
    main.caption(f"Level {ss.s_lvl} of {hi} ({name}). Input: the T steps (a_t, b_t). Up-sweep k: each block "
                 "of 2^k steps as one step. Down-sweep: each block's prefix — all steps before it, the root's "
                 "being the identity (1, 0). Blue blocks were combined at their level with "
                 "(a, b)∘(a′, b′) = (a·a′, a′·b + b′); h_t is the b of the inclusive prefix.")
    c1, c2 = st.columns(2)
    c1.dataframe(res.rename(columns={"tree": "h_t by the tree", "loop": "h_t by the loop", "diff": "|difference|"}),
                 hide_index=True, width="stretch")
    chk = assoc.check(seed)
    first = levels[levels["level"] == 0].iloc[:2]
    pc = assoc.pair_check((first.a.iloc[0], first.b.iloc[0]), (first.a.iloc[1], first.b.iloc[1]), 0.7)
    c2.markdown(
        f"**Associativity, measured.** Steps 1 and 2 from h = 0.7: running them gives "
        f"{pc['affine_run']:.6g}; the combined pair ({pc['a_combined']:.4g}, {pc['b_combined']:.4g}) gives "
        f"{pc['affine_combined']:.6g}. The same rule on two tanh steps h ↦ tanh(a·h + b): "
        f"{pc['tanh_run']:.6g} run, {pc['tanh_combined']:.6g} combined.\n\n"
        f"Over {chk.samples:,} random triples of affine steps, (x∘y)∘z and x∘(y∘z) differ by at most "
        f"{notes.sci(chk.affine_grouping)} (float64 rounding); for tanh steps combining misses running "
        f"by up to {chk.tanh_combined_vs_running:.2f} on outputs no larger than {chk.tanh_scale:.2f}. "
        "A tanh of a tanh is not a tanh of an affine map — that is why minGRU takes h_{t−1} out of its gates.")
    layout.downloads(levels, "scan_tree_levels", "s_dlt", {"T": T, "a": ss.s_a, "b": ss.s_b})


def ref_df_of(blob):
    return blob[1] if blob else None


def step_estimate(ref: pd.DataFrame | None, Ts: list[int]) -> float:
    """Seconds for a live sweep: about six calls per point, each as long as the shipped reference's
    (2 s where it has none), stopping where a call would pass the limit."""
    total = 0.0
    for m in L.step_methods:
        for T in Ts:
            hit = None if ref is None else ref[(ref["method"] == m) & (ref["T"] == T)]
            one = float(hit["median_s"].iloc[0]) if hit is not None and len(hit) else 2.0
            if one > L.step_max_call_s:
                break
            total += 6 * one
    return total


def step_section(device: str, seed: int) -> None:
    cpu = shipped(str(results.STEP_CPU))
    gpu = shipped(str(results.STEP_CUDA))
    ids = list(L.step_methods)
    ctrl, main = layout.main_columns(1.0, 3.2)
    with ctrl:
        slider(PARAMS[7], "Longest T to time live")
        go = st.button("Time it live here", key="s_go", icon=":material/timer:")
        st.caption(f"B = {L.step_batch}, D = {L.step_width}, one layer, forward + backward, one thread. "
                   f"A method stops before a T whose step would pass {L.step_max_call_s:g} s.")
    key = ("s_live_step", ss.s_sT, device, seed)
    if go and key not in ss:
        Ts = steptime.grid(ss.s_sT)
        est = step_estimate(ref_df_of(cpu), Ts)

        # each point also takes TIMING_LOCK: pages that time without the queue wait for it
        work = steptime.sweep(Ts, device=device, seed=seed, lock=TIMING_LOCK)
        out = q.run_queued("s_step", "Timing one training step", est, work,
                           on_item=lambda it: it if isinstance(it, str) else f"{charts.label(it['method'])} at "
                                                                             f"T = {it['T']:,}",
                           where=main, time_limit_s=4 * est + 30)
        rows = [i for i in out.items if isinstance(i, dict)]
        ss[key] = (pd.DataFrame(rows) if rows else None, [i for i in out.items if isinstance(i, str)] +
                   ([out.message] if out.message else []))
    live, stops = ss.get(key, (None, []))
    ref_df = cpu[1] if cpu else None
    main.altair_chart(charts.timings(ref_df, live, ids, "One training step (forward + backward) vs T",
                                     extra_reference=gpu[1] if gpu else None), width="stretch")
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


def modes_section(seed: int) -> None:
    ctrl, main = layout.main_columns(1.0, 3.2)
    with ctrl:
        st.number_input("Tokens T", L.modes_T.lo, L.modes_T.hi, key="s_mT")
        st.number_input("Hidden size N", L.hidden.lo, L.hidden.hi, key="s_N")
    r = modes.two_modes(ss.s_mT, ss.s_N, seed)
    main.altair_chart(charts.state_size(modes.state_frame(ss.s_N, ss.s_N)), width="stretch")
    ctrl.caption("The first four numbers of h_T, both ways:")
    ctrl.dataframe(pd.DataFrame({"parallel": r.last_parallel, "step": r.last_step}), hide_index=True,
                   column_config={c: st.column_config.NumberColumn(format="%.5f") for c in ("parallel", "step")})
    layout.notice(notes.modes_notes(r))


def given_up_section() -> None:
    ctrl, main = layout.main_columns(1.0, 3.2)
    with ctrl:
        st.segmented_control("Task", L.task.options, key="s_task")
    task = ss.s_task or L.task.default
    rec = lm.recorded().get(task)
    if rec is None:
        st.info("No minGRU checkpoint is shipped for this task yet.")
        return
    df = pd.DataFrame(rec["by_length"])
    main.altair_chart(charts.accuracy(df, task), width="stretch")
    ctrl.caption(f"Both trained on the same seeded stream ({rec['steps']:,} steps); scored on the same "
                 f"evaluation set by greedy decoding. minGRU: {rec['layers']} layers of width {rec['width']} "
                 f"({rec['state_numbers']} numbers of state). Retrain: `{rec['command']}`.")
    layout.notice(notes.given_up_notes(df, rec, task))
    st.markdown(layout.prose("scan_given_up"))


@st.cache_data(max_entries=32, show_spinner=False)
def gradient_profile(T: int, bias: float, seed: int) -> grads.ScanGradients:
    return grads.profile(T, bias, seed)


def gradients_section(seed: int) -> None:
    ctrl, main = layout.main_columns(1.0, 3.2)
    with ctrl:
        slider(PARAMS[11], "Sequence length T")
        slider(PARAMS[12], "Update-gate bias b_z", step=0.5)
        st.caption("Inputs, directions and the tanh RNN (ρ = 0.9) are the gradient chapter's; float64.")
    g = gradient_profile(ss.s_gT, ss.s_bz, seed)
    main.altair_chart(charts.gradient_decay(g.band, g.closed), width="stretch")
    layout.notice(notes.gradient_notes(g))
    layout.downloads(g.band, "scan_gradients", "s_dlg", {"T": g.T, "b_z": g.bias})


SECTIONS = {"three ways": three_ways_section, "the tree": tree_section, "training step": step_section,
            "two modes": modes_section, "what was given up": given_up_section, "gradients": gradients_section}


@st.fragment
def body(section: str, device: str, seed: int) -> None:
    with layout.section(f"The section “{section}”"):
        if section == "training step":
            step_section(device, seed)
        elif section in ("what was given up",):
            given_up_section()
        else:
            SECTIONS[section](seed)
    push_to_url(PARAMS)


layout.header("Recurrence strikes back", "scan")
messages = sync_from_url(PARAMS)
for p in (PARAMS[0], PARAMS[3], PARAMS[10]):       # a segmented control can be clicked off: keep one chosen
    if ss.get(p.key) is None:
        ss[p.key] = p.bound.default
push_to_url(PARAMS)
show_messages(messages)
device, seed = sidebar.device(), sidebar.seed()
ref = shipped(str(results.THREE_WAYS))
if ref is not None and (ref[1]["T"] == L.T.default).any():
    layout.claim(notes.claim(ref[1][ref[1]["T"] == L.T.default], L.T.default, "shipped, one thread"))
st.segmented_control("Section", L.sections.options, key="s_sec", label_visibility="collapsed")
if ss.s_sec == "training step":
    q.stop_button("s_step")            # outside the fragment, so a click reaches a running sweep
body(ss.s_sec or L.sections.default, device, seed)
layout.how_computed("scan_how")
layout.next_chapter("chapters/overview.py", "Back to the overview")
