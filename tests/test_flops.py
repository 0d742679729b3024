"""FLOP formulas against hand counts and torch's own FLOP counter."""
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from core.flops import crossover_T, flops, forward_flops, sequential_steps


def test_rnn_hand_count():
    # B=2, T=3, d=4: per step two (2×4)@(4×4) matmuls = 2 · 2·2·4·4 = 128; × 3 steps
    assert forward_flops("rnncell_loop", 2, 3, 4) == 384
    assert forward_flops("lstm_fused", 2, 3, 4) == 4 * 384
    assert forward_flops("gru_fused", 2, 3, 4) == 3 * 384


def test_attention_hand_count():
    B, T, d = 1, 5, 8
    assert forward_flops("mha", B, T, d) == 8 * T * d * d + 4 * T * T * d


def test_train_is_three_forwards():
    assert flops("rnn_fused", 2, 10, 16, "train") == 3 * flops("rnn_fused", 2, 10, 16)


def _counted(module, *args):
    with FlopCounterMode(display=False) as counter:
        module(*args)
    return counter.get_total_flops()


def test_rnncell_loop_matches_torch_flop_counter():
    B, T, d = 3, 7, 16
    cell = torch.nn.RNNCell(d, d)
    x = torch.randn(B, T, d)

    def loop(x):
        h = torch.zeros(B, d)
        for t in range(T):
            h = cell(x[:, t], h)
        return h

    assert _counted(loop, x) == forward_flops("rnncell_loop", B, T, d)


def test_attention_matches_torch_flop_counter():
    B, T, d, H = 2, 9, 16, 4
    qkv, out = torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)

    def attn(x):
        q, k, v = qkv(x).view(B, T, 3, H, d // H).permute(2, 0, 3, 1, 4)
        # Written out (the counter does not see inside the fused CPU SDPA kernel).
        w = torch.softmax(q @ k.transpose(-2, -1) / (d // H) ** 0.5, dim=-1)  # (B, H, T, T)
        y = w @ v                                                              # (B, H, T, Dh)
        return out(y.transpose(1, 2).reshape(B, T, d))

    assert _counted(attn, torch.randn(B, T, d)) == forward_flops("sdpa", B, T, d)


def test_sequential_steps_and_crossover():
    assert sequential_steps("rnncell_loop", 512) == 512
    assert sequential_steps("mha", 512) == 1
    d = 64
    T = crossover_T(d)
    assert 4 * T * T * d == pytest.approx(8 * T * d * d)


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown method"):
        forward_flops("mamba", 1, 1, 1)
