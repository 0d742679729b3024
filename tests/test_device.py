"""Device helpers: preference order, refusal of unknown devices, the best-ever matmul peak."""
import pytest
import torch

from core import device


def test_cpu_is_always_available_and_last():
    names = device.available_devices()
    assert names[-1] == "cpu"
    assert device.resolve(None).type == names[0]


def test_unknown_device_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="not available here; choose one of"):
        device.resolve("tpu")


def test_peak_is_the_best_reading_so_far():
    first = device.matmul_peak("cpu", 1, 256).flops_per_s
    second = device.matmul_peak("cpu", 1, 256).flops_per_s
    assert second >= first > 0
    assert device.best_peak("cpu", 1, 256) == second
    assert device.best_peak("cpu", 1, 8) is None


def test_a_scoped_thread_count_is_seen_only_by_the_thread_that_set_it():
    """torch's count is process-wide: while one session measures on one thread, another session's
    sidebar must still report the count its own computations run with."""
    import threading

    from core.device import DEFAULT_THREADS, describe, intra_op_threads

    inside, seen_elsewhere = threading.Event(), []
    release = threading.Event()

    def holder():
        with intra_op_threads(1):
            assert describe("cpu").threads == 1 == torch.get_num_threads()
            inside.set()
            release.wait(10)

    t = threading.Thread(target=holder)
    t.start()
    assert inside.wait(10)
    seen_elsewhere.append(describe("cpu").threads)
    release.set()
    t.join(10)
    assert seen_elsewhere == [DEFAULT_THREADS]
    assert describe("cpu").threads == DEFAULT_THREADS == torch.get_num_threads()
