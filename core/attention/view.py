"""The attention page's settings as one frozen object, and what each computation will cost.

The page builds `MapsParams` by keyword from its controls and hands the parts
each cached computation needs (`reading`, `demo`, `encoding`) across the cache
boundary whole. `check` estimates a computation's memory and time before it
runs and refuses one past the page's budget (`ATTENTION.max_bytes`,
`ATTENTION.max_seconds`) with a message that names the limit.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.bounds import Estimate
from core.config import ATTENTION as A

FLOAT = 8                  # every intermediate on this page is float64
SLOW_FLOPS = 2e8           # a pessimistic rate for chains of tiny float64 ops on a busy 2-core host
OVERHEAD_S = 0.05          # per call: op dispatch and Python, at least


@dataclass(frozen=True)
class Reading:
    """The reader's sequence on one task."""

    task: str
    text: str


@dataclass(frozen=True)
class DemoSpec:
    """Random-weight attention over T rows of width ATTENTION.demo_width, H heads."""

    T: int
    heads: int
    causal: bool
    seed: int


@dataclass(frozen=True)
class EncodingSpec:
    kind: str
    T: int
    D: int
    task: str


@dataclass(frozen=True)
class MapsParams:
    """Every control of the attention page."""

    task: str
    text: str
    layer: int
    head: int
    step: int
    scaled: bool
    causal: bool
    heads: int
    T: int
    pe: str
    pe_T: int
    pe_D: int
    seed: int
    view: str

    @property
    def reading(self) -> Reading:
        return Reading(self.task, self.text)

    @property
    def demo(self) -> DemoSpec:
        return DemoSpec(self.T, self.heads, self.causal, self.seed)

    @property
    def encoding(self) -> EncodingSpec:
        return EncodingSpec(self.pe, self.pe_T, self.pe_D, self.task)


def reading_cost(tokens: int) -> Estimate:
    """Greedy decoding (one forward per answer slot) plus a traced pass, on the tiny model."""
    d, layers, t = A.model_width.hi, A.model_layers.hi, tokens
    flops = (t + 1) * layers * (24 * t * d * d + 4 * t * t * d)
    return Estimate(layers * 12 * A.model_heads.hi * t * t * FLOAT + 64 * t * d * FLOAT, OVERHEAD_S * (t + 1) + flops / SLOW_FLOPS)


def demo_cost(spec: DemoSpec) -> Estimate:
    """Both formulas (with and without 1/√Dh) and the gradient to every row, attention and RNN."""
    t, d = spec.T, A.demo_width
    arrays = 3 * (6 * spec.heads * t * t + 6 * t * d)                      # three passes' intermediates
    flops = 3 * (8 * t * d * d + 4 * t * t * d) + 6 * t * d * d             # + the RNN's T steps
    return Estimate(arrays * FLOAT, 3 * OVERHEAD_S + t * 1e-4 + flops / SLOW_FLOPS)


def encoding_cost(spec: EncodingSpec) -> Estimate:
    """The T × D encoding and its T × T dot products."""
    t, d = (A.max_len, A.model_width.hi) if spec.kind == "learned" else (spec.T, spec.D)
    return Estimate((t * d + t * t) * FLOAT, OVERHEAD_S + 2 * t * t * d / SLOW_FLOPS)


def check(cost: Estimate, what: str) -> Estimate:
    """`cost` if it is within the page's budget, else a ValueError naming the limit."""
    if cost.bytes > A.max_bytes:
        raise ValueError(f"{what} would need about {cost.bytes / 2**20:,.0f} MiB, past this page's memory "
                         f"limit of {A.max_bytes / 2**20:,.0f} MiB per computation")
    if cost.seconds > A.max_seconds:
        raise ValueError(f"{what} would take about {cost.seconds:,.1f} s, past this page's time limit of "
                         f"{A.max_seconds:g} s per computation")
    return cost
