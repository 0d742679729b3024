"""The idle collector: a full collection once the pages are quiet, never during a run or a measurement."""
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest

from core.config import app as cfg
from core.idle_gc import IdleCollector
from core.renders import Renders


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_collects_once_after_a_quiet_spell_and_only_if_something_ran(monkeypatch):
    renders, lock, clock, calls = Renders(), threading.Lock(), Clock(), []
    monkeypatch.setattr("core.renders.time.monotonic", clock)
    c = IdleCollector(renders, lock, quiet_s=2.0, collect=lambda: calls.append(clock.t), clock=clock)
    clock.t += 10
    assert not c.step()                                   # nothing ran since the start
    with renders.drawing():
        clock.t += 1
        assert not c.step()                               # a page is being drawn
    clock.t += 1.0
    assert not c.step()                                   # quiet for 1 s only
    clock.t += 1.5
    assert c.step() and calls == [clock.t]               # quiet for 2.5 s: one collection
    clock.t += 10
    assert not c.step() and c.collections == 1           # nothing new ran: not again


def test_never_while_a_measurement_holds_the_timing_lock(monkeypatch):
    renders, lock, clock, calls = Renders(), threading.Lock(), Clock(), []
    monkeypatch.setattr("core.renders.time.monotonic", clock)
    c = IdleCollector(renders, lock, quiet_s=2.0, collect=lambda: calls.append(1), clock=clock)
    with renders.drawing():
        pass
    clock.t += 5
    with lock:
        assert not c.step()
    assert c.step() and calls == [1]


def test_streamlits_collection_after_every_run_is_off_and_serve_starts_the_idle_one(monkeypatch):
    import asyncio

    from ui import warm

    config = tomllib.loads(Path(__file__).resolve().parent.parent.joinpath(".streamlit/config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    monkeypatch.setenv("RNN_WARM_UP", "0")

    async def serve_once():
        async with warm.lifespan(None):
            pass

    asyncio.run(serve_once())
    assert any(t.name == "idle-gc" and t.daemon and t.is_alive() for t in threading.enumerate())


def test_a_full_collection_collects_every_generation_then_trims_the_heap(monkeypatch):
    from core import idle_gc

    calls = []
    monkeypatch.setattr(idle_gc.gc, "collect", lambda *a: calls.append(("collect", a)))
    monkeypatch.setattr(idle_gc, "TRIM", lambda: calls.append(("trim", ())))
    idle_gc.full_collection()
    assert calls == [("collect", ()), ("trim", ())]
    monkeypatch.setattr(idle_gc, "TRIM", None)          # no malloc_trim in this C library: collect only
    calls.clear()
    idle_gc.full_collection()
    assert calls == [("collect", ())]


def test_glibc_trim_is_found_on_linux():
    from core import idle_gc
    if not sys.platform.startswith("linux"):
        pytest.skip("malloc_trim is glibc's")
    assert idle_gc.TRIM is not None and idle_gc.TRIM() in (0, 1)


ARENA_CHILD = r'''
import ctypes, ctypes.util, sys, tempfile, threading
sys.path.insert(0, sys.argv[2])
from core.idle_gc import limit_arenas
if sys.argv[1] != "default":
    assert limit_arenas(int(sys.argv[1]))
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
start = threading.Barrier(6)
def work():                       # six threads allocating at once (a foreign call releases the GIL)
    start.wait()
    for p in [libc.malloc(4096) for _ in range(1000)]:
        libc.free(p)
threads = [threading.Thread(target=work) for _ in range(6)]
[t.start() for t in threads]
[t.join() for t in threads]
libc.fopen.restype, libc.fopen.argtypes = ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes, libc.fclose.argtypes = [ctypes.c_int, ctypes.c_void_p], [ctypes.c_void_p]
path = tempfile.mktemp()
f = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, f)
libc.fclose(f)
print(open(path).read().count("<heap nr="))
'''


def test_the_server_keeps_the_configured_number_of_heaps_for_all_its_threads():
    """Oracle: glibc's own malloc_info, in fresh processes: six threads get six heaps of their own
    beside the main one by default, and share `MALLOC_ARENAS` once limited (serve.py sets it)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("mallopt's M_ARENA_MAX is glibc's")
    root = str(Path(__file__).resolve().parent.parent)

    def heaps(limit: str) -> int:
        return int(subprocess.run([sys.executable, "-c", ARENA_CHILD, limit, root], capture_output=True,
                                  text=True, check=True, timeout=60).stdout)

    assert heaps("default") == 7
    assert heaps(str(cfg.MALLOC_ARENAS)) == cfg.MALLOC_ARENAS
    assert "limit_arenas(cfg.MALLOC_ARENAS)" in (Path(root) / "serve.py").read_text()
