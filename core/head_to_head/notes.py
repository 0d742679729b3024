"""'What to notice' on the head-to-head page, written from the shipped and live numbers.

Nothing here is a hard-coded finding: every sentence reads the sweep, the tuning
table or the throughput file it is given, so a regenerated sweep rewrites it.
"""
from __future__ import annotations

import pandas as pd

from core.chart_style import label
from core.config import H2H
from core.head_to_head import tasks

ORDER = ("rnn", "lstm", "gru", "mingru", "transformer")


def _models(df: pd.DataFrame) -> list[str]:
    return [m for m in ORDER if m in set(df["model"])]


def reach(runs: pd.DataFrame, level: float = H2H.solved) -> dict[str, int | None]:
    """Per model: the largest D up to which the mean over seeds stays ≥ `level` at every D (None: not even the smallest)."""
    out: dict[str, int | None] = {}
    for m in _models(runs):
        g = runs[runs.model == m].groupby("distance")["accuracy"].mean().sort_index()
        best = None
        for d, acc in g.items():
            if acc < level:
                break
            best = int(d)
        out[m] = best
    return out


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def claim(runs: pd.DataFrame, task: str, steps: int) -> str:
    """The first-screen sentence for one task from the shipped runs: who holds 95 % how far."""
    if runs.empty:
        return "No shipped results for this task yet."
    name = f"{tasks.NAMES[task].capitalize()}, {steps} steps each"
    groups: dict[int | None, list[str]] = {}
    for m, d in reach(runs).items():
        groups.setdefault(d, []).append(label(m))
    if list(groups) == [None]:
        far = int(runs.distance.max())
        acc = runs[runs.distance == far].groupby("model").accuracy.mean().sort_values(ascending=False)
        return (f"{name}: no model reaches {H2H.solved:.0%} at any D in this budget; at D = {far}: "
                + ", ".join(f"{label(m)} {a:.0%}" for m, a in acc.items()) + f" (chance {tasks.chance():.1%}).")
    held = sorted(((d, ms) for d, ms in groups.items() if d is not None), key=lambda x: -x[0])
    parts = [f"{'D = ' if i == 0 else ''}{d} for {_join(ms)}" for i, (d, ms) in enumerate(held)]
    if None in groups:
        parts.append(f"not even D = {int(runs.distance.min())} for {_join(groups[None])}")
    return f"{name}: ≥ {H2H.solved:.0%} up to " + ", ".join(parts) + "."


def sweep_notes(runs: pd.DataFrame, task: str, steps: int) -> list[str]:
    """Where each model falls, the seeds' spread, and the comparison with the articles' figures."""
    if runs.empty:
        return []
    out = []
    chance = tasks.chance()
    for m in _models(runs):
        g = runs[runs.model == m].groupby("distance")["accuracy"]
        mean, lo, hi = g.mean(), g.min(), g.max()
        near = [int(d) for d, a in mean.items() if a < chance + 0.05]
        spread = (hi - lo).max()
        at = int((hi - lo).idxmax())
        tail = (f"; near chance from D = {near[0]}" if near else "")
        seeds = (f"Seeds disagree most at D = {at} ({lo[at]:.0%} to {hi[at]:.0%})." if spread > 0.02
                 else "The seeds agree within 2 points everywhere.")
        out.append(f"**{label(m)}**: {', '.join(f'D = {int(d)}: {a:.0%}' for d, a in mean.items())}{tail}. {seeds}")
    rec = reach(runs)
    if task == "recall" and "rnn" in rec and "lstm" in rec:
        rnn, lstm = rec["rnn"], rec["lstm"]
        said = "The articles say plain RNNs forget after about 20–30 steps and LSTMs reach about 100–500."
        found = (f"Here, after {steps} training steps, the tanh RNN holds {H2H.solved:.0%} to "
                 + (f"D = {rnn}" if rnn else "no D at all") + " and the LSTM to "
                 + (f"D = {lstm}" if lstm else "no D at all") + f" (the sweep stops at D = {int(runs.distance.max())})")
        out.append(f"{said} {found}: a short training budget, not the cell alone, sets where each one fails — "
                   "read these as 'learnable in this budget', not as a memory limit.")
    return out


def timing_notes(runs: pd.DataFrame) -> list[str]:
    """Wall-clock per step and time to 95 %, from the shipped runs of one task."""
    if runs.empty:
        return []
    per = runs.groupby("model")["seconds_per_step"].median()
    fast, slow = per.idxmin(), per.idxmax()
    out = [f"On the CPU that produced the sweep (one thread, shared), a training step took "
           + ", ".join(f"{label(m)} {per[m] * 1e3:.0f} ms" for m in _models(runs))
           + f" (median over runs): the {label(slow)} is {per[slow] / per[fast]:.1f}× slower per step than the {label(fast)}."]
    solved = runs.dropna(subset=["seconds_to_solved"])
    if len(solved):
        d = int(solved.distance.max())
        at = solved[solved.distance == d].groupby("model")[["steps_to_solved", "seconds_to_solved"]].median()
        out.append(f"At D = {d}, the largest distance some model solved, reaching {H2H.solved:.0%} took "
                   + ", ".join(f"{label(m)} {int(r.steps_to_solved)} steps ({r.seconds_to_solved:.1f} s)"
                               for m, r in at.iterrows()) + " (median over the seeds that got there).")
    return out


def tuning_notes(rows: pd.DataFrame, picked: dict) -> list[str]:
    """What was tried and what was kept."""
    if rows.empty:
        return []
    out = []
    for m in _models(rows):
        g = rows[rows.model == m]
        p = picked.get(m, {})
        best = g.accuracy.max()
        worst = g.accuracy.min()
        extra = f", gate bias {p.get('gate_bias', 0):g}" if m in ("lstm", "gru") else ""
        noise = (" None of them learned the tuning setting, so this pick is within noise: a wider search "
                 "(smaller D, more steps) would tune it better." if best < tasks.chance() + 0.1 else "")
        out.append(f"{label(m)}: {len(g)} setting{'s' if len(g) != 1 else ''} tried, accuracy {worst:.0%} to {best:.0%}; "
                   f"kept learning rate {p.get('lr', float('nan')):g}{extra}.{noise}")
    if "max_grad_norm" in rows:
        peak = rows.groupby("model")["max_grad_norm"].max()
        out.append(f"Clipping was not tuned: every run clips the gradient norm at {H2H.clip:g}. The largest norm "
                   "before clipping in these runs: " + ", ".join(f"{label(m)} {peak[m]:.1f}" for m in _models(rows))
                   + " — so clipping was " + ("active for every model." if (peak > H2H.clip).all()
                                              else "active for some models only."))
    return out


def live_notes(live: pd.DataFrame, shipped_runs: pd.DataFrame, status: str, steps: int = H2H.steps.default) -> list[str]:
    """The reader's own run beside the shipped sweep at the same (task, D)."""
    if live.empty:
        return []
    out = []
    for _, r in live.iterrows():
        ref = shipped_runs[(shipped_runs.model == r.model) & (shipped_runs.distance == r.distance)]["accuracy"]
        rng = f"{ref.min():.0%}" if len(ref) and ref.min() == ref.max() else f"{ref.min():.0%}–{ref.max():.0%}" if len(ref) else ""
        cmp = (f" (shipped, {steps} steps, {len(ref)} seed{'s' if len(ref) != 1 else ''}: {rng})" if len(ref) else "")
        out.append(f"Live {label(r.model)}: {r.accuracy:.0%} after {int(r.steps)} steps in {r.seconds:.1f} s{cmp}.")
    if status != "done":
        out.append(f"The run ended early ({status}); the accuracy shown is where each model had got to.")
    return out


def replay_note(live_curves: pd.DataFrame, shipped_curves: pd.DataFrame, seed: int) -> list[str]:
    """Whether the live run repeated the shipped run of the same seed point for point."""
    if live_curves.empty or shipped_curves.empty:
        return []
    same = []
    for m, g in live_curves.groupby("model"):
        ref = shipped_curves[(shipped_curves.model == m) & (shipped_curves.seed == seed)]
        n = len(g)
        if n and len(ref) >= n and (abs(ref.accuracy.to_numpy()[:n] - g.accuracy.to_numpy()) < 1e-4).all():
            same.append(label(m))
    if not same:
        return []
    return [f"Seed {seed}: the live {_join(same)} repeated the shipped seed-{seed} run evaluation for evaluation — "
            "the sweep is reproducible on this server."]


def _ratio(a: float, b: float, what_a: str, what_b: str) -> str:
    """'A trains r× as many tokens per second as B', always with r ≥ 1."""
    (hi, lo), (x, y) = ((a, b), (what_a, what_b)) if a >= b else ((b, a), (what_b, what_a))
    r = hi / lo
    return f"the {x} trains {r:.0f}× as many tokens per second as the {y}" if r >= 10 else \
        f"the {x} trains {r:.1f}× as many tokens per second as the {y}"


def throughput_notes(measured: pd.DataFrame, modelled: pd.DataFrame, target: int) -> list[str]:
    """This CPU against the work–span model, at the longest T; unstable points are named as such."""
    if measured.empty:
        return []
    m = measured[measured.target_params == target]
    T, T0 = int(m["T"].max()), int(m["T"].min())
    out = []
    at, lo = m[m["T"] == T].set_index("model"), m[m["T"] == T0].set_index("model")
    if "transformer" in at.index and "lstm" in at.index:
        rough = bool(at.loc[["transformer", "lstm"], "unstable"].any() or lo.loc[["transformer", "lstm"], "unstable"].any())
        out.append(f"Measured on this CPU, one thread, at T = {T}: "
                   + _ratio(at.tokens_per_s["transformer"], at.tokens_per_s["lstm"], "transformer", "LSTM")
                   + f" (at T = {T0}: " + _ratio(lo.tokens_per_s["transformer"], lo.tokens_per_s["lstm"], "transformer", "LSTM")
                   + ")" + (" — some of these points are flagged unstable, so read the ratio as rough" if rough else "")
                   + ". One thread has no parallel units for attention to fill, and attention's work grows as T².")
    flagged = int(m["unstable"].sum())
    if flagged:
        out.append(f"{flagged} of these {len(m)} measured points {'are' if flagged != 1 else 'is'} flagged unstable "
                   f"(IQR/median above {H2H.tp_unstable:.0%} after re-measuring twice, on a busy host): hollow in the chart.")
    if len(modelled):
        mm = modelled[(modelled.target_params == target) & (modelled["T"] == T)].set_index("model")["tokens_per_s"]
        if "transformer" in mm and "lstm" in mm:
            out.append(f"In the work–span MODEL of a parallel device, at T = {T} "
                       + _ratio(mm["transformer"], mm["lstm"], "transformer", "LSTM")
                       + f": there the LSTM's {T} dependent steps, not its arithmetic, set its time, while minGRU's "
                       "scan needs only about log₂T of them — the articles' reason the switch was so complete, and why "
                       "linear recurrences came back.")
    return out


def overview_row(runs: pd.DataFrame, steps: int) -> str:
    """The Overview table's 'long-range dependencies' figure from the recall sweep."""
    r = reach(runs)
    return ("trained head to head on first-token recall (" + f"{steps} steps): ≥ {H2H.solved:.0%} up to "
            + ", ".join(f"{label(m)} D = {d if d is not None else '—'}" for m, d in r.items()))
