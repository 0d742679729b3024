"""How far back can a loss at the last step reach? Gradient norms through time.

A loss L = u·y_T (u a random unit vector, y_T the model's output at the last
step) is differentiated in ONE backward pass with respect to every hidden
state h_k and every input x_k. For a recurrent cell the chain rule gives the
seeds' product formula (Bengio et al. 1994; Pascanu et al. 2013):

    ∂L/∂h_k = ∂L/∂h_T · ∏_{j=k+1..T} ∂h_j/∂h_{j-1}

so its norm falls (or grows) geometrically with the distance d = T − k. For
self-attention every input is one step from the output (Vaswani et al. 2017,
Table 1: path length O(1)), so ‖∂L/∂x_k‖ does not depend on d.

Everything runs in float64. `float32_check` shows why: in float32 the norm of
a tanh RNN's gradient reads exactly 0 some 90 steps back, where the true value
is ~1e-22 (squaring entries of ~1e-23 underflows float32).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import pandas as pd
import torch

from core.chart_style import label as series_label
from core.cells import CellSpec, make_cell, stack_cells, unroll
from core.config import GRADIENT_MODELS, GRADIENT_RECURRENT, GRADIENTS as LIM, GRADMEM_BUDGET, SEED, RequestBudget
from core.device import one_thread
from core.gradients import estimate

F64 = torch.float64
LABELS = {m: series_label(m) for m in GRADIENT_MODELS}     # the app-wide names (core.chart_style.SERIES)


@dataclass(frozen=True)
class GradientSetup:
    """The page's controls as plain values (hashable, so it can key a cache)."""

    models: tuple[str, ...] = GRADIENT_MODELS
    T: int = LIM.T.default
    n_hidden: int = LIM.hidden.default
    rho: float = LIM.rho.default
    init: str = LIM.init.default
    input_scale: float = LIM.input_scale.default
    forget_bias: float = LIM.forget_bias.default
    n_seeds: int = LIM.seeds.default
    seed: int = SEED.default

    def check(self) -> "GradientSetup":
        """Refuse any value past the limits in core.config, naming the limit."""
        for m in self.models:
            if m not in GRADIENT_MODELS:
                raise ValueError(f"model must be one of {', '.join(GRADIENT_MODELS)}; got {m!r}")
        LIM.T.check(self.T), LIM.hidden.check(self.n_hidden), LIM.rho.check(self.rho)
        LIM.init.check(self.init), LIM.input_scale.check(self.input_scale)
        LIM.forget_bias.check(self.forget_bias), LIM.seeds.check(self.n_seeds), SEED.check(self.seed)
        return self

    def spec(self, kind: str, seed: int, rho: float | None = None) -> CellSpec:
        return CellSpec(kind=kind, n_in=LIM.n_in, n_hidden=self.n_hidden,
                        rho=self.rho if rho is None else rho, init=self.init,
                        input_scale=self.input_scale, forget_bias=self.forget_bias, seed=seed)


def label(model: str) -> str:
    return LABELS.get(model) or series_label(model)


def inputs(setup: GradientSetup, width: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The run's inputs x (S, 1, T, width) ~ N(0, 1) and loss directions u (S, 1, N), ‖u‖ = 1.

    Seed s of the band draws its own from a generator seeded `setup.seed + s` (as its
    weights are), so a seed's curve is the same whatever the number of seeds.
    """
    xs, us = [], []
    for s in range(setup.n_seeds):
        g = torch.Generator().manual_seed(setup.seed + s)
        xs.append(torch.randn(1, setup.T, width, generator=g, dtype=F64))
        us.append(torch.randn(1, setup.n_hidden, generator=g, dtype=F64))
    u = torch.stack(us)                                                 # (S, 1, N)
    return torch.stack(xs), u / u.norm(dim=-1, keepdim=True)


def _by_distance(g: torch.Tensor) -> np.ndarray:
    """(S, 1, T, ·) gradients → (S, T) norms indexed by distance d = T − k (d = 0 is the last step)."""
    return g.norm(dim=-1)[:, 0].flip(-1).detach().numpy()


def recurrent_norms(kind: str, setup: GradientSetup) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """‖∂L/∂h_k‖ and ‖∂L/∂x_k‖, each (S, T) by distance, from one backward pass.

    Also returns the LSTM's forget gates averaged over units, (S, T) by distance (else empty).
    """
    n_rows = 4 if kind == "lstm" else 3 if kind == "gru" else 1
    if setup.n_seeds * n_rows * setup.n_hidden * (setup.n_hidden + LIM.n_in) > LIM.max_stack_floats:
        raise ValueError("seeds × hidden size is too large for one run (the app's limit)")
    w = stack_cells([make_cell(setup.spec(kind, setup.seed + s)) for s in range(setup.n_seeds)])
    x, u = inputs(setup, LIM.n_in)
    x.requires_grad_(True)
    run = unroll(w, x)                                                  # states: T × (S, 1, N)
    loss = (run.states[-1] * u).sum()                                   # seeds are independent: one sum
    *gh, gx = torch.autograd.grad(loss, run.states + [x])
    forget = run.gates["f"].mean(-1)[:, 0].flip(-1).detach().numpy() if kind == "lstm" else np.empty(0)
    return _by_distance(torch.stack(gh, -2)), _by_distance(gx), forget


def attention_module(kind: str, d: int, seed: int) -> torch.nn.Module:
    """torch's own nn.MultiheadAttention or a pre-norm nn.TransformerEncoderLayer, float64,
    weights drawn from a local generator (Xavier-uniform, zero biases)."""
    heads = next(h for h in (LIM.heads, 2, 1) if d % h == 0)
    with torch.random.fork_rng(devices=[]):                             # leave the global RNG alone
        if kind == "attention":
            mod = torch.nn.MultiheadAttention(d, heads, batch_first=True, dtype=F64)
        else:
            mod = torch.nn.TransformerEncoderLayer(d, heads, dim_feedforward=2 * d, dropout=0.0,
                                                   batch_first=True, norm_first=True, dtype=F64)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in mod.named_parameters():
            if p.dim() > 1:
                a = math.sqrt(6.0 / (p.shape[0] + p.shape[1]))
                p.copy_(torch.empty_like(p).uniform_(-a, a, generator=g))
            elif not name.startswith("norm"):
                p.zero_()
    return mod.eval()


def last_output(mod: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The output at the last position only, (B, D) for x (B, T, D), in O(T·D).

    No mask is needed: the last query attends to every position anyway, and each
    position's output depends on its own query row alone, so the T×T matrix is
    never built. Equal to mod(x)[:, -1] (tests/test_gradients.py checks it).
    """
    if isinstance(mod, torch.nn.MultiheadAttention):
        return mod(x[:, -1:], x, x, need_weights=False)[0][:, 0]
    z = mod.norm1(x)                                                    # pre-norm block
    h = x[:, -1] + mod.self_attn(z[:, -1:], z, z, need_weights=False)[0][:, 0]
    return h + mod.linear2(mod.activation(mod.linear1(mod.norm2(h))))


def attention_norms(kind: str, setup: GradientSetup) -> np.ndarray:
    """‖∂L/∂x_k‖ (S, T) by distance for a self-attention layer or transformer block of width N."""
    x, u = inputs(setup, setup.n_hidden)
    x = (x * setup.input_scale).requires_grad_(True)                    # (S, 1, T, N)
    loss = sum((last_output(attention_module(kind, setup.n_hidden, setup.seed + s), x[s]) * u[s]).sum()
               for s in range(setup.n_seeds))
    (gx,) = torch.autograd.grad(loss, x)
    return _by_distance(gx)


def float32_check(kind: str, setup: GradientSetup) -> dict[str, str | int | None]:
    """The first seed's ∂L/∂h_k run again in float32.

    norm_zero_at: first distance where float32's ‖∂L/∂h_k‖ reads exactly 0;
    entries_zero_at: first distance where every float32 entry of ∂L/∂h_k is exactly 0.
    """
    one = replace(setup, n_seeds=1)
    x, u = inputs(one, LIM.n_in)
    w = make_cell(one.spec(kind, one.seed)).to(torch.float32)
    x32 = x.to(torch.float32).requires_grad_(True)
    run = unroll(w, x32)
    grads = torch.stack(torch.autograd.grad((run.states[-1] * u.float()).sum(), run.states), -2)
    grads = grads.reshape(one.T, -1).flip(0)                            # (T, N) by distance
    return {"model": kind, "norm_zero_at": first_below(grads.norm(dim=-1).detach().numpy(), 0.0, True),
            "entries_zero_at": first_below(grads.abs().amax(-1).detach().numpy(), 0.0, True)}


def horizon(median: np.ndarray, k: int) -> int | None:
    """First distance d ≥ 1 where the gradient is below 10^-k of its value one step back (d = 1).

    Measured from d = 1, not d = 0, so that attention's one-off split between the
    query position itself and every other position does not count as decay.
    None when it never falls that far within the sequence.
    """
    if len(median) < 2 or not median[1] > 0:
        return None
    below = np.nonzero(median[1:] < median[1] * 10.0 ** -k)[0]
    return int(below[0]) + 1 if len(below) else None


def decay_factor(median: np.ndarray) -> float:
    """Per-step factor 10^slope of log10‖grad‖ against distance (d ≥ 1, values > 0): < 1 vanishes."""
    d = np.arange(len(median))
    keep = (d >= 1) & (median > 0) & np.isfinite(median)
    if keep.sum() < 2:
        return float("nan")
    slope = np.polyfit(d[keep], np.log10(median[keep]), 1)[0]
    return float(10.0 ** slope)


def first_below(values: np.ndarray, value: float, equal: bool = False) -> int | None:
    """First index where values < value (or == value), else None."""
    below = np.nonzero(values == value if equal else values < value)[0]
    return int(below[0]) if len(below) else None


@dataclass(frozen=True)
class GradientProfile:
    """Gradient norms of every model, tidy.

    curves: model, wrt ("h" or "x"), seed, distance, norm — one row per seed and distance
    band:   model, wrt, distance, lo, median, hi — min / median / max over seeds
    forget: distance, measured (median over seeds of ∏ mean forget gate over the last d steps)
    float32: model, norm_zero_at, entries_zero_at, float64_there — the first recurrent model's first
             seed rerun in float32 (see `float32_check`), with the float64 norm where float32's reads 0
    """

    setup: GradientSetup
    curves: pd.DataFrame
    band: pd.DataFrame
    forget: pd.DataFrame
    float32: pd.DataFrame


def _tidy(model: str, wrt: str, norms: np.ndarray, seed0: int) -> pd.DataFrame:
    s, t = norms.shape
    return pd.DataFrame({"model": model, "wrt": wrt, "seed": np.repeat(np.arange(s) + seed0, t),
                         "distance": np.tile(np.arange(t), s), "norm": norms.reshape(-1)})


def model_setup(setup: GradientSetup, model: str) -> GradientSetup:
    """The settings `model` reads, every other one at its default: that model's cache key.

    Attention reads neither ρ nor the initialisation of W_hh (it has no W_hh), and only the
    LSTM reads the forget-gate bias, so a ρ change recomputes the five recurrent models and
    leaves attention's curves cached; a forget-bias change recomputes the LSTM alone."""
    base, recurrent = GradientSetup(), model in GRADIENT_RECURRENT
    return replace(setup, models=(model,), rho=setup.rho if recurrent else base.rho,
                   init=setup.init if recurrent else base.init,
                   forget_bias=setup.forget_bias if model == "lstm" else base.forget_bias)


@dataclass(frozen=True)
class ModelNorms:
    """One model's share of a GradientProfile: its tidy curves and (LSTM) its forget gates by distance."""

    curves: pd.DataFrame
    forget: np.ndarray


def model_norms(one: GradientSetup) -> ModelNorms:
    """The curves of the single model in `one.models` (build `one` with `model_setup`)."""
    (m,) = one.models
    with one_thread():
        if m not in GRADIENT_RECURRENT:
            return ModelNorms(_tidy(m, "x", attention_norms(m, one), one.seed), np.empty(0))
        gh, gx, f = recurrent_norms(m, one)
    return ModelNorms(pd.concat([_tidy(m, "h", gh, one.seed), _tidy(m, "x", gx, one.seed)], ignore_index=True), f)


def float32_part(one: GradientSetup) -> dict[str, str | int | None]:
    """`float32_check` for the single recurrent model in `one.models` (its first seed)."""
    with one_thread():
        return float32_check(one.models[0], replace(one, n_seeds=1))


def check_profile(setup: GradientSetup, budget: RequestBudget | None = GRADMEM_BUDGET) -> None:
    """Refuse `setup` before anything runs: a value past its limit, or (BudgetError) an estimate past `budget`."""
    setup.check()
    if budget is not None:
        est = estimate.profile(setup.models, setup.T, setup.n_hidden, setup.n_seeds)
        budget.check("Measuring these gradients", est,
                     "Fewer seeds or models, a shorter T or a smaller N fit.")


def gradient_profile(setup: GradientSetup, budget: RequestBudget | None = GRADMEM_BUDGET, *,
                     part: Callable[[GradientSetup], ModelNorms] = model_norms,
                     check32: Callable[[GradientSetup], dict] = float32_part) -> GradientProfile:
    """Measure every model in `setup.models` (see GradientProfile for the layout), model by model.

    Refused before anything runs (BudgetError) when its estimate passes `budget`. `part` and
    `check32` compute one model's curves and the float32 rerun from that model's own settings
    (`model_setup`); the page passes cached versions of them."""
    check_profile(setup, budget)
    parts = {m: part(model_setup(setup, m)) for m in setup.models}
    checks = []
    first = next((m for m in setup.models if m in GRADIENT_RECURRENT), None)
    if first is not None:                                               # the first cell only: it costs a run
        check = check32(replace(model_setup(setup, first), n_seeds=1))
        at, c = check["norm_zero_at"], parts[first].curves
        there = c[(c["wrt"] == "h") & (c["seed"] == setup.seed) & (c["distance"] == at)]["norm"]
        checks.append({**check, "float64_there": None if at is None else float(there.iloc[0])})
    curves = pd.concat([p.curves for p in parts.values()], ignore_index=True)
    band = (curves.groupby(["model", "wrt", "distance"], sort=False)["norm"]
            .agg(lo="min", median="median", hi="max").reset_index())
    forget = parts["lstm"].forget if "lstm" in parts else np.empty(0)
    fdf = pd.DataFrame(columns=["distance", "measured"])
    if forget.size:
        # Direct cell-state path: ∂c_T/∂c_{T-d} = diag(f_T ⋯ f_{T-d+1}); d = 0 is the empty product.
        prod = np.concatenate([np.ones((forget.shape[0], 1)), np.cumprod(forget, axis=1)[:, :-1]], 1)
        fdf = pd.DataFrame({"distance": np.arange(prod.shape[1]), "measured": np.median(prod, 0)})
    f32 = pd.DataFrame(checks, columns=["model", "norm_zero_at", "entries_zero_at", "float64_there"])
    return GradientProfile(setup, curves, band, fdf, f32)


def summary(profile: GradientProfile, k: int) -> pd.DataFrame:
    """Per model and wrt: horizon at 10^-k, per-step decay factor, value at the far end, underflow."""
    LIM.threshold.check(k)
    rows = []
    for (model, wrt), grp in profile.band.groupby(["model", "wrt"], sort=False):
        med = grp.sort_values("distance")["median"].to_numpy()
        rows.append({"model": model, "wrt": wrt, "horizon": horizon(med, k),
                     "factor_per_step": decay_factor(med), "at_far_end": float(med[-1]),
                     "zero_in_float64_at": first_below(med, np.finfo(np.float64).tiny)})
    return pd.DataFrame(rows)


def forget_arithmetic(T: int, bias: float, fs: tuple[float, ...] = (0.9, 0.99, 0.999)) -> pd.DataFrame:
    """f^d for constant forget gates f, and σ(bias)^d (the gate at zero pre-activation), d = 0…T-1."""
    d = np.arange(T)
    sig = 1.0 / (1.0 + math.exp(-bias))
    frames = [pd.DataFrame({"f": f"{f:g}", "distance": d, "value": f ** d}) for f in fs]
    frames.append(pd.DataFrame({"f": f"σ(bias) = {sig:.3g}", "distance": d, "value": sig ** d}))
    return pd.concat(frames, ignore_index=True)
