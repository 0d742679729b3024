"""core/peak_memory.py: the peak of a known allocation, even after glibc has raised its mmap threshold."""
import threading

import pytest
import torch

from core.price.peak_memory import memory_probe, peak_bytes

MIB = 2**20
CPU = torch.device("cpu")
pytestmark = pytest.mark.skipif(not memory_probe("cpu").available,
                                reason="/proc/self/clear_refs is not usable on this machine")


def _ones(mib: int):
    def work():
        torch.ones(mib * MIB // 4).sum()
    return work


@pytest.mark.parametrize("mib", [4, 16, 64])
def test_peak_of_a_known_allocation(mib):
    work = _ones(mib)
    work()
    assert peak_bytes(work, CPU) == pytest.approx(mib * MIB, abs=2 * MIB)


def test_repeated_measurements_in_a_worker_thread_see_both_matrices():
    """Streamlit runs pages in worker threads. There, freed T×T blocks stay resident at the top
    of the thread's heap and glibc's mmap threshold rises; without core.peak_memory's care the
    second round read about half (one matrix instead of two)."""
    from core.price.costs import attention_memory_point

    peaks = []

    def run():
        for seed in (0, 1):
            peaks.extend((T, attention_memory_point("materialised", T, seed=seed)["peak_bytes"]) for T in (1024, 2048))

    t = threading.Thread(target=run)
    t.start()
    t.join()
    for T, peak in peaks:  # scores and softmax weights: two T×T float32 matrices
        assert peak == pytest.approx(2 * 4 * T * T, rel=0.1), (T, peak / MIB)


def test_unknown_devices_report_why():
    probe = memory_probe("mps")
    assert not probe.available and "mps" in probe.how


# ------------------------------------------------------------------ the server's process is left alone
def _hwm() -> int:
    from core.price.peak_memory import _status_bytes
    return _status_bytes("VmHWM")


def test_peak_memory_is_measured_in_a_child_process_not_this_one(monkeypatch):
    """clear_refs and mallopt change a whole process: they must never run in the server's."""
    import os

    from core.price import peak_memory
    from core.price.isolated import Worker

    def forbidden(*a, **k):
        raise AssertionError("peak memory touched in the parent process")

    monkeypatch.setattr(peak_memory, "_clear_refs", forbidden)
    monkeypatch.setattr(peak_memory, "_fresh_pages", forbidden)
    big = torch.ones(96 * MIB // 4)
    del big
    high = _hwm()
    memory_probe.cache_clear()
    assert memory_probe("cpu").available            # looked at, not written
    with Worker() as w:
        row = w.call("memory", kind="materialised", T=1024)
        assert w.pid != os.getpid()
        probe = w.call("probe", device_type="cpu")
    assert probe["available"] and row["peak_bytes"] == pytest.approx(2 * 4 * 1024**2, rel=0.1)
    assert _hwm() >= high                            # this process's high-water mark was not reset


def test_a_refusal_in_the_child_comes_back_as_a_value_error():
    from core.price.isolated import Worker

    with Worker() as w:
        with pytest.raises(ValueError, match="longest measured T"):
            w.call("memory", kind="materialised", T=10**6)
        with pytest.raises(ValueError, match="no isolated call"):
            w.call("exec", code="print(1)")
