"""The product formula, factor by factor: per-step Jacobians and the (ρ, distance) phase diagram.

For a recurrent cell with state s_k (h_k, or (h_k, c_k) for the LSTM) the
gradient d steps back is a product of d step Jacobians J_j = ∂s_j/∂s_{j-1}, so

    ‖∂L/∂h_{T-d}‖ ≤ ‖u‖ · ∏_{j=T-d+1..T} ‖J_j‖       (spectral norms; ‖u‖ = 1)

and for tanh/ReLU, ‖J_j‖ ≤ ‖W_hh‖ · max|φ'| ≤ ‖W_hh‖. A linear cell with
W_hh = ρ·Q (Q orthogonal) meets the bound with equality: exactly ρ^d.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import torch

from core.cells import CellWeights, make_cell, stack_cells, unroll
from core.config import GRADIENT_RECURRENT, GRADIENTS as LIM
from core.device import one_thread
from core.gradients.profile import GradientSetup, inputs


def _d(a: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    """diag(a) @ m for a batch: a (T, N), m (N, N) or (T, N, N) → (T, N, N)."""
    return a[..., :, None] * m


def step_jacobians(w: CellWeights, h: torch.Tensor, c: torch.Tensor | None,
                   gates: dict[str, torch.Tensor]) -> torch.Tensor:
    """J_k = ∂s_k/∂s_{k-1} for k = 1…T, (T, M, M), in closed form from one run's states.

    h, c: (T, N) the states after each step (c only for the LSTM); gates: name → (T, N).
    M = N, or 2N for the LSTM, whose state s = (h, c) in that order.
    """
    zeros = torch.zeros_like(h[:1])
    h_prev = torch.cat([zeros, h[:-1]])                                    # (T, N), h_0 = 0
    if w.kind in ("tanh", "relu", "linear"):
        slope = {"tanh": 1 - h**2, "relu": (h > 0).to(h.dtype), "linear": torch.ones_like(h)}[w.kind]
        return _d(slope, w.weight_hh)
    if w.kind == "lstm":
        w_i, w_f, w_g, w_o = w.weight_hh.chunk(4)
        i, f, g, o = (gates[k] for k in "ifgo")
        c_prev = torch.cat([zeros, c[:-1]])
        dc_dh = _d(c_prev * f * (1 - f), w_f) + _d(g * i * (1 - i), w_i) + _d(i * (1 - g**2), w_g)
        tc = torch.tanh(c)
        dh_dh = _d(tc * o * (1 - o), w_o) + _d(o * (1 - tc**2), dc_dh)
        top = torch.cat([dh_dh, torch.diag_embed(o * (1 - tc**2) * f)], -1)   # (T, N, 2N)
        bottom = torch.cat([dc_dh, torch.diag_embed(f)], -1)
        return torch.cat([top, bottom], -2)                                # (T, 2N, 2N)
    w_r, w_z, w_n = w.weight_hh.chunk(3)
    r, z, n = (gates[k] for k in "rzn")
    hn = h_prev @ w_n.T + w.bias_hh.chunk(3)[2]                            # W_hn h + b_hn, (T, N)
    dn_dh = _d(1 - n**2, _d(r, w_n) + _d(hn * r * (1 - r), w_r))
    return torch.diag_embed(z) + _d((h_prev - n) * z * (1 - z), w_z) + _d(1 - z, dn_dh)


@dataclass(frozen=True)
class JacobianView:
    """One seed's product formula, by distance d (rows d = 0…T-1).

    frame: distance, step_norm (‖J‖ of the factor that reaches d; NaN at d = 0),
           step_bound (‖W_hh‖·max|φ′| of that step, tanh/ReLU/linear only),
           product (∏ of step norms up to d), measured (‖∂L/∂h_{T-d}‖),
           w_power (‖W_hh‖^d, the |φ'| ≤ 1 bound; NaN for gated cells), rho_power (ρ^d)
    w_norm: ‖W_hh‖ (spectral norm of the recurrent block; for gated cells the largest block's)
    """

    kind: str
    frame: pd.DataFrame
    w_norm: float


@one_thread()
def jacobian_view(setup: GradientSetup, kind: str) -> JacobianView:
    """The first seed of `setup`: the same weights, inputs and loss as its profile curve."""
    setup.check()
    if kind not in GRADIENT_RECURRENT:
        raise ValueError(f"cell must be one of {', '.join(GRADIENT_RECURRENT)}; got {kind!r}")
    one = replace(setup, n_seeds=1)
    w = make_cell(one.spec(kind, one.seed))
    x, u = inputs(one, LIM.n_in)                                           # (1, 1, T, I), (1, 1, N)
    x.requires_grad_(True)                                                 # the graph starts here
    run = unroll(w, x)
    grads = torch.autograd.grad((run.states[-1] * u).sum(), run.states)
    measured = torch.stack(grads, -2).norm(dim=-1).reshape(-1).flip(0)     # (T,) by distance
    flat = {k: v.detach().reshape(one.T, -1) for k, v in run.gates.items()}   # (T, N) each
    c = None if run.c is None else run.c.detach().reshape(one.T, -1)
    jac = step_jacobians(w, run.h.detach().reshape(one.T, -1), c, flat)   # (T, M, M)
    norms = torch.linalg.matrix_norm(jac, ord=2)
    by_d = norms.flip(0).detach().numpy()                                          # ‖J_T‖, ‖J_{T-1}‖, …
    n = setup.n_hidden
    w_norm = max(torch.linalg.matrix_norm(b, ord=2).item() for b in w.weight_hh.split(n))
    d = np.arange(one.T)
    gated = kind in ("lstm", "gru")
    shift = lambda a: np.concatenate([[np.nan], a[:-1]])                  # the factor that reaches d
    h = run.h.detach().reshape(one.T, -1)
    slope = {"tanh": 1 - h**2, "relu": (h > 0).double(), "linear": torch.ones_like(h)}.get(kind)
    frame = pd.DataFrame({
        "distance": d,
        "step_norm": shift(by_d),
        "step_bound": np.full(one.T, np.nan) if gated else shift(w_norm * slope.amax(-1).flip(0).numpy()),
        "product": np.concatenate([[1.0], np.cumprod(by_d[:-1])]),
        "measured": measured.detach().numpy(),
        "w_power": np.full(one.T, np.nan) if gated else w_norm ** d,
        "rho_power": setup.rho ** d,
    })
    return JacobianView(kind, frame, w_norm)


def phase_rhos() -> np.ndarray:
    lo, hi, count = LIM.phase_rho
    return np.linspace(lo, hi, count)


@one_thread()
def phase_diagram(setup: GradientSetup, kind: str) -> pd.DataFrame:
    """log10 ‖∂L/∂h_{T-d}‖ over a ρ grid × at most `phase_columns` sampled distances, first seed.

    Columns: rho, rho_lo, rho_hi, distance, d_hi (the cell spans [distance, d_hi)), log10_norm
    (an underflow to 0 in float64 is shown as log10 of the smallest subnormal, ≈ −323).
    """
    setup.check()
    rhos = phase_rhos()
    w = stack_cells([make_cell(setup.spec(kind, setup.seed, rho=float(r))) for r in rhos])
    x, u = inputs(replace(setup, n_seeds=1), LIM.n_in)
    x = x.expand(len(rhos), -1, -1, -1).requires_grad_(True)               # (R, 1, T, I)
    run = unroll(w, x)                                                     # states: T × (R, 1, N)
    grads = torch.autograd.grad((run.states[-1] * u).sum(), run.states)
    norms = torch.stack(grads, -2).norm(dim=-1)[:, 0].flip(-1).detach().numpy()  # (R, T) by distance
    cols = np.unique(np.linspace(0, setup.T - 1, min(setup.T, LIM.phase_columns)).round().astype(int))
    d_hi = np.append(cols[1:], setup.T)
    half = (rhos[1] - rhos[0]) / 2
    logs = np.log10(np.maximum(norms[:, cols], np.nextafter(0, 1)))
    return pd.DataFrame({
        "rho": np.repeat(rhos, len(cols)).round(4),
        "rho_lo": np.repeat(rhos - half, len(cols)), "rho_hi": np.repeat(rhos + half, len(cols)),
        "distance": np.tile(cols, len(rhos)), "d_hi": np.tile(d_hi, len(rhos)),
        "log10_norm": logs.reshape(-1),
    })
