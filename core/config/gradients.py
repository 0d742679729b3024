"""The vanishing-gradients chapter's limits, and the per-request budget it shares with memory."""
from __future__ import annotations

from dataclasses import dataclass

from core.bounds import Choice, FloatBound, IntBound, RequestBudget

# ---------------------------------------------------------------- gradients page
GRADIENT_MODELS: tuple[str, ...] = ("tanh", "relu", "linear", "lstm", "gru", "attention", "transformer")
GRADIENT_RECURRENT: tuple[str, ...] = ("tanh", "relu", "linear", "lstm", "gru")


@dataclass(frozen=True)
class GradientLimits:
    T: IntBound = IntBound("sequence length T", 2, 1000, 200)
    hidden: IntBound = IntBound("hidden size N", 4, 256, 64)
    rho: FloatBound = FloatBound("spectral radius ρ", 0.1, 2.0, 0.9)
    init: Choice = Choice("initialisation", ("orthogonal", "gaussian"), "orthogonal")
    input_scale: FloatBound = FloatBound("input scale", 0.0, 4.0, 1.0)
    forget_bias: FloatBound = FloatBound("LSTM forget-gate bias", -4.0, 8.0, 1.0)
    seeds: IntBound = IntBound("seeds", 1, 8, 5)
    threshold: IntBound = IntBound("threshold exponent (10^-k)", 1, 12, 3)
    focus: Choice = Choice("cell", GRADIENT_RECURRENT, "tanh")
    wrt: Choice = Choice("gradient with respect to", ("x", "h"), "x")
    n_in: int = 8                 # input width of the recurrent cells
    heads: int = 4                # attention heads (fewer if N is not divisible)
    # Seeds are stacked into one batched run; refuse a stack whose weights get too big.
    max_stack_floats: int = 40_000_000
    # Phase diagram: ρ grid × at most this many sampled distances (mark_rect stays small).
    phase_rho: tuple[float, float, int] = (0.5, 2.0, 16)
    phase_columns: int = 60
    # Exploding gradients and clipping: a tanh RNN on the adding problem (Hochreiter & Schmidhuber 1997).
    train_rho: FloatBound = FloatBound("ρ of the trained RNN", 0.5, 3.0, 1.5)
    clip: FloatBound = FloatBound("clip threshold", 0.1, 10.0, 1.0)
    train_T: int = 60
    train_hidden: int = 32
    train_batch: int = 32
    train_steps: int = 100
    train_lr: float = 0.2


GRADIENTS = GradientLimits()

# the per-request budget (the memory page uses it too) and the page's sections
GRADMEM_BUDGET = RequestBudget()
GRADIENT_SECTIONS = Choice("section", ("jacobian", "forget", "phase", "clipping"), "jacobian")
