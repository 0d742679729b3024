"""What was given up: minGRU language models on the attention chapter's copy and recall tasks.

`MinGRULM`: tokens (B, T) → embedding → `layers` × [x + minGRU(LN x), x + MLP(LN x)] → LN →
logits (B, T, V). It trains through the attention chapter's `train` (which runs the app's one
loop, `core.train_loop.run_steps`) and is scored by its `evaluate` (greedy decoding on the same
seeded evaluation set as the shipped tiny transformers), so the two are compared on equal terms.
Its whole memory of the prompt is the state: N numbers per layer, whatever the length.
Training uses the doubling scan (at T ≤ 24 it makes fewer operator calls than the
Blelloch tree; both are log-depth and equal the loop, see tests/test_scan_affine.py).

Retrain the shipped checkpoints (one thread, niced):

    nice -n 10 python -m core.scan train --task copy
    nice -n 10 python -m core.scan train --task recall
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import torch
from torch import nn

from core.assets import ASSETS
from core.config import SCAN as L
from core.train_loop import frozen, param_count
from core.attention.tasks import VOCAB
from core.scan.mingru import MinGRU

SCAN_ASSETS = ASSETS / "scan"
RECORD = SCAN_ASSETS / "checkpoints.json"


class MinGRULM(nn.Module):
    def __init__(self, width: int = L.lm_width, layers: int = L.lm_layers, vocab: int = len(VOCAB),
                 scan: str = "doubling"):
        super().__init__()
        self.width, self.layers, self.scan = width, layers, scan
        self.tok = nn.Embedding(vocab, width)
        self.rnn = nn.ModuleList(MinGRU(width, width, scan=scan) for _ in range(layers))
        self.norm1 = nn.ModuleList(nn.LayerNorm(width) for _ in range(layers))
        self.norm2 = nn.ModuleList(nn.LayerNorm(width) for _ in range(layers))
        self.mlp = nn.ModuleList(nn.Sequential(nn.Linear(width, 2 * width), nn.GELU(), nn.Linear(2 * width, width))
                                 for _ in range(layers))
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab)

    def forward(self, tokens: torch.Tensor, mode: str = "parallel") -> torch.Tensor:
        x = self.tok(tokens)                                                # (B, T, W)
        for rnn, n1, n2, mlp in zip(self.rnn, self.norm1, self.norm2, self.mlp):
            x = x + rnn(n1(x), mode=mode)[0]
            x = x + mlp(n2(x))
        return self.head(self.norm(x))                                      # (B, T, V)

    def state_numbers(self) -> int:
        """Numbers the model carries from token to token: N per layer."""
        return self.width * self.layers


def lm_params(width: int, layers: int, vocab: int = len(VOCAB)) -> int:
    """Closed form: embedding, per layer (minGRU 2W(W+1), two LayerNorms 4W, MLP 4W²+3W), final LN, head."""
    per_layer = 2 * width * (width + 1) + 4 * width + (4 * width * width + 3 * width)
    return vocab * width + layers * per_layer + 2 * width + width * vocab + vocab


def make(seed: int = 0, width: int = L.lm_width, layers: int = L.lm_layers) -> MinGRULM:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return MinGRULM(width, layers)


def save(model: MinGRULM, path: Path) -> None:
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    torch.save({"kind": "mingru_lm", "width": model.width, "layers": model.layers, "scan": model.scan,
                "state_dict": state}, path)


def load(path: Path) -> MinGRULM:
    blob = torch.load(path, map_location="cpu", weights_only=True)
    model = MinGRULM(blob["width"], blob["layers"], scan=blob["scan"])
    model.load_state_dict(blob["state_dict"])
    return frozen(model)


def recorded() -> dict:
    return json.loads(RECORD.read_text()) if RECORD.exists() else {}


def load_task(task: str) -> MinGRULM:
    if task not in L.tasks:
        raise ValueError(f"task must be one of {', '.join(L.tasks)}; got {task!r}")
    return load(SCAN_ASSETS / f"mingru_{task}.pt")


def by_length(task: str) -> pd.DataFrame:
    """The shipped accuracy per length for the minGRU and the tiny transformer: n, T, model, accuracy."""
    rec = recorded().get(task)
    if rec is None:
        raise ValueError(f"no shipped minGRU result for {task}")
    return pd.DataFrame(rec["by_length"])


def train_task(task: str, steps: int = L.train_steps, seed: int = 0, threads: int = 1, progress=None) -> dict:
    """Train one minGRU LM on `task`, save it, and return its record (accuracy by length beside the
    shipped transformer's, on the same evaluation set)."""
    from core.attention.tasks import stream_length
    from core.attention.training import TrainConfig, evaluate, load_task_model, recorded as tf_recorded, train

    torch.set_num_threads(threads)
    model = make(seed)
    cfg = TrainConfig(task=task, steps=steps, seed=seed)
    start = time.perf_counter()
    result = train(model, cfg, progress)
    seconds = time.perf_counter() - start
    ours = evaluate(model, task)
    theirs = evaluate(load_task_model(task), task)
    rows = []
    for name, ev in (("mingru", ours), ("transformer", theirs)):
        for r in ev.by_length.itertuples():
            rows.append({"model": name, "n": int(r.n), "T": stream_length(task, int(r.n)),
                         "token_accuracy": float(r.token_accuracy), "exact_match": float(r.exact_match)})
    SCAN_ASSETS.mkdir(parents=True, exist_ok=True)
    save(model, SCAN_ASSETS / f"mingru_{task}.pt")
    tf = tf_recorded().get(task, {})
    return {
        "file": f"mingru_{task}.pt", "token_accuracy": ours.token_accuracy, "exact_match": ours.exact_match,
        "transformer_token_accuracy": theirs.token_accuracy, "transformer_exact_match": theirs.exact_match,
        "transformer_parameters": tf.get("parameters"), "parameters": param_count(model),
        "state_numbers": model.state_numbers(), "width": model.width, "layers": model.layers,
        "steps": result.steps_done, "seed": seed, "threads": threads, "train_seconds": round(seconds, 1),
        "final_loss": float(result.loss[-50:].mean()), "by_length": rows,
        "command": f"nice -n 10 python -m core.scan train --task {task} --steps {steps}",
    }
