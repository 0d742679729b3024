"""Positional encodings, the similarity they induce, and the permutation test.

Sinusoidal encoding: Vaswani et al. 2017 §3.5,
    PE[p, 2i] = sin(p / 10000^(2i/D)),  PE[p, 2i+1] = cos(p / 10000^(2i/D)).
Its dot products depend only on the offset p − p′ (a sum of cosines), so the
similarity matrix is constant along every diagonal.

Permutation test: attention without a positional encoding and without a
mask treats its input as a set — shuffling the tokens shuffles the outputs
and changes nothing else. An RNN reads in order, so its final state changes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from core.cells import CellSpec, make_cell, unroll
from core.config import ATTENTION
from core.device import one_thread


def sinusoidal(t: int, d: int) -> np.ndarray:
    """(T, D) sinusoidal encoding; an odd D keeps the first D columns of D + 1."""
    half = (d + 1) // 2
    pos = np.arange(t)[:, None]                                            # (T, 1)
    freq = 1.0 / 10000.0 ** (2 * np.arange(half) / (2 * half))             # (D/2,)
    pe = np.empty((t, 2 * half))
    pe[:, 0::2] = np.sin(pos * freq)
    pe[:, 1::2] = np.cos(pos * freq)
    return pe[:, :d]


@dataclass(frozen=True)
class Encoding:
    """kind, matrix (T, D) and its position-to-position dot products (T, T)."""

    kind: str
    matrix: np.ndarray
    similarity: np.ndarray


def encoding(kind: str, t: int, d: int, learned: np.ndarray | None = None) -> Encoding:
    """The encoding of one kind; "learned" is the trained model's matrix (its own T and D)."""
    ATTENTION.encoding.check(kind)
    if kind == "learned":
        if learned is None:
            raise ValueError("a learned encoding comes from a trained model; none was given")
        m = np.asarray(learned, dtype=float)
    else:
        ATTENTION.pe_t.check(t)
        ATTENTION.pe_width.check(d)
        m = sinusoidal(t, d) if kind == "sinusoidal" else np.zeros((t, d))
    return Encoding(kind, m, m @ m.T)


def block_mean(m: np.ndarray, max_cells: int) -> tuple[np.ndarray, int, int]:
    """Average (R, C) into blocks so neither axis exceeds max_cells; returns (matrix, row bin, col bin)."""
    r, c = m.shape
    br, bc = -(-r // max_cells), -(-c // max_cells)
    pr, pc = -(-r // br) * br, -(-c // bc) * bc
    padded = np.full((pr, pc), np.nan)
    padded[:r, :c] = m
    blocks = padded.reshape(pr // br, br, pc // bc, bc)                    # (R/br, br, C/bc, bc)
    return np.nanmean(blocks, axis=(1, 3)), br, bc


def matrix_frame(m: np.ndarray, row: str, col: str, max_cells: int) -> pd.DataFrame:
    """A tidy frame of m, block-averaged past max_cells per axis; columns row, col, value, *_to."""
    agg, br, bc = block_mean(m, max_cells)
    i, j = np.meshgrid(np.arange(agg.shape[0]), np.arange(agg.shape[1]), indexing="ij")
    return pd.DataFrame({
        row: (i * br).ravel(), f"{row}_to": np.minimum((i + 1) * br, m.shape[0]).ravel() - 1,
        col: (j * bc).ravel(), f"{col}_to": np.minimum((j + 1) * bc, m.shape[1]).ravel() - 1,
        "value": agg.ravel(),
    })


def diagonal_spread(similarity: np.ndarray) -> float:
    """Largest max − min along any diagonal: 0 when similarity depends only on the offset."""
    t = similarity.shape[0]
    return max(float(np.ptp(np.diagonal(similarity, k))) for k in range(-t + 1, t))


def cosine_by_distance(matrix: np.ndarray, near: int = 1, far: int = 5) -> tuple[float, float]:
    """Mean cosine similarity of positions `near` apart and of positions ≥ `far` apart."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit = matrix / np.where(norms == 0, 1, norms)
    cos = unit @ unit.T                                                    # (T, T)
    dist = np.abs(np.subtract.outer(np.arange(len(matrix)), np.arange(len(matrix))))
    return float(cos[dist == near].mean()), float(cos[dist >= far].mean()) if (dist >= far).any() else float("nan")


# ---------------------------------------------------------------- permutation test
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
    from core.attention.transformer import run_blocks

    t = x.shape[0]
    add = pe[:t] if pe is not None else 0.0
    _, y = run_blocks(model, x + add, causal)                              # (T, D)
    _, y_shuf = run_blocks(model, x[perm] + add, causal)
    return float((y_shuf - y[perm]).abs().max())


@one_thread()
@torch.no_grad()
def permutation_test(model, ids: list[int], seed: int) -> PermutationResult:
    """Shuffle the tokens `ids` (T,) and compare outputs: transformer variants and an RNN."""
    from core.attention.transformer import float64_copy

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
