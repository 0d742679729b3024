"""Three memory tasks with a distance dial D, generated from a seed.

Every task is one token stream read by a causal model (B, T) → logits (B, T, V);
answers are scored only at the `slots` (positions whose output is the answer),
so one forward pass grades a batch and no decoding is needed.

    recall   x  d₁ … d_D  ?            at ?: x — the first token, after D random distractors
    copy     ·  a  ·  ·  b … (D + k)  ? ? …   at the k ?s: the k marked tokens in order,
                                               scattered among D noise tokens ·
    assoc    k₁v₁ … k_kv_k  · … ·(D)  q    at q: the value that followed key q, D noise tokens later

Symbols: values 0..S−1, keys S..2S−1, noise ·, query ?. Chance is 1/S for every answer.
`answers(task, tokens)` is the brute-force reference the tests check the generator against.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.config import H2H

S = H2H.symbols                 # values 0..S−1 (chance = 1/S)
KEY0 = S                        # keys S..2S−1
NOISE = 2 * S
QUERY = 2 * S + 1
VOCAB_SIZE = 2 * S + 2
IGNORE = -100                   # cross_entropy's ignore_index
TASKS = H2H.task.options
NAMES = {"recall": "first-token recall", "copy": "selective copy", "assoc": "associative recall"}


@dataclass(frozen=True)
class Batch:
    tokens: torch.Tensor        # (B, T) int64
    targets: torch.Tensor       # (B, T) int64, IGNORE except at the answer slots
    slots: tuple[int, ...]      # answer positions, the same for every row


def length(task: str, distance: int) -> int:
    """T of one stream."""
    k = H2H.copy_k if task == "copy" else H2H.assoc_pairs
    return {"recall": distance + 2, "copy": distance + 2 * k, "assoc": 2 * k + distance + 1}[_check(task)]


def _check(task: str) -> str:
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}; got {task!r}")
    return task


def make_batch(task: str, distance: int, batch: int, g: torch.Generator) -> Batch:
    """A seeded batch; `distance` ≥ 1 is D."""
    _check(task)
    if not 1 <= distance <= H2H.max_distance:
        raise ValueError(f"distance D must be between 1 and {H2H.max_distance}; got {distance}")
    T = length(task, distance)
    tok = torch.full((batch, T), NOISE, dtype=torch.long)
    tgt = torch.full((batch, T), IGNORE, dtype=torch.long)
    if task == "recall":
        tok[:, : distance + 1] = torch.randint(0, S, (batch, distance + 1), generator=g)
        tok[:, -1] = QUERY
        slots = (T - 1,)
        tgt[:, -1] = tok[:, 0]
    elif task == "copy":
        k = H2H.copy_k
        span = distance + k
        pos = torch.rand(batch, span, generator=g).argsort(1)[:, :k].sort(1).values          # (B, k) marked places
        vals = torch.randint(0, S, (batch, k), generator=g)
        tok.scatter_(1, pos, vals)
        tok[:, span:] = QUERY
        slots = tuple(range(span, T))
        tgt[:, span:] = vals
    else:
        k = H2H.assoc_pairs
        keys = torch.rand(batch, S, generator=g).argsort(1)[:, :k]                           # (B, k) distinct
        vals = torch.randint(0, S, (batch, k), generator=g)
        tok[:, 0:2 * k:2] = keys + KEY0
        tok[:, 1:2 * k:2] = vals
        which = torch.randint(0, k, (batch,), generator=g)
        rows = torch.arange(batch)
        tok[:, -1] = keys[rows, which] + KEY0
        slots = (T - 1,)
        tgt[:, -1] = vals[rows, which]
    return Batch(tok, tgt, slots)


def answers(task: str, tokens: list[int]) -> list[int]:
    """The right answers for one stream, found by reading it the slow way (the tests' oracle)."""
    _check(task)
    if task == "recall":
        return [tokens[0]]
    if task == "copy":
        body = tokens[: tokens.index(QUERY)]
        return [t for t in body if t != NOISE]
    q = tokens[-1]
    for i in range(0, len(tokens) - 1, 2):
        if tokens[i] == q:
            return [tokens[i + 1]]
    raise ValueError("the query key does not occur in the stream")


def eval_batch(task: str, distance: int, size: int = H2H.eval_size, seed: int = H2H.eval_seed) -> Batch:
    """The fixed evaluation set for (task, D): the same streams for every model and run."""
    g = torch.Generator().manual_seed(seed * 1000 + distance * 10 + TASKS.index(task))
    return make_batch(task, distance, size, g)


def chance() -> float:
    return 1.0 / S


def render(task: str, tokens: list[int]) -> str:
    """A stream as text: values 0–7 as digits, keys as letters, noise ·, query ?."""
    def one(t: int) -> str:
        if t < S:
            return str(t)
        if t < 2 * S:
            return "abcdefghijklmnop"[t - S]
        return "·" if t == NOISE else "?"
    return " ".join(one(t) for t in tokens)


def example(task: str, distance: int, seed: int = 0) -> tuple[str, str]:
    """One stream and its answer, as text, for the page."""
    b = make_batch(task, distance, 1, torch.Generator().manual_seed(seed))
    row = b.tokens[0].tolist()
    return render(task, row), " ".join(render(task, [a]) for a in answers(task, row))


def as_numpy(b: Batch) -> tuple[np.ndarray, np.ndarray]:
    return b.tokens.numpy(), b.targets.numpy()
