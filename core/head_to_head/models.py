"""The five contestants, each mapping tokens (B, T) to logits (B, T, V), at matched parameter counts.

    rnn, lstm, gru   `core.attention.training.RecurrentLM`: embedding → one nn.RNN / nn.LSTM / nn.GRU
                     layer of width N → linear read-out; the LSTM's forget gate and the GRU's update
                     gate start with a bias (`gate_bias`), the usual remedy for early forgetting
    mingru           embedding → `mingru_layers` pre-norm blocks (x + minGRU(LN x), x + MLP(LN x)) →
                     read-out, as in Feng et al. 2024; one minGRU layer alone has no recurrent weight
                     and its gates see only the current token, so it cannot latch a position
    transformer      `core.attention.transformer.TinyTransformer`, causal, learned positions

`width_for(kind, target)` picks the width whose parameter count is closest to `target`;
`count(kind, width)` is the closed form, checked against the built model by the tests.
"""
from __future__ import annotations

from functools import lru_cache

import torch
from torch import nn

from core.attention.training import RecurrentLM, recurrent_params
from core.attention.transformer import TinyTransformer, TransformerConfig
from core.config import H2H, H2H_MODELS
from core.head_to_head.tasks import VOCAB_SIZE
from core.train_loop import param_count

RECURRENT = ("rnn", "lstm", "gru", "mingru")


def mingru_available() -> bool:
    try:
        import core.scan.mingru  # noqa: F401
    except ImportError:
        return False
    return True


def available() -> tuple[str, ...]:
    """The contestants this checkout can build (minGRU comes from the recurrence chapter)."""
    return tuple(k for k in H2H_MODELS if k != "mingru" or mingru_available())


class MinGRULM(nn.Module):
    """tokens (B, T) → embedding (B, T, W) → blocks of minGRU + MLP → logits (B, T, V)."""

    def __init__(self, width: int, layers: int = H2H.mingru_layers, vocab: int = VOCAB_SIZE):
        super().__init__()
        from core.scan.mingru import MinGRU

        self.kind = "mingru"
        self.tok = nn.Embedding(vocab, width)
        self.norms = nn.ModuleList(nn.LayerNorm(width) for _ in range(2 * layers))
        self.cells = nn.ModuleList(MinGRU(width, width) for _ in range(layers))
        self.mlps = nn.ModuleList(nn.Sequential(nn.Linear(width, 2 * width), nn.GELU(), nn.Linear(2 * width, width))
                                  for _ in range(layers))
        self.ln_f = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab)
        self.mode = "parallel"

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.tok(tokens)                                                   # (B, T, W)
        for i, (cell, mlp) in enumerate(zip(self.cells, self.mlps)):
            x = x + cell(self.norms[2 * i](x), mode=self.mode)[0]
            x = x + mlp(self.norms[2 * i + 1](x))
        return self.head(self.ln_f(x))                                         # (B, T, V)


def _transformer_config(width: int, max_len: int = H2H.max_len, pe: str = "learned") -> TransformerConfig:
    return TransformerConfig(vocab=VOCAB_SIZE, width=width, layers=H2H.transformer_layers,
                             heads=H2H.transformer_heads, max_len=max_len, pe=pe)


def count(kind: str, width: int) -> int:
    """Parameters of `build(kind, width)` in closed form."""
    V = VOCAB_SIZE
    if kind in ("rnn", "lstm", "gru"):
        return recurrent_params(kind, width, 1, V)
    if kind == "mingru":
        from core.scan.mingru import mingru_params

        L, W = H2H.mingru_layers, width
        block = mingru_params(W, W) + 2 * (2 * W) + (W * 2 * W + 2 * W) + (2 * W * W + W)
        return V * W + L * block + 2 * W + W * V + V
    if kind == "transformer":
        W, L = width, H2H.transformer_layers
        block = 4 * W * W + 4 * W + 2 * 2 * W + 2 * (2 * W * W) + 3 * W
        return V * W + H2H.max_len * W + L * block + 2 * W + W * V + V
    raise ValueError(f"model must be one of {', '.join(H2H_MODELS)}; got {kind!r}")


def transformer_count(width: int, positions: bool = True) -> int:
    """The transformer's parameters, with or without its H2H.max_len learned positions."""
    return count("transformer", width) - (0 if positions else H2H.max_len * width)


@lru_cache(maxsize=64)
def width_for(kind: str, target: int = H2H.target_params, positions: bool = True) -> int:
    """The width whose parameter count is closest to the transformer's nearest to `target`.

    The transformer's width moves in steps of its head count, so it is placed first and every
    recurrent model is matched to its actual count. `positions=False` matches without the learned
    positions (the throughput sweep, whose transformer uses sinusoidal ones).
    """
    step = H2H.transformer_heads
    tw = min(range(step, 513, step), key=lambda w: abs(transformer_count(w, positions) - target))
    if kind == "transformer":
        return tw
    goal = transformer_count(tw, positions)
    return min(range(2, 1025), key=lambda w: abs(count(kind, w) - goal))


def build(kind: str, width: int, seed: int = 0, gate_bias: float | None = None,
          max_len: int = H2H.max_len, pe: str = "learned") -> nn.Module:
    """A fresh model; `seed` fixes its initial weights without touching the global RNG afterwards.

    `max_len` and `pe` are changed only by the throughput sweep: long T with sinusoidal positions,
    so the transformer's parameter count does not grow with T (the added work is the same).
    """
    if kind not in H2H_MODELS:
        raise ValueError(f"model must be one of {', '.join(H2H_MODELS)}; got {kind!r}")
    if kind == "mingru" and not mingru_available():
        raise ValueError("minGRU is not available in this checkout (it comes with the recurrence chapter)")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if kind == "transformer":
            return TinyTransformer(_transformer_config(width, max_len, pe))
        if kind == "mingru":
            return MinGRULM(width)
        model = RecurrentLM(kind, width, 1, VOCAB_SIZE)
    bias = dict(H2H.gate_bias).get(kind, 0.0) if gate_bias is None else gate_bias
    set_gate_bias(model, bias)
    return model


@torch.no_grad()
def set_gate_bias(model: nn.Module, bias: float) -> None:
    """LSTM: forget gate (chunk 1 of i, f, g, o); GRU: update gate z (chunk 1 of r, z, n), h = (1−z)n + z h.

    A positive bias starts the gate near 1, so the cell keeps its state by default.
    """
    if getattr(model, "kind", None) not in ("lstm", "gru"):
        return
    rnn = model.rnn
    n = rnn.hidden_size
    rnn.bias_ih_l0[n:2 * n] = bias
    rnn.bias_hh_l0[n:2 * n] = 0.0


def described(kind: str, target: int = H2H.target_params) -> dict:
    """Width, parameter count and its gap to the target, for the page's table."""
    w, goal = width_for(kind, target), count("transformer", width_for("transformer", target))
    n = count(kind, w)
    return {"model": kind, "width": w, "parameters": n, "vs_transformer": n / goal - 1}


def check_count(model: nn.Module, kind: str, width: int) -> int:
    n = param_count(model)
    if n != count(kind, width):
        raise AssertionError(f"{kind}: built {n} parameters, closed form {count(kind, width)}")
    return n
