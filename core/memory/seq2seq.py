"""Encoder–decoder GRUs with and without attention, reversing digit sequences (claim C8).

Both variants share every layer but the context c_i the decoder reads at answer step i:

    plain      c_i = h_S, the encoder's final state, at every step (Cho et al. 2014): the whole
               source squeezed into one vector of N numbers
    attention  c_i = Σ_j α_ij h_j,  α_i = softmax_j(e_ij),  e_ij = vᵀ tanh(W s_{i−1} + U h_j)
               (Bahdanau, Cho & Bengio 2015, eq. 5–6 and appendix A.1.2)

Encoder: embedding (E) → GRU (N) over the source digits x_1..x_S, states h (B, S, N).
Decoder: s_0 = h_S; s_i = GRUCell([emb(y_{i−1}); c_i], s_{i−1}); logits_i = Linear([s_i; c_i]).
It runs exactly S steps (the answer is as long as the source): teacher-forced in training,
greedy at evaluation. Trained on lengths SEQ2SEQ.train_lo..train_hi, evaluated on a fixed
seeded set per length inside and past that range. Seeds are explicit (local generators).

Retrain a shipped checkpoint from scratch (one thread, as shipped):

    python -m core.memory.seq2seq --variant attention --out assets/checkpoints/seq2seq_attention.pt
    python -m core.memory.seq2seq --variant plain --out assets/checkpoints/seq2seq_plain.pt
"""
from __future__ import annotations

import argparse
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from core.config import SEQ2SEQ as L
from core.device import one_thread
from core.assets import CHECKPOINTS
from core.train_loop import TrainResult, TrainSettings, frozen, param_count, run_steps

RECORD = CHECKPOINTS / "seq2seq.json"
BOS = L.digits                      # the decoder's start token, after the digits 0..9


class BahdanauAttention(nn.Module):
    """e_ij = vᵀ tanh(W s_{i−1} + U h_j); α_i = softmax over the S source positions."""

    def __init__(self, dec: int, enc: int, width: int):
        super().__init__()
        self.W = nn.Linear(dec, width, bias=False)
        self.U = nn.Linear(enc, width, bias=False)
        self.v = nn.Linear(width, 1, bias=False)

    def forward(self, s: torch.Tensor, h: torch.Tensor, uh: torch.Tensor | None = None):
        """s (B, N) previous decoder state, h (B, S, N) encoder states, uh = U h (B, S, A) if
        precomputed. Returns context (B, N) and weights α (B, S), rows summing to 1."""
        uh = self.U(h) if uh is None else uh
        e = self.v((self.W(s)[:, None, :] + uh).tanh_()).squeeze(-1)        # (B, S)
        alpha = torch.softmax(e, dim=-1)
        return torch.bmm(alpha[:, None, :], h).squeeze(1), alpha             # (B, N), (B, S)


class Seq2Seq(nn.Module):
    """variant "plain" or "attention"; source (B, S) digits → logits (B, S, 10)."""

    def __init__(self, variant: str, embed: int = L.embed, hidden: int = L.hidden, attn: int = L.attn_width):
        super().__init__()
        if variant not in L.variants:
            raise ValueError(f"variant must be one of {', '.join(L.variants)}; got {variant!r}")
        self.variant = variant
        self.src_emb = nn.Embedding(L.digits, embed)
        self.encoder = nn.GRU(embed, hidden, batch_first=True)
        self.tgt_emb = nn.Embedding(L.digits + 1, embed)                    # digits and BOS
        self.attention = BahdanauAttention(hidden, hidden, attn) if variant == "attention" else None
        self.cell = nn.GRUCell(embed + hidden, hidden)
        self.out = nn.Linear(2 * hidden, L.digits)

    def encode(self, src: torch.Tensor) -> torch.Tensor:
        """src (B, S) → encoder states h (B, S, N); h[:, -1] is the final state h_S."""
        return self.encoder(self.src_emb(src))[0]

    def decode(self, h: torch.Tensor, target: torch.Tensor | None = None, steps: int | None = None):
        """Decode from encoder states h (B, S, N): teacher-forced on target (B, S) if given, else
        greedy for `steps` (default S). Returns logits (B, steps, 10) and α (B, steps, S) (plain:
        all weight on the last position, which is what it reads)."""
        b, s_len, _ = h.shape
        steps = target.shape[1] if target is not None else (steps or s_len)
        s = h[:, -1]                                                          # (B, N) s_0 = h_S
        uh = self.attention.U(h) if self.attention is not None else None     # (B, S, A) once per source
        prev = torch.full((b,), BOS, dtype=torch.long, device=h.device)
        last = F.one_hot(torch.full((b,), s_len - 1), s_len).to(h.dtype)     # (B, S) the plain read
        logits, alphas = [], []
        for i in range(steps):
            if self.attention is None:
                c, alpha = h[:, -1], last
            else:
                c, alpha = self.attention(s, h, uh)
            s = self.cell(torch.cat([self.tgt_emb(prev), c], -1), s)          # (B, N)
            logits.append(self.out(torch.cat([s, c], -1)))                    # (B, 10)
            alphas.append(alpha)
            prev = target[:, i] if target is not None else logits[-1].argmax(-1)
        return torch.stack(logits, 1), torch.stack(alphas, 1)

    def forward(self, src: torch.Tensor, target: torch.Tensor | None = None) -> torch.Tensor:
        return self.decode(self.encode(src), target)[0]


def make_model(variant: str, seed: int = 0) -> Seq2Seq:
    """A fresh model whose initial weights depend on `seed` only (the global RNG is left as it was)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return Seq2Seq(variant)


def make_batch(n: int, batch: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """`batch` random sources of n digits (B, n) and their reversals (B, n)."""
    src = torch.randint(0, L.digits, (batch, n), generator=g)
    return src, src.flip(-1)


# ---------------------------------------------------------------- training
@dataclass(frozen=True, kw_only=True)
class TrainConfig(TrainSettings):
    """One encoder–decoder's run (`seed` seeds the model's init and the data stream)."""

    variant: str = "attention"
    steps: int = L.steps.default
    batch: int = L.batch.default
    lr: float = L.learning_rate.default
    clip: float = L.clip_norm.default

    def check(self) -> "TrainConfig":
        if self.variant not in L.variants:
            raise ValueError(f"variant must be one of {', '.join(L.variants)}; got {self.variant!r}")
        self.check_within(L.steps, L.batch, L.learning_rate, L.clip_norm)
        return self


def train(cfg: TrainConfig, progress: Callable[[int, int, float], None] | None = None,
          stop: threading.Event | None = None) -> tuple[Seq2Seq, TrainResult]:
    """Train a fresh model on reversal, one random length in train_lo..train_hi per batch.
    AdamW with cosine decay to 10 %, gradient norm clipped; `progress(step, steps, loss)`."""
    cfg.check()
    model = make_model(cfg.variant, cfg.seed)
    g = torch.Generator().manual_seed(cfg.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: 0.1 + 0.45 * (1 + np.cos(np.pi * min(k / cfg.steps, 1.0))))
    clip = cfg.clip if cfg.clip > 0 else float("inf")

    def batch_loss() -> torch.Tensor:
        n = int(torch.randint(L.train_lo, L.train_hi + 1, (1,), generator=g))
        src, tgt = make_batch(n, cfg.batch, g)
        return F.cross_entropy(model(src, tgt).flatten(0, 1), tgt.flatten())

    return model, run_steps(model, batch_loss, opt, sched, cfg.steps, clip, progress, stop)


# ---------------------------------------------------------------- evaluation
def eval_lengths() -> list[int]:
    return list(range(L.eval_lo, L.eval_hi + 1))


@torch.inference_mode()
def evaluate(model: Seq2Seq, lengths: list[int] | None = None, per_length: int = L.eval_per_length.default,
             seed: int = L.eval_seed) -> pd.DataFrame:
    """Greedy decoding on a fixed set: per length n, `per_length` sources drawn from a generator
    seeded with seed + n (the same set whatever other lengths are asked for).
    Returns rows (n, exact_match, token_accuracy, trained: n inside the training range)."""
    L.eval_per_length.check(per_length)
    rows = []
    with one_thread():
        for n in lengths or eval_lengths():
            src, tgt = make_batch(n, per_length, torch.Generator().manual_seed(seed + n))
            ok = model.decode(model.encode(src))[0].argmax(-1) == tgt          # (B, n)
            rows.append((n, float(ok.all(1).float().mean()), float(ok.float().mean()),
                         L.train_lo <= n <= L.train_hi))
    return pd.DataFrame(rows, columns=["n", "exact_match", "token_accuracy", "trained"])


@dataclass(frozen=True)
class Accuracy:
    """A model's evaluate() frame, how long it took (s, one thread) and the model's size."""

    variant: str
    by_length: pd.DataFrame
    seconds: float
    parameters: int
    hidden: int


def accuracy(model: Seq2Seq, per_length: int = L.eval_per_length.default) -> Accuracy:
    start = time.perf_counter()
    df = evaluate(model, per_length=per_length)
    return Accuracy(model.variant, df, time.perf_counter() - start, param_count(model), model.encoder.hidden_size)


def parse_digits(text: str) -> tuple[int, ...]:
    """The reader's sequence: digits 0–9, optionally separated by spaces or commas."""
    if len(text) > L.max_chars:
        raise ValueError(f"the sequence is {len(text):,} characters; the limit is {L.max_chars} "
                         "characters")
    items = [c for c in text if not c.isspace() and c != ","]
    bad = sorted({c for c in items if c not in "0123456789"})
    if bad:
        raise ValueError(f"{', '.join(repr(c) for c in bad[:8])} {'is' if len(bad) == 1 else 'are'} not a digit: "
                         "type digits 0–9, with spaces or commas between them if you like")
    if not items:
        raise ValueError("the sequence is empty: type some digits 0–9")
    L.source_len.check(len(items))
    return tuple(int(c) for c in items)


@dataclass(frozen=True)
class Translation:
    """One source decoded greedily. output (S,) digits; alignment (S, S): row i is α_i over the
    source positions (plain: all on the last one); rows sum to 1."""

    source: tuple[int, ...]
    output: tuple[int, ...]
    alignment: np.ndarray

    @property
    def correct(self) -> bool:
        return self.output == self.source[::-1]


@torch.inference_mode()
def translate(model: Seq2Seq, source: tuple[int, ...]) -> Translation:
    L.source_len.check(len(source))
    with one_thread():
        logits, alpha = model.decode(model.encode(torch.tensor([source])))    # (1, S, 10), (1, S, S)
    return Translation(tuple(source), tuple(logits[0].argmax(-1).tolist()), alpha[0].numpy().copy())


# ---------------------------------------------------------------- checkpoints
def save_checkpoint(model: Seq2Seq, path: Path) -> None:
    """A plain dict of tensors and primitives, loadable with torch.load(weights_only=True)."""
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    torch.save({"variant": model.variant, "embed": model.src_emb.embedding_dim,
                "hidden": model.encoder.hidden_size, "attn": L.attn_width if model.attention is None
                else model.attention.v.in_features, "state_dict": state}, path)


def load_checkpoint(path: Path) -> Seq2Seq:
    """A shipped model in eval mode with frozen parameters (safe to share between sessions)."""
    blob = torch.load(path, map_location="cpu", weights_only=True)
    model = Seq2Seq(blob["variant"], blob["embed"], blob["hidden"], blob["attn"])
    model.load_state_dict(blob["state_dict"])
    return frozen(model)


def recorded() -> dict:
    """The shipped checkpoints' records: variant → file, accuracy per length, training time, command."""
    return json.loads(RECORD.read_text()) if RECORD.exists() else {}


def load_variant(variant: str) -> Seq2Seq:
    rec = recorded().get(variant)
    if rec is None:
        raise ValueError(f"no shipped seq2seq checkpoint for {variant!r}; train one with "
                         f"python -m core.memory.seq2seq --variant {variant}")
    return load_checkpoint(CHECKPOINTS / rec["file"])


def _cli(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="Retrain a shipped seq2seq checkpoint from scratch.")
    p.add_argument("--variant", required=True, choices=L.variants)
    p.add_argument("--steps", type=int, default=L.steps.default)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", type=Path, default=None, help="default: assets/checkpoints/seq2seq_<variant>.pt")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    cfg = TrainConfig(variant=a.variant, steps=a.steps, seed=a.seed)
    every = max(1, cfg.steps // 20)
    model, result = train(cfg, lambda s, n, loss: print(f"step {s}/{n} loss {loss:.4f}", flush=True)
                          if s % every == 0 else None)
    out = a.out or CHECKPOINTS / f"seq2seq_{a.variant}.pt"
    out.parent.mkdir(parents=True, exist_ok=True)
    save_checkpoint(model, out)
    acc = accuracy(model)
    ev = acc.by_length
    print(ev.to_string(index=False))
    print(f"{a.variant}: {result.seconds:.1f} s training on {a.threads} thread(s), evaluation "
          f"{acc.seconds:.2f} s, {acc.parameters:,} parameters → {out}")
    if out.resolve().parent == CHECKPOINTS.resolve():
        records = recorded()
        records[a.variant] = {
            "file": out.name, "steps": cfg.steps, "batch": cfg.batch, "lr": cfg.lr, "clip": cfg.clip,
            "seed": a.seed, "threads": a.threads, "train_seconds": round(result.seconds, 1),
            "parameters": param_count(model), "embed": L.embed, "hidden": L.hidden,
            "train_lengths": [L.train_lo, L.train_hi], "eval_seed": L.eval_seed,
            "eval_per_length": L.eval_per_length.default, "by_length": ev.drop(columns="trained").to_dict("list"),
            "command": f"python -m core.memory.seq2seq --variant {a.variant} --out assets/checkpoints/{out.name}",
        }
        RECORD.write_text(json.dumps(records, indent=1) + "\n")


if __name__ == "__main__":
    _cli()
