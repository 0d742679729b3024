"""Gradients through the scan: ‖∂L/∂x_k‖ against distance, minGRU beside a tanh RNN and attention.

The loss L = u·h_T is the gradient chapter's (`core.gradients.profile`: the same
inputs x, the same unit directions u, float64, one backward pass). For a minGRU
the gates read x only, so the Jacobian of one step is diagonal and known
without any nonlinearity in it:

    ∂h_T/∂h_k = diag(a_{k+1} ⋯ a_T),  a_t = 1 − σ(W_z x_t + b_z)

and ‖∂L/∂h_k‖ = ‖u ⊙ ∏ a_j‖ exactly: the decay is set by the gates, chosen
here through the update-gate bias b_z (a_t ≈ 1 − σ(b_z)), not by a tanh's
derivative. A linear recurrence still multiplies by a_t every step.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import torch

from core.config import GRADIENTS as GL
from core.config import SCAN as L
from core.device import one_thread
from core.gradients.profile import GradientSetup, _by_distance, attention_norms, inputs, recurrent_norms
from core.scan import affine
from core.scan.mingru import MinGRU

F64 = torch.float64


def _mingru(seed: int, n_in: int, n: int, bias: float) -> MinGRU:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        m = MinGRU(n_in, n).to(F64)
    with torch.no_grad():
        m.linear_z.bias.fill_(bias)
    return m


def mingru_norms(setup: GradientSetup, bias: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """‖∂L/∂x_k‖, ‖∂L/∂h_k‖ by autograd, and ‖u ⊙ ∏ a‖ in closed form, each (S, T) by distance;
    and the mean gate a_t per seed (S,)."""
    x, u = inputs(setup, GL.n_in)                                       # (S, 1, T, I), (S, 1, N)
    gx, gh, closed, mean_a = [], [], [], []
    for s in range(setup.n_seeds):
        m = _mingru(setup.seed + s, GL.n_in, setup.n_hidden, bias)
        xs = x[s].clone().requires_grad_(True)                          # (1, T, I)
        a, b = m.coefficients(xs)                                       # (1, T, N)
        h = affine.tree_scan(a, b)                                      # (1, T, N), the parallel path
        (g_x,) = torch.autograd.grad((h[:, -1] * u[s]).sum(), xs)
        # ∂L/∂h_k needs h_k as an intermediate: the step-by-step loop over the same coefficients
        states, state = [], torch.zeros_like(b[:, 0])
        for k in range(a.shape[1]):
            state = a[:, k] * state + b[:, k]
            states.append(state)
        g_h = torch.stack(torch.autograd.grad((states[-1] * u[s]).sum(), states), 1)   # (1, T, N)
        gx.append(g_x)
        gh.append(g_h)
        a = a.detach()[0]                                               # (T, N)
        # ∏_{j=k+1..T} a_j for k = T-1 … 0 (distance 0 is the empty product)
        suffix = torch.cat([torch.ones(1, a.shape[1], dtype=F64), torch.cumprod(a.flip(0), 0)[:-1]], 0)
        closed.append((suffix * u[s]).norm(dim=-1).numpy())
        mean_a.append(float(a.mean()))
    gx = _by_distance(torch.stack(gx))                                  # (S, T)
    ghn = np.stack([g.norm(dim=-1)[0].flip(-1).numpy() for g in gh])
    return gx, ghn, np.stack(closed), np.array(mean_a)


@dataclass(frozen=True)
class ScanGradients:
    curves: pd.DataFrame     # model, seed, distance, norm  (wrt x)
    band: pd.DataFrame       # model, distance, lo, median, hi
    closed: pd.DataFrame     # distance, autograd (minGRU ‖∂L/∂h_k‖ median), closed_form (median)
    mean_a: float
    bias: float
    T: int


def profile(T: int = L.grad_T.default, bias: float = L.gate_bias.default, seed: int = 0,
            rho: float = GL.rho.default) -> ScanGradients:
    L.grad_T.check(T)
    L.gate_bias.check(bias)
    setup = replace(GradientSetup(models=("tanh", "attention"), T=T, n_hidden=L.grad_hidden, rho=rho,
                                  n_seeds=L.grad_seeds, seed=seed)).check()
    frames = []
    with one_thread():
        _, tanh_x, _ = recurrent_norms("tanh", setup)
        att_x = attention_norms("attention", setup)
        mg_x, mg_h, closed, mean_a = mingru_norms(setup, bias)
    for name, norms in (("mingru", mg_x), ("tanh", tanh_x), ("attention", att_x)):
        S, n = norms.shape
        frames.append(pd.DataFrame({"model": name, "seed": np.repeat(np.arange(S) + seed, n),
                                    "distance": np.tile(np.arange(n), S), "norm": norms.reshape(-1)}))
    curves = pd.concat(frames, ignore_index=True)
    band = (curves.groupby(["model", "distance"], sort=False)["norm"]
            .agg(lo="min", median="median", hi="max").reset_index())
    cl = pd.DataFrame({"distance": np.arange(T), "autograd": np.median(mg_h, 0), "closed_form": np.median(closed, 0)})
    return ScanGradients(curves, band, cl, float(mean_a.mean()), bias, T)
