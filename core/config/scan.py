"""Recurrence strikes back: the scan chapter's limits and defaults."""
from __future__ import annotations

from dataclasses import dataclass

from core.bounds import Choice, FloatBound, IntBound

# ---------------------------------------------------------------- recurrence strikes back (C21)
@dataclass(frozen=True)
class ScanLimits:
    sections: Choice = Choice("section", ("three ways", "the tree", "training step", "two modes",
                                          "what was given up", "gradients"), "three ways")
    # 1 · one recurrence three ways: h_t = a_t ⊙ h_{t-1} + b_t on (B, T, D), float32, one thread.
    T: IntBound = IntBound("sequence length T", 1, 16384, 1024)
    width: IntBound = IntBound("width D", 1, 256, 64)
    batch: int = 4
    min_run_time: float = 0.05       # seconds per timed method (torch.utils.benchmark blocks)
    repeats: int = 3
    max_live_s: float = 8.0          # refuse a live comparison whose estimate (calibrated now) passes this
    loop_step_s: float = 6e-6        # estimate: seconds per loop step at D = 64 (measured here, ×2 margin)
    max_elements: int = 8_000_000    # B·T·D per tensor
    unstable_iqr: float = 0.25       # IQR / median above this: flagged, re-measured
    remeasure: int = 2               # at most this many re-measurements of a flagged point
    a_lo: FloatBound = FloatBound("smallest a_t", 0.05, 1.0, 0.9)
    # 2 · the tree on the reader's numbers
    tree_T: Choice = Choice("steps in the tree", ("8", "16"), "8")
    tree_a: FloatBound = FloatBound("a_t (the decay)", 0.05, 1.0, 0.5)
    tree_b: Choice = Choice("b_t", ("ones", "counting 1, 2, 3, …", "one impulse", "random"), "ones")
    tree_level: IntBound = IntBound("level", 0, 8, 0)
    # 3 · one training step (forward + backward), B × T × D
    step_methods: tuple[str, ...] = ("mingru_scan", "mingru", "grucell_loop", "gru_fused", "sdpa")
    step_batch: int = 16
    step_width: int = 128
    step_heads: int = 4
    step_T: IntBound = IntBound("longest T timed live", 16, 1024, 128)
    step_max_call_s: float = 3.0     # a method stops before a T whose predicted call passes this
    paper_speedup: float = 175.0     # Feng et al. 2024: minGRU vs (unfused) GRU training step, T = 4,096, GPU
    # 4 · two modes
    modes_T: IntBound = IntBound("tokens", 1, 4096, 256)
    hidden: IntBound = IntBound("hidden size N", 1, 1024, 128)
    kv_layers: int = 1
    # 5 · what was given up: minGRU language models on the attention chapter's tasks
    tasks: tuple[str, ...] = ("copy", "recall")
    task: Choice = Choice("task", ("copy", "recall"), "copy")
    lm_width: int = 74              # 70,023 parameters, about the tiny transformer's 71,059
    lm_layers: int = 2
    train_steps: int = 1500
    # 6 · gradients through the scan
    grad_T: IntBound = IntBound("sequence length T", 2, 1000, 200)
    gate_bias: FloatBound = FloatBound("update-gate bias b_z", -8.0, 4.0, -3.0)
    grad_hidden: int = 32
    grad_seeds: int = 3


SCAN = ScanLimits()
