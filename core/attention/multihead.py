"""Multi-head scaled dot-product attention written out, every intermediate kept.

softmax(QKᵀ/√d_k)V, Vaswani et al. 2017 §3.2.1–3.2.2. The weights use the
layout of `torch.nn.MultiheadAttention`, so they copy across directly (that
module and `F.scaled_dot_product_attention` are the test oracles):

    in_w  (3D, D)  rows [W_Q; W_K; W_V]      in_b  (3D,)
    out_w (D, D)                             out_b (D,)

The ablations the page offers are arguments: `scaled=False` drops the 1/√Dh
(the softmax saturates; `entropy` measures it), `causal` masks the future, and
the number of heads splits the same D columns into H heads of Dh = D / H.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import torch

from core.cells import CellSpec, make_cell, unroll
from core.config import ATTENTION
from core.device import one_thread
from core.frames import block_mean   # chains of tiny ops: a second thread only adds spin-waits


@dataclass(frozen=True)
class AttentionWeights:
    """Projection weights in nn.MultiheadAttention's layout (see module docstring)."""

    in_w: torch.Tensor
    in_b: torch.Tensor
    out_w: torch.Tensor
    out_b: torch.Tensor

    @property
    def width(self) -> int:
        return self.out_w.shape[0]


@dataclass(frozen=True)
class AttentionSteps:
    """Every intermediate of one multi-head attention over one sequence.

    x        (T, D)      the input rows
    q, k, v  (H, T, Dh)  per-head queries, keys, values
    scores   (H, T, T)   q·k for every (query, key) pair
    scaled   (H, T, T)   scores / √Dh (equal to scores when scaling is off)
    masked   (H, T, T)   scaled with -inf above the diagonal when causal
    weights  (H, T, T)   softmax over keys: every row sums to 1
    heads    (H, T, Dh)  weights @ v, one output per head
    concat   (T, D)      the heads side by side
    output   (T, D)      concat @ out_wᵀ + out_b
    Fields are numpy arrays after `.numpy()`, torch tensors before.
    """

    x: object
    q: object
    k: object
    v: object
    scores: object
    scaled: object
    masked: object
    weights: object
    heads: object
    concat: object
    output: object
    causal: bool
    scaled_by: float          # the factor applied to the scores: 1/√Dh, or 1.0 when off

    @property
    def n_heads(self) -> int:
        return self.q.shape[0]

    def numpy(self) -> "AttentionSteps":
        """The same steps as float64 numpy arrays (CPU, no grad)."""
        arrays = {
            f.name: getattr(self, f.name).detach().cpu().double().numpy()
            for f in fields(self) if isinstance(getattr(self, f.name), torch.Tensor)
        }
        return AttentionSteps(**arrays, causal=self.causal, scaled_by=self.scaled_by)


def causal_mask(t: int, device: torch.device | None = None) -> torch.Tensor:
    """(T, T) bool, True where a query may NOT look (keys after the query)."""
    return torch.ones(t, t, dtype=torch.bool, device=device).triu(1)


def attend(x: torch.Tensor, w: AttentionWeights, heads: int, causal: bool = False,
           scaled: bool = True) -> AttentionSteps:
    """Multi-head attention of x (T, D) with itself; returns tensors (call `.numpy()` to keep them)."""
    t, d = x.shape
    if d % heads:
        raise ValueError(f"width {d} does not split into {heads} heads; choose a divisor of {d}")
    dh = d // heads
    qkv = x @ w.in_w.T + w.in_b                                           # (T, 3D)
    q, k, v = (m.reshape(t, heads, dh).transpose(0, 1) for m in qkv.split(d, dim=-1))  # (H, T, Dh)
    scores = q @ k.transpose(-1, -2)                                      # (H, T, T)
    factor = 1.0 / math.sqrt(dh) if scaled else 1.0
    scaled_scores = scores * factor
    masked = scaled_scores.masked_fill(causal_mask(t, x.device), float("-inf")) if causal else scaled_scores
    weights = torch.softmax(masked, dim=-1)                               # (H, T, T), rows sum to 1
    per_head = weights @ v                                                # (H, T, Dh)
    concat = per_head.transpose(0, 1).reshape(t, d)                       # (T, D)
    output = concat @ w.out_w.T + w.out_b                                 # (T, D)
    return AttentionSteps(x, q, k, v, scores, scaled_scores, masked, weights, per_head,
                          concat, output, causal, factor)


def random_weights(width: int, seed: int, dtype: torch.dtype = torch.float64) -> AttentionWeights:
    """Xavier-uniform projections and zero biases, as nn.MultiheadAttention initialises them."""
    g = torch.Generator().manual_seed(seed)
    bound_in = math.sqrt(6.0 / (width + 3 * width))
    bound_out = 1.0 / math.sqrt(width)
    in_w = (torch.rand(3 * width, width, generator=g, dtype=dtype) * 2 - 1) * bound_in
    out_w = (torch.rand(width, width, generator=g, dtype=dtype) * 2 - 1) * bound_out
    return AttentionWeights(in_w, torch.zeros(3 * width, dtype=dtype), out_w, torch.zeros(width, dtype=dtype))


@one_thread()
def random_demo(t: int, heads: int, causal: bool, scaled: bool, seed: int) -> AttentionSteps:
    """Attention over T random unit-variance rows of width D with random weights (numpy)."""
    ATTENTION.demo_t.check(t)
    ATTENTION.heads.check(heads)
    d = ATTENTION.demo_width
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(t, d, generator=g, dtype=torch.float64)               # (T, D)
    return attend(x, random_weights(d, seed + 1), heads, causal, scaled).numpy()


def entropy(weights: np.ndarray) -> np.ndarray:
    """Mean attention entropy per head in nats, (H, T, T) → (H,); `max_entropy` is its ceiling."""
    p = np.clip(weights, 1e-300, 1.0)
    per_row = -(weights * np.log(p)).sum(-1)                              # (H, T)
    return per_row.mean(-1)


def max_entropy(t: int, causal: bool) -> float:
    """The largest mean row entropy T rows can have: every row uniform over the keys it may see.

    Without a mask each row sees T keys: ln T. With a causal mask row t (1-based) sees t keys,
    so the ceiling is the mean of ln t over t = 1..T, i.e. ln(T!)/T (2.55 nats at T = 32, not 3.47).
    """
    if t < 1:
        raise ValueError(f"T must be at least 1; got {t}")
    return math.lgamma(t + 1) / t if causal else math.log(t)


def step_table(steps: AttentionSteps, head: int, query: int, labels: list[str]) -> pd.DataFrame:
    """One query row, key by key: dot product, scaled, masked, softmax weight. Tidy, one row per key."""
    if not 0 <= head < steps.n_heads:
        raise ValueError(f"head must be between 0 and {steps.n_heads - 1}; got {head}")
    t = steps.weights.shape[-1]
    if not 0 <= query < t:
        raise ValueError(f"query position must be between 0 and {t - 1}; got {query}")
    return pd.DataFrame({
        "key position": np.arange(t),
        "key token": labels,
        "q·k": steps.scores[head, query],
        "scaled": steps.scaled[head, query],
        "after mask": steps.masked[head, query],
        "softmax weight": steps.weights[head, query],
    })


def weighted_sum_table(steps: AttentionSteps, head: int, query: int) -> pd.DataFrame:
    """The query vector and the head's output for it, component by component (Dh rows)."""
    return pd.DataFrame({
        "component": np.arange(steps.q.shape[-1]),
        "query q": steps.q[head, query],
        "output Σ w·v": steps.heads[head, query],
    })


def weights_frame(weights: np.ndarray, labels: list[str], layer: int = 0) -> pd.DataFrame:
    """(H, T, T) weights as a tidy frame: layer, head, query, key, their tokens, weight."""
    h, t, _ = weights.shape
    hh, qq, kk = np.meshgrid(np.arange(h), np.arange(t), np.arange(t), indexing="ij")
    lab = np.asarray(labels, dtype=object)
    return pd.DataFrame({
        "layer": layer, "head": hh.ravel(), "query": qq.ravel(), "key": kk.ravel(),
        "query token": lab[qq.ravel()], "key token": lab[kk.ravel()], "weight": weights.ravel(),
    })


def closeness(weights: np.ndarray, ideal: np.ndarray) -> np.ndarray:
    """Per head, the attention mass on the ideal keys, averaged over the scored rows, (H,) in [0, 1].

    weights (H, T, T); ideal (T, T) with its scored rows summing to 1 and the others 0.
    """
    rows = ideal.sum(-1) > 0                                              # (T,)
    if not rows.any():
        return np.full(weights.shape[0], np.nan)
    on_ideal = (weights * (ideal > 0)).sum(-1)                            # (H, T)
    return on_ideal[:, rows].mean(-1)


def position_labels(tokens) -> list[str]:
    """Unique axis labels "position:token" (tokens repeat, positions do not)."""
    return [f"{i}:{t}" for i, t in enumerate(tokens)]


def _block_average(w: np.ndarray, size: int) -> np.ndarray:
    """(H, T, T) → (H, ⌈T/size⌉, ⌈T/size⌉): each head's block means (`core.frames.block_mean`)."""
    n = -(-w.shape[-1] // size)
    return np.stack([block_mean(m, n)[0] for m in w])


def grid_frame(layer_weights: list[np.ndarray], ideal: np.ndarray | None, tokens,
               max_rows: int = ATTENTION.max_label_rows) -> pd.DataFrame:
    """Every layer's (H, T, T) weights plus a head-averaged "mean" head, with the ideal mask.

    Columns: layer (1-based), head ("1".."H", "mean"), query, key, query label, key label,
    weight, ideal (0 everywhere when `ideal` is None). One row per cell. Up to `max_rows`
    positions every row and column is its own cell, labelled "position:token"; past that,
    cells are means over blocks of positions, labelled "first–last".
    """
    t = layer_weights[0].shape[-1]
    ideal = np.zeros((t, t)) if ideal is None else ideal
    size = -(-t // max_rows)
    if size == 1:
        labels = position_labels(tokens)
    else:
        labels = [f"{i}–{min(i + size, t) - 1}" for i in range(0, t, size)]
        ideal = _block_average(ideal[None], size)[0]
    frames = []
    for layer, w in enumerate(layer_weights, start=1):
        stacked = np.concatenate([w, w.mean(0, keepdims=True)])          # (H+1, T, T)
        if size > 1:
            stacked = _block_average(stacked, size)                        # (H+1, T/size, T/size)
        names = [str(h + 1) for h in range(w.shape[0])] + ["mean"]
        f = weights_frame(stacked, labels, layer)
        f["head"] = np.asarray(names, dtype=object)[f["head"].to_numpy()]
        f["ideal"] = ideal[f["query"], f["key"]]
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    return out.rename(columns={"query token": "query label", "key token": "key label"})


def closeness_frame(layer_weights: list[np.ndarray], ideal: np.ndarray) -> pd.DataFrame:
    """layer (1-based), head ("1".."H", "mean"), closeness in [0, 1]."""
    rows = []
    for layer, w in enumerate(layer_weights, start=1):
        scores = closeness(np.concatenate([w, w.mean(0, keepdims=True)]), ideal)
        names = [str(h + 1) for h in range(w.shape[0])] + ["mean"]
        rows += [(layer, n, float(s)) for n, s in zip(names, scores)]
    return pd.DataFrame(rows, columns=["layer", "head", "closeness"])


def entropy_frame(with_scale: np.ndarray, without_scale: np.ndarray) -> pd.DataFrame:
    """head (1-based), formula, entropy — each head's mean entropy with and without 1/√Dh."""
    h = len(with_scale)
    return pd.DataFrame({
        "head": np.tile(np.arange(1, h + 1).astype(str), 2),
        "formula": ["softmax(QKᵀ/√Dh)"] * h + ["softmax(QKᵀ), no scaling"] * h,
        "entropy": np.concatenate([with_scale, without_scale]),
    })


def uniform_baseline(ideal: np.ndarray, causal: bool) -> float:
    """The closeness a head would score by spreading evenly over every key it may see."""
    t = ideal.shape[0]
    w = np.tril(np.ones((t, t))) if causal else np.ones((t, t))
    return float(closeness((w / w.sum(-1, keepdims=True))[None], ideal)[0])


def step_bars_frame(a: AttentionSteps, b: AttentionSteps, head: int, query: int, labels: list[str]) -> pd.DataFrame:
    """One query's softmax weights under two formulas (e.g. with and without 1/√Dh), tidy."""
    def name(s: AttentionSteps) -> str:
        return "softmax(QKᵀ/√Dh)" if s.scaled_by != 1.0 else "softmax(QKᵀ), no scaling"
    t = a.weights.shape[-1]
    return pd.DataFrame({
        "key position": np.tile(np.arange(t), 2),
        "key label": labels * 2,
        "formula": [name(a)] * t + [name(b)] * t,
        "weight": np.concatenate([a.weights[head, query], b.weights[head, query]]),
    })


@one_thread()
def gradient_by_distance(t: int, heads: int, causal: bool, seed: int, rho: float = 1.0) -> pd.DataFrame:
    """‖∂(u·y_T)/∂x_j‖ against the distance T−1−j, for one attention layer and for a tanh RNN.

    Both read the same T random rows of width D (as `random_demo`); u is a fixed random unit
    vector, y_T the attention output (or the RNN's last hidden state, recurrent matrix of
    spectral radius rho). Attention reaches every row in one step; the RNN through T−1−j.
    Tidy: distance, model, gradient norm.
    """
    ATTENTION.demo_t.check(t)
    d = ATTENTION.demo_width
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(t, d, generator=g, dtype=torch.float64)                # (T, D), as random_demo
    u = torch.randn(d, generator=torch.Generator().manual_seed(seed + 2), dtype=torch.float64)
    u = u / u.norm()
    xa = x.clone().requires_grad_()
    (ga,) = torch.autograd.grad(attend(xa, random_weights(d, seed + 1), heads, causal).output[-1] @ u, xa)
    cell = make_cell(CellSpec(kind="tanh", n_in=d, n_hidden=d, rho=rho, seed=seed))
    xr = x.clone().requires_grad_()
    (gr,) = torch.autograd.grad(unroll(cell, xr[None]).h[0, -1] @ u, xr)
    dist = np.arange(t)[::-1]                                             # row j is T−1−j back
    return pd.DataFrame({
        "distance": np.concatenate([dist, dist]),
        "model": [f"attention, {heads} head{'s' if heads != 1 else ''}"] * t + [f"tanh RNN, spectral radius {rho:g}"] * t,
        "gradient norm": np.concatenate([ga.norm(dim=1).numpy(), gr.norm(dim=1).numpy()]),
    })


def previous_token(weights: np.ndarray) -> np.ndarray:
    """Per head, the mean weight a query puts on the key just before it, (H, T, T) → (H,)."""
    t = weights.shape[-1]
    if t < 2:
        return np.zeros(weights.shape[0])
    return np.diagonal(weights, offset=-1, axis1=1, axis2=2).mean(-1)
