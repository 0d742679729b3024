"""The harness against a known duration (a sleep) and against torch.utils.benchmark."""
import time

import pytest

from core.benchmark import measure


def test_median_of_a_known_sleep():
    stats = measure(lambda: time.sleep(0.005), threads=1, min_run_time=0.05, repeats=5)
    # sleep overshoots a little, never undershoots
    assert 0.005 <= stats.median_s < 0.009
    assert stats.p25_s <= stats.median_s <= stats.p75_s
    assert stats.iqr_s >= 0
    assert stats.repeats == 5 and stats.calls_per_block >= 1


def test_fast_calls_are_batched_into_blocks():
    stats = measure(lambda: None, threads=1, min_run_time=0.05, repeats=5)
    assert stats.calls_per_block > 100
    assert stats.median_s < 1e-4


def test_warmup_call_is_reported_separately():
    calls = []

    def fn():
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.02)  # a slow first call, like a cold allocator

    stats = measure(fn, threads=1, min_run_time=0.02, repeats=3)
    assert stats.first_call_s >= 0.02
    assert stats.median_s < 0.005


def test_too_few_repeats_refused():
    with pytest.raises(ValueError, match="at least 3"):
        measure(lambda: None, threads=1, repeats=2)


def test_agrees_with_torch_benchmark_on_a_matmul():
    import torch
    import torch.utils.benchmark as tbench

    import os

    if os.getloadavg()[0] > 4 * (os.cpu_count() or 1):
        pytest.skip(f"load average {os.getloadavg()[0]:.0f} on {os.cpu_count()} cores: two timings cannot be compared")
    a = torch.randn(256, 256)
    ours, ref = [], []
    for _ in range(3):   # alternated, best of three each: a shared, busy host slows one reading or another
        ours.append(measure(lambda: a @ a, threads=1, min_run_time=0.1, repeats=5).median_s)
        ref.append(tbench.Timer("a @ a", globals={"a": a}, num_threads=1).blocked_autorange(min_run_time=0.1).median)
    assert 0.5 < min(ours) / min(ref) < 2.0  # the same quantity, timed by the standard library's timeit loop


def test_thread_count_is_restored_and_serialised():
    import threading

    import torch

    from core.device import intra_op_threads

    before = torch.get_num_threads()
    seen = []

    def other_session():
        with intra_op_threads(1):
            seen.append(torch.get_num_threads())

    with intra_op_threads(2):
        t = threading.Thread(target=other_session)
        t.start()
        t.join(0.2)
        assert t.is_alive()          # it waits: our block holds the process-wide setting
        assert torch.get_num_threads() == 2
    t.join(5)
    assert seen == [1] and torch.get_num_threads() == before
