"""Positional encodings against their closed form; the permutation test's equivariance to 1e-6."""
import math

import numpy as np
import pytest
import torch

from core.attention.order import permutation_test, shuffle_order
from core.attention.positional import cosine_by_distance, diagonal_spread, encoding, sinusoidal, sinusoidal_torch
from core.frames import block_frame, block_mean
from core.attention.training import make_model


def test_sinusoidal_matches_vaswani_formula():
    pe = sinusoidal(50, 16)
    for p, i in [(0, 0), (7, 3), (49, 7), (13, 5)]:
        angle = p / 10000 ** (2 * i / 16)
        assert pe[p, 2 * i] == pytest.approx(math.sin(angle))
        assert pe[p, 2 * i + 1] == pytest.approx(math.cos(angle))
    np.testing.assert_allclose(pe[0], np.tile([0.0, 1.0], 8))
    assert sinusoidal(5, 7).shape == (5, 7)
    np.testing.assert_allclose(sinusoidal(5, 7), sinusoidal(5, 8)[:, :7])


def test_numpy_and_torch_encodings_are_one_formula():
    np.testing.assert_allclose(sinusoidal_torch(33, 20).numpy(), sinusoidal(33, 20))
    assert sinusoidal_torch(4, 6, dtype=torch.float32).dtype == torch.float32
    model = make_model("transformer", 64, 2, pe="sinusoidal")
    np.testing.assert_allclose(model.positional(), sinusoidal(24, 64), atol=1e-6)


def test_sinusoidal_similarity_depends_only_on_the_offset():
    enc = encoding("sinusoidal", 40, 32)
    assert diagonal_spread(enc.similarity) < 1e-10
    assert enc.similarity[3, 3] == pytest.approx(16.0)          # D/2 pairs of sin² + cos²
    # and it is largest at offset 0: nearby positions look alike
    assert np.all(enc.similarity[10, 10] >= enc.similarity[10])
    near, far = cosine_by_distance(enc.matrix)
    assert near > far


def test_none_and_learned_encodings():
    none = encoding("none", 6, 4)
    assert not none.matrix.any() and not none.similarity.any()
    learned = np.arange(12.0).reshape(3, 4)
    enc = encoding("learned", 99, 99, learned)
    np.testing.assert_allclose(enc.similarity, learned @ learned.T)
    with pytest.raises(ValueError, match="comes from a trained model"):
        encoding("learned", 6, 4)
    with pytest.raises(ValueError, match="positions must be between 2 and 512"):
        encoding("sinusoidal", 1000, 4)


def test_block_mean_averages_and_caps_the_size():
    m = np.arange(16.0).reshape(4, 4)
    agg, br, bc = block_mean(m, 2)
    np.testing.assert_allclose(agg, [[2.5, 4.5], [10.5, 12.5]])
    assert (br, bc) == (2, 2)
    big = block_frame(np.ones((500, 300)), "position", "dimension", 64)[0]
    assert big["position"].nunique() <= 64 and big["dimension"].nunique() <= 64
    assert np.allclose(big["value"], 1.0)          # padding is ignored, not averaged in
    assert big["position_to"].max() == 499


def test_shuffle_never_returns_the_identity():
    for seed in range(50):
        p = shuffle_order(2, seed)
        assert sorted(p) == [0, 1] and list(p) != [0, 1]


def test_permutation_equivariance_without_pe_and_its_breakers():
    model = make_model("transformer", 32, 2, 4, "learned", seed=5)
    ids = [3, 1, 4, 1, 5, 9, 2, 6, 18, 7]
    res = permutation_test(model, ids, seed=1)
    gaps = res.table["max |difference|"].tolist()
    assert gaps[0] < 1e-6                            # no PE, no mask: outputs are just shuffled
    assert gaps[1] > 1e-3 and gaps[2] > 1e-3         # the causal mask or an encoding break it
    assert gaps[3] > 1e-3                            # the RNN's final state changes
    assert res.moved > 0
    # the shared model was not touched
    assert next(model.parameters()).dtype == torch.float32
