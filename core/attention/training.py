"""One training loop for every sequence model on the synthetic tasks, and the shipped checkpoints.

Any model mapping tokens (B, T) to logits (B, T, V) trains here: the tiny
transformer, or `RecurrentLM` (RNN, LSTM, GRU) — `matched_width` picks a
recurrent width with about the transformer's parameter count, so a page can
race them on the same task. Seeds are explicit (model init and data each get
one), gradients are clipped, a callback reports progress and a
`threading.Event` stops the loop between steps.

Retrain a shipped checkpoint from scratch (one thread, as it was trained):

    python -m core.attention.training --task reverse
"""
from __future__ import annotations

import argparse
import json
import math
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from core.assets import CHECKPOINTS
from core.config import ATTENTION
from core.train_loop import TrainResult, TrainSettings, frozen, param_count, run_steps
from core.attention.tasks import IGNORE, VOCAB, eval_batches, make_batch, spec
from core.attention.transformer import TinyTransformer, TransformerConfig, greedy

RECORD = CHECKPOINTS / "checkpoints.json"
KINDS = ("transformer", "rnn", "lstm", "gru")


class RecurrentLM(nn.Module):
    """tokens (B, T) → embedding → nn.RNN / nn.LSTM / nn.GRU → logits (B, T, V)."""

    def __init__(self, kind: str, width: int, layers: int = 1, vocab: int = len(VOCAB)):
        super().__init__()
        self.kind = kind
        self.tok = nn.Embedding(vocab, width)
        cell = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.rnn = cell(width, width, num_layers=layers, batch_first=True)
        self.head = nn.Linear(width, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h, _ = self.rnn(self.tok(tokens))                                   # (B, T, N)
        return self.head(h)


def make_model(kind: str, width: int, layers: int, heads: int = 4, pe: str = "learned",
               seed: int = 0) -> nn.Module:
    """A fresh model; `seed` fixes its initial weights without touching the global RNG afterwards."""
    if kind not in KINDS:
        raise ValueError(f"model kind must be one of {', '.join(KINDS)}; got {kind!r}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if kind == "transformer":
            cfg = TransformerConfig(width=width, layers=layers, heads=heads, max_len=ATTENTION.max_len, pe=pe)
            return TinyTransformer(cfg)
        return RecurrentLM(kind, width, layers)


def recurrent_params(kind: str, width: int, layers: int = 1, vocab: int = len(VOCAB)) -> int:
    """RecurrentLM's parameter count in closed form: embedding, gates · (2N² + 2N) per layer, read-out."""
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    return vocab * width + layers * gates * (2 * width * width + 2 * width) + width * vocab + vocab


def matched_width(kind: str, target: int, layers: int = 1) -> int:
    """The recurrent width whose parameter count is closest to `target`."""
    return min(range(1, 1025), key=lambda n: abs(recurrent_params(kind, n, layers) - target))


@dataclass(frozen=True, kw_only=True)
class TrainConfig(TrainSettings):
    """A tiny transformer's run on one task (`seed` seeds the data stream)."""

    task: str = "reverse"
    steps: int = ATTENTION.train_steps.default
    batch: int = ATTENTION.train_batch.default
    lr: float = ATTENTION.learning_rate.default
    clip: float = ATTENTION.clip_norm.default
    warmup: int = 100
    optimizer: str = "adamw"                      # or "sgd": plain steps, where clipping shows directly

    def check(self) -> "TrainConfig":
        spec(self.task)
        self.check_within(ATTENTION.train_steps, ATTENTION.train_batch, ATTENTION.learning_rate, ATTENTION.clip_norm)
        if self.optimizer not in ("adamw", "sgd"):
            raise ValueError(f"optimizer must be adamw or sgd; got {self.optimizer!r}")
        return self


def _schedule(cfg: TrainConfig) -> Callable[[int], float]:
    """Linear warm-up, then cosine decay to 10 %."""
    def factor(step: int) -> float:
        if step < cfg.warmup:
            return (step + 1) / cfg.warmup
        frac = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
        return 0.1 + 0.45 * (1 + math.cos(math.pi * min(frac, 1.0)))
    return factor


def train(model: nn.Module, cfg: TrainConfig, progress: Callable[[int, int, float], None] | None = None,
          stop: threading.Event | None = None) -> TrainResult:
    """Train `model` in place on cfg.task; `progress(step, steps, loss)` after every step."""
    cfg.check()
    s = spec(cfg.task)
    g = torch.Generator().manual_seed(cfg.seed)
    opt = (torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01) if cfg.optimizer == "adamw"
           else torch.optim.SGD(model.parameters(), lr=cfg.lr))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _schedule(cfg))
    clip = cfg.clip if cfg.clip > 0 else float("inf")
    model.train()

    def batch_loss() -> torch.Tensor:
        n = int(torch.randint(s.lo, s.hi + 1, (1,), generator=g))
        batch = make_batch(cfg.task, n, cfg.batch, g)
        logits = model(batch.tokens)                                        # (B, T, V)
        return F.cross_entropy(logits.flatten(0, 1), batch.targets.flatten(), ignore_index=IGNORE)

    return run_steps(model, batch_loss, opt, sched, cfg.steps, clip, progress, stop)


@dataclass(frozen=True)
class EvalResult:
    token_accuracy: float       # answer tokens right, greedy decoding
    exact_match: float          # whole answers right
    by_length: pd.DataFrame     # n, token_accuracy, exact_match


@torch.no_grad()
def evaluate(model: nn.Module, task: str, seed: int = ATTENTION.eval_seed,
             size: int = ATTENTION.eval_size) -> EvalResult:
    """Greedy-decoding accuracy on a fixed seeded evaluation set."""
    was_training = model.training
    model.eval()
    rows, right, total, exact, count = [], 0, 0, 0, 0
    for b in eval_batches(task, seed, size):
        slots = b.slots
        full = torch.cat([b.tokens, b.targets[:, -1:]], 1)                 # (B, T+1) true streams
        pred = greedy(model, full, slots)
        ok = pred[:, slots] == full[:, slots]                              # (B, answers)
        rows.append((b.n, float(ok.float().mean()), float(ok.all(1).float().mean())))
        right, total = right + int(ok.sum()), total + ok.numel()
        exact, count = exact + int(ok.all(1).sum()), count + ok.shape[0]
    model.train(was_training)
    return EvalResult(right / total, exact / count,
                      pd.DataFrame(rows, columns=["n", "token_accuracy", "exact_match"]))


# ---------------------------------------------------------------- checkpoints
def save_checkpoint(model: TinyTransformer, path: Path) -> None:
    """A plain dict of tensors and primitives, loadable with torch.load(weights_only=True)."""
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    torch.save({"kind": "transformer", "config": asdict(model.cfg), "state_dict": state}, path)


def load_checkpoint(path: Path) -> TinyTransformer:
    """A shipped model in eval mode with frozen parameters (safe to share between sessions)."""
    blob = torch.load(path, map_location="cpu", weights_only=True)
    model = TinyTransformer(TransformerConfig(**blob["config"]))
    model.load_state_dict(blob["state_dict"])
    return frozen(model)


def recorded() -> dict:
    """The shipped checkpoints' records: task → accuracy, settings, training time, command."""
    return json.loads(RECORD.read_text()) if RECORD.exists() else {}


def load_task_model(task: str) -> TinyTransformer:
    spec(task)
    return load_checkpoint(CHECKPOINTS / f"{task}.pt")


def _cli(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="Retrain a shipped attention checkpoint from scratch.")
    p.add_argument("--task", required=True, choices=sorted(TASKS_FOR_CLI))
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--width", type=int, default=ATTENTION.model_width.default)
    p.add_argument("--layers", type=int, default=ATTENTION.model_layers.default)
    p.add_argument("--heads", type=int, default=ATTENTION.model_heads.default)
    p.add_argument("--pe", default="learned")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", type=Path, default=None, help="default: assets/checkpoints/<task>.pt")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    for bound, v in ((ATTENTION.model_width, a.width), (ATTENTION.model_layers, a.layers),
                     (ATTENTION.model_heads, a.heads)):
        bound.check(v)
    cfg = TrainConfig(task=a.task, steps=a.steps or TASKS_FOR_CLI[a.task], seed=a.seed)
    model = make_model("transformer", a.width, a.layers, a.heads, a.pe, seed=a.seed)
    every = max(1, cfg.steps // 10)
    result = train(model, cfg, lambda s, n, loss: print(f"step {s}/{n} loss {loss:.4f}", flush=True)
                   if s % every == 0 else None)
    ev = evaluate(model, a.task)
    out = a.out or CHECKPOINTS / f"{a.task}.pt"
    out.parent.mkdir(parents=True, exist_ok=True)
    save_checkpoint(model, out)
    print(f"{a.task}: token accuracy {ev.token_accuracy:.4f}, exact {ev.exact_match:.4f}, "
          f"{result.seconds:.1f} s on {a.threads} thread(s), {param_count(model)} parameters → {out}")
    if a.out is None:
        records = recorded()
        records[a.task] = {
            "file": out.name, "token_accuracy": ev.token_accuracy, "exact_match": ev.exact_match,
            "eval_seed": ATTENTION.eval_seed, "eval_size": ATTENTION.eval_size,
            "steps": cfg.steps, "seed": a.seed, "threads": a.threads, "train_seconds": round(result.seconds, 1),
            "parameters": param_count(model), "config": asdict(model.cfg),
            "command": f"python -m core.attention.training --task {a.task}",
        }
        RECORD.write_text(json.dumps(records, indent=1) + "\n")


# Training steps per task for the shipped checkpoints (each well under 5 minutes on one thread).
TASKS_FOR_CLI = {"copy": 2000, "reverse": 1500, "sort": 3000, "recall": 4000}

if __name__ == "__main__":
    _cli()
