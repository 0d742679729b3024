"""minGRU / minLSTM: parallel mode (scan) equals step mode (loop), parameter counts by formula."""
import pytest
import torch

from core.scan.mingru import MinGRU, MinLSTM, g, mingru_params, minlstm_params


@pytest.mark.parametrize("cls", [MinGRU, MinLSTM])
@pytest.mark.parametrize("scan", ["tree", "doubling", "heinsen"])
@pytest.mark.parametrize("use_g", [False, True])
def test_parallel_equals_step_with_random_h0(cls, scan, use_g):
    torch.manual_seed(0)
    m = cls(6, 9, use_g=use_g, scan=scan).double()
    x = torch.randn(3, 17, 6, dtype=torch.float64)
    h0 = torch.randn(3, 9, dtype=torch.float64) * 2
    hp, lastp = m(x, h0, mode="parallel")
    hs, lasts = m(x, h0, mode="step")
    assert hp.shape == (3, 17, 9) and lastp.shape == (3, 9)
    assert torch.allclose(hp, hs, atol=1e-10)
    assert torch.allclose(lastp, lasts, atol=1e-10)
    # h0 matters: a zero h0 gives a different answer
    assert not torch.allclose(m(x, None)[0], hp)


def test_minGRU_matches_its_equations():
    torch.manual_seed(1)
    m = MinGRU(4, 5).double()
    x = torch.randn(2, 6, 4, dtype=torch.float64)
    h = torch.randn(2, 5, dtype=torch.float64)
    h0 = h.clone()
    for t in range(6):
        z = torch.sigmoid(m.linear_z(x[:, t]))
        h = (1 - z) * h + z * m.linear_h(x[:, t])
    out, last = m(x, h0)
    assert torch.allclose(last, h, atol=1e-12)


def test_g_is_positive_and_continuous():
    x = torch.linspace(-20, 20, 401, dtype=torch.float64)
    assert (g(x) > 0).all()
    assert abs(g(torch.tensor(0.0)).item() - 0.5) < 1e-12
    assert abs(g(torch.tensor(-1e-9)).item() - 0.5) < 1e-8


@pytest.mark.parametrize("I,N", [(1, 1), (8, 32), (64, 128), (5, 3)])
def test_param_counts_by_formula(I, N):
    assert mingru_params(I, N) == sum(p.numel() for p in MinGRU(I, N).parameters())
    assert minlstm_params(I, N) == sum(p.numel() for p in MinLSTM(I, N).parameters())


def test_gradients_parallel_equal_step():
    torch.manual_seed(2)
    m = MinGRU(3, 4).double()
    x = torch.randn(2, 11, 3, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(2, 4, dtype=torch.float64)
    m(x, h0)[0].pow(2).sum().backward()
    gp = [x.grad.clone()] + [p.grad.clone() for p in m.parameters()]
    x.grad = None
    m.zero_grad()
    m(x, h0, mode="step")[0].pow(2).sum().backward()
    gs = [x.grad] + [p.grad for p in m.parameters()]
    for a, b in zip(gp, gs):
        assert torch.allclose(a, b, atol=1e-10)


def test_bad_inputs_refused():
    m = MinGRU(3, 4)
    with pytest.raises(ValueError):
        m(torch.randn(2, 5, 2))
    with pytest.raises(ValueError):
        m(torch.randn(2, 5, 3), mode="sideways")
    with pytest.raises(ValueError):
        m(torch.randn(2, 5, 3), torch.randn(2, 5))
