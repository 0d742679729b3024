"""The timing lab's limits and defaults."""
from __future__ import annotations

from dataclasses import dataclass

from core.bounds import Choice, FloatBound, IntBound

# ---------------------------------------------------------------- timing lab
TIMING_METHODS: tuple[str, ...] = (
    "rnncell_loop",
    "lstmcell_loop",
    "rnn_fused",
    "lstm_fused",
    "gru_fused",
    "mha",
    "sdpa",
)


@dataclass(frozen=True)
class TimingLimits:
    batch: IntBound = IntBound("batch B", 1, 128, 32)
    width: IntBound = IntBound("width d", 8, 1024, 128)
    heads: IntBound = IntBound("heads", 1, 16, 4)
    t_min: IntBound = IntBound("shortest T", 1, 16384, 16)
    t_max: IntBound = IntBound("longest T", 2, 16384, 512)
    points: IntBound = IntBound("points in the sweep", 2, 12, 6)
    threads: IntBound = IntBound("threads", 1, 64, 2)
    # One point is measured for at least this long (seconds), then the
    # median and interquartile range of the repeats are reported.
    min_run_time: FloatBound = FloatBound("seconds per point", 0.02, 2.0, 0.08)
    mode: Choice = Choice("mode", ("forward", "train"), "forward")
    # Refuse a sweep whose estimated peak memory or time would hurt the host.
    max_bytes: int = 2 * 1024**3
    max_seconds: float = 60.0
    # The seed article's snippet, verbatim sizes (seed 000).
    preset_batch: int = 32
    preset_t: int = 512
    preset_width: int = 128
    preset_heads: int = 4
    # Uploaded result files.
    max_upload_bytes: int = 1_000_000
    max_upload_rows: int = 2_000
    # Peak matmul measurement: re-read when the last reading is older than peak_ttl_s, and
    # up to peak_retries times when an achieved rate exceeds it (a load-depressed reading).
    peak_matmul_n: int = 1024  # warm, as fast per FLOP as 2048 here (173 vs 165 GFLOP/s) at a third of the time
    peak_ttl_s: float = 300.0
    peak_retries: int = 2
    # Honest timing on a shared host: blocks per point, the spread (IQR / median of the
    # blocks) above which a point is "unstable", and how often an unstable point is re-measured.
    repeats: int = 7
    max_spread: float = 0.20
    remeasure: int = 2
    # A request's own measuring time may run past its estimate on a busy host by this factor
    # (plus a few seconds) before it stops with what it has.
    overrun_factor: float = 3.0
    # The work–span model of a parallel device (a model, labelled as such on the page).
    model_tflops: FloatBound = FloatBound("modelled device TFLOP/s", 0.01, 2000.0, 50.0)
    model_step_us: FloatBound = FloatBound("modelled latency per dependent step (µs)", 0.1, 1000.0, 8.0)


TIMING = TimingLimits()
