"""The written-out attention against torch's own: nn.MultiheadAttention and F.scaled_dot_product_attention."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.attention.multihead import (AttentionWeights, attend, causal_mask, closeness, closeness_frame, entropy,
                            entropy_frame, gradient_by_distance, grid_frame, max_entropy, random_demo, random_weights, step_table,
                            previous_token, uniform_baseline, weighted_sum_table)


def _copied_mha(w: AttentionWeights, heads: int, dtype) -> torch.nn.MultiheadAttention:
    mha = torch.nn.MultiheadAttention(w.width, heads, batch_first=True, dtype=dtype)
    with torch.no_grad():
        mha.in_proj_weight.copy_(w.in_w)
        mha.in_proj_bias.copy_(w.in_b)
        mha.out_proj.weight.copy_(w.out_w)
        mha.out_proj.bias.copy_(w.out_b)
    return mha


def _inputs(t=7, d=16, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    w = random_weights(d, seed, dtype)
    # non-zero biases, so the oracle checks them too
    w = AttentionWeights(w.in_w, 0.1 * torch.randn(3 * d, generator=g, dtype=dtype), w.out_w,
                         0.1 * torch.randn(d, generator=g, dtype=dtype))
    return torch.randn(t, d, generator=g, dtype=dtype), w


@pytest.mark.parametrize("heads", [1, 2, 4])
@pytest.mark.parametrize("causal", [False, True])
def test_equals_nn_multihead_attention(heads, causal):
    x, w = _inputs()
    ours = attend(x, w, heads, causal)
    mask = causal_mask(x.shape[0]) if causal else None
    out, avg = _copied_mha(w, heads, torch.float32)(x[None], x[None], x[None], attn_mask=mask,
                                                    need_weights=True, average_attn_weights=True)
    torch.testing.assert_close(ours.output, out[0], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(ours.weights.mean(0), avg[0], atol=1e-5, rtol=1e-5)
    _, per_head = _copied_mha(w, heads, torch.float32)(x[None], x[None], x[None], attn_mask=mask,
                                                       average_attn_weights=False)
    torch.testing.assert_close(ours.weights, per_head[0], atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("scaled", [True, False])
def test_heads_equal_scaled_dot_product_attention(causal, scaled):
    x, w = _inputs(t=9, d=32)
    s = attend(x, w, 4, causal, scaled)
    ref = F.scaled_dot_product_attention(s.q, s.k, s.v, is_causal=causal, scale=None if scaled else 1.0)
    torch.testing.assert_close(s.heads, ref, atol=1e-5, rtol=1e-5)
    assert s.scaled_by == (1 / math.sqrt(8) if scaled else 1.0)


def test_every_intermediate_follows_the_formula():
    x, w = _inputs(t=5, d=8, dtype=torch.float64)
    s = attend(x, w, 2, causal=True).numpy()
    assert s.q.shape == (2, 5, 4) and s.weights.shape == (2, 5, 5) and s.concat.shape == (5, 8)
    np.testing.assert_allclose(s.scores, s.q @ s.k.transpose(0, 2, 1))
    np.testing.assert_allclose(s.scaled, s.scores / 2.0)                 # √Dh = √4
    np.testing.assert_allclose(s.weights.sum(-1), 1.0, atol=1e-12)
    assert np.all(s.weights[:, np.triu_indices(5, 1)[0], np.triu_indices(5, 1)[1]] == 0.0)
    assert np.all(np.isneginf(s.masked[:, 0, 1:]))
    np.testing.assert_allclose(s.heads, s.weights @ s.v)
    np.testing.assert_allclose(s.concat[:, 4:], s.heads[1])              # head 2 fills columns 4..7
    np.testing.assert_allclose(s.output, s.concat @ w.out_w.numpy().T + w.out_b.numpy())


def test_step_table_is_one_row_of_the_steps():
    s = random_demo(6, 2, causal=True, scaled=True, seed=3)
    table = step_table(s, head=1, query=3, labels=list("abcdef"))
    np.testing.assert_allclose(table["q·k"], s.q[1, 3] @ s.k[1].T)
    e = np.exp(table["after mask"] - table["after mask"].max())
    np.testing.assert_allclose(table["softmax weight"], e / e.sum())
    assert (table["softmax weight"][4:] == 0).all()
    vec = weighted_sum_table(s, 1, 3)
    np.testing.assert_allclose(vec["output Σ w·v"], table["softmax weight"].to_numpy() @ s.v[1])
    with pytest.raises(ValueError, match="head must be between 0 and 1"):
        step_table(s, 2, 0, list("abcdef"))


def test_dropping_the_scale_saturates_the_softmax():
    scaled = random_demo(32, 4, causal=False, scaled=True, seed=0)
    raw = random_demo(32, 4, causal=False, scaled=False, seed=0)
    np.testing.assert_allclose(raw.scores, scaled.scores)                # same Q and K
    assert np.all(entropy(raw.weights) < entropy(scaled.weights))
    assert np.all(entropy(scaled.weights) <= math.log(32) + 1e-12)
    frame = entropy_frame(entropy(scaled.weights), entropy(raw.weights))
    assert len(frame) == 8 and set(frame["head"]) == {"1", "2", "3", "4"}


def test_entropy_closed_forms():
    uniform = np.full((1, 5, 5), 0.2)
    assert entropy(uniform)[0] == pytest.approx(math.log(5))
    assert entropy(np.eye(5)[None])[0] == pytest.approx(0.0)


@pytest.mark.parametrize("t", [1, 2, 7, 32, 64])
def test_the_causal_entropy_ceiling_is_the_mean_of_ln_t(t):
    """Row t of a causal map sees t keys: uniform over them is the most entropy it can have."""
    causal_uniform = np.tril(np.ones((t, t)))
    causal_uniform /= causal_uniform.sum(-1, keepdims=True)
    closed_form = sum(math.log(k) for k in range(1, t + 1)) / t
    assert entropy(causal_uniform[None])[0] == pytest.approx(closed_form)
    assert max_entropy(t, True) == pytest.approx(closed_form)
    assert max_entropy(t, False) == pytest.approx(math.log(t))
    assert max_entropy(32, True) == pytest.approx(2.5487, abs=1e-4)


def test_random_causal_heads_stay_under_the_causal_ceiling():
    for scaled in (True, False):
        w = random_demo(32, 4, causal=True, scaled=scaled, seed=3).weights
        assert np.all(entropy(w) <= max_entropy(32, True) + 1e-12)


def test_heads_must_divide_the_width_and_limits_are_named():
    x, w = _inputs(d=16)
    with pytest.raises(ValueError, match="does not split into 3 heads"):
        attend(x, w, 3)
    with pytest.raises(ValueError, match="positions T must be between 2 and 64"):
        random_demo(100, 4, False, True, 0)


def test_closeness_of_the_ideal_is_one_and_of_uniform_is_its_share():
    ideal = np.zeros((4, 4))
    ideal[2, 0] = 1.0
    ideal[3, [0, 1]] = 0.5
    assert closeness(ideal[None], ideal)[0] == pytest.approx(1.0)
    # causal uniform: row 2 sees 3 keys (1 ideal), row 3 sees 4 keys (2 ideal)
    assert uniform_baseline(ideal, causal=True) == pytest.approx((1 / 3 + 2 / 4) / 2)
    frame = closeness_frame([np.stack([ideal, np.full((4, 4), 0.25)])], ideal)
    assert list(frame["head"]) == ["1", "2", "mean"]
    assert frame["closeness"].tolist() == pytest.approx([1.0, 0.375, 0.6875])


def test_grid_frame_is_tidy_with_a_mean_head():
    w = random_demo(3, 2, True, True, 0).weights
    f = grid_frame([w, w], None, ["a", "b", "a"])
    assert len(f) == 2 * 3 * 9 and set(f["head"]) == {"1", "2", "mean"}
    assert set(f["key label"]) == {"0:a", "1:b", "2:a"}
    mean = f[(f["head"] == "mean") & (f["layer"] == 2)].sort_values(["query", "key"])["weight"]
    np.testing.assert_allclose(mean, w.mean(0).ravel())


def test_gradient_by_distance_is_flat_for_attention_and_decays_for_the_rnn():
    df = gradient_by_distance(48, 4, causal=True, seed=0)
    att = df[df["model"].str.startswith("attention")].set_index("distance")["gradient norm"]
    rnn = df[df["model"].str.startswith("tanh")].set_index("distance")["gradient norm"]
    assert len(att) == len(rnn) == 48
    far = att[att.index >= 1]
    assert far.max() / far.min() < 100              # one step from every position
    assert rnn[1] / rnn[47] > 1e6                   # 47 multiplications by a Jacobian


def test_gradient_by_distance_matches_finite_differences():
    """Oracle: (u·y_T)(x + ε e) − (u·y_T)(x − ε e) over 2ε, for one input row and direction."""
    t, d, seed = 5, 64, 3
    df = gradient_by_distance(t, 2, causal=False, seed=seed)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(t, d, generator=g, dtype=torch.float64)
    u = torch.randn(d, generator=torch.Generator().manual_seed(seed + 2), dtype=torch.float64)
    u = u / u.norm()
    w = random_weights(d, seed + 1)

    def f(z):
        return float(attend(z, w, 2, False).output[-1] @ u)

    eps, row = 1e-6, 1
    grad = torch.zeros(d, dtype=torch.float64)
    for i in range(d):
        e = torch.zeros(t, d, dtype=torch.float64)
        e[row, i] = eps
        grad[i] = (f(x + e) - f(x - e)) / (2 * eps)
    att = df[df["model"].str.startswith("attention")].set_index("distance")["gradient norm"]
    assert att[t - 1 - row] == pytest.approx(float(grad.norm()), rel=1e-6)


def test_previous_token_score():
    shifted = np.eye(5, k=-1)
    shifted[0, 0] = 1.0
    w = np.stack([shifted, np.full((5, 5), 0.2)])
    assert previous_token(w).tolist() == pytest.approx([1.0, 0.2])
