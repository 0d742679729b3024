"""Peak memory of one call, on this device.

    CUDA  torch.cuda.reset_peak_memory_stats, then max_memory_allocated minus the
          memory allocated before the call.
    CPU   the process's resident high-water mark (Linux ≥ 4.0): write "5" to
          /proc/self/clear_refs (resets VmHWM to the current VmRSS), call, read VmHWM
          from /proc/self/status and subtract VmRSS before the call. While measuring,
          glibc's mmap and trim thresholds are lowered and free heap pages returned
          first (see _fresh_pages), so a reused resident page cannot hide an allocation.
          Resolution: one 4 KiB page.
Both steps change the whole process (its high-water mark, its allocator), so the
app never calls `peak_bytes` in the server: `core.price.isolated.Worker` runs the
measurements in a child interpreter. Other threads of the same process
allocating at the same moment would add to the figure; the child runs nothing else.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import torch

from core.device import synchronize


@dataclass(frozen=True)
class Probe:
    available: bool
    how: str        # the method, or why there is none


@lru_cache(maxsize=4)
def memory_probe(device_type: str) -> Probe:
    if device_type == "cuda":
        return Probe(True, "torch.cuda.max_memory_allocated after reset_peak_memory_stats")
    if device_type != "cpu":
        return Probe(False, f"no peak-memory counter is read on {device_type}")
    # Looked at, not written: writing clear_refs would reset this process's own high-water mark.
    if not os.access("/proc/self/clear_refs", os.W_OK):
        return Probe(False, "the kernel's resident high-water mark cannot be reset here (no /proc/self/clear_refs)")
    try:
        _status_bytes("VmHWM"), _status_bytes("VmRSS")
    except (OSError, ValueError) as e:
        return Probe(False, f"the resident high-water mark is not readable here ({type(e).__name__}: {e})")
    return Probe(True, "the resident high-water mark (VmHWM), reset before each call, in a separate process")


def probe_dict(device_type: str) -> dict:
    """`memory_probe` as a dict, for the measuring child process to report."""
    probe = memory_probe(device_type)
    return {"available": probe.available, "how": probe.how}


def _clear_refs() -> None:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _status_bytes(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        m = re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.MULTILINE)
    if m is None:
        raise ValueError(f"{field} missing from /proc/self/status")
    return int(m.group(1)) * 1024


@lru_cache(maxsize=1)
def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3   # glibc mallopt parameters
SMALL = 128 * 1024               # glibc's initial thresholds: blocks above this are mmap'd, free tops trimmed
MMAP_CEILING = 32 * 1024**2      # where glibc's own dynamic mmap threshold tops out on 64-bit
TRIM_CEILING = 2 * MMAP_CEILING  # and its trim threshold with it


@contextlib.contextmanager
def _fresh_pages():
    """While measuring, make every large allocation touch pages that were not resident.

    glibc raises its mmap threshold after large frees (up to 32 MiB) and keeps freed
    memory at the top of a thread's heap, where malloc_trim does not reach; a T×T matrix
    placed there reuses resident pages and the peak misses it. So: low mmap and trim
    thresholds, a small free in this thread (which trims its heap top), malloc_trim for
    the rest. Afterwards both thresholds are left at the ceilings glibc's own dynamic
    tuning converges to in a long-running torch process.
    """
    lib = _libc()
    if lib is None or not hasattr(lib, "mallopt"):
        yield
        return
    lib.mallopt(M_MMAP_THRESHOLD, SMALL)
    lib.mallopt(M_TRIM_THRESHOLD, SMALL)
    lib.malloc.restype = ctypes.c_void_p
    lib.free.argtypes = [ctypes.c_void_p]
    lib.free(lib.malloc(SMALL // 2))  # a free in this thread's arena runs its heap trim
    lib.malloc_trim(0)
    try:
        yield
    finally:
        lib.mallopt(M_MMAP_THRESHOLD, MMAP_CEILING)
        lib.mallopt(M_TRIM_THRESHOLD, TRIM_CEILING)


def peak_bytes(fn: Callable[[], object], device: torch.device) -> int | None:
    """Extra memory at the peak of one call of `fn()`, in bytes; None where it cannot be read."""
    if not memory_probe(device.type).available:
        return None
    if device.type == "cuda":
        synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
        base = torch.cuda.memory_allocated(device)
        fn()
        synchronize(device)
        return int(torch.cuda.max_memory_allocated(device) - base)
    with _fresh_pages():
        _clear_refs()
        base = _status_bytes("VmRSS")
        fn()
        return max(0, _status_bytes("VmHWM") - base)
