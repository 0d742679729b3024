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
from core.config import GRADIENT_RECURRENT, GRADIENTS as LIM, GRADMEM_BUDGET, RequestBudget
from core.device import one_thread
from core.gradients import estimate
from core.gradients.profile import GradientSetup, inputs, model_setup


def view_key(setup: GradientSetup, kind: str) -> GradientSetup:
    """What `jacobian_view` reads for `kind`: that cell's settings and its first seed only."""
    return replace(model_setup(setup, kind), n_seeds=1)


def phase_key(setup: GradientSetup, kind: str) -> GradientSetup:
    """What `phase_diagram` reads for `kind`: as `view_key`, but not ρ (it sweeps its own grid)."""
    return replace(view_key(setup, kind), rho=GradientSetup().rho)


def _d(a: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    """diag(a) @ m for a batch: a (T, N), m (N, N) or (T, N, N) → (T, N, N)."""
    return a[..., :, None] * m


def step_jacobians(w: CellWeights, h: torch.Tensor, c: torch.Tensor | None,
                   gates: dict[str, torch.Tensor], h0: torch.Tensor | None = None,
                   c0: torch.Tensor | None = None) -> torch.Tensor:
    """J_k = ∂s_k/∂s_{k-1} for k = 1…T, (T, M, M), in closed form from one run's states.

    h, c: (T, N) the states after each step (c only for the LSTM); gates: name → (T, N).
    h0, c0: (1, N) the states before the first of these steps (default 0: the run's start), so a
    run can be taken a chunk of steps at a time. M = N, or 2N for the LSTM, whose state s = (h, c).
    """
    zeros = torch.zeros_like(h[:1])
    h_prev = torch.cat([zeros if h0 is None else h0, h[:-1]])              # (T, N), h_0 = 0
    if w.kind in ("tanh", "relu", "linear"):
        slope = {"tanh": 1 - h**2, "relu": (h > 0).to(h.dtype), "linear": torch.ones_like(h)}[w.kind]
        return _d(slope, w.weight_hh)
    if w.kind == "lstm":
        w_i, w_f, w_g, w_o = w.weight_hh.chunk(4)
        i, f, g, o = (gates[k] for k in "ifgo")
        c_prev = torch.cat([zeros if c0 is None else c0, c[:-1]])
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
    covered: distances 0…covered-1 have their step Jacobians (all T unless the time budget cut it);
             past it step_norm, step_bound and product are NaN
    """

    kind: str
    frame: pd.DataFrame
    w_norm: float
    covered: int = 0

    @property
    def complete(self) -> bool:
        return self.covered >= len(self.frame)


def spectral_norms(jac: torch.Tensor) -> torch.Tensor:
    """‖J‖₂ of each (M, M) in (K, M, M): √ of the largest eigenvalue of JᵀJ (eigvalsh: ~2× an SVD's speed)."""
    return torch.linalg.eigvalsh(jac.mT @ jac)[..., -1].clamp(min=0).sqrt()


def _step_norms(w: CellWeights, run, T: int, covered: int) -> np.ndarray:
    """‖J_k‖ for the last `covered` steps, newest first (by distance), a chunk of steps at a time."""
    h = run.h.detach().reshape(T, -1)
    c = None if run.c is None else run.c.detach().reshape(T, -1)
    flat = {k: v.detach().reshape(T, -1) for k, v in run.gates.items()}     # (T, N) each
    m = estimate.state_width(w.kind, h.shape[1])
    chunk = max(1, estimate.JACOBIAN_CHUNK_BYTES // (m * m * estimate.BYTES * 8))
    parts = []
    for a in range(T - covered, T, chunk):
        b = min(a + chunk, T)
        h0 = None if a == 0 else h[a - 1:a]
        c0 = None if (a == 0 or c is None) else c[a - 1:a]
        jac = step_jacobians(w, h[a:b], None if c is None else c[a:b],
                             {k: v[a:b] for k, v in flat.items()}, h0, c0)  # (b − a, M, M)
        parts.append(spectral_norms(jac))
    return torch.cat(parts).flip(0).numpy()                                # ‖J_T‖, ‖J_{T-1}‖, …


@one_thread()
def jacobian_view(setup: GradientSetup, kind: str, distances: int | None = None) -> JacobianView:
    """The first seed of `setup`: the same weights, inputs and loss as its profile curve.

    `distances` bounds the step Jacobians to the first that many distances (the page passes what
    fits its time budget); the measured gradient covers every distance regardless."""
    setup.check()
    if kind not in GRADIENT_RECURRENT:
        raise ValueError(f"cell must be one of {', '.join(GRADIENT_RECURRENT)}; got {kind!r}")
    one = replace(setup, n_seeds=1)
    covered = one.T if distances is None else max(2, min(int(distances), one.T))
    w = make_cell(one.spec(kind, one.seed))
    x, u = inputs(one, LIM.n_in)                                           # (1, 1, T, I), (1, 1, N)
    x.requires_grad_(True)                                                 # the graph starts here
    run = unroll(w, x)
    grads = torch.autograd.grad((run.states[-1] * u).sum(), run.states)
    measured = torch.stack(grads, -2).norm(dim=-1).reshape(-1).flip(0)     # (T,) by distance
    by_d = np.full(one.T, np.nan)
    by_d[:covered] = _step_norms(w, run, one.T, covered)
    n = setup.n_hidden
    w_norm = max(torch.linalg.matrix_norm(b, ord=2).item() for b in w.weight_hh.split(n))
    d = np.arange(one.T)
    gated = kind in ("lstm", "gru")
    shift = lambda a: np.concatenate([[np.nan], a[:-1]])                  # the factor that reaches d
    h = run.h.detach().reshape(one.T, -1)
    slope = {"tanh": 1 - h**2, "relu": (h > 0).double(), "linear": torch.ones_like(h)}.get(kind)
    bound = np.full(one.T, np.nan)
    if not gated:
        bound[:covered] = (w_norm * slope.amax(-1).flip(0).numpy())[:covered]
    with np.errstate(over="ignore"):
        w_power = np.full(one.T, np.nan) if gated else w_norm ** d
        rho_power = setup.rho ** d
    frame = pd.DataFrame({
        "distance": d,
        "step_norm": shift(by_d),
        "step_bound": shift(bound),
        "product": np.concatenate([[1.0], np.cumprod(by_d[:-1])]),
        "measured": measured.detach().numpy(),
        "w_power": w_power,
        "rho_power": rho_power,
    })
    return JacobianView(kind, frame, w_norm, covered)


def bounded_jacobian_view(setup: GradientSetup, kind: str, budget: RequestBudget = GRADMEM_BUDGET) -> JacobianView:
    """jacobian_view over as many distances as the budget's time allows (all of them when it fits);
    `JacobianView.complete` says which. Memory stays bounded: the step Jacobians are built in chunks."""
    setup.check()
    if kind not in GRADIENT_RECURRENT:
        raise ValueError(f"cell must be one of {', '.join(GRADIENT_RECURRENT)}; got {kind!r}")
    d = estimate.jacobian_distances(kind, setup.T, setup.n_hidden, budget.max_seconds)
    est = estimate.jacobian(kind, setup.T, setup.n_hidden, d)
    budget.check("The Jacobian view", est, "A shorter T or a smaller N fit.")
    return jacobian_view(setup, kind, d)


def phase_rhos() -> np.ndarray:
    lo, hi, count = LIM.phase_rho
    return np.linspace(lo, hi, count)


@one_thread()
def phase_diagram(setup: GradientSetup, kind: str, budget: RequestBudget | None = GRADMEM_BUDGET) -> pd.DataFrame:
    """log10 ‖∂L/∂h_{T-d}‖ over a ρ grid × at most `phase_columns` sampled distances, first seed.

    Columns: rho, rho_lo, rho_hi, distance, d_hi (the cell spans [distance, d_hi)), log10_norm
    (an underflow to 0 in float64 is shown as log10 of the smallest subnormal, ≈ −323).
    Refused before it runs (BudgetError) when its estimate passes `budget`.
    """
    setup.check()
    if budget is not None:
        est = estimate.phase(kind, setup.T, setup.n_hidden)
        budget.check(f"The phase diagram ({len(phase_rhos())} values of ρ at once)", est,
                     "A shorter T or a smaller N fit.")
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
