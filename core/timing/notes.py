"""'What to notice' on the timing lab, written from the measured rows (never from fixed prose).

Only stable points (spread ≤ `TIMING.max_spread`) support a conclusion: a
sentence that needs an unstable point is withheld, and `busy_note` says how many
points the host's load spoiled. Maths is written for Streamlit's LaTeX ($T^{1.02}$).
"""
from __future__ import annotations

import pandas as pd

from core import flops as fl
from core.config import TIMING
from core.timing.fit import stable_rows, unstable_count


def _threads(n: int) -> str:
    return f"{n} thread" + ("" if n == 1 else "s")


def _ms(s: float) -> str:
    if s >= 1:
        return f"{s:.2f} s"
    return f"{s * 1e3:.3g} ms" if s >= 1e-3 else f"{s * 1e6:.3g} µs"


def crossover(df: pd.DataFrame, fast: str, slow: str) -> int | None:
    """The smallest T from which `fast` is no longer faster than `slow` (None if it always is)."""
    df = stable_rows(df)
    both = df[df["method"].isin([fast, slow])].pivot_table(index="T", columns="method", values="median_s")
    if fast not in both or slow not in both:
        return None
    losing = both.index[both[fast] >= both[slow]]
    return int(losing.min()) if len(losing) else None


def busy_note(df: pd.DataFrame) -> str | None:
    """None when every point is stable; else how many were not, and that no conclusion rests on them."""
    bad = unstable_count(df)
    if not bad:
        return None
    n = len(df)
    return (f"The host was too busy to tell for {bad} of {n} point{'s' if n != 1 else ''}: their repeats "
            f"varied by more than {TIMING.max_spread:.0%} (IQR / median) even after re-measuring, so they are "
            "flagged on the chart and no conclusion below rests on them.")


def claim(df: pd.DataFrame, device: str, threads: int) -> str | None:
    """The page's claim in one sentence, from the longest T at which the RNNCell loop and an
    attention method both have stable points (None without such a T)."""
    df = stable_rows(df)
    for t in sorted(set(df["T"]), reverse=True):
        at = df[df["T"] == t].set_index("method")
        attn = [m for m in ("sdpa", "mha") if m in at.index]
        if "rnncell_loop" in at.index and attn:
            r, a = at.loc["rnncell_loop", "median_s"], at.loc[attn[0], "median_s"]
            verdict = f"attention is {r / a:.1f}× faster" if a < r else f"the loop is {a / r:.1f}× faster"
            return (f"At T = {int(t)}, the RNNCell loop's {int(t)} dependent steps took {_ms(r)}, attention's one "
                    f"parallel step {_ms(a)}: on this {device} ({_threads(threads)}) {verdict}.")
    return None


def notes(df: pd.DataFrame, slopes: pd.DataFrame, B: int, d: int, threads: int, device: str) -> list[str]:
    """Conclusions from the stable rows of `df`."""
    out: list[str] = []
    df = stable_rows(df)
    if df.empty:
        return out
    t_max = int(df["T"].max())
    last = df[df["T"] == t_max].set_index("method")
    rnn = "rnncell_loop" if "rnncell_loop" in last.index else None
    if rnn:
        for attn in [m for m in ("mha", "sdpa") if m in last.index]:
            r, a = last.loc[rnn, "median_s"], last.loc[attn, "median_s"]
            verdict = f"attention is {r / a:.1f}× faster" if a < r else f"attention is {a / r:.1f}× slower"
            out.append(f"At T = {t_max}, the RNNCell loop took {_ms(r)} and {last.loc[attn, 'label']} "
                       f"{_ms(a)} on this {device} ({_threads(threads)}): {verdict}.")
            cross = crossover(df, attn, rnn)
            if cross is not None and cross > df["T"].min():
                out.append(f"{last.loc[attn, 'label']} beats the loop only below T = {cross} here.")
        ratio = fl.forward_flops("mha", B, t_max, d) / fl.forward_flops("rnncell_loop", B, t_max, d)
        out.append(f"At T = {t_max} attention does {ratio:.1f}× the RNN's arithmetic ($T^2 d$ grows past $T d^2$ "
                   f"once $T > 2d = {int(fl.crossover_T(d))}$); parallelism has to pay for that.")
        if "pct_of_peak" in last:
            out.append(f"The loop runs {t_max} dependent steps and reaches {last.loc[rnn, 'pct_of_peak']:.1f} % of "
                       "this device's matmul peak; attention runs 1 step"
                       + (f" and reaches {last.loc['sdpa', 'pct_of_peak']:.1f} %." if "sdpa" in last.index else "."))
    t_min = int(df["T"].min())
    if t_max > t_min:
        first = df[df["T"] == t_min].set_index("method")
        for m in [m for m in ("sdpa", "mha") if m in last.index and m in first.index][:1]:
            grew = last.loc[m, "median_s"] / first.loc[m, "median_s"]
            out.append(f"From T = {t_min} to {t_max} ({t_max / t_min:.0f}× the tokens) {last.loc[m, 'label']}'s time "
                       f"grew {grew:.1f}×" + (" — nearly flat: idle parallel width absorbed the extra tokens."
                                               if grew < 0.25 * t_max / t_min else
                                               " — no flat region: this device has little idle parallel width to absorb more tokens."))
    for _, s in slopes.iterrows():
        out.append(f"{s['label']}: time grows as $T^{{{s['measured_slope']:.2f}}}$ (FLOP count over this range: "
                   f"$T^{{{s['flop_model_slope']:.2f}}}$; for $T \\gg d$: $T^{{{s['asymptotic_slope']}}}$).")
    return out


def thread_notes(df: pd.DataFrame, one: pd.DataFrame, threads: int) -> list[str]:
    """How each method's time at the largest T changed going from 1 thread to `threads`."""
    df, one = stable_rows(df), stable_rows(one)
    if df.empty or one.empty:
        return []
    t_max = int(df["T"].max())
    a = df[df["T"] == t_max].set_index("method")
    b = one[one["T"] == t_max].set_index("method")
    parts = []
    for m in a.index.intersection(b.index):
        r = b.loc[m, "median_s"] / a.loc[m, "median_s"]
        parts.append(f"{a.loc[m, 'label']} {r:.2f}×" + (" (slower!)" if r < 1 else ""))
    if not parts:
        return []
    return [f"Going from 1 thread to {_threads(threads)} at T = {t_max} sped up: " + "; ".join(parts) + ". "
            "Small per-step products gain little or lose from more threads; large matmuls gain."]


def snippet_frame(s) -> pd.DataFrame:
    """Tidy rows for the snippet chart from a `seed_snippet.SnippetResult`."""
    rows = []
    for model, fresh, one, proper in (("RNNCell loop", s.fresh_rnn_s, s.one_shot_rnn_s, s.proper_rnn),
                                      ("nn.MultiheadAttention", s.fresh_attn_s, s.one_shot_attn_s, s.proper_attn)):
        if fresh is not None:
            rows.append({"model": model, "how": "seed's code, new Python process, one time.time()", "ms": fresh * 1e3})
        rows.append({"model": model, "how": "one time.time() call in this server", "ms": one * 1e3})
        rows.append({"model": model, "how": "median of repeats (warmed up, synced)", "ms": proper.median_s * 1e3})
    return pd.DataFrame(rows)


def snippet_notes(s) -> list[str]:
    """Explain, from the numbers, how far the seed's single readings are from the median."""
    out = []
    for name, fresh, one, proper in (("RNNCell loop", s.fresh_rnn_s, s.one_shot_rnn_s, s.proper_rnn),
                                     ("nn.MultiheadAttention", s.fresh_attn_s, s.one_shot_attn_s, s.proper_attn)):
        med = proper.median_s
        text = f"{name}: median {_ms(med)} (IQR {_ms(proper.iqr_s)}, {proper.repeats} blocks)"
        if fresh is not None:
            text += f"; the seed's code in a new process printed {_ms(fresh)} ({fresh / med:.2f}× the median)"
        text += f"; one reading in this already-warm server gave {_ms(one)} ({one / med:.2f}×)."
        out.append(text)
    if s.fresh_rnn_s is not None:
        worst = max(s.fresh_rnn_s / s.proper_rnn.median_s, s.fresh_attn_s / s.proper_attn.median_s)
        out.append(f"A first call in a new process pays one-off costs (memory allocation, kernel and primitive "
                   f"selection): up to {worst:.1f}× the median here. A single reading also hides the spread, "
                   "and on a GPU the seed's timer would stop before queued kernels finish, since it never synchronises.")
    if not (s.proper_rnn.stable(TIMING.max_spread) and s.proper_attn.stable(TIMING.max_spread)):
        out.append(f"The host was too busy to tell which is faster: the repeats varied by more than "
                   f"{TIMING.max_spread:.0%} (IQR / median). Measure again when the server is quieter.")
        return out
    faster = "attention" if s.proper_attn.median_s < s.proper_rnn.median_s else "the RNN loop"
    out.append(f"Measured properly with {_threads(s.threads)}, {faster} is faster at the seed's sizes "
               f"({s.proper_attn.median_s / s.proper_rnn.median_s:.2f}× attention / loop), with autograd on as in the seed.")
    return out


def overview_rows(df: pd.DataFrame, slopes: pd.DataFrame) -> dict[str, str]:
    """The Overview table's 'sequential operations' and 'computation per layer' cells."""
    rows: dict[str, str] = {}
    df = stable_rows(df)
    if df.empty:
        return rows
    t_max = int(df["T"].max())
    last = df[df["T"] == t_max].set_index("method")
    if "rnncell_loop" in last.index:
        loop = last.loc["rnncell_loop"]
        text = f"RNN loop: {t_max} dependent steps of {_ms(loop['median_s'] / t_max)} each"
        attn = [m for m in ("sdpa", "mha") if m in last.index]
        if attn:
            text += f"; attention: 1 step of {_ms(last.loc[attn[0], 'median_s'])} (T = {t_max})"
        rows["sequential_ops"] = text
    if len(slopes):
        rows["per_layer_cost"] = "time ∝ " + ", ".join(
            f"T^{r.measured_slope:.2f} ({r.label})" for r in slopes.itertuples())
    return rows


def live_status(live, estimate_s: float) -> str:
    """One line under the main chart on the state of this view's live sweep (a `LiveRequest`)."""
    if live.status == "done":
        if live.stable():
            return (f"Live: measured on this server, every point stable (spread ≤ {TIMING.max_spread:.0%}); "
                    + ("the peak reading was raised to an achieved rate (it had been depressed by load)."
                       if live.peak_overruled else "solid lines are this device, dashed the shipped reference."))
        return busy_note(live.frame()) or "Live: measured on this server."
    if live.finished():
        return live.message
    return (f"The live sweep on this server starts in a moment (about {estimate_s:.0f} s of measuring); "
            "the dashed lines are the shipped reference meanwhile.")
