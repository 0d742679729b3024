"""Exploding gradients and the usual patch: gradient-norm clipping (Pascanu et al. 2013).

A tanh RNN whose recurrent matrix has spectral radius ρ > 1 is trained with
plain SGD on the adding problem (Hochreiter & Schmidhuber 1997): T steps of
(value, marker) pairs, the target is the sum of the two marked values. The
same weights and batches are used twice, once without and once with
`torch.nn.utils.clip_grad_norm_`. Bounded: a fixed, small number of steps, and
a run stops at the first non-finite loss.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from core.cells import CellSpec, make_cell, to_torch_module
from core.config import GRADIENTS as LIM, SEED
from core.device import one_thread

# Variance of the sum of two U(0, 1) values: the loss of always answering the mean, 1.0.
BASELINE_LOSS = 2.0 / 12.0


def adding_batch(g: torch.Generator, batch: int, T: int) -> tuple[torch.Tensor, torch.Tensor]:
    """x (B, T, 2): a value in [0, 1) and a 0/1 marker, one marker in each half; y (B, 1)."""
    values = torch.rand(batch, T, generator=g)
    marks = torch.zeros(batch, T)
    rows = torch.arange(batch)
    marks[rows, torch.randint(0, T // 2, (batch,), generator=g)] = 1.0
    marks[rows, torch.randint(T // 2, T, (batch,), generator=g)] = 1.0
    return torch.stack([values, marks], -1), (values * marks).sum(1, keepdim=True)


def train(rho: float, clip: float | None, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Loss and gradient norm (before clipping) per SGD step; a diverged run ends early."""
    spec = CellSpec(kind="tanh", n_in=2, n_hidden=LIM.train_hidden, rho=rho, seed=seed)
    rnn = to_torch_module(make_cell(spec).to(torch.float32))
    head = torch.nn.Linear(LIM.train_hidden, 1)
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        head.weight.copy_(torch.randn(1, LIM.train_hidden, generator=g) / math.sqrt(LIM.train_hidden))
        head.bias.zero_()
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.SGD(params, lr=LIM.train_lr)
    data = torch.Generator().manual_seed(seed + 2)
    losses, norms = [], []
    for _ in range(LIM.train_steps):
        x, y = adding_batch(data, LIM.train_batch, LIM.train_T)
        out, _ = rnn(x)                                                     # (B, T, N)
        loss = torch.nn.functional.mse_loss(head(out[:, -1]), y)
        opt.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, clip if clip else math.inf)
        losses.append(loss.item())
        norms.append(norm.item())
        if not (math.isfinite(losses[-1]) and math.isfinite(norms[-1])):
            break
        opt.step()
    return np.array(losses), np.array(norms)


@dataclass(frozen=True)
class Divergence:
    """Where a run first produced a non-finite number (steps count from 1).

    what: "gradient norm" or "loss" — whichever was non-finite first (the loss of a step is computed
    before its gradient, so when both are, "loss"); loss_there: that step's loss (may be finite);
    largest_norm: the largest finite gradient norm before it."""

    step: int
    what: str
    loss_there: float
    largest_norm: float


@dataclass(frozen=True)
class ClippingRun:
    """frame: run ("no clipping" / "clipped at c"), step (from 1), loss, grad_norm (before clipping).

    diverged: run → the first step whose loss or gradient is not finite, or None;
    divergence: run → the details of that step (see Divergence), or None.
    """

    rho: float
    clip: float
    frame: pd.DataFrame
    diverged: dict[str, int | None]
    divergence: dict[str, Divergence | None]


def divergence(losses: np.ndarray, norms: np.ndarray) -> Divergence | None:
    """The first non-finite loss or gradient norm of a run, from its recorded numbers."""
    bad = np.nonzero(~np.isfinite(losses) | ~np.isfinite(norms))[0]
    if not len(bad):
        return None
    i = int(bad[0])
    finite = norms[:i + 1][np.isfinite(norms[:i + 1])]
    what = "loss" if not np.isfinite(losses[i]) else "gradient norm"
    return Divergence(i + 1, what, float(losses[i]), float(finite.max()) if len(finite) else float("nan"))


def clipping_run(rho: float, clip: float, seed: int) -> ClippingRun:
    """Train twice from the same weights and batches: without, then with, clipping at `clip`."""
    LIM.train_rho.check(rho), LIM.clip.check(clip), SEED.check(seed)
    frames, diverged, details = [], {}, {}
    with one_thread():
        for name, c in (("no clipping", None), (f"clipped at {clip:g}", clip)):
            losses, norms = train(rho, c, seed)
            details[name] = divergence(losses, norms)
            diverged[name] = None if details[name] is None else details[name].step
            frames.append(pd.DataFrame({"run": name, "step": np.arange(1, len(losses) + 1),
                                        "loss": losses, "grad_norm": norms}))
    return ClippingRun(rho, clip, pd.concat(frames, ignore_index=True), diverged, details)
