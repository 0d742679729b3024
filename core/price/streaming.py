"""Streaming (C15): the cost of one new token after T tokens of context.

    lstm        one nn.LSTM step: the state (h, c) is 2·N floats per layer, whatever T is
    kv_cache    a transformer decoder layer with a KV cache: the new token's query reads
                T + 1 cached keys and values — O(T·d) work, 2·layers·T·d floats kept
    recompute   the same layer without a cache: re-run the whole causal prefix of T + 1
                tokens and keep its last row — O(T²·d + T·d²) work per token

The decoder layer is pre-norm (x + Attn(LN(x)), then + MLP(LN(·))), causal, one layer;
the LSTM has width N = d, one layer, so both sides map d numbers to d numbers per token.
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from core.benchmark import measure
from core.config import PRICE
from core.device import resolve, synchronize

KINDS = {"lstm": "LSTM step", "kv_cache": "KV cache", "recompute": "no cache"}


class DecoderLayer(torch.nn.Module):
    """One pre-norm causal transformer layer of width d with `heads` heads (d % heads == 0)."""

    def __init__(self, d: int, heads: int):
        super().__init__()
        if d % heads:
            raise ValueError(f"width d = {d} must be divisible by heads = {heads}")
        self.heads = heads
        self.ln1, self.ln2 = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
        self.qkv, self.proj = torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(d, 4 * d), torch.nn.GELU(), torch.nn.Linear(4 * d, d))

    def _qkv(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        B, T, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(B, T, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        return q, k, v                                                      # 3 × (B, H, T, Dh)

    def _finish(self, x: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        B, H, T, Dh = a.shape
        x = x + self.proj(a.transpose(1, 2).reshape(B, T, H * Dh))          # (B, T, d)
        return x + self.mlp(self.ln2(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Full causal pass: (B, T, d) → (B, T, d); row t sees tokens 0..t."""
        q, k, v = self._qkv(x)
        return self._finish(x, F.scaled_dot_product_attention(q, k, v, is_causal=True))

    def step(self, x_t: torch.Tensor, k_cache: torch.Tensor, v_cache: torch.Tensor, pos: int) -> torch.Tensor:
        """Decode token `pos`: x_t (B, 1, d) → (B, 1, d).

        Writes its key and value into k_cache[:, :, pos] and v_cache[:, :, pos]
        (caches (B, H, T_max, Dh), positions 0..pos-1 already filled) and attends over 0..pos.
        """
        q, k, v = self._qkv(x_t)                                            # 3 × (B, H, 1, Dh)
        k_cache[:, :, pos : pos + 1] = k
        v_cache[:, :, pos : pos + 1] = v
        return self._finish(x_t, attend_step(q, k_cache, v_cache, pos))


def attend_step(q: torch.Tensor, k_cache: torch.Tensor, v_cache: torch.Tensor, pos: int) -> torch.Tensor:
    """One query (B, H, 1, Dh) against cached keys/values 0..pos (no mask needed: the future is not there)."""
    return F.scaled_dot_product_attention(q, k_cache[:, :, : pos + 1], v_cache[:, :, : pos + 1])


def decoder_parameters(d: int, layers: int = 1) -> int:
    """Parameters of `layers` DecoderLayers of width d: QKV 3d² + 3d, output d² + d, MLP 8d² + 5d,
    two LayerNorms 4d — 12·d² + 13·d each (checked against the module in the tests)."""
    return layers * (12 * d * d + 13 * d)


def token_flops(kind: str, T: int, d: int) -> int:
    """Matmul FLOPs (2 per multiply-add) of the token after T tokens of context, one layer:
    LSTM 16·d²; cached decoder 24·d² for its projections and MLP + 4·(T+1)·d to read the cache;
    no cache (T+1)·24·d² + 2·(T+1)²·d (causal: half of the (T+1)² score and mixing products)."""
    if kind == "lstm":
        return 16 * d * d
    if kind == "kv_cache":
        return 24 * d * d + 4 * (T + 1) * d
    if kind == "recompute":
        return (T + 1) * 24 * d * d + 2 * (T + 1) ** 2 * d
    raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")


def state_bytes(kind: str, T: int, d: int, layers: int = 1, bytes_per_value: int = 4) -> int:
    """What must be kept between tokens after T tokens: LSTM 2·N per layer; KV cache 2·T·d per layer;
    no cache: the T previous token vectors (T·d), to re-run them."""
    if kind == "lstm":
        return 2 * layers * d * bytes_per_value
    if kind == "kv_cache":
        return 2 * layers * T * d * bytes_per_value
    if kind == "recompute":
        return T * d * bytes_per_value
    raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")


def _work(kind: str, T: int, d: int, heads: int, dev: torch.device) -> Callable[[], None]:
    """A zero-argument call that processes the token after T tokens of context (weights: caller's RNG)."""
    x_t = torch.randn(1, 1, d).to(dev)                                      # (B, 1, d)
    if kind == "lstm":
        lstm = torch.nn.LSTM(d, d, 1, batch_first=True).to(dev)
        h = torch.randn(1, 1, d).to(dev)                                    # (layers, B, N)
        run = lambda: lstm(x_t, (h, h))  # noqa: E731
    else:
        layer = DecoderLayer(d, heads).to(dev)
        if kind == "kv_cache":
            k_cache = torch.randn(1, heads, T + 1, d // heads).to(dev)      # (B, H, T+1, Dh)
            v_cache = torch.randn(1, heads, T + 1, d // heads).to(dev)
            run = lambda: layer.step(x_t, k_cache, v_cache, T)  # noqa: E731
        else:
            prefix = torch.randn(1, T + 1, d).to(dev)                       # (B, T+1, d)
            run = lambda: layer(prefix)[:, -1]  # noqa: E731

    def work() -> None:
        with torch.inference_mode():
            run()
        synchronize(dev)
    return work


def stream_point(kind: str, T: int, d: int, device: str = "cpu", threads: int = 1, seed: int = 0) -> dict:
    """Median latency (IQR) of the token after T tokens of context, and the state kept, as one row."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    PRICE.width.check(d)
    if not 1 <= T <= PRICE.ctx_max.hi:
        raise ValueError(f"context must be between 1 and {PRICE.ctx_max.hi} "
                         f"({PRICE.ctx_max.name}, the app's limit); got {T}")
    dev = resolve(device)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        work = _work(kind, T, d, PRICE.attn_heads, dev)
    s = measure(work, threads, PRICE.min_run_time, PRICE.repeats)
    stable = s.median_s > 0 and s.p75_s - s.p25_s <= PRICE.max_spread * s.median_s
    return {"kind": kind, "label": KINDS[kind], "T": T, "median_s": s.median_s, "p25_s": s.p25_s,
            "p75_s": s.p75_s, "stable": bool(stable), "state_bytes": state_bytes(kind, T, d)}


def estimate_point(kind: str, T: int, d: int) -> tuple[int, float]:
    """(bytes, seconds) of `stream_point` before it runs: FLOPs at PRICE.slow_flops plus fixed costs."""
    call = token_flops(kind, T, d) / PRICE.slow_flops + PRICE.call_s * (3 if kind != "lstm" else 1)
    kept = state_bytes("kv_cache", T, d) if kind != "lstm" else 0
    work = 4 * (T + 1) * 4 * d * (2 if kind == "recompute" else 0)
    return kept + work, 2 * call + max(PRICE.min_run_time, PRICE.repeats * call)
