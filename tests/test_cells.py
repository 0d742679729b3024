"""The unrolled cells against torch's fused modules, and the spectral-radius init against its definition."""
import pytest
import torch

from core.cells import CellSpec, hidden_states, make_cell, stack_cells, to_torch_module, unroll


@pytest.mark.parametrize("kind", ["tanh", "relu", "lstm", "gru"])
def test_unrolled_equals_torch_module(kind):
    w = make_cell(CellSpec(kind=kind, n_in=5, n_hidden=7, rho=0.9, forget_bias=1.0, seed=3))
    x = torch.randn(4, 11, 5, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    ours = unroll(w, x)
    ref_out, ref_state = to_torch_module(w)(x)
    torch.testing.assert_close(ours.h, ref_out, rtol=1e-10, atol=1e-10)
    if kind == "lstm":
        torch.testing.assert_close(ours.c[:, -1], ref_state[1][0], rtol=1e-10, atol=1e-10)
        assert set(ours.gates) == {"i", "f", "g", "o"}
        assert ours.gates["f"].shape == (4, 11, 7)
    if kind == "gru":
        assert set(ours.gates) == {"r", "z", "n"}


@pytest.mark.parametrize("kind", ["tanh", "linear", "lstm", "gru"])
def test_hidden_states_are_the_unrolled_h_bit_for_bit_and_match_torch(kind):
    w = make_cell(CellSpec(kind=kind, n_in=5, n_hidden=7, rho=0.9, forget_bias=1.0, seed=3))
    x = torch.randn(4, 11, 5, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    lean = hidden_states(w, x)
    assert not lean.requires_grad and lean.shape == (4, 11, 7)
    assert torch.equal(lean, unroll(w, x).h)
    if kind != "linear":
        torch.testing.assert_close(lean, to_torch_module(w)(x)[0].detach(), rtol=1e-10, atol=1e-10)
    stacked = stack_cells([w, make_cell(CellSpec(kind=kind, n_in=5, n_hidden=7, rho=0.5, seed=4))])
    xs = torch.stack([x, x])                                                               # (S, B, T, I)
    assert torch.equal(hidden_states(stacked, xs), unroll(stacked, xs).h)


@pytest.mark.parametrize("init", ["orthogonal", "gaussian"])
def test_recurrent_matrix_has_the_requested_spectral_radius(init):
    w = make_cell(CellSpec(kind="tanh", n_hidden=32, rho=1.3, init=init, seed=0))
    radius = torch.linalg.eigvals(w.weight_hh).abs().max().item()
    assert radius == pytest.approx(1.3, rel=1e-9)


def test_orthogonal_init_has_all_singular_values_rho():
    w = make_cell(CellSpec(kind="linear", n_hidden=16, rho=0.7, init="orthogonal"))
    s = torch.linalg.svdvals(w.weight_hh)
    torch.testing.assert_close(s, torch.full_like(s, 0.7))


def test_lstm_forget_bias_lands_in_the_forget_rows():
    w = make_cell(CellSpec(kind="lstm", n_hidden=4, forget_bias=2.5))
    assert torch.all(w.bias_ih[4:8] == 2.5) and torch.all(w.bias_ih[:4] == 0)


def test_unknown_kind_is_refused_with_a_message():
    with pytest.raises(ValueError, match="cell must be one of"):
        make_cell(CellSpec(kind="transformer"))
