"""Trajectories against oracles: torch's fused cells step by step (states and gates),
PCA on a matrix of known structure, the encoder layer written out by hand."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.cells import make_cell, to_torch_module, unroll
from core.memory.tokens import embed, tokenize
from core.memory.trajectories import (
    cell_spec, heads_for, pca, positional_encoding, step_metrics, trajectory, transformer_layer,
    transformer_states,
)

G = torch.Generator().manual_seed(0)


def _inputs(b=3, t=9, i=16):
    return torch.randn(b, t, i, generator=G, dtype=torch.float64)


def _torch_steps(mod, x):
    """Run torch's module one step at a time: h_t (and c_t) for every t, (B, T, N) each."""
    hs, cs, state = [], [], None
    for k in range(x.shape[1]):
        _, state = mod(x[:, k:k + 1], state)
        if isinstance(state, tuple):
            hs.append(state[0][0])
            cs.append(state[1][0])
        else:
            hs.append(state[0])
    return torch.stack(hs, 1), (torch.stack(cs, 1) if cs else None)


def test_lstm_states_and_gates_equal_torch():
    w = make_cell(cell_spec("lstm", 12, 0.9, 1.5, seed=2, input_scale=0.7))
    x = _inputs()
    ours = unroll(w, x)
    mod = to_torch_module(w)
    h_ref, c_ref = _torch_steps(mod, x)
    torch.testing.assert_close(ours.h, h_ref, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(ours.c, c_ref, rtol=1e-5, atol=1e-5)
    # Gates from torch's own weights and torch's own previous states (the documented LSTM equations).
    h_prev = torch.cat([torch.zeros_like(h_ref[:, :1]), h_ref[:, :-1]], 1)
    c_prev = torch.cat([torch.zeros_like(c_ref[:, :1]), c_ref[:, :-1]], 1)
    pre = F.linear(x, mod.weight_ih_l0, mod.bias_ih_l0) + F.linear(h_prev, mod.weight_hh_l0, mod.bias_hh_l0)
    i, f, g, o = pre.chunk(4, -1)
    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
    for name, ref in zip("ifgo", (i, f, g, o)):
        torch.testing.assert_close(ours.gates[name], ref, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(f * c_prev + i * g, c_ref, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(o * torch.tanh(c_ref), h_ref, rtol=1e-5, atol=1e-5)


def test_gru_states_and_gates_equal_torch():
    w = make_cell(cell_spec("gru", 10, 1.1, 0.0, seed=4, input_scale=1.0))
    x = _inputs()
    ours = unroll(w, x)
    mod = to_torch_module(w)
    h_ref, _ = _torch_steps(mod, x)
    torch.testing.assert_close(ours.h, h_ref, rtol=1e-5, atol=1e-5)
    h_prev = torch.cat([torch.zeros_like(h_ref[:, :1]), h_ref[:, :-1]], 1)
    gi = F.linear(x, mod.weight_ih_l0, mod.bias_ih_l0).chunk(3, -1)
    gh = F.linear(h_prev, mod.weight_hh_l0, mod.bias_hh_l0).chunk(3, -1)
    r, z = torch.sigmoid(gi[0] + gh[0]), torch.sigmoid(gi[1] + gh[1])
    n = torch.tanh(gi[2] + r * gh[2])
    for name, ref in zip("rzn", (r, z, n)):
        torch.testing.assert_close(ours.gates[name], ref, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close((1 - z) * n + z * h_prev, h_ref, rtol=1e-5, atol=1e-5)


def test_pca_recovers_known_components_and_variance():
    t, d = 200, 6
    q, _ = torch.linalg.qr(torch.randn(d, d, generator=G, dtype=torch.float64))
    u, _ = torch.linalg.qr(torch.randn(t, 3, generator=G, dtype=torch.float64))
    u = u - u.mean(0)                              # centred scores, so the known structure survives centring
    u, _ = torch.linalg.qr(u)
    s = torch.tensor([5.0, 3.0, 1.0], dtype=torch.float64)
    x = (u * s) @ q[:3] + torch.arange(d, dtype=torch.float64)          # rank 3 plus a mean offset
    p = pca(x, k=3)
    for j in range(3):
        assert abs(abs(float(p.components[j] @ q[j].numpy())) - 1) < 1e-9
    np.testing.assert_allclose(np.abs(p.scores), np.abs((u * s).numpy()), atol=1e-9)
    np.testing.assert_allclose(p.ratio, (s**2 / (s**2).sum()).numpy(), rtol=1e-9)
    assert p.ratio.sum() == pytest.approx(1.0)


def test_pca_ratios_sum_to_one_over_all_components_and_pad_past_the_rank():
    x = torch.randn(30, 5, generator=G, dtype=torch.float64)
    assert pca(x, k=5).ratio.sum() == pytest.approx(1.0)
    assert pca(x, k=3).ratio.sum() < 1.0
    two = pca(x[:2], k=3)                        # 2 points: rank 1
    assert two.ratio[0] == pytest.approx(1.0) and np.allclose(two.scores[:, 1:], 0, atol=1e-12)
    flat = pca(torch.ones(4, 3, dtype=torch.float64), k=2)
    assert np.all(flat.ratio == 0) and np.all(flat.scores == 0)


def test_step_metrics_match_their_definitions():
    h = torch.tensor([[1.0, 0.0], [0.0, 0.99], [-0.5, 0.5]], dtype=torch.float64)
    norm, sat, cos = step_metrics(h, None, lag=1)
    np.testing.assert_allclose(norm, [1.0, 0.99, math.sqrt(0.5)])
    np.testing.assert_allclose(sat, [0.5, 0.5, 0.0])
    assert math.isnan(cos[0])
    np.testing.assert_allclose(cos[1:], [0.0, 1 / math.sqrt(2)], atol=1e-12)
    _, sat_c, _ = step_metrics(h, torch.full_like(h, 3.0), lag=5)      # LSTM: tanh(c) saturates
    np.testing.assert_allclose(sat_c, [1.0, 1.0, 1.0])


def test_encoder_layer_equals_the_equations_written_out():
    x = _inputs(2, 7, 16)
    d = 8
    proj, layer = transformer_layer(16, d, seed=5)
    h = layer.self_attn.num_heads
    assert h == heads_for(d) == 4
    inp = x @ proj + positional_encoding(7, d)
    qkv = F.linear(inp, layer.self_attn.in_proj_weight, layer.self_attn.in_proj_bias)
    q, k, v = (t.reshape(2, 7, h, d // h).transpose(1, 2) for t in qkv.chunk(3, -1))  # (B, H, T, Dh)
    att = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(2, 7, d)
    a = layer.norm1(inp + layer.self_attn.out_proj(att))
    ref = layer.norm2(a + layer.linear2(F.relu(layer.linear1(a))))
    torch.testing.assert_close(transformer_states(x, d, seed=5), ref, rtol=1e-10, atol=1e-10)


def test_transformer_layer_is_causal_and_seeded():
    x = _inputs(1, 10, 16)
    z = transformer_states(x, 16, seed=1)
    x2 = x.clone()
    x2[0, 6] += 1.0
    z2 = transformer_states(x2, 16, seed=1)
    torch.testing.assert_close(z[0, :6], z2[0, :6])
    assert not torch.allclose(z[0, 6:], z2[0, 6:])
    torch.testing.assert_close(z, transformer_states(x, 16, seed=1))
    assert not torch.allclose(z, transformer_states(x, 16, seed=2))


def test_trajectory_runs_the_cell_on_the_embedded_tokens():
    tok = tokenize("the cat sat on the mat")
    tr = trajectory(tok, "lstm", 16, 1.0, 1.0, seed=3, lag=2, input_scale=0.5)
    t = len(tok.tokens)
    assert tr.h.shape == tr.c.shape == tr.z.shape == (t, 16)
    assert set(tr.gates) == {"i", "f", "g", "o"} and tr.gates["f"].shape == (t, 16)
    assert tr.pca.scores.shape == (t, 3) and tr.labels[3] == "␣"
    mod = to_torch_module(make_cell(cell_spec("lstm", 16, 1.0, 1.0, 3, 0.5)))
    ref, _ = mod(embed(tok, 16, 3)[None])
    np.testing.assert_allclose(tr.h, ref[0].detach().numpy(), atol=1e-10)
    assert tr.state_numbers == 32 and tr.attention_numbers == t * 16
    assert np.isnan(tr.cosine[:2]).all() and not np.isnan(tr.cosine[2:]).any()


def test_trajectory_refuses_values_past_the_limits():
    tok = tokenize("abc")
    with pytest.raises(ValueError, match="hidden units N"):
        trajectory(tok, "tanh", 100000, 1.0, 1.0, 0)
    with pytest.raises(ValueError, match="cell must be one of"):
        trajectory(tok, "transformer", 16, 1.0, 1.0, 0)
    with pytest.raises(ValueError, match="spectral radius"):
        trajectory(tok, "tanh", 16, 9.0, 1.0, 0)


def test_heatmap_blocks_average_and_stay_under_the_cell_limit():
    from core.memory.charts import blocks_frame
    m = np.arange(200 * 130, dtype=float).reshape(200, 130)
    df, bt, bu = blocks_frame(m, 64)
    assert (bt, bu) == (4, 3)
    assert df.t0.nunique() <= 64 and df.u0.nunique() <= 64
    first = df[(df.t0 == 1) & (df.u0 == 0)].value.item()
    assert first == pytest.approx(m[:4, :3].mean())
    last = df[(df.t0 == 197) & (df.u0 == 129)]
    assert last.value.item() == pytest.approx(m[196:, 129].mean()) and last.t1.item() == 200
    small, bt, bu = blocks_frame(m[:10, :5], 64)
    assert (bt, bu) == (1, 1) and len(small) == 50 and np.allclose(small.value, m[:10, :5].ravel())


def test_positional_encoding_is_the_attention_chapters_and_unchanged_for_every_slider_width():
    """One home for the sinusoid: the memory page's inputs keep their numbers (every N the slider
    reaches is a multiple of 8), written out from Vaswani et al. §3.5."""
    for t, d, base in ((7, 8, 10000.0), (50, 64, 10000.0), (30, 32, 500.0), (5, 256, 10000.0)):
        pos = torch.arange(t, dtype=torch.float64)[:, None]
        freq = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
        want = torch.zeros(t, d, dtype=torch.float64)
        want[:, 0::2], want[:, 1::2] = torch.sin(pos * freq), torch.cos(pos * freq)
        torch.testing.assert_close(positional_encoding(t, d, base), want, rtol=0, atol=0)
