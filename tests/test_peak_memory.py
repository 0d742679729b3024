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
