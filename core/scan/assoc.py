"""Why the scan needs a linear step: associativity, measured.

An affine step h ↦ a·h + b composes into another affine step,
(a, b)∘(a′, b′) = (a·a′, a′·b + b′), so any grouping of a sequence of steps
gives the same map — the tree may combine in any order. A tanh step
h ↦ tanh(a·h + b) does not compose into a tanh step: combining two of them
"the same way" (the affine rule on the pre-activation, one tanh on top) misses
running them one after the other, and no other pair (a″, b″) fixes that for
every h, because tanh(a′·tanh(a·h + b) + b′) is not of the form tanh(a″·h + b″).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.scan.affine import combine


@dataclass(frozen=True)
class AssocCheck:
    affine_grouping: float      # max |((x∘y)∘z)(h) − (x∘(y∘z))(h)|
    affine_vs_running: float    # max |(x∘y∘z)(h) − z(y(x(h)))|
    tanh_combined_vs_running: float   # the same combine rule applied to tanh steps, vs running them
    tanh_scale: float           # max |running the tanh steps| (for a relative figure)
    samples: int


def _triple(g: torch.Generator, n: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(torch.randn(n, generator=g, dtype=torch.float64), torch.randn(n, generator=g, dtype=torch.float64))
            for _ in range(3)]


def check(seed: int = 0, samples: int = 1000) -> AssocCheck:
    """Random triples of steps (a, b) ~ N(0, 1) and random states h ~ N(0, 1), float64."""
    g = torch.Generator().manual_seed(seed)
    x, y, z = _triple(g, samples)
    h = torch.randn(samples, generator=g, dtype=torch.float64)
    left = combine(combine(x, y), z)
    right = combine(x, combine(y, z))
    apply = lambda s, v: s[0] * v + s[1]  # noqa: E731
    run = apply(z, apply(y, apply(x, h)))
    tanh_step = lambda s, v: torch.tanh(s[0] * v + s[1])  # noqa: E731
    tanh_run = tanh_step(y, tanh_step(x, h))
    tanh_comb = tanh_step(combine(x, y), h)
    return AssocCheck(
        affine_grouping=float((apply(left, h) - apply(right, h)).abs().max()),
        affine_vs_running=float((apply(left, h) - run).abs().max()),
        tanh_combined_vs_running=float((tanh_comb - tanh_run).abs().max()),
        tanh_scale=float(tanh_run.abs().max()),
        samples=samples,
    )


def pair_check(x: tuple[float, float], y: tuple[float, float], h: float) -> dict[str, float]:
    """One pair of steps on the reader's numbers: running them vs combining them, affine and tanh."""
    import math
    (a1, b1), (a2, b2) = x, y
    affine_run = a2 * (a1 * h + b1) + b2
    aa, bb = a1 * a2, a2 * b1 + b2
    tanh_run = math.tanh(a2 * math.tanh(a1 * h + b1) + b2)
    return {"affine_run": affine_run, "affine_combined": aa * h + bb, "a_combined": aa, "b_combined": bb,
            "tanh_run": tanh_run, "tanh_combined": math.tanh(aa * h + bb)}
