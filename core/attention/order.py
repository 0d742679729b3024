"""The permutation test: attention has no notion of order until something adds one.

Attention without a positional encoding and without a mask treats its input
as a set — shuffling the tokens shuffles the outputs and changes nothing else.
A causal mask or a positional encoding breaks that; an RNN reads in order, so
its final state changes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from core.attention.transformer import TinyTransformer, float64_copy, run_blocks
from core.cells import CellSpec, make_cell, unroll
from core.device import one_thread


@dataclass(frozen=True)
class PermutationResult:
    """perm (T,) the shuffle; table: one row per model variant with its max |difference|."""

    perm: np.ndarray
    moved: int                  # positions whose token changed under the shuffle
    table: pd.DataFrame


def shuffle_order(t: int, seed: int) -> np.ndarray:
    """A seeded permutation of range(T) that moves at least one position when T > 1."""
    g = torch.Generator().manual_seed(seed)
    p = torch.randperm(t, generator=g)
    if t > 1 and bool((p == torch.arange(t)).all()):
        p = p.roll(1)
    return p.numpy()


def _transformer_gap(model, x: torch.Tensor, perm: torch.Tensor, pe, causal: bool) -> float:
    """max |f(P x) − P f(x)| over positions and width, x (T, D) float64."""
    t = x.shape[0]
    add = pe[:t] if pe is not None else 0.0
    _, y = run_blocks(model, x + add, causal)                              # (T, D)
    _, y_shuf = run_blocks(model, x[perm] + add, causal)
    return float((y_shuf - y[perm]).abs().max())


@one_thread()
@torch.no_grad()
def permutation_test(model: TinyTransformer, ids: list[int], seed: int) -> PermutationResult:
    """Shuffle the tokens `ids` (T,) and compare outputs: transformer variants and an RNN."""
    m = float64_copy(model)
    x = m.tok(torch.tensor(ids))                                           # (T, D) float64, no PE
    perm = torch.from_numpy(shuffle_order(len(ids), seed))
    rnn = make_cell(CellSpec(kind="tanh", n_in=x.shape[1], n_hidden=x.shape[1], rho=1.0, seed=seed))
    h, h_shuf = unroll(rnn, x[None]).h[0], unroll(rnn, x[perm][None]).h[0]   # (T, N)
    rows = [
        ("transformer, no positional encoding, no mask", "max |f(shuffled) − shuffled f(x)|",
         _transformer_gap(m, x, perm, None, False)),
        ("transformer, no positional encoding, causal mask", "max |f(shuffled) − shuffled f(x)|",
         _transformer_gap(m, x, perm, None, True)),
        (f"transformer, its {m.cfg.pe} positional encoding, no mask", "max |f(shuffled) − shuffled f(x)|",
         _transformer_gap(m, x, perm, m.pos, False)),
        ("RNN (tanh, random weights), final state", "max |h_T(shuffled) − h_T(x)|",
         float((h_shuf[-1] - h[-1]).abs().max())),
    ]
    table = pd.DataFrame(rows, columns=["model", "compared", "max |difference|"])
    moved = int(sum(ids[int(p)] != ids[i] for i, p in enumerate(perm)))
    return PermutationResult(perm.numpy(), moved, table)
