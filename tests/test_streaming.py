"""core/streaming.py: the KV-cache decode step against full causal attention (F.scaled_dot_product_attention)."""
import pytest
import torch
import torch.nn.functional as F

from core.price import streaming
from core.config import PRICE


def test_cached_step_equals_causal_attention_row_by_row():
    g = torch.Generator().manual_seed(1)
    B, H, T, Dh = 2, 4, 33, 8
    q, k, v = (torch.randn(B, H, T, Dh, generator=g) for _ in range(3))
    full = F.scaled_dot_product_attention(q, k, v, is_causal=True)          # (B, H, T, Dh)
    k_cache, v_cache = torch.zeros(B, H, T, Dh), torch.zeros(B, H, T, Dh)
    for t in range(T):
        k_cache[:, :, t], v_cache[:, :, t] = k[:, :, t], v[:, :, t]
        step = streaming.attend_step(q[:, :, t : t + 1], k_cache, v_cache, t)
        assert torch.allclose(step[:, :, 0], full[:, :, t], atol=1e-5)


def test_decoder_layer_decodes_token_by_token_like_its_full_pass():
    torch.manual_seed(0)
    d, heads, T = 32, 4, 20
    layer = streaming.DecoderLayer(d, heads).eval()
    x = torch.randn(1, T, d)
    with torch.no_grad():
        full = layer(x)                                                      # (B, T, d)
        k_cache, v_cache = torch.zeros(1, heads, T, d // heads), torch.zeros(1, heads, T, d // heads)
        rows = [layer.step(x[:, t : t + 1], k_cache, v_cache, t) for t in range(T)]
    assert torch.allclose(torch.cat(rows, dim=1), full, atol=1e-5)
    # the last row, as the streaming measurement uses it
    assert torch.allclose(rows[-1][:, 0], full[:, -1], atol=1e-5)


def test_decoder_layer_is_causal():
    torch.manual_seed(0)
    layer = streaming.DecoderLayer(16, 2).eval()
    x = torch.randn(1, 10, 16)
    y = x.clone()
    y[:, 7:] += 1.0  # change the future only
    with torch.no_grad():
        assert torch.allclose(layer(x)[:, :7], layer(y)[:, :7], atol=1e-6)


@pytest.mark.parametrize("d", [16, 64, 256])
def test_decoder_parameter_closed_form_matches_the_module(d):
    assert streaming.decoder_parameters(d) == sum(p.numel() for p in streaming.DecoderLayer(d, 4).parameters())
    assert streaming.decoder_parameters(d, 3) == 3 * streaming.decoder_parameters(d)


def test_state_bytes():
    assert streaming.state_bytes("lstm", 10_000, 128) == 2 * 128 * 4             # h and c, any T
    assert streaming.state_bytes("kv_cache", 1000, 128, layers=2) == 2 * 2 * 1000 * 128 * 4
    assert streaming.state_bytes("recompute", 1000, 128) == 1000 * 128 * 4
    with pytest.raises(ValueError, match="kind must be"):
        streaming.state_bytes("mamba", 1, 1)


def test_stream_points_are_measured_and_refused_past_limits():
    for kind in streaming.KINDS:
        row = streaming.stream_point(kind, 16, 32)
        assert row["T"] == 16 and 0 < row["p25_s"] <= row["median_s"] <= row["p75_s"]
        assert row["state_bytes"] == streaming.state_bytes(kind, 16, 32)
    with pytest.raises(ValueError, match="longest context.*limit"):
        streaming.stream_point("kv_cache", PRICE.ctx_max.hi + 1, 32)
    with pytest.raises(ValueError, match="divisible"):
        streaming.stream_point("kv_cache", 16, 50)
    with pytest.raises(ValueError, match="width d"):
        streaming.stream_point("lstm", 16, 4)


def test_token_flops_match_torchs_flop_counter(monkeypatch):
    """FlopCounterMode counts matmuls but not the fused CPU attention kernel, so attention is
    swapped for the written-out version (same result, tested in test_price) while counting."""
    from torch.utils.flop_counter import FlopCounterMode

    from core.price.costs import materialised_attention

    monkeypatch.setattr(streaming.F, "scaled_dot_product_attention",
                        lambda q, k, v, is_causal=False: materialised_attention(q, k, v, is_causal))
    d, heads, T = 32, 4, 40
    layer = streaming.DecoderLayer(d, heads).eval()
    k_cache, v_cache = torch.randn(1, heads, T + 1, d // heads), torch.randn(1, heads, T + 1, d // heads)
    with torch.no_grad(), FlopCounterMode(display=False) as step:
        layer.step(torch.randn(1, 1, d), k_cache, v_cache, T)
    assert step.get_total_flops() == streaming.token_flops("kv_cache", T, d)
    with torch.no_grad(), FlopCounterMode(display=False) as full:
        layer(torch.randn(1, T + 1, d))
    # written out, causal attention still multiplies all (T+1)² pairs; the model counts the half it needs
    assert full.get_total_flops() - 2 * (T + 1) ** 2 * d == streaming.token_flops("recompute", T, d)
    assert streaming.token_flops("lstm", T, d) == 16 * d * d
