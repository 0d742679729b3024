"""Gradient norms through time against closed forms, autograd's Jacobians and torch's own modules."""
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from core.gradients import notes
from core.cells import CellSpec, _step, make_cell, unroll
from core.gradients.clipping import adding_batch, clipping_run
from core.gradients.profile import (GradientSetup, attention_module, attention_norms, decay_factor, forget_arithmetic,
                            float32_check, gradient_profile, horizon, inputs, last_output, model_setup,
                            recurrent_norms, summary)
from core.gradients.jacobians import jacobian_view, phase_diagram, phase_key, step_jacobians, view_key

SMALL = GradientSetup(T=12, n_hidden=6, n_seeds=3, rho=0.8, forget_bias=1.0, seed=4)


@pytest.mark.parametrize("init", ["orthogonal"])
@pytest.mark.parametrize("rho", [0.7, 1.0, 1.3])
def test_linear_rnn_with_rho_times_orthogonal_gives_rho_to_the_distance(rho, init):
    setup = replace(SMALL, T=60, n_hidden=16, rho=rho, init=init)
    gh, _, _ = recurrent_norms("linear", setup)                     # (S, T) by distance
    expected = rho ** np.arange(60.0)
    np.testing.assert_allclose(gh, np.broadcast_to(expected, gh.shape), rtol=1e-5)


@pytest.mark.parametrize("kind", ["tanh", "relu", "linear", "lstm", "gru"])
def test_one_backward_pass_equals_autograd_jacobian_of_the_last_state(kind):
    """‖∂L/∂h_k‖ and ‖∂L/∂x_k‖ from the one-pass method against torch.autograd.functional.jacobian
    of h_T with respect to the whole input sequence and to each h_k (re-running from h_k)."""
    setup = replace(SMALL, n_seeds=1)
    gh, gx, _ = recurrent_norms(kind, setup)
    w = make_cell(setup.spec(kind, setup.seed))
    x, u = inputs(setup, 8)
    x, u = x[0], u[0, 0]                                           # (1, T, I), (N,)
    jx = torch.autograd.functional.jacobian(lambda xs: unroll(w, xs).states[-1][0], x)  # (N, 1, T, I)
    ref_x = torch.einsum("n,nbti->ti", u, jx).norm(dim=-1).flip(0)
    np.testing.assert_allclose(gx[0], ref_x.numpy(), rtol=1e-9, atol=1e-300)
    run = unroll(w, x)
    for k in (0, 3, setup.T - 2):                                   # h_{k+1} in 1-based steps
        h_k = run.states[k].detach()
        c_k = None if run.c is None else run.c[:, k].detach()

        def finish(h, c=c_k, k=k):
            for j in range(k + 1, setup.T):
                h, c, _ = _step(w, x[:, j], h, c)
            return h[0]

        jac = torch.autograd.functional.jacobian(finish, h_k)[:, 0]   # (N, N)
        assert gh[0, setup.T - 1 - k] == pytest.approx((u @ jac).norm().item(), rel=1e-9)


@pytest.mark.parametrize("kind", ["tanh", "relu", "linear", "lstm", "gru"])
def test_closed_form_step_jacobians_equal_autograd(kind):
    w = make_cell(CellSpec(kind=kind, n_in=3, n_hidden=5, rho=0.9, forget_bias=1.0, seed=2))
    w.bias_hh += 0.1 * torch.randn(w.bias_hh.shape, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    x = torch.randn(1, 6, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    run = unroll(w, x)
    jac = step_jacobians(w, run.h[0], None if run.c is None else run.c[0], {k: v[0] for k, v in run.gates.items()})
    zero = torch.zeros(5, dtype=torch.float64)
    for k in range(6):
        h_prev = run.h[0, k - 1] if k else zero
        if kind == "lstm":
            c_prev = run.c[0, k - 1] if k else zero
            ref = torch.autograd.functional.jacobian(
                lambda s: torch.cat([t[0] for t in _step(w, x[:, k], s[None, :5], s[None, 5:])[:2]]),
                torch.cat([h_prev, c_prev]))
        else:
            ref = torch.autograd.functional.jacobian(lambda h: _step(w, x[:, k], h[None], None)[0][0], h_prev)
        torch.testing.assert_close(jac[k], ref, rtol=1e-10, atol=1e-12)


def test_lstm_with_forget_gate_one_and_input_gate_zero_carries_the_cell_gradient_unchanged():
    """f ≡ 1, i ≡ 0 (huge biases): c_k = c_{k-1} exactly, so ∂L/∂c_k is the same at every k."""
    w = make_cell(CellSpec(kind="lstm", n_in=3, n_hidden=4, rho=0.9, seed=1))
    n = 4
    w.bias_ih[n:2 * n] = 1e4                                        # forget gate σ(1e4) = 1
    w.bias_ih[:n] = -1e4                                            # input gate σ(-1e4) = 0
    x = torch.randn(1, 30, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    c0 = torch.randn(1, n, generator=torch.Generator().manual_seed(2), dtype=torch.float64).requires_grad_(True)
    x.requires_grad_(True)
    h, c, cells = torch.zeros(1, n, dtype=torch.float64), c0, []
    for k in range(30):
        h, c, _ = _step(w, x[:, k], h, c)
        cells.append(c)
    loss = (cells[-1] * torch.arange(1.0, n + 1, dtype=torch.float64)).sum()
    grads = torch.autograd.grad(loss, cells)
    for g in grads:
        torch.testing.assert_close(g, grads[-1], rtol=0, atol=0)
    assert torch.equal(cells[-1], c0)


@pytest.mark.parametrize("kind", ["attention", "transformer"])
def test_last_output_equals_the_full_module(kind):
    mod = attention_module(kind, 16, seed=3)
    x = torch.randn(2, 9, 16, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    full = mod(x, x, x, need_weights=False)[0] if kind == "attention" else mod(x)
    torch.testing.assert_close(last_output(mod, x), full[:, -1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", ["attention", "transformer"])
def test_attention_input_gradient_is_flat_in_distance(kind):
    """Across 8 seeds, ‖∂L/∂x_1‖ / ‖∂L/∂x_{T-1}‖ (distance T−1 over distance 1) stays within [0.2, 5]
    at T = 300, where a tanh RNN at ρ = 0.9 is down by more than 30 decades."""
    setup = GradientSetup(T=300, n_hidden=32, n_seeds=8, seed=0)
    gx = attention_norms(kind, setup)
    ratio = gx[:, -1] / gx[:, 1]
    assert np.all((ratio > 0.2) & (ratio < 5)), ratio
    gh, _, _ = recurrent_norms("tanh", replace(setup, n_seeds=2))
    assert np.all(gh[:, -1] / gh[:, 1] < 1e-30)


def test_attention_weights_come_from_the_seed_not_the_global_rng():
    torch.manual_seed(0)
    a = attention_module("attention", 8, seed=5).in_proj_weight.clone()
    state = torch.get_rng_state()
    b = attention_module("attention", 8, seed=5).in_proj_weight
    assert torch.equal(a, b) and torch.equal(state, torch.get_rng_state())


def test_horizon_and_decay_factor_on_a_known_curve():
    curve = 0.5 ** np.arange(40.0)
    assert horizon(curve, 3) == 11                                  # 0.5^10 = 9.8e-4 < 1e-3 · 0.5
    assert decay_factor(curve) == pytest.approx(0.5)
    assert horizon(np.ones(40), 3) is None


def test_profile_is_tidy_and_seeded_and_the_band_brackets_the_median():
    p = gradient_profile(replace(SMALL, models=("tanh", "lstm", "attention")))
    assert set(p.curves["model"]) == {"tanh", "lstm", "attention"}
    assert len(p.curves) == 3 * 12 * (2 + 2 + 1)                   # seeds × T × (h, x for cells; x for attention)
    assert np.all(p.band["lo"] <= p.band["median"]) and np.all(p.band["median"] <= p.band["hi"])
    q = gradient_profile(replace(SMALL, models=("tanh", "lstm", "attention")))
    assert p.curves.equals(q.curves)
    assert p.forget["measured"].iloc[0] == 1.0 and p.forget["measured"].is_monotonic_decreasing


def test_profile_built_model_by_model_equals_each_model_measured_on_the_full_settings():
    setup = replace(SMALL, models=("tanh", "lstm", "gru", "attention", "transformer"), rho=1.1, init="gaussian",
                    forget_bias=2.0, input_scale=0.7)
    p = gradient_profile(setup)
    for m in ("tanh", "lstm", "gru"):                               # oracle: the model's own backward pass
        gh, gx, _ = recurrent_norms(m, setup)
        mine = p.curves[p.curves["model"] == m]
        for wrt, norms in (("h", gh), ("x", gx)):
            got = mine[mine["wrt"] == wrt].sort_values(["seed", "distance"])["norm"].to_numpy()
            np.testing.assert_array_equal(got, norms.reshape(-1))
    for m in ("attention", "transformer"):
        got = p.curves[p.curves["model"] == m].sort_values(["seed", "distance"])["norm"].to_numpy()
        np.testing.assert_array_equal(got, attention_norms(m, setup).reshape(-1))
    f32 = float32_check("tanh", setup)                              # the first recurrent model, first seed
    row = p.float32.iloc[0]
    assert row["model"] == "tanh" and row["norm_zero_at"] == f32["norm_zero_at"]
    if f32["norm_zero_at"] is not None:
        assert row["float64_there"] == recurrent_norms("tanh", setup)[0][0, f32["norm_zero_at"]]


def test_each_model_is_keyed_on_the_settings_it_reads_only():
    other = replace(SMALL, rho=1.7, init="gaussian", forget_bias=3.0)
    for m in ("attention", "transformer"):                          # no W_hh: ρ, its init and the gate bias unread
        assert model_setup(other, m) == model_setup(SMALL, m)
        np.testing.assert_array_equal(attention_norms(m, other), attention_norms(m, SMALL))
    for m in ("tanh", "gru"):                                       # the forget-gate bias is the LSTM's alone
        assert model_setup(replace(SMALL, forget_bias=3.0), m) == model_setup(SMALL, m)
        np.testing.assert_array_equal(recurrent_norms(m, replace(SMALL, forget_bias=3.0))[0],
                                      recurrent_norms(m, SMALL)[0])
        assert model_setup(replace(SMALL, rho=1.7), m) != model_setup(SMALL, m)
    assert model_setup(replace(SMALL, forget_bias=3.0), "lstm") != model_setup(SMALL, "lstm")
    assert all(model_setup(other, m).models == (m,) for m in ("tanh", "attention"))


@pytest.mark.parametrize("kind", ["tanh", "lstm"])
def test_jacobian_and_phase_views_equal_their_runs_on_the_reduced_keys(kind):
    setup = replace(SMALL, models=("relu", "attention"), rho=1.2, n_seeds=3, forget_bias=2.0)
    pd.testing.assert_frame_equal(jacobian_view(view_key(setup, kind), kind).frame, jacobian_view(setup, kind).frame)
    pd.testing.assert_frame_equal(phase_diagram(phase_key(setup, kind), kind), phase_diagram(setup, kind))
    assert phase_key(replace(setup, rho=0.5), kind) == phase_key(setup, kind)
    assert view_key(replace(setup, rho=0.5), kind) != view_key(setup, kind)
    assert (phase_key(replace(setup, forget_bias=0.0), kind) == phase_key(setup, kind)) is (kind != "lstm")


def test_refusals_name_the_limit():
    with pytest.raises(ValueError, match="sequence length T must be between"):
        gradient_profile(replace(SMALL, T=10**9))
    with pytest.raises(ValueError, match="spectral radius"):
        gradient_profile(replace(SMALL, rho=float("nan")))
    with pytest.raises(ValueError, match="model must be one of"):
        gradient_profile(replace(SMALL, models=("mamba",)))


def test_jacobian_product_bounds_the_measured_gradient_and_is_exact_for_linear():
    for kind in ("tanh", "lstm", "gru"):
        f = jacobian_view(SMALL, kind).frame
        assert np.all(f["measured"] <= f["product"] * (1 + 1e-9))
    lin = jacobian_view(replace(SMALL, T=30), "linear").frame
    np.testing.assert_allclose(lin["measured"], lin["rho_power"], rtol=1e-9)
    np.testing.assert_allclose(lin["product"], lin["rho_power"], rtol=1e-9)


def test_jacobian_view_measures_the_same_first_seed_as_the_profile():
    p = gradient_profile(replace(SMALL, models=("gru",)))
    first = p.curves.query("wrt == 'h' and seed == @SMALL.seed").sort_values("distance")["norm"].to_numpy()
    np.testing.assert_allclose(jacobian_view(SMALL, "gru").frame["measured"], first, rtol=1e-12)


def test_phase_diagram_for_linear_cell_is_rho_to_the_distance():
    df = phase_diagram(replace(SMALL, T=40), "linear")
    np.testing.assert_allclose(df["log10_norm"], df["distance"] * np.log10(df["rho"]), atol=1e-8)
    assert df["distance"].nunique() <= 60


def test_forget_arithmetic_matches_the_seed():
    a = forget_arithmetic(501, bias=4.6)
    assert a.query("f == '0.99' and distance == 500")["value"].item() == pytest.approx(0.99 ** 500)
    assert 0.006 < 0.99 ** 500 < 0.007


def test_adding_batch_has_two_markers_and_the_right_target():
    x, y = adding_batch(torch.Generator().manual_seed(0), 16, 20)
    assert torch.all(x[..., 1].sum(1) == 2)
    torch.testing.assert_close(y[:, 0], (x[..., 0] * x[..., 1]).sum(1))


def test_clipping_keeps_the_run_finite_where_the_plain_one_explodes():
    run = clipping_run(1.5, 1.0, seed=0)
    assert run.diverged["no clipping"] is not None
    assert run.diverged["clipped at 1"] is None
    clipped = run.frame[run.frame["run"] == "clipped at 1"]
    assert np.isfinite(clipped["loss"]).all() and clipped["loss"].iloc[-20:].mean() < 1.0


def test_notes_and_charts_are_built_from_the_numbers():
    p = gradient_profile(replace(SMALL, models=("tanh", "lstm", "linear", "attention")))
    table = summary(p, 2)
    text = notes.horizons(table, p, 2, "x")
    h = int(table.query("model == 'tanh' and wrt == 'x'")["horizon"].item())
    assert f"**{h}** steps for the tanh RNN" in text
    assert "0.0066" in notes.forget(p, forget_arithmetic(12, 1.0))
    claim = notes.claim(table, p, 2, "x")
    assert f"after {h} steps" in claim and "self-attention" in claim


def test_float32_norm_reads_zero_where_float64_still_has_about_1e_minus_22():
    """The reason this page runs in float64, measured: float32's norm underflows (squares of ~1e-23),
    well before the gradient's entries do."""
    p = gradient_profile(GradientSetup(models=("tanh",), T=250, n_seeds=1, seed=0))
    row = p.float32.iloc[0]
    assert 1e-25 < row.float64_there < 1e-19
    assert row.entries_zero_at is None or row.entries_zero_at > row.norm_zero_at + 30
    first = p.curves.query("wrt == 'h'").sort_values("distance")["norm"].to_numpy()
    assert first[int(row.norm_zero_at)] == row.float64_there


def test_each_tanh_step_is_capped_by_w_norm_times_its_largest_slope():
    f = jacobian_view(replace(SMALL, init="gaussian", T=30), "tanh").frame.dropna(subset=["step_norm"])
    assert np.all(f["step_norm"] <= f["step_bound"] * (1 + 1e-12))
    g = jacobian_view(replace(SMALL, T=30), "tanh").frame.dropna(subset=["step_norm"])
    np.testing.assert_allclose(g["step_norm"], g["step_bound"], rtol=1e-9)   # ‖D·ρQ‖ = ρ·max(D) exactly


def test_step_norms_in_chunks_equal_one_batched_spectral_norm(monkeypatch):
    """Building the step Jacobians a few steps at a time (bounded memory) changes nothing."""
    from core.gradients import estimate
    full = jacobian_view(replace(SMALL, T=30), "lstm").frame
    monkeypatch.setattr(estimate, "JACOBIAN_CHUNK_BYTES", 1)          # one step per chunk
    chunked = jacobian_view(replace(SMALL, T=30), "lstm").frame
    np.testing.assert_allclose(chunked["step_norm"], full["step_norm"], rtol=1e-10, equal_nan=True)
    w = make_cell(replace(SMALL, T=30).spec("gru", SMALL.seed))
    run = unroll(w, torch.randn(1, 30, 8, dtype=torch.float64))
    jac = step_jacobians(w, run.h[0], None, {k: v[0] for k, v in run.gates.items()})
    from core.gradients.jacobians import spectral_norms
    torch.testing.assert_close(spectral_norms(jac), torch.linalg.matrix_norm(jac, ord=2), rtol=1e-9, atol=1e-12)


def test_a_bounded_jacobian_view_covers_the_first_distances_and_says_so():
    view = jacobian_view(replace(SMALL, T=30), "tanh", distances=6)
    assert view.covered == 6 and not view.complete
    f = view.frame
    assert f["step_norm"].iloc[1:6].notna().all() and f["step_norm"].iloc[7:].isna().all()
    assert f["measured"].notna().all()                                   # the gradient itself is complete
    text = notes.jacobian(view)
    assert "cover distances 0–5 of 29" in text and not re.search(r"\b(inf|nan)\b", text)


def test_overflowing_products_stay_finite_in_the_notes():
    """A product of step norms past float64's range is written as a power of ten, never 'inf'."""
    from core.gradients.jacobians import JacobianView
    d = np.arange(400)
    frame = pd.DataFrame({"distance": d, "step_norm": np.r_[np.nan, np.full(399, 10.0)],
                          "step_bound": np.nan, "product": np.r_[1.0, np.cumprod(np.full(399, 10.0))],
                          "measured": 10.0 ** np.minimum(d, 300), "w_power": np.nan, "rho_power": 2.0 ** d})
    text = notes.jacobian(JacobianView("lstm", frame, 3.0, 400))
    assert not re.search(r"\b(inf|nan)\b", text) and "$10^{399}$" in text and "99 decades below" in text
    assert notes.sci(float("inf")).startswith("beyond float64")


def test_clipping_divergence_is_described_from_the_recorded_numbers():
    run = clipping_run(1.5, 1.0, seed=0)
    div = run.divergence["no clipping"]
    plain = run.frame[run.frame["run"] == "no clipping"]
    assert div.step == plain["step"].iloc[-1] == run.diverged["no clipping"]
    last = plain.iloc[-1]
    assert div.what == ("loss" if not np.isfinite(last.loss) else "gradient norm")
    assert div.largest_norm == plain["grad_norm"][np.isfinite(plain["grad_norm"])].max()
    text = notes.clipping(run)
    assert f"became non-finite at step {div.step}" in text and f"the {div.what}" in text
    assert not re.search(r"\b(inf|nan)\b", text)


def test_budget_refuses_before_running_and_names_both_limits():
    from core.config import GRADMEM_BUDGET, BudgetError
    heavy = GradientSetup(T=1000, n_hidden=256, n_seeds=8)
    with pytest.raises(BudgetError) as err:
        gradient_profile(heavy)
    msg = str(err.value)
    assert "1 GiB" in msg and f"{GRADMEM_BUDGET.max_seconds:g} s" in msg and "per-request budget" in msg
    with pytest.raises(BudgetError):
        phase_diagram(GradientSetup(T=1000, n_hidden=256, n_seeds=1), "lstm")
