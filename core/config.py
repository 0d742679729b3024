"""Every limit and default of the app, in one place.

Sliders read their bounds from here and core functions reject values past
them with a message that names the limit (see `IntBound.check`).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IntBound:
    """An integer control: inclusive range and default."""

    name: str
    lo: int
    hi: int
    default: int

    def check(self, value: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{self.name} must be a whole number; got {value!r}")
        if not self.lo <= value <= self.hi:
            raise ValueError(
                f"{self.name} must be between {self.lo} and {self.hi} "
                f"(limit in core/config.py); got {value}"
            )
        return value

    def clamp(self, value: int) -> int:
        return min(max(int(value), self.lo), self.hi)


@dataclass(frozen=True)
class FloatBound:
    """A real-valued control: inclusive range and default."""

    name: str
    lo: float
    hi: float
    default: float

    def check(self, value: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise ValueError(f"{self.name} must be a number; got {value!r}")
        if not self.lo <= value <= self.hi:
            raise ValueError(
                f"{self.name} must be between {self.lo:g} and {self.hi:g} "
                f"(limit in core/config.py); got {value:g}"
            )
        return float(value)

    def clamp(self, value: float) -> float:
        return min(max(float(value), self.lo), self.hi)


@dataclass(frozen=True)
class Choice:
    """A control that picks one of a fixed set of strings."""

    name: str
    options: tuple[str, ...]
    default: str

    def check(self, value: str) -> str:
        if value not in self.options:
            raise ValueError(
                f"{self.name} must be one of {', '.join(self.options)}; got {value!r}"
            )
        return value


# ---------------------------------------------------------------- app-wide
SEED = IntBound("seed", 0, 2**31 - 1, 0)


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
TIMING_DEFAULT_METHODS: tuple[str, ...] = ("rnncell_loop", "rnn_fused", "lstm_fused", "mha", "sdpa")


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
    max_seconds: float = 90.0
    # The seed article's snippet, verbatim sizes (seed 000).
    preset_batch: int = 32
    preset_t: int = 512
    preset_width: int = 128
    preset_heads: int = 4
    # Uploaded result files.
    max_upload_bytes: int = 1_000_000
    max_upload_rows: int = 2_000
    # Peak matmul measurement.
    peak_matmul_n: int = 2048


TIMING = TimingLimits()
