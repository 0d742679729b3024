"""Pick, describe and synchronise the compute device; measure its matmul peak.

The peak is what "fraction of the device" figures are divided by: a large
float32 matmul timed with `torch.utils.benchmark`, so it is this machine's
achievable rate, not a datasheet number.
"""
from __future__ import annotations

import contextlib
import os
import platform
import threading
import time
from dataclasses import dataclass

import torch
import torch.utils.benchmark as tbench

from core.config import TIMING


def available_devices() -> list[str]:
    """Device names in preference order: CUDA, then Apple MPS, then CPU."""
    names = []
    if torch.cuda.is_available():
        names.append("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        names.append("mps")
    names.append("cpu")
    return names


def resolve(name: str | None) -> torch.device:
    """`None` or "auto" gives the preferred device; an unknown name is refused."""
    names = available_devices()
    if name in (None, "", "auto"):
        return torch.device(names[0])
    if name not in names:
        raise ValueError(f"device {name!r} is not available here; choose one of {', '.join(names)}")
    return torch.device(name)


# torch's intra-op thread count is process-wide, and every browser session runs
# in its own thread of one process. Whoever changes it holds this lock until it
# is restored, so a session's count never leaks into another's measurement.
COMPUTE_LOCK = threading.RLock()
# The count every computation runs with unless a block below changes it; what another session's
# sidebar reports while one session measures on one thread.
DEFAULT_THREADS = torch.get_num_threads()
_scoped = threading.local()


@contextlib.contextmanager
def intra_op_threads(n: int):
    """Run the block with `n` intra-op threads (serialised with every other such block)."""
    with COMPUTE_LOCK:
        before, outer = torch.get_num_threads(), getattr(_scoped, "n", None)
        torch.set_num_threads(n)
        _scoped.n = n
        try:
            yield
        finally:
            torch.set_num_threads(before)
            _scoped.n = outer


def threads() -> int:
    """This thread's intra-op thread count: its own scoped count, else the process default."""
    n = getattr(_scoped, "n", None)
    return DEFAULT_THREADS if n is None else n


@contextlib.contextmanager
def one_thread():
    """Run on one intra-op thread, then restore the count.

    These runs are long chains of small ops: a second thread only adds hand-offs,
    and on a busy 2-core host its spin-waits made a profile 50× slower (measured).
    """
    with intra_op_threads(1):  # process-wide setting: serialised with other sessions
        yield


def synchronize(device: torch.device) -> None:
    """Wait for queued kernels so a timer measures work, not its launch."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def _cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "CPU"


@dataclass(frozen=True)
class DeviceInfo:
    kind: str            # "cpu", "cuda" or "mps"
    name: str            # human-readable model name
    torch_version: str
    threads: int         # torch intra-op threads
    cores: int           # logical CPU cores visible to this process


def describe(name: str | None = None) -> DeviceInfo:
    device = resolve(name)
    if device.type == "cuda":
        label = torch.cuda.get_device_name(device)
    elif device.type == "mps":
        label = "Apple GPU (MPS)"
    else:
        label = _cpu_model()
    return DeviceInfo(
        kind=device.type,
        name=label,
        torch_version=torch.__version__,
        threads=threads(),
        cores=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
    )


@dataclass(frozen=True)
class Peak:
    device: str
    threads: int
    n: int                 # square matmul size used
    flops_per_s: float     # best achieved float32 FLOP/s of an n×n @ n×n matmul over timed blocks


_BEST: dict[tuple[str, int, int], float] = {}
_READ_AT: dict[tuple[str, int, int], float] = {}
_BEST_LOCK = threading.Lock()


def best_peak(name: str, threads: int, n: int) -> float | None:
    """The best matmul rate measured so far in this process for (device, threads, n), or None."""
    return _BEST.get((resolve(name).type, threads, n))


def matmul_peak(name: str = "cpu", threads: int = 1, n: int = 2048) -> Peak:
    """This device's achievable float32 matmul rate: the best ever seen in this process.

    Each call measures again (~0.25 s) and keeps the maximum per (device, threads, n):
    one reading taken while something else loaded the cores (a browser booting on the
    same 2-core machine read 13 instead of 174 GFLOP/s) must not become "the peak".
    The caller holds a turn of `core.queue.QUEUE` (this is a measurement).
    """
    device = resolve(name)
    g = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=g).to(device)
    b = torch.randn(n, n, generator=g).to(device)
    timer = tbench.Timer(
        "torch.mm(a, b)",
        globals={"torch": torch, "a": a, "b": b},
        num_threads=threads,
    )
    with intra_op_threads(threads):
        timer.timeit(1)  # warm-up: allocator and kernel selection
        m = timer.blocked_autorange(min_run_time=0.15)
    # The best block, not the median: a peak is what the device can reach.
    key = (device.type, threads, n)
    with _BEST_LOCK:
        _BEST[key] = max(_BEST.get(key, 0.0), 2.0 * n**3 / min(m.times))
        _READ_AT[key] = time.monotonic()
        return Peak(device.type, threads, n, _BEST[key])


# ------------------------------------------------------------------ the one peak policy
def peak_n(name: str) -> int:
    """The matmul size of the peak reading: large enough to saturate the device, small enough to be quick."""
    return 4096 if resolve(name).type == "cuda" else TIMING.peak_matmul_n


def current_peak(name: str, threads: int) -> float:
    """The best reading, re-read when none is younger than `TIMING.peak_ttl_s` (a measurement:
    hold a queue turn). The best ever is kept: a busy moment only ever lowers a reading."""
    key = (resolve(name).type, threads, peak_n(name))
    if key not in _BEST or time.monotonic() - _READ_AT.get(key, 0.0) > TIMING.peak_ttl_s:
        return matmul_peak(name, threads, key[2]).flops_per_s
    return _BEST[key]


def known_peak(name: str, threads: int) -> float | None:
    """The best reading so far, without measuring (None before the first reading)."""
    return best_peak(name, threads, peak_n(name))


def fresh_peak(name: str, threads: int, readings: int = 1) -> float:
    """Take `readings` new readings now and return the best ever (e.g. after a sweep, or for
    "Measure again"): a reading the load depressed earlier is superseded by a better one."""
    for _ in range(max(1, readings)):
        best = matmul_peak(name, threads, peak_n(name)).flops_per_s
    return best


def covering_peak(name: str, threads: int, achieved: float) -> tuple[float, bool]:
    """A peak that is at least `achieved` (so no share reads above 100 %), and whether the
    readings had to be overruled. An achieved rate above the peak means the peak reading was
    depressed by load: re-read it up to `TIMING.peak_retries` times first."""
    peak = known_peak(name, threads) or 0.0
    for _ in range(TIMING.peak_retries):
        if peak >= achieved:
            return peak, False
        peak = fresh_peak(name, threads)
    return (peak, False) if peak >= achieved else (achieved, True)
