"""The affine recurrence h_t = a_t ⊙ h_{t-1} + b_t, solved three ways.

Shapes: `a` and `b` are (..., T, D) with time on the second-to-last axis; `h0`
is (..., D) or None (zeros). Every solver returns all T states, (..., T, D).

* `loop_scan` — the oracle: T dependent steps.
* `tree_scan` — Blelloch's up-sweep / down-sweep over the associative operator
  (a, b)∘(a', b') = (a·a', a'·b + b'), in plain torch, any T (padded on the right
  with the identity (1, 0) to the next power of two P), exactly 2⌈log₂T⌉ levels.
  `doubling_scan` is the Hillis–Steele variant: ⌈log₂T⌉ levels, T·log T work.
* `heinsen_scan` — Heinsen's log-space form (arXiv 2311.06281): a cumulative
  sum of log a and a `logcumsumexp`. It needs a_t > 0. b_t of either sign is
  handled by splitting it into its positive and negative parts, each scanned in
  log space (log 0 = −inf contributes nothing); the price is that exp and log of
  large partial products lose float32 precision as T grows.

No solver uses torch's private associative_scan prototype.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import Tensor


def combine(earlier: tuple[Tensor, Tensor], later: tuple[Tensor, Tensor]) -> tuple[Tensor, Tensor]:
    """(a, b)∘(a', b') = (a·a', a'·b + b'): the step `earlier` followed by the step `later`."""
    a1, b1 = earlier
    a2, b2 = later
    return a1 * a2, a2 * b1 + b2


def _fold_h0(a: Tensor, b: Tensor, h0: Tensor | None) -> Tensor:
    """Fold the initial state into the first step: b_0 ← a_0·h0 + b_0."""
    if h0 is None:
        return b
    first = a[..., :1, :] * h0.unsqueeze(-2) + b[..., :1, :]
    return torch.cat([first, b[..., 1:, :]], dim=-2)


def _check(a: Tensor, b: Tensor) -> None:
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {tuple(a.shape)} and {tuple(b.shape)}")
    if a.dim() < 2:
        raise ValueError("a and b need a time axis and a feature axis (..., T, D)")


def loop_scan(a: Tensor, b: Tensor, h0: Tensor | None = None) -> Tensor:
    """The sequential loop: T dependent steps (the oracle)."""
    _check(a, b)
    T = a.shape[-2]
    h = torch.zeros_like(b[..., 0, :]) if h0 is None else h0
    out = []
    for t in range(T):
        h = a[..., t, :] * h + b[..., t, :]
        out.append(h)
    return torch.stack(out, dim=-2)


def blelloch_levels(T: int) -> int:
    """Levels of the up-sweep plus the down-sweep: 2⌈log₂T⌉ (0 for T = 1)."""
    return 2 * math.ceil(math.log2(T)) if T > 1 else 0


def doubling_levels(T: int) -> int:
    return math.ceil(math.log2(T)) if T > 1 else 0


@dataclass
class Level:
    """One level of the tree: which phase, the stride, the (a, b) array after it, combines done."""

    phase: str          # "input", "up", "down"
    index: int          # 1-based within its phase (0 for the input)
    stride: int         # distance between the two elements a combine reads
    a: Tensor           # (..., length, D) values held at this level
    b: Tensor
    combines: int       # operator applications at this level (per batch row and feature)


@dataclass
class ScanTrace:
    """What a traced tree scan did: its levels, and the counts that define work and span."""

    T: int
    padded: int
    levels: list[Level] = field(default_factory=list)

    @property
    def level_count(self) -> int:
        return sum(1 for lv in self.levels if lv.phase != "input")

    @property
    def combines(self) -> int:
        return sum(lv.combines for lv in self.levels)


def tree_scan(
    a: Tensor, b: Tensor, h0: Tensor | None = None, trace: ScanTrace | None = None
) -> Tensor:
    """Blelloch's work-efficient scan of the affine steps (inclusive), any T.

    Up-sweep: pair neighbours and combine them, halving the length, log₂P times.
    Down-sweep: from the exclusive prefix of the coarse level (the root's is the
    identity), the finer level's exclusive prefixes are
    excl[2i] = excl_coarse[i] and excl[2i+1] = excl_coarse[i] ∘ x[2i], log₂P times.
    The inclusive result is the exclusive one shifted by one, with the root's
    total last. Functional (no in-place writes), so autograd goes through it.
    If `trace` is given, every level's array is recorded (detached).
    """
    _check(a, b)
    b = _fold_h0(a, b, h0)
    T = a.shape[-2]
    if trace is not None:
        trace.T = T
        trace.padded = (1 << math.ceil(math.log2(T))) if T > 1 else 1
        trace.levels.append(Level("input", 0, 0, a.detach().clone(), b.detach().clone(), 0))
    if T == 1:
        return b
    P = 1 << math.ceil(math.log2(T))
    if P != T:
        pad = list(a.shape)
        pad[-2] = P - T
        a = torch.cat([a, a.new_ones(pad)], dim=-2)
        b = torch.cat([b, b.new_zeros(pad)], dim=-2)
    # Up-sweep: level k holds P / 2^k partial products (totals of blocks of 2^k steps).
    ups: list[tuple[Tensor, Tensor]] = [(a, b)]
    x = (a, b)
    stride = 1
    k = 0
    while x[0].shape[-2] > 1:
        xa, xb = x
        x = combine((xa[..., 0::2, :], xb[..., 0::2, :]), (xa[..., 1::2, :], xb[..., 1::2, :]))
        ups.append(x)
        k += 1
        if trace is not None:
            trace.levels.append(Level("up", k, stride, x[0].detach(), x[1].detach(), x[0].shape[-2]))
        stride *= 2
    total = x
    # Down-sweep: exclusive prefixes, starting from the identity at the root.
    ea, eb = torch.ones_like(total[0]), torch.zeros_like(total[1])
    j = 0
    for xa, xb in reversed(ups[:-1]):
        stride //= 2
        left = (xa[..., 0::2, :], xb[..., 0::2, :])
        ra, rb = combine((ea, eb), left)
        ea = torch.stack([ea, ra], dim=-2).flatten(-3, -2)
        eb = torch.stack([eb, rb], dim=-2).flatten(-3, -2)
        j += 1
        if trace is not None:
            trace.levels.append(Level("down", j, stride, ea.detach(), eb.detach(), ra.shape[-2]))
    # Inclusive = exclusive shifted left by one, the total last; only b (the state) is needed.
    h = torch.cat([eb[..., 1:, :], total[1]], dim=-2)
    return h[..., :T, :]


def doubling_scan(a: Tensor, b: Tensor, h0: Tensor | None = None) -> Tensor:
    """Hillis–Steele doubling: ⌈log₂T⌉ levels, each combining every element with the one 2^k back."""
    _check(a, b)
    b = _fold_h0(a, b, h0)
    T = a.shape[-2]
    k = 1
    while k < T:
        a_prev, b_prev = a[..., :-k, :], b[..., :-k, :]
        a_new, b_new = combine((a_prev, b_prev), (a[..., k:, :], b[..., k:, :]))
        a = torch.cat([a[..., :k, :], a_new], dim=-2)
        b = torch.cat([b[..., :k, :], b_new], dim=-2)
        k *= 2
    return b


def _log_positive(x: Tensor) -> Tensor:
    """log x for x ≥ 0, with 0 mapped to log(smallest normal) so gradients stay finite.

    (−inf would be exact, but logcumsumexp's backward turns a prefix of −inf into
    NaN.) Each such term adds at most tiny·Π a to h — below 1e-37 in float32.
    """
    return torch.log(x.clamp_min(torch.finfo(x.dtype).tiny))


def heinsen_scan(a: Tensor, b: Tensor, h0: Tensor | None = None) -> Tensor:
    """Heinsen's log-space scan: h_t = exp(A_t) · Σ_{k≤t} b_k exp(−A_k), A_t = Σ_{j≤t} log a_j.

    Needs a_t > 0 (refused otherwise). b is split as b = b⁺ − b⁻, each part
    scanned as exp(A_t + logcumsumexp(log b_k − A_k)); h0 joins the first step.
    """
    _check(a, b)
    if bool((a <= 0).any()):
        raise ValueError("Heinsen's log-space scan needs every a_t > 0 (it takes log a_t)")
    b = _fold_h0(a, b, h0)
    log_a_star = torch.cumsum(torch.log(a), dim=-2)
    pos = torch.clamp(b, min=0)
    neg = torch.clamp(-b, min=0)
    out = 0
    for part, sign in ((pos, 1.0), (neg, -1.0)):
        lcse = torch.logcumsumexp(_log_positive(part) - log_a_star, dim=-2)
        out = out + sign * torch.exp(log_a_star + lcse)
    return out


SOLVERS = {"loop": loop_scan, "tree": tree_scan, "heinsen": heinsen_scan, "doubling": doubling_scan}


def solve(method: str, a: Tensor, b: Tensor, h0: Tensor | None = None) -> Tensor:
    if method not in SOLVERS:
        raise ValueError(f"unknown scan method {method!r}; choose one of {', '.join(SOLVERS)}")
    return SOLVERS[method](a, b, h0)
