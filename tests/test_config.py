"""Limits refuse values past them with a message naming the limit."""
import pytest

from core.config import Choice, FloatBound, IntBound, TIMING


def test_int_bound_names_the_limit():
    b = IntBound("T", 1, 4096, 512)
    assert b.check(4096) == 4096
    with pytest.raises(ValueError, match=r"T must be between 1 and 4096 .*got 100000"):
        b.check(100000)
    with pytest.raises(ValueError, match="whole number"):
        b.check(2.5)
    with pytest.raises(ValueError, match="whole number"):
        b.check(True)
    assert b.clamp(10**9) == 4096 and b.clamp(-3) == 1


def test_float_bound_rejects_nan_and_range():
    b = FloatBound("rho", 0.1, 2.0, 1.0)
    assert b.check(1) == 1.0
    with pytest.raises(ValueError, match="must be a number"):
        b.check(float("nan"))
    with pytest.raises(ValueError, match="between 0.1 and 2"):
        b.check(3.0)


def test_choice():
    c = Choice("mode", ("a", "b"), "a")
    assert c.check("b") == "b"
    with pytest.raises(ValueError, match="one of a, b"):
        c.check("c")


def test_every_default_is_inside_its_bound():
    for field in TIMING.__dataclass_fields__:
        b = getattr(TIMING, field)
        if isinstance(b, (IntBound, FloatBound)):
            assert b.lo <= b.default <= b.hi, field
        if isinstance(b, Choice):
            assert b.default in b.options, field
