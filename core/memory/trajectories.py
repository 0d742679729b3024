"""Hidden-state trajectories: every h_t of a recurrent cell, and a transformer layer beside it.

A recurrent cell carries everything it has read in one state of N numbers
(2N for the LSTM: h and c); a transformer layer keeps one d-wide vector per
token, T × d in all. This module runs both on the same tokens, projects the
states to their top principal components (an SVD of the centred states) and
measures, per step, the state's norm, its saturated units and its cosine to
the state k steps earlier.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from core.attention.positional import sinusoidal_torch
from core.cells import CellSpec, make_cell, unroll
from core.config import MEMORY
from core.device import one_thread
from core.memory.tokens import Tokens, embed


@dataclass(frozen=True)
class PCA:
    """scores (T, k) projections on the top k components; components (k, D) unit rows;
    ratio (k,) explained variance of each component over the total (sums to ≤ 1)."""

    scores: np.ndarray
    components: np.ndarray
    ratio: np.ndarray


@dataclass(frozen=True)
class Trajectory:
    """One run over one input (all arrays float64, CPU).

    h (T, N) hidden states; c (T, N) LSTM cell states or None; gates name -> (T, N)
    norm, saturated, cosine (T,) per-step metrics (cosine is NaN for t ≤ lag)
    z (T, d) the transformer layer's per-token outputs, d = N
    """

    kind: str
    labels: tuple[str, ...]
    h: np.ndarray
    c: np.ndarray | None
    gates: dict[str, np.ndarray]
    norm: np.ndarray
    saturated: np.ndarray
    cosine: np.ndarray
    lag: int
    pca: PCA
    z: np.ndarray
    z_pca: PCA

    @property
    def state_numbers(self) -> int:
        """Numbers the recurrent state carries from step to step: N, or 2N for the LSTM."""
        return self.h.shape[1] * (2 if self.c is not None else 1)

    @property
    def attention_numbers(self) -> int:
        """Numbers the attention layer keeps for this input: T × d."""
        return self.z.shape[0] * self.z.shape[1]


def pca(x: torch.Tensor | np.ndarray, k: int = 3) -> PCA:
    """Top-k principal components of the rows of x (T, D), by an SVD of the centred matrix.

    Components beyond the rank of x come back as zeros (and explain 0)."""
    x = torch.as_tensor(x, dtype=torch.float64)
    centred = x - x.mean(0, keepdim=True)                                                 # (T, D)
    u, s, vh = torch.linalg.svd(centred, full_matrices=False)
    total = (s**2).sum()
    ratio = s**2 / total if total > 0 else torch.zeros_like(s)
    m = min(k, s.numel())
    scores = torch.zeros(x.shape[0], k, dtype=torch.float64)
    comps = torch.zeros(k, x.shape[1], dtype=torch.float64)
    ratios = torch.zeros(k, dtype=torch.float64)
    sign = torch.sign(vh[:m].sum(1) + 1e-300)   # fix each component's sign for stable pictures
    scores[:, :m] = u[:, :m] * s[:m] * sign
    comps[:m] = vh[:m] * sign[:, None]
    ratios[:m] = ratio[:m]
    return PCA(scores.numpy(), comps.numpy(), ratios.numpy())


def step_metrics(h: torch.Tensor, c: torch.Tensor | None, lag: int) -> tuple[np.ndarray, ...]:
    """Per-step ‖h_t‖, saturated fraction and cos(h_t, h_{t−lag}) for h (T, N).

    Saturated: |tanh| > MEMORY.saturation on the tanh that makes the state —
    h itself for the RNN and GRU (a mix of tanh values), tanh(c_t) for the LSTM."""
    norm = h.norm(dim=1)
    squashed = torch.tanh(c) if c is not None else h
    saturated = (squashed.abs() > MEMORY.saturation).double().mean(1)
    cosine = torch.full((h.shape[0],), float("nan"), dtype=torch.float64)
    if lag < h.shape[0]:
        cosine[lag:] = torch.nn.functional.cosine_similarity(h[lag:], h[:-lag], dim=1, eps=1e-12)
    return norm.numpy(), saturated.numpy(), cosine.numpy()


def positional_encoding(t: int, d: int, base: float = 10000.0) -> torch.Tensor:
    """(T, d) sinusoidal positions (Vaswani et al. 2017 §3.5), sin in even, cos in odd columns: the
    attention chapter's encoding (one home), float64."""
    return sinusoidal_torch(t, d, base)


def heads_for(d: int) -> int:
    return next(h for h in (4, 2, 1) if d % h == 0)


def transformer_layer(d_in: int, d: int, seed: int,
                      dtype: torch.dtype = torch.float64) -> tuple[torch.Tensor, torch.nn.TransformerEncoderLayer]:
    """An input projection (d_in → d) and torch's own encoder layer, initialised from a local generator
    (Xavier-uniform matrices, zero biases, unit LayerNorm), in eval mode."""
    g = torch.Generator().manual_seed(seed + 7919)
    layer = torch.nn.TransformerEncoderLayer(d, heads_for(d), dim_feedforward=4 * d, dropout=0.0,
                                             batch_first=True).eval()
    with torch.no_grad():
        for name, p in layer.named_parameters():
            if p.dim() >= 2:
                a = math.sqrt(6.0 / (p.shape[0] + p.shape[1]))
                p.copy_(torch.rand(p.shape, generator=g, dtype=torch.float64) * 2 * a - a)
            else:
                p.fill_(1.0 if name.startswith("norm") and name.endswith("weight") else 0.0)
    proj = torch.randn(d_in, d, generator=g, dtype=torch.float64) / math.sqrt(d_in)
    return proj.to(dtype), layer.to(dtype)


def transformer_states(x: torch.Tensor, d: int, seed: int) -> torch.Tensor:
    """Per-token outputs (B, T, d) of one causal encoder layer on inputs x (B, T, I), in x's dtype."""
    proj, layer = transformer_layer(x.shape[-1], d, seed, x.dtype)
    t = x.shape[1]
    inp = x @ proj + positional_encoding(t, d).to(x.dtype)                                 # (B, T, d)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(t, dtype=x.dtype)
    with torch.no_grad():
        return layer(inp, src_mask=mask, is_causal=True)


def cell_spec(kind: str, n: int, rho: float, forget_bias: float, seed: int,
              input_scale: float = MEMORY.input_scale.default) -> CellSpec:
    """The page's controls, checked against their limits, as a CellSpec."""
    if kind != "linear":   # the linear cell is a closed-form oracle for the tests, not a page option
        MEMORY.cell.check(kind)
    MEMORY.hidden.check(n)
    MEMORY.rho.check(rho)
    MEMORY.forget_bias.check(forget_bias)
    MEMORY.input_scale.check(input_scale)
    return CellSpec(kind=kind, n_in=MEMORY.embed, n_hidden=n, rho=rho, forget_bias=forget_bias,
                    input_scale=input_scale, seed=seed)


@one_thread()   # a chain of tiny ops: a second thread only adds spin-waits on a busy host
def trajectory(tok: Tokens, kind: str, n: int, rho: float, forget_bias: float, seed: int,
               lag: int = 1, input_scale: float = MEMORY.input_scale.default) -> Trajectory:
    """Run the cell and the transformer layer over the tokens; everything the page draws."""
    MEMORY.lag.check(lag)
    w = make_cell(cell_spec(kind, n, rho, forget_bias, seed, input_scale))
    x = embed(tok, MEMORY.embed, seed)[None]                                               # (1, T, I)
    with torch.no_grad():
        run = unroll(w, x)
        h = run.h[0]                                                                       # (T, N)
        c = run.c[0] if run.c is not None else None
        z = transformer_states(x, n, seed)[0]                                              # (T, d)
    norm, saturated, cosine = step_metrics(h, c, lag)
    return Trajectory(
        kind=kind, labels=tuple(tok.labels), h=h.numpy(), c=None if c is None else c.numpy(),
        gates={k: v[0].numpy() for k, v in run.gates.items()},
        norm=norm, saturated=saturated, cosine=cosine, lag=lag,
        pca=pca(h), z=z.numpy(), z_pca=pca(z),
    )
