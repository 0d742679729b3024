"""'What to notice' on the gradient page, written from the computed numbers (never hard-coded figures).

Each function takes results from core.gradients.profile / core.jacobians / core.clipping
and returns a sentence (markdown), or None when the numbers needed are absent.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core.gradients.clipping import BASELINE_LOSS, ClippingRun
from core.gradients.profile import GradientProfile, label
from core.gradients.jacobians import JacobianView

SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
# The seeds' figures (seed 001: "forget after roughly 20-30 steps"; seed 002: "~100-500 steps").
SEED_RNN, SEED_LSTM = (20, 30), (100, 500)


def ten_to(k: int) -> str:
    return f"10{str(-k).translate(SUP)}"


def _h(value) -> int | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)


def _row(summary: pd.DataFrame, model: str, wrt: str) -> pd.Series | None:
    rows = summary[(summary["model"] == model) & (summary["wrt"] == wrt)]
    return None if rows.empty else rows.iloc[0]


def horizons(summary: pd.DataFrame, profile: GradientProfile, k: int, wrt: str) -> str | None:
    s = profile.setup
    rows = summary[summary["wrt"] == wrt]
    if rows.empty:
        return None
    falls = [f"**{_h(r.horizon)}**{' steps' if i == 0 else ''} for the {label(r.model)}"
             for i, r in enumerate(r for r in rows.itertuples() if _h(r.horizon))]
    never = [f"the {label(r.model)} (×{r.factor_per_step:.3f} per step)" for r in rows.itertuples()
             if not _h(r.horizon)]
    what = "input $x_k$" if wrt == "x" else "hidden state $h_k$"
    text = (f"With ρ = {s.rho:g} ({s.init} init, N = {s.n_hidden}, {s.n_seeds} seeds), the gradient to the "
            f"{what} falls below {ten_to(k)} of its value one step back after ")
    text += ", ".join(falls) if falls else "no distance at all"
    if never:
        text += f"; it never does within T = {s.T} for " + ", ".join(never)
    return text + "."


def seed_claims(summary: pd.DataFrame, profile: GradientProfile, k: int, wrt: str) -> str | None:
    """The seeds' '~20–30 steps' (vanilla RNN) and '~100–500' (LSTM) against the measured horizons."""
    parts = []
    for model, (lo, hi), bias in (("tanh", SEED_RNN, None), ("lstm", SEED_LSTM, profile.setup.forget_bias)):
        row = _row(summary, model, wrt)
        if row is None:
            continue
        h = _h(row.horizon)
        verdict = ("inside that range" if h is not None and lo <= h <= hi else
                   "longer" if h is None or h > hi else "shorter")
        extra = "" if bias is None else f", forget-gate bias {bias:g}, so σ(bias) = {1 / (1 + math.exp(-bias)):.3f}"
        measured = f"{h} steps" if h is not None else f"still above it after {profile.setup.T - 1} steps"
        parts.append(f"{label(model)}: {measured} (seeds: {lo}–{hi}; {verdict}{extra})")
    if not parts:
        return None
    return (f"The seeds' horizons checked at the {ten_to(k)} threshold — " + "; ".join(parts)
            + ". Both depend on ρ, the input scale and the forget bias: move them and watch.")


def flat_attention(profile: GradientProfile) -> str | None:
    band = profile.band[profile.band["wrt"] == "x"]
    out = []
    for model in ("attention", "transformer"):
        med = band[band["model"] == model].sort_values("distance")["median"].to_numpy()
        if len(med) > 2:
            out.append(f"{label(model)} {med[-1] / med[1]:.2f}×")
    if not out:
        return None
    return ("Path length 1: from distance 1 to distance $T-1$ the attention gradient changes by "
            + ", ".join(out) + " — no geometric decay, whatever the distance.")


def linear_theory(summary: pd.DataFrame, profile: GradientProfile) -> str | None:
    row = _row(summary, "linear", "h")
    if row is None:
        return None
    exact = "exactly $\\rho^d$" if profile.setup.init == "orthogonal" else "$\\rho^d$ only asymptotically (non-normal $W$)"
    return (f"The linear RNN's measured decay is ×{row.factor_per_step:.4f} per step against ρ = "
            f"{profile.setup.rho:g}: with {profile.setup.init} W the theory is {exact}.")


def float32(profile: GradientProfile) -> str | None:
    """Where the first recurrent model's float32 gradient norm reads 0, measured."""
    rows = profile.float32.dropna(subset=["norm_zero_at"])
    if rows.empty:
        return None
    r = rows.iloc[0]
    entries = (f"the entries themselves last until d = {int(r.entries_zero_at)}"
               if not pd.isna(r.entries_zero_at) else f"the entries themselves are still nonzero at d = {profile.setup.T - 1}")
    return (f"Rerun in float32, the {label(r.model)}'s gradient norm reads exactly 0 from d = {int(r.norm_zero_at)} on, "
            f"where float64 gives {r.float64_there:.1e}: squaring entries that small underflows float32; "
            f"{entries}. A float32 chart would show zeros — this page computes in float64.")


def forget(profile: GradientProfile, arith: pd.DataFrame) -> str | None:
    t = profile.setup.T
    d = min(500, t - 1)
    at = arith[arith["distance"] == d].set_index("f")["value"]
    text = (f"Forget-gate arithmetic: 0.99^500 = {0.99 ** 500:.4f} (the seed's ≈ 0.007 is right); "
            f"over this chart's {d} steps 0.9^{d} = {at.get('0.9', float('nan')):.1e}, "
            f"0.99^{d} = {at.get('0.99', float('nan')):.3g}, 0.999^{d} = {at.get('0.999', float('nan')):.3g}.")
    if len(profile.forget):
        m = profile.forget.set_index("distance")["measured"]
        mean_f = float(m.iloc[-1] ** (1 / max(len(m) - 1, 1))) if m.iloc[-1] > 0 else 0.0
        text += (f" The LSTM's measured forget gates multiply to {m.iloc[-1]:.2e} over {len(m) - 1} steps "
                 f"(geometric mean f = {mean_f:.3f} with bias {profile.setup.forget_bias:g}).")
    return text


def sci(x: float, digits: int = 2) -> str:
    """A number in scientific notation; never "inf" or "nan" (past float64's range it says so)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "not measured"
    if math.isinf(x):
        return "beyond float64's range (over 1.8e308)" if x > 0 else "below float64's range"
    return f"{x:.{digits}e}"


def pow10(lg: float) -> str:
    """10^lg written out when float64 can hold it, else as a power in LaTeX."""
    if not math.isfinite(lg):
        return "not measured"
    return f"{10.0 ** lg:.2e}" if -300 < lg < 300 else f"$10^{{{lg:.0f}}}$"


def jacobian(view: JacobianView) -> str:
    """The product of step-Jacobian norms against the measured gradient, in log space (never inf)."""
    f = view.frame
    d_far = view.covered - 1
    steps = f["step_norm"].to_numpy()[1:view.covered]
    with np.errstate(divide="ignore"):
        log_steps = np.log10(steps)
    log_prod = float(np.sum(log_steps)) if np.all(steps > 0) else -math.inf
    measured = float(f["measured"].iloc[d_far])
    typical = float(np.nanmedian(steps)) if len(steps) else float("nan")
    text = (f"{label(view.kind)}: each step's Jacobian has norm ≈ {typical:.3f} (median); their product "
            f"after {d_far} steps is {pow10(log_prod) if math.isfinite(log_prod) else '0'}, and the measured "
            f"gradient, {sci(measured)}, stays below it as the product formula requires")
    if measured > 0 and math.isfinite(log_prod):
        gap = log_prod - math.log10(measured)
        if gap > 1:
            text += (f" — {gap:.0f} decades below: the norm of a product of Jacobians is far smaller "
                     "than the product of their norms")
    if not math.isnan(f["w_power"].iloc[-1]) or view.kind in ("tanh", "relu", "linear"):
        text += f"; $\\lVert W_{{hh}} \\rVert$ = {view.w_norm:.3f} caps every step ($|\\varphi'| \\le 1$)"
    if not view.complete:
        text += (f". The step Jacobians cover distances 0–{d_far} of {len(f) - 1}: all of them would pass "
                 "the per-request time budget")
    return text + "."


def phase(df: pd.DataFrame, kind: str) -> str | None:
    far = df[df["distance"] == df["distance"].max()].sort_values("rho")
    if far.empty:
        return None
    d, lo, hi = int(far["distance"].iloc[0]), far.iloc[0], far.iloc[-1]
    text = (f"Phase diagram ({label(kind)}): {d} steps back the gradient is $10^{{{lo.log10_norm:.0f}}}$ at "
            f"ρ = {lo.rho:.2f} and $10^{{{hi.log10_norm:.0f}}}$ at ρ = {hi.rho:.2f}. ")
    grows = far[far["log10_norm"] > 0]
    if len(grows):
        edge = grows["rho"].iloc[0]
        where = ("where the seeds put it, ρ = 1" if abs(edge - 1) <= 0.1 else
                 "the seeds put the boundary at ρ = 1; the nonlinearity's slope below 1 moves it")
        return text + f"It grows past its last-step value (explodes) from ρ ≈ {edge:.2f}: {where}."
    best = far.loc[far["log10_norm"].idxmax()]
    return text + (f"It never grows past its last-step value on this grid (largest: $10^{{{best.log10_norm:.0f}}}$ "
                   f"at ρ = {best.rho:.2f}), so here 'spectral radius above 1 explodes' does not hold: "
                   "the nonlinearity's slope below 1 takes its share at every step.")


def clipping(run: ClippingRun) -> str:
    """What the unclipped run did, from its recorded numbers: which value went non-finite first, when."""
    f = run.frame
    names = list(dict.fromkeys(f["run"]))
    plain, clipped = (f[f["run"] == name] for name in names)
    div = run.divergence[names[0]]
    tail = clipped["loss"].tail(20).mean()
    if div is None:
        first = ("without clipping the run stayed finite (largest gradient norm "
                 f"{sci(float(plain['grad_norm'].max()), 1)})")
    elif div.what == "loss":
        first = (f"without clipping the loss became non-finite at step {div.step} (the gradient norm had reached "
                 f"{sci(div.largest_norm, 1)} the step before)")
    else:
        first = (f"without clipping the gradient norm became non-finite at step {div.step} while the loss was "
                 f"still finite ({sci(div.loss_there, 1)}); the largest finite gradient norm was "
                 f"{sci(div.largest_norm, 1)}")
    verdict = ("above" if tail > BASELINE_LOSS else "below")
    return (f"Training a tanh RNN with ρ = {run.rho:g} on the adding problem: {first}; clipped at "
            f"{run.clip:g}, it stayed finite and ended at loss {tail:.3f} (mean of the last 20 steps), "
            f"{verdict} the {BASELINE_LOSS:.3f} of always answering 1.0. Clipping stops the explosion; "
            "it does not carry information across the sequence.")


def claim(summary: pd.DataFrame, profile: GradientProfile, k: int, wrt: str) -> str:
    """The page's claim in one sentence, from the measured horizons and the attention ratio."""
    s = profile.setup
    rows = summary[summary["wrt"] == wrt]
    parts = []
    for model in [m for m in s.models if m in ("tanh", "relu", "linear", "lstm", "gru")][:1]:
        r = _row(summary, model, wrt)
        if r is None:
            continue
        h = _h(r.horizon)
        parts.append(f"the {label(model)}'s gradient falls below {ten_to(k)} after {h} steps" if h else
                     f"the {label(model)}'s gradient stays above {ten_to(k)} for all {s.T - 1} steps")
    band = profile.band[profile.band["wrt"] == "x"]
    for model in ("attention", "transformer"):
        med = band[band["model"] == model].sort_values("distance")["median"].to_numpy()
        if len(med) > 2 and med[1] > 0:
            parts.append(f"{label(model)}'s changes by {med[-1] / med[1]:.2f}× over {s.T - 2} steps")
            break
    if not parts or rows.empty:
        return f"Gradients through {s.T} steps at ρ = {s.rho:g}."
    text = "; ".join(parts)
    return f"At ρ = {s.rho:g}, {text}."


def path_length_record(summary: pd.DataFrame, profile: GradientProfile, k: int) -> str | None:
    """The Overview's 'maximum path length' row: measured horizons (input gradients)."""
    bits = []
    for model in ("tanh", "lstm", "attention"):
        row = _row(summary, model, "x")
        if row is not None:
            h = _h(row.horizon)
            bits.append(f"{label(model)} {'never' if h is None else f'{h} steps'}")
    if not bits:
        return None
    return (f"gradient below {ten_to(k)} after: " + ", ".join(bits)
            + f" (ρ = {profile.setup.rho:g}, T = {profile.setup.T})")
