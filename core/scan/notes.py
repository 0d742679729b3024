"""'What to notice' for "Recurrence strikes back", written from the computed numbers."""
from __future__ import annotations

import math

import pandas as pd


def ms(s: float) -> str:
    v = s * 1e3
    return f"{v:,.0f} ms" if v >= 100 else f"{v:.3g} ms"


def sci(x: float) -> str:
    if x == 0:
        return "0"
    e = math.floor(math.log10(abs(x)))
    m = x / 10 ** e
    return f"{m:.1f}×10^{e}" if not 0 <= e <= 2 else f"{x:.3g}"


def _row(table: pd.DataFrame, method: str) -> pd.Series:
    return table.set_index("method").loc[method]


def steps(n: int, word: str = "step") -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def claim(table: pd.DataFrame, T: int, source: str) -> str:
    """The chapter's claim from the three-ways numbers at length T (one or two lines at 1280 px)."""
    loop, tree = _row(table, "loop"), _row(table, "tree")
    levels = 2 * math.ceil(math.log2(T)) if T > 1 else 0
    faster = loop["median_s"] / tree["median_s"]
    verb = f"{faster:.1f}× faster than" if faster >= 1.05 else ("as fast as" if faster > 0.95 else
                                                                 f"{1 / faster:.1f}× slower than")
    return (f"A step linear in h turns {T:,} dependent steps into a tree of {levels} levels — "
            f"{verb} the loop here ({source}), same answer.")


def three_ways(table: pd.DataFrame, counts: pd.DataFrame, T: int, threads: int) -> list[str]:
    loop, tree, hs = (_row(table, m) for m in ("loop", "tree", "heinsen"))
    c = counts.set_index("method")
    out = [
        f"The loop made {loop['calls']:,} torch operator calls for {steps(T)}; the tree made {tree['calls']:,} "
        f"over whole arrays in {steps(int(c.loc['tree', 'span']), 'level')}. With {threads} thread "
        "there is no parallel width to use: whatever the tree gains comes from fewer, larger calls, "
        f"and it does more arithmetic for it ({int(c.loc['tree', 'work']):,} combines against {T:,} steps).",
        f"All three agree with the float64 loop: max |difference| {sci(loop['max_abs_diff'])} (loop in float32), "
        f"{sci(tree['max_abs_diff'])} (tree), {sci(hs['max_abs_diff'])} (log-space). The log-space form "
        "subtracts two large logarithms at every step, so its float32 error grows with T.",
    ]
    if hs["median_s"] > tree["median_s"]:
        out.append(f"Heinsen's log-space form is {hs['median_s'] / tree['median_s']:.1f}× slower than the tree "
                   "here: logcumsumexp and the exp/log pairs cost more than the tree's multiplies on a CPU.")
    flagged = table[table.get("unstable", False) == True]  # noqa: E712
    if len(flagged):
        out.append(f"Unstable on this busy host (spread past a quarter of the median after re-measuring): "
                   f"{', '.join(flagged['method'])} — read those times as rough, not as findings.")
    return out


def step_notes(live: pd.DataFrame, ref: pd.DataFrame | None, paper: float, device: str) -> list[str]:
    """The training-step comparison, with the paper's 175× beside this device's figure."""
    out = []
    for source, df in (("live here", live), ("the shipped reference", ref)):
        if df is None or not len(df):
            continue
        stable = df[~df["unstable"]]
        piv = stable.pivot_table(index="T", columns="method", values="median_s")
        need = {"mingru_scan", "grucell_loop", "gru_fused"}
        rows = piv.dropna(subset=[m for m in need if m in piv.columns])
        if not need <= set(piv.columns) or rows.empty:
            continue
        T = int(rows.index.max())
        r = rows.loc[T]
        out.append(f"At T = {T:,} ({source}): minGRU via the scan {ms(r['mingru_scan'])}, GRUCell loop "
                   f"{ms(r['grucell_loop'])} ({r['grucell_loop'] / r['mingru_scan']:.1f}×), fused nn.GRU "
                   f"{ms(r['gru_fused'])} ({r['gru_fused'] / r['mingru_scan']:.1f}×).")
    out.append(f"The paper reports {paper:.0f}× at T = 4,096 on a GPU against a GRU stepped one token at a time: "
               "a GPU runs the scan's log T levels across thousands of lanes while the stepped GRU waits for "
               f"T kernel launches. On {device} with one thread neither has parallel width, so the gap is far "
               "smaller, and the fused nn.GRU — T steps inside one C++ kernel — is the fair baseline.")
    flagged = live[live["unstable"]] if live is not None and len(live) else live
    if flagged is not None and len(flagged):
        out.append(f"{steps(len(flagged), 'live point')} stayed unstable after re-measuring (drawn faint); "
                   "they are not findings.")
    return out


def modes_notes(r) -> list[str]:
    return [
        f"Parallel and step-by-step outputs differ by at most {sci(r.max_abs_diff)} in float32 and "
        f"{sci(r.max_abs_diff_f64)} in float64 over {steps(r.T, 'token')}, from the same random h₀: "
        "one set of weights, two ways to run it.",
        f"Generating token {r.T:,}, the minGRU carries {r.state_numbers:,} numbers; a KV cache of the same "
        f"width would hold {r.kv_numbers:,} ({r.kv_numbers / r.state_numbers:,.0f}× more), and it keeps growing.",
    ]


def given_up_notes(by_length: pd.DataFrame, rec: dict, task: str) -> list[str]:
    piv = by_length.pivot_table(index="T", columns="model", values="token_accuracy")
    longest = int(piv.index.max())
    mg, tf = piv.loc[longest, "mingru"], piv.loc[longest, "transformer"]
    out = [f"{task}, longest length (T = {longest}): minGRU {mg:.0%} of answer tokens right, "
           f"tiny transformer {tf:.0%}. Overall {rec['token_accuracy']:.1%} vs "
           f"{rec['transformer_token_accuracy']:.1%} ({rec['parameters']:,} vs "
           f"{rec['transformer_parameters']:,} parameters)."]
    worst = piv["mingru"].idxmin()
    if piv.loc[worst, "mingru"] < piv.loc[worst, "transformer"] - 0.02:
        out.append(f"The minGRU is furthest behind at T = {int(worst)} ({piv.loc[worst, 'mingru']:.0%} vs "
                   f"{piv.loc[worst, 'transformer']:.0%}): everything it read must fit in "
                   f"{rec['state_numbers']} numbers, while attention looks back at every token.")
    else:
        out.append(f"At these short lengths {rec['state_numbers']} numbers of state are enough: the gap that "
                   "Jelassi et al. prove opens once the text to recall outgrows the state.")
    return out


def gradient_notes(g) -> list[str]:
    b = g.band.pivot_table(index="distance", columns="model", values="median")
    far = g.T - 1
    per_step = g.mean_a
    return [
        f"With update-gate bias b_z = {g.bias:g} the mean gate a_t is {per_step:.3f}, so the minGRU's gradient "
        f"shrinks about {per_step:.3f}× per step: {sci(b.loc[far, 'mingru'])} at distance {far}, against the "
        f"tanh RNN's {sci(b.loc[far, 'tanh'])} and attention's {sci(b.loc[far, 'attention'])} (flat: one step away).",
        "The diamonds are the closed form ‖u ⊙ ∏ a_t‖ — it equals autograd's ‖∂L/∂h_k‖ exactly, because no "
        "Jacobian of a nonlinearity enters the product. Move b_z towards −8 and the state's decay all but "
        "stops — but ∂h_k/∂x_k carries z_k, so the input then barely enters: the gate trades "
        "remembering against writing.",
    ]


def reference_host(meta: dict) -> str:
    """How loaded the host was while a shipped reference was measured, from its own record (the
    load average before and after on its cores, its unstable points); 'busy' only when the load
    reached the core count."""
    before, after = (meta.get(k, [None])[0] for k in ("loadavg_before", "loadavg_after"))
    cores = meta.get("cpu_count")
    if before is None or not cores:
        return "host load not recorded"
    load = f"load average {before:.1f}" + (f" → {after:.1f}" if after is not None else "")
    busy = max(before, after or 0) >= cores
    unstable = meta.get("unstable_points")
    tail = "" if unstable is None else f", {steps(int(unstable), 'unstable point')}"
    return f"{load} on {cores} cores{' — a busy host' if busy else ''}{tail}"
