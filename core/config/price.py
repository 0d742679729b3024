"""Attention's price: its limits and defaults."""
from __future__ import annotations

from dataclasses import dataclass

from core.bounds import Choice, IntBound

# ---------------------------------------------------------------- attention's price (C13–C16, C18)
@dataclass(frozen=True)
class PriceLimits:
    # C13, closed form (nothing is allocated, so T may be huge).
    T: IntBound = IntBound("sequence length T", 1, 10_000_000, 4096)
    heads: IntBound = IntBound("heads H", 1, 128, 8)
    layers: IntBound = IntBound("layers", 1, 128, 12)
    batch: IntBound = IntBound("batch B", 1, 1024, 1)
    dtype: Choice = Choice("number format", ("float32", "bfloat16", "float16"), "float32")
    # C13, measured: one head (B = 1, H = 1) of width mem_head_dim, T doubling from mem_t_min.
    mem_t_max: IntBound = IntBound("longest measured T", 512, 8192, 2048)
    mem_t_min: int = 256
    mem_head_dim: int = 64
    mem_repeats: int = 3
    # Refuse any measured call whose estimated peak (float32) would pass this.
    max_bytes: int = 1024**3
    # C14: fused attention vs a fused recurrent layer, batch 1, T doubling from cross_t_min.
    recurrent: Choice = Choice("recurrent layer", ("lstm_fused", "gru_fused", "rnn_fused"), "lstm_fused")
    width: IntBound = IntBound("width d", 16, 512, 128)
    cross_t_max: IntBound = IntBound("longest T", 512, 16384, 1536)
    cross_t_min: int = 256
    attn_heads: int = 4
    # A sweep stops before a point whose predicted single call would pass this (seconds).
    max_call_s: float = 4.0
    # C15: per-new-token latency at context lengths doubling from ctx_min.
    ctx_max: IntBound = IntBound("longest context", 128, 16384, 1024)
    ctx_min: int = 128
    # C16: an LSTM's size and per-step latency at batch 1.
    lstm_layers: IntBound = IntBound("LSTM layers", 1, 8, 2)
    lstm_hidden: IntBound = IntBound("hidden units N", 1, 4096, 256)
    lstm_input: IntBound = IntBound("input size I", 1, 4096, 256)
    lstm_max_params: int = 20_000_000   # 80 MB in float32: already far past an edge model
    seed_params: int = 500_000
    seed_step_s: float = 1e-3
    # Every timed point: torch.utils.benchmark blocks (core.benchmark.measure). One thread by
    # default: batch-1 steps are tiny matmuls that a second thread slows down on a busy host.
    threads: IntBound = IntBound("threads", 1, 64, 1)
    min_run_time: float = 0.02
    repeats: int = 3
    # A point whose interquartile range passes this fraction of its median is flagged: the host's
    # load may have spoiled it; it is shown as such, never cached server-wide, never a finding.
    max_spread: float = 0.25
    # Before a live sweep runs, its time is estimated pessimistically (FLOPs at slow_flops, plus
    # step_s per dependent step and call_s per call) and refused past max_sweep_s.
    slow_flops: float = 1e10
    step_s: float = 20e-6
    call_s: float = 100e-6
    max_sweep_s: float = 60.0
    # The page's sections (a URL-bound control, so a shared link opens on the same one).
    view: Choice = Choice("section", ("matrix", "memory", "cross", "stream", "edge"), "cross")


PRICE = PriceLimits()
