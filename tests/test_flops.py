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


@pytest.mark.parametrize("method", ["rnncell_loop", "lstmcell_loop", "rnn_fused", "gru_fused", "mha"])
@pytest.mark.parametrize("mode", ["forward", "train"])
def test_the_timed_step_matches_torch_flop_counter(method, mode):
    """On the very callable the timing lab times (the counter cannot see inside the fused CPU
    LSTM and SDPA kernels; their formulas are the cell loop's and MultiheadAttention's)."""
    from core.timing.sweep import make_work

    B, T, d = 3, 7, 16
    work = make_work(method, B, T, d, 4, mode)
    with FlopCounterMode(display=False) as counter:
        work()
    assert counter.get_total_flops() == flops(method, B, T, d, mode)


def test_a_training_step_is_less_than_three_forwards():
    """The step differentiates the weights only: x·W_ih has one backward matmul, not two."""
    B, T, d = 2, 10, 16
    assert flops("rnn_fused", B, T, d, "train") == (10 * T - 2) * B * d * d
    assert 3 * flops("rnn_fused", B, T, d) / flops("rnn_fused", B, T, d, "train") == pytest.approx(120 / 98)
    assert flops("lstm_fused", B, T, d, "train") == 4 * flops("rnn_fused", B, T, d, "train")
    assert flops("sdpa", B, T, d, "train") == flops("mha", B, T, d, "train") < 3 * flops("mha", B, T, d)


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
