"""Device helpers: preference order, refusal of unknown devices, the best-ever matmul peak."""
import pytest

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
