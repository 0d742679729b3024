"""The three solvers of h_t = a_t ⊙ h_{t-1} + b_t against the float64 loop."""
import math

import pytest
import torch

from core.scan import affine


def _coeffs(T, D=5, B=3, seed=0, dtype=torch.float64, positive_a=True):
    g = torch.Generator().manual_seed(seed)
    a = torch.rand(B, T, D, generator=g, dtype=dtype) * 0.5 + 0.5 if positive_a else torch.randn(B, T, D, generator=g, dtype=dtype)
    b = torch.randn(B, T, D, generator=g, dtype=dtype)
    h0 = torch.randn(B, D, generator=g, dtype=dtype)
    return a, b, h0


@pytest.mark.parametrize("T", [1, 2, 3, 7, 8, 1000])
@pytest.mark.parametrize("method", ["tree", "doubling"])
def test_tree_equals_float64_loop(T, method):
    a, b, h0 = _coeffs(T, positive_a=False)
    ref = affine.loop_scan(a, b, h0)
    got = affine.solve(method, a, b, h0)
    assert got.shape == ref.shape
    # a ~ N(0,1) makes products tiny quickly; the comparison is relative to the scale of h
    assert (got - ref).abs().max().item() <= 1e-12 * max(1.0, ref.abs().max().item())


@pytest.mark.parametrize("T", [1, 2, 3, 7, 8, 1000])
def test_tree_without_h0(T):
    a, b, _ = _coeffs(T)
    assert torch.allclose(affine.tree_scan(a, b), affine.loop_scan(a, b), atol=1e-12, rtol=0)


@pytest.mark.parametrize("T", [1, 2, 5, 64, 1000])
def test_heinsen_float64(T):
    a, b, h0 = _coeffs(T)
    ref = affine.loop_scan(a, b, h0)
    assert (affine.heinsen_scan(a, b, h0) - ref).abs().max().item() <= 1e-10


@pytest.mark.parametrize("T", [16, 256, 4096])
def test_heinsen_float32_error_within_growing_tolerance(T):
    a, b, h0 = _coeffs(T)
    ref = affine.loop_scan(a, b, h0)
    got = affine.heinsen_scan(a.float(), b.float(), h0.float()).double()
    err = (got - ref).abs().max().item()
    scale = ref.abs().max().item()
    # float32 epsilon times T times the state's scale: the log-space form's budget grows with T
    assert err <= 1.2e-7 * T * 4 * max(scale, 1.0), err


def test_heinsen_refuses_nonpositive_a():
    a, b, h0 = _coeffs(4)
    a[0, 1, 2] = -0.1
    with pytest.raises(ValueError, match="a_t > 0"):
        affine.heinsen_scan(a, b, h0)


@pytest.mark.parametrize("method", ["tree", "heinsen", "doubling"])
def test_gradients_equal_the_loops(method):
    a, b, h0 = _coeffs(13, D=3, B=2)
    w = torch.randn(2, 13, 3, dtype=torch.float64)

    def grads(fn):
        aa, bb, hh = (t.clone().requires_grad_() for t in (a, b, h0))
        (fn(aa, bb, hh) * w).sum().backward()
        return aa.grad, bb.grad, hh.grad

    for g_ref, g_got in zip(grads(affine.loop_scan), grads(affine.SOLVERS[method])):
        assert torch.allclose(g_got, g_ref, atol=1e-10, rtol=1e-9)


@pytest.mark.parametrize("T", [1, 2, 3, 5, 8, 9, 16, 100, 1000])
def test_instrumented_tree_reports_exactly_its_levels(T):
    a, b, h0 = _coeffs(T, D=2, B=1)
    trace = affine.ScanTrace(T, 0)
    out = affine.tree_scan(a, b, h0, trace=trace)
    expect = 2 * math.ceil(math.log2(T)) if T > 1 else 0
    assert trace.level_count == expect == affine.blelloch_levels(T)
    assert torch.allclose(out, affine.loop_scan(a, b, h0), atol=1e-12, rtol=0)
    P = trace.padded
    if T > 1:
        # work-efficient: (P - 1) combines up, (P - 1) down
        assert trace.combines == 2 * (P - 1)
