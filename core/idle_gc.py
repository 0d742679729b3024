"""A full garbage collection once the server is quiet, instead of one after every script run.

Streamlit's default (`runner.postScriptGC`) runs `gc.collect(2)` after every run, fragment runs
included. With torch, Altair and the chapters' caches in the heap that held the GIL for ~0.3 s
per run: 40 % of the server's time in a control change on the gradients page (py-spy), in the
path of that viewer's next run and of everyone else's. The option is off
(`.streamlit/config.toml`); Python's generational collector still runs as usual, and this
collects the rest once no page has been drawn for `quiet_s` — only if a run ended since the last
collection, and never while a measurement holds the timing lock. After collecting it hands the
allocator's free pages back to the system (glibc's `malloc_trim`): a page's run frees tens of MB of
frames and specs that glibc otherwise keeps, so the resident size drifted with whichever pages
fresh sessions opened last.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
import time
from typing import Callable

from core.queue import TIMING_LOCK
from core.renders import RENDERS, Renders

QUIET_S = 2.0
POLL_S = 0.5


def _libc(name: str, argtypes: list) -> Callable[..., int] | None:
    """The C library's function `name` (returning an int), or None where it has none (musl, macOS)."""
    try:
        fn = getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):
        return None
    fn.argtypes, fn.restype = argtypes, ctypes.c_int
    return fn


def _malloc_trim() -> Callable[[], object] | None:
    """glibc's `malloc_trim(0)`, or None where the C library has none."""
    trim = _libc("malloc_trim", [ctypes.c_size_t])
    return None if trim is None else (lambda: trim(0))


TRIM = _malloc_trim()
M_ARENA_MAX = -8                   # glibc's mallopt parameter


def limit_arenas(n: int) -> bool:
    """At most `n` glibc heaps for this process's threads from now on (glibc's default is 8 per
    core, a new one for each new thread up to that); False where the C library has no `mallopt`."""
    mallopt = _libc("mallopt", [ctypes.c_int, ctypes.c_int])
    return mallopt is not None and mallopt(M_ARENA_MAX, n) == 1


def full_collection() -> None:
    """Every generation collected, then the freed heap pages returned to the system."""
    gc.collect()
    if TRIM is not None:
        TRIM()


class IdleCollector:
    def __init__(self, renders: Renders = RENDERS, lock: threading.Lock = TIMING_LOCK, quiet_s: float = QUIET_S,
                 collect: Callable[[], object] = full_collection, clock: Callable[[], float] = time.monotonic):
        self.renders, self.lock, self.quiet_s, self.collect, self.clock = renders, lock, quiet_s, collect, clock
        self.collected_at = renders.activity()[0]      # the runs so far are the start's, nothing to collect
        self.collections = 0

    def step(self) -> bool:
        """Collect now if the pages are quiet and something ran since the last collection."""
        ended, last_end = self.renders.activity()
        if (ended == self.collected_at or self.renders.count() or self.lock.locked()
                or self.clock() - last_end < self.quiet_s):
            return False
        self.collect()
        self.collected_at, self.collections = ended, self.collections + 1
        return True


_started = threading.Lock()
_collector: IdleCollector | None = None


def start(poll_s: float = POLL_S) -> IdleCollector:
    """The process's collector, on a daemon thread (started once)."""
    global _collector
    with _started:
        if _collector is None:
            _collector = IdleCollector()

            def loop(c: IdleCollector = _collector) -> None:
                while True:
                    time.sleep(poll_s)
                    c.step()

            threading.Thread(target=loop, name="idle-gc", daemon=True).start()
    return _collector
