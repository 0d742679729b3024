"""Positional encodings, the similarity they induce, and the permutation test.

Sinusoidal encoding: Vaswani et al. 2017 §3.5,
    PE[p, 2i] = sin(p / 10000^(2i/D)),  PE[p, 2i+1] = cos(p / 10000^(2i/D)).
Its dot products depend only on the offset p − p′ (a sum of cosines), so the
similarity matrix is constant along every diagonal.

The one home of the sinusoidal encoding: `sinusoidal` (numpy, for the
page's maps) and `sinusoidal_torch` (for models); the permutation test that
uses them lives in `core.attention.order`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from core.config import ATTENTION


def sinusoidal(t: int, d: int, base: float = 10000.0) -> np.ndarray:
    """(T, D) sinusoidal encoding; an odd D keeps the first D columns of D + 1."""
    return sinusoidal_torch(t, d, base).numpy()


def sinusoidal_torch(t: int, d: int, base: float = 10000.0, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """(T, D) sinusoidal encoding as a tensor: sin in even columns, cos in odd ones."""
    half = (d + 1) // 2
    pos = torch.arange(t, dtype=torch.float64)[:, None]                    # (T, 1)
    freq = base ** (-2 * torch.arange(half, dtype=torch.float64) / (2 * half))  # (D/2,)
    pe = torch.empty(t, 2 * half, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos * freq)
    pe[:, 1::2] = torch.cos(pos * freq)
    return pe[:, :d].to(dtype)


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
