"""Forgetting measures against closed forms and states whose contents are known."""
import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F

import core.memory.probes as probes_module

from core.memory.probes import (
    ATTENTION, MODEL_NAMES, decodability, decodability_vs_size, memory_span, positional_read,
    probe_accuracy, ridge_weights, sensitivity,
)

G = torch.Generator().manual_seed(0)
V = 10


def _split(feats, labels, frac=0.75):
    n = int(len(feats) * frac)
    return feats[:n], labels[:n], feats[n:], labels[n:]


def test_ridge_equals_least_squares_on_the_augmented_system():
    a = torch.randn(300, 6, generator=G, dtype=torch.float64)
    y = torch.randint(4, (300, 2), generator=G)
    lam = 0.3
    w = ridge_weights(a, y, 4, lam)
    a1 = torch.cat([a, torch.ones(300, 1, dtype=torch.float64)], 1)
    lam_abs = lam * torch.diagonal(a1.T @ a1)[:-1].mean()
    penalty = torch.cat([torch.eye(6, dtype=torch.float64) * lam_abs.sqrt(), torch.zeros(6, 1, dtype=torch.float64)], 1)
    target = F.one_hot(y, 4).reshape(300, 8).double()
    ref = torch.linalg.lstsq(torch.cat([a1, penalty]), torch.cat([target, torch.zeros(6, 8, dtype=torch.float64)])).solution
    torch.testing.assert_close(w, ref, rtol=1e-4, atol=1e-5)   # the wide product is summed in float32


def test_probe_reads_the_current_token_from_a_one_hot_state_perfectly():
    ids = torch.randint(V, (4000,), generator=G)
    state = F.one_hot(ids, V).float() + 0.01 * torch.randn(4000, V, generator=G)
    acc = probe_accuracy(*_split(state, ids[:, None]), V)
    assert acc[0] == 1.0


def test_probe_is_at_chance_on_pure_noise():
    ids = torch.randint(V, (8000, 1), generator=G)
    acc = probe_accuracy(*_split(torch.randn(8000, 32, generator=G), ids), V)[0]
    assert abs(acc - 1 / V) < 4 * np.sqrt(0.1 * 0.9 / 2000)


def test_shift_register_state_is_read_exactly_as_far_back_as_it_holds():
    """A state holding one-hots of the last 3 tokens: accuracy 1 for k < 3, chance beyond."""
    seq = torch.randint(V, (6000,), generator=G)
    t = torch.arange(10, 6000)
    state = torch.cat([F.one_hot(seq[t - j], V) for j in range(3)], 1).float()            # (S, 3V)
    labels = torch.stack([seq[t - k] for k in range(6)], 1)                                 # (S, 6)
    acc = probe_accuracy(*_split(state, labels), V)
    np.testing.assert_array_equal(acc[:3], 1.0)
    assert np.all(np.abs(acc[3:] - 1 / V) < 0.03)


def test_linear_rnn_sensitivity_is_rho_to_the_power_t_minus_one():
    """h_t = ρQ h_{t−1} + W x_t: only x_1 differs, so Δh_t = (ρQ)^{t−1} Δh_1 and ‖Δh_t‖ = ρ^{t−1}‖Δh_1‖."""
    rho = 0.8
    df = sensitivity(16, rho, 0.0, seed=1, length=20, n_seqs=8, kinds=("linear",), attention=False)
    assert set(df["model"]) == {MODEL_NAMES["linear"]} and set(df["sequences"]) == {8}
    np.testing.assert_allclose(df["trace"], rho ** np.arange(20), rtol=1e-4)


def test_attention_cache_keeps_the_first_token_and_rnn_loses_it():
    df = sensitivity(16, 1.0, 1.0, seed=0, length=40, n_seqs=16, kinds=("tanh",))
    cache = df[df.model == ATTENTION]["trace"].to_numpy()
    assert cache[0] == 1.0 and np.all(np.diff(cache) >= -1e-6)        # ‖ΔZ_≤t‖ can only grow
    rnn = df[df.model == MODEL_NAMES["tanh"]]["trace"].to_numpy()
    assert rnn[-1] < 0.5


def test_positional_head_points_at_t_minus_k():
    t = 60
    eye = torch.eye(t)[None]                                                                # z_s = e_s: reads show weights
    positions = torch.arange(30, 46)
    for k in (0, 1, 7, 30):
        w = positional_read(eye, positions, k)[0]                                           # (P, T)
        assert torch.equal(w.argmax(1), positions - k)
        assert w.max(1).values.min() > 0.95
        assert float(w[:, positions.max() + 1:].sum()) == 0.0                              # causal


def test_decodability_shapes_and_attention_stays_flat():
    d = decodability(16, 1.0, 1.0, seed=0, kmax=12, n_seqs=400)
    acc = d.accuracy
    assert d.chance == pytest.approx(1 / V)
    assert set(acc.model) == {*(MODEL_NAMES[k] for k in ("tanh", "lstm", "gru")), ATTENTION}
    rnn = acc[acc.model == MODEL_NAMES["tanh"]].set_index("k")["accuracy"]
    assert list(rnn.index) == list(range(13)) and rnn[0] > 0.5 and rnn[12] < rnn[0]
    attn = acc[acc.model == ATTENTION]["accuracy"]
    assert attn.min() > 0.9 and attn.max() - attn.min() < 0.1


def test_vs_size_frame_and_span():
    df = decodability_vs_size("tanh", 1.0, 1.0, seed=0, kmax=6, sizes=(8, 16), n_seqs=200)
    assert set(df["N"]) == {8, 16} and len(df) == 14
    frame = pd.DataFrame({"model": ["a"] * 4 + ["b"] * 4, "k": [0, 1, 2, 3] * 2,
                          "accuracy": [1.0, 0.5, 0.12, 0.3, 1.0, 0.9, 0.8, 0.7]})
    assert memory_span(frame, 0.1, margin=0.05) == {"a": 2, "b": None}


def test_limits_are_named():
    with pytest.raises(ValueError, match="probe sequences"):
        decodability(16, 1.0, 1.0, 0, n_seqs=10**6)
    with pytest.raises(ValueError, match="largest distance k"):
        decodability(16, 1.0, 1.0, 0, kmax=10**4)


def test_runs_on_one_thread_and_restores_the_count():
    seen = []
    before = torch.get_num_threads()
    original = probes_module.cell_states

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return original(*args, **kwargs)

    probes_module.cell_states = spy
    try:
        sensitivity(8, 1.0, 1.0, 0, length=5, n_seqs=4, kinds=("tanh",), attention=False)
    finally:
        probes_module.cell_states = original
    assert seen == [1] and torch.get_num_threads() == before


def test_the_four_parts_together_are_the_joint_computation():
    """The page computes the section model by model; the oracle is probes' run of all four at once."""
    from core.memory import forgetting
    from core.memory.setup import ForgettingSetup

    fs = ForgettingSetup(cell="gru", n_hidden=16, rho=1.1, forget_bias=2.0, input_scale=0.8, kmax=6, seed=3)
    sens, dec = forgetting.combine([forgetting.run_part(p) for p in forgetting.parts_of(fs)])
    joint_sens = sensitivity(16, 1.1, 2.0, 3, 100, 0.8)
    joint_dec = decodability(16, 1.1, 2.0, 3, 6, 0.8)
    pd.testing.assert_frame_equal(sens, joint_sens)
    pd.testing.assert_frame_equal(dec.accuracy, joint_dec.accuracy)
    assert dec.chance == joint_dec.chance


def test_each_part_keys_only_the_settings_its_model_reads():
    from core.memory import forgetting
    from core.memory.setup import ForgettingSetup

    base = forgetting.parts_of(ForgettingSetup(n_hidden=16, kmax=6))
    other_cell = forgetting.parts_of(ForgettingSetup(cell="lstm", n_hidden=16, kmax=6))
    assert other_cell == base                                   # the cell chosen in the main view: no part
    bias = forgetting.parts_of(ForgettingSetup(n_hidden=16, kmax=6, forget_bias=3.0))
    assert [a == b for a, b in zip(base, bias)] == [True, False, True, True]   # the LSTM alone
    rho = forgetting.parts_of(ForgettingSetup(n_hidden=16, kmax=6, rho=1.2))
    assert [a == b for a, b in zip(base, rho)] == [False, False, False, True]  # not attention
    # and a part run with its defaults is the same as with the setting it does not read
    lstm_free = forgetting.run_part(bias[0])
    pd.testing.assert_frame_equal(lstm_free[0], forgetting.run_part(base[0])[0])
    with_bias = sensitivity(16, float(bias[0].rho), 3.0, bias[0].seed, 100, float(bias[0].input_scale),
                            kinds=("tanh",), attention=False)
    pd.testing.assert_frame_equal(lstm_free[0], with_bias)
