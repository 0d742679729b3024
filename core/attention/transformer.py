"""A tiny causal transformer for the synthetic tasks, and a trace of its attention.

Pre-norm blocks (x + attn(LN x), then x + MLP(LN x)), as in GPT-2 / nanoGPT.
The attention layer stores its weights in nn.MultiheadAttention's layout, so
`core.attention.multihead.attend` — the written-out math — runs on the trained weights;
`trace` replays the forward pass through it and keeps every intermediate,
and a test checks it against the fast path (`F.scaled_dot_product_attention`).

The model maps tokens (B, T) to logits (B, T, V), the interface every model
in `core.attention.training` shares.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from core.attention.multihead import AttentionSteps, AttentionWeights, attend, closeness
from core.attention.positional import sinusoidal_torch
from core.attention.tasks import VOCAB, decode, encode
from core.device import one_thread

PE_KINDS = ("learned", "sinusoidal", "none")


@dataclass(frozen=True)
class TransformerConfig:
    vocab: int = len(VOCAB)
    width: int = 64          # D
    layers: int = 2
    heads: int = 4           # H; Dh = D / H
    max_len: int = 24        # the longest T with a positional encoding
    pe: str = "learned"      # "learned", "sinusoidal" or "none"
    causal: bool = True
    mlp_ratio: int = 2

    def check(self) -> "TransformerConfig":
        if self.pe not in PE_KINDS:
            raise ValueError(f"positional encoding must be one of {', '.join(PE_KINDS)}; got {self.pe!r}")
        if self.width % self.heads:
            raise ValueError(f"width {self.width} does not split into {self.heads} heads")
        return self


class SelfAttention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * width, width))   # [W_Q; W_K; W_V]
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * width))
        self.out_proj = nn.Linear(width, width)
        nn.init.xavier_uniform_(self.in_proj_weight)

    def weights(self) -> AttentionWeights:
        return AttentionWeights(self.in_proj_weight, self.in_proj_bias, self.out_proj.weight, self.out_proj.bias)

    def forward(self, x: torch.Tensor, causal: bool) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = (x @ self.in_proj_weight.T + self.in_proj_bias).split(d, dim=-1)
        q, k, v = (m.view(b, t, self.heads, d // self.heads).transpose(1, 2) for m in (q, k, v))  # (B, H, T, Dh)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=causal)                           # (B, H, T, Dh)
        return self.out_proj(y.transpose(1, 2).reshape(b, t, d))                                 # (B, T, D)


class Block(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.width)
        self.attn = SelfAttention(cfg.width, cfg.heads)
        self.ln2 = nn.LayerNorm(cfg.width)
        self.mlp = nn.Sequential(nn.Linear(cfg.width, cfg.mlp_ratio * cfg.width), nn.GELU(),
                                 nn.Linear(cfg.mlp_ratio * cfg.width, cfg.width))

    def forward(self, x: torch.Tensor, causal: bool) -> torch.Tensor:
        x = x + self.attn(self.ln1(x), causal)
        return x + self.mlp(self.ln2(x))


class TinyTransformer(nn.Module):
    """tokens (B, T) → logits (B, T, V)."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.cfg = cfg.check()
        self.tok = nn.Embedding(cfg.vocab, cfg.width)
        if cfg.pe == "learned":
            self.pos = nn.Parameter(0.02 * torch.randn(cfg.max_len, cfg.width))
        else:
            pe = (sinusoidal_torch(cfg.max_len, cfg.width, dtype=torch.float32) if cfg.pe == "sinusoidal"
                  else torch.zeros(cfg.max_len, cfg.width))
            self.register_buffer("pos", pe, persistent=False)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.ln_f = nn.LayerNorm(cfg.width)
        self.head = nn.Linear(cfg.width, cfg.vocab)

    def embed(self, tokens: torch.Tensor, with_pe: bool = True) -> torch.Tensor:
        t = tokens.shape[-1]
        if t > self.cfg.max_len:
            raise ValueError(f"the model has positions for T ≤ {self.cfg.max_len}; got T = {t}")
        x = self.tok(tokens)                                                                      # (B, T, D)
        return x + self.pos[:t] if with_pe else x

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.embed(tokens)
        for block in self.blocks:
            x = block(x, self.cfg.causal)
        return self.head(self.ln_f(x))                                                            # (B, T, V)

    def positional(self) -> np.ndarray:
        """(max_len, D) the positional encoding the model adds (zeros for "none")."""
        return self.pos.detach().double().numpy().copy()


@dataclass(frozen=True)
class Trace:
    """One sequence through the written-out math.

    layers  one AttentionSteps per layer (numpy): weights (H, T, T), ...
    logits  (T, V)
    hidden  (T, D) the last block's output, before the final LayerNorm
    """

    layers: tuple[AttentionSteps, ...]
    logits: np.ndarray
    hidden: np.ndarray


def run_blocks(model: TinyTransformer, x: torch.Tensor, causal: bool, scaled: bool = True):
    """Blocks over x (T, D) through `core.attention.attend`; returns (steps per layer, hidden (T, D))."""
    steps = []
    for block in model.blocks:
        s = attend(block.ln1(x), block.attn.weights(), block.attn.heads, causal, scaled)
        x = x + s.output
        x = x + block.mlp(block.ln2(x))
        steps.append(s)
    return steps, x


@one_thread()
@torch.no_grad()
def trace(model: TinyTransformer, ids: list[int], causal: bool | None = None, scaled: bool = True) -> Trace:
    """Every attention intermediate for one token sequence (T,). `causal=None` uses the model's own."""
    x = model.embed(torch.tensor([ids]))[0]                                                       # (T, D)
    steps, h = run_blocks(model, x, model.cfg.causal if causal is None else causal, scaled)
    logits = model.head(model.ln_f(h))
    return Trace(tuple(s.numpy() for s in steps), logits.double().numpy(), h.double().numpy())


@torch.no_grad()
def greedy(model: TinyTransformer, full_ids: torch.Tensor, slots: list[int]) -> torch.Tensor:
    """Fill the answer slots of (B, T+1) streams one at a time with the model's argmax.

    The model reads its own earlier answers, as it would at inference; returns (B, T+1).
    """
    out = full_ids.clone()
    for s in slots:
        logits = model(out[:, :-1])                                                               # (B, T, V)
        out[:, s] = logits[:, s - 1].argmax(-1)
    return out


def float64_copy(model: nn.Module) -> nn.Module:
    """A private double-precision copy: the cached model is shared and never mutated."""
    return copy.deepcopy(model).double()


@dataclass(frozen=True)
class Analysis:
    """The reader's input through a trained model.

    example    the task instance with the true answer (core.tasks.Example)
    predicted  (T+1,) the stream with the model's own greedy answers
    trace      attention of every layer on the predicted stream (what the model read)
    closeness  (L, H) attention mass on the task's ideal keys, per layer and head
    """

    example: object
    predicted: tuple[str, ...]
    trace: Trace
    closeness: np.ndarray

    @property
    def correct(self) -> np.ndarray:
        """(answers,) bool, one per answer slot."""
        return np.array([self.predicted[s] == self.example.full[s] for s in self.example.slots])


@one_thread()
def analyse(model: TinyTransformer, ex, causal: bool | None = None, scaled: bool = True) -> Analysis:
    """Greedy answers for an Example, then the attention trace on the stream the model read."""
    full = torch.tensor([encode(ex.full)])
    pred = decode(greedy(model, full, list(ex.slots))[0])
    tr = trace(model, encode(pred[:-1]), causal, scaled)
    score = np.stack([closeness(s.weights, ex.ideal) for s in tr.layers])
    return Analysis(ex, pred, tr, score)
