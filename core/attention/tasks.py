"""Synthetic sequence tasks whose correct attention pattern is known.

Every task is next-token prediction over one token stream, so any sequence
model that maps tokens (B, T) to logits (B, T, V) — a causal transformer, an
RNN, an LSTM, a GRU — trains on exactly the same data:

    copy     3 1 4 = 3 1 4          answer k looks at input position k
    reverse  3 1 4 = 4 1 3          answer k looks at input position n−1−k
    sort     3 1 4 = 1 3 4          answer k looks at the input position(s) holding its value
    recall   a3 c7 b1 = b1 a3 c7    after key q, the value that followed q earlier
                                    (induction: find the earlier occurrence, copy what followed)

The full stream F has the answer tokens at `slots`; the model reads F[:-1] and
is scored where it predicts a slot (position s−1 predicts F[s]). Batches come
from an explicit seed through a local `torch.Generator`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

DIGITS = tuple("0123456789")
KEYS = tuple("abcdefgh")
SEP = "="
VOCAB: tuple[str, ...] = DIGITS + KEYS + (SEP,)
INDEX = {tok: i for i, tok in enumerate(VOCAB)}
SEP_ID = INDEX[SEP]
IGNORE = -100   # target value where nothing is scored (torch's cross_entropy ignore_index)


@dataclass(frozen=True)
class TaskSpec:
    name: str
    lo: int                  # fewest items (digits, or key–value pairs for recall)
    hi: int                  # most items; the shipped models were trained on lo..hi
    alphabet: str            # human-readable vocabulary, for messages
    example: str             # the page's default input
    ideal: str               # the attention pattern that solves it, in words


TASKS: dict[str, TaskSpec] = {
    "copy": TaskSpec("copy", 2, 10, "digits 0–9", "3 1 4 1 5 9", "input position k (a diagonal band)"),
    "reverse": TaskSpec("reverse", 2, 10, "digits 0–9", "3 1 4 1 5 9",
                        "input position n−1−k (the anti-diagonal)"),
    "sort": TaskSpec("sort", 2, 10, "digits 0–9", "3 1 4 1 5 9 2 6",
                     "the input position(s) holding the k-th smallest digit"),
    "recall": TaskSpec("recall", 2, 6, "key letters a–h, each followed by a digit 0–9", "a3 c7 e1 b5",
                       "the value right after the earlier occurrence of the current key"),
}


def spec(task: str) -> TaskSpec:
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}; got {task!r}")
    return TASKS[task]


def stream_length(task: str, n: int) -> int:
    """T, the number of tokens the model reads for n items."""
    return 4 * n if task == "recall" else 2 * n


# ---------------------------------------------------------------- the reader's input
def parse(task: str, text: str, max_chars: int = 120) -> tuple[str, ...]:
    """Tokens of the reader's text (one character each; spaces and commas separate).

    Raises ValueError naming the offending tokens or the length limit.
    """
    s = spec(task)
    if len(text) > max_chars:
        raise ValueError(f"the input is {len(text)} characters; the limit is {max_chars}")
    items = tuple(c for c in text.lower() if not c.isspace() and c != ",")
    allowed = set(DIGITS) if task != "recall" else set(DIGITS) | set(KEYS)
    bad = sorted(set(items) - allowed)
    if bad:
        names = ", ".join(repr(b) for b in bad[:8])
        raise ValueError(f"{names} {'is' if len(bad) == 1 else 'are'} not in the vocabulary of "
                         f"{task} ({s.alphabet})")
    n = len(items) // 2 if task == "recall" else len(items)
    unit = "key–value pairs" if task == "recall" else "tokens"
    if task == "recall":
        _check_pairs(items)
    if not s.lo <= n <= s.hi:
        raise ValueError(f"{task} takes {s.lo} to {s.hi} {unit} (the length the model was trained on); "
                         f"got {n}")
    return items


def _check_pairs(items: tuple[str, ...]) -> None:
    keys, values = items[0::2], items[1::2]
    if len(items) % 2 or any(k not in KEYS for k in keys) or any(v not in DIGITS for v in values):
        raise ValueError("recall takes key–value pairs: a letter a–h then a digit, e.g. 'a3 c7 b1'")
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"each key may appear once; {', '.join(repr(k) for k in repeated)} repeat(s)")


@dataclass(frozen=True)
class Example:
    """One task instance, as the model sees it.

    full   (T+1,) tokens: prompt, separator, answers (recall: queries and answers)
    slots  positions in `full` that hold answers; position s−1 predicts full[s]
    ideal  (T, T) float: row s−1 spreads 1 over the key positions that hold the
           information for full[s]; other rows are 0 (not scored)
    """

    task: str
    items: tuple[str, ...]
    full: tuple[str, ...]
    slots: tuple[int, ...]
    ideal: np.ndarray

    @property
    def tokens(self) -> tuple[str, ...]:
        """The T tokens the model reads."""
        return self.full[:-1]

    @property
    def answer(self) -> tuple[str, ...]:
        return tuple(self.full[s] for s in self.slots)


def _ideal_keys(task: str, items: tuple[str, ...], full: tuple[str, ...], slot: int, k: int) -> list[int]:
    n = len(items)
    if task == "copy":
        return [k]
    if task == "reverse":
        return [n - 1 - k]
    if task == "sort":
        return [j for j in range(n) if items[j] == full[slot]]
    query = full[slot - 1]
    return [j + 1 for j in range(0, n, 2) if items[j] == query]


def example(task: str, items: tuple[str, ...]) -> Example:
    """The stream for the reader's items; recall asks its keys back in reverse order."""
    spec(task)
    n = len(items)
    if task == "recall":
        pairs = [items[j:j + 2] for j in range(0, n, 2)][::-1]
        tail = tuple(t for pair in pairs for t in pair)
        slots = tuple(n + 2 + 2 * i for i in range(len(pairs)))
    else:
        tail = {"copy": items, "reverse": items[::-1], "sort": tuple(sorted(items))}[task]
        slots = tuple(n + 1 + i for i in range(n))
    full = tuple(items) + (SEP,) + tuple(tail)
    t = len(full) - 1
    ideal = np.zeros((t, t))
    for k, s in enumerate(slots):
        keys = _ideal_keys(task, items, full, s, k)
        ideal[s - 1, keys] = 1.0 / len(keys)
    return Example(task, tuple(items), full, slots, ideal)


def encode(tokens) -> list[int]:
    return [INDEX[t] for t in tokens]


def decode(ids) -> tuple[str, ...]:
    return tuple(VOCAB[int(i)] for i in ids)


# ---------------------------------------------------------------- training batches
@dataclass(frozen=True)
class Batch:
    """tokens (B, T) long; targets (B, T) long, IGNORE where nothing is scored."""

    tokens: torch.Tensor
    targets: torch.Tensor
    n: int

    @property
    def slots(self) -> list[int]:
        """Answer positions in the full stream (T+1 long), shared by every row."""
        return [p + 1 for p in (self.targets[0] != IGNORE).nonzero().flatten().tolist()]


def _full_batch(task: str, n: int, b: int, g: torch.Generator) -> tuple[torch.Tensor, list[int]]:
    """(B, T+1) full streams and their answer slots."""
    sep = torch.full((b, 1), SEP_ID, dtype=torch.long)
    if task == "recall":
        keys = torch.rand(b, len(KEYS), generator=g).argsort(-1)[:, :n] + INDEX["a"]    # (B, n) distinct
        vals = torch.randint(0, 10, (b, n), generator=g)                                 # (B, n)
        order = torch.rand(b, n, generator=g).argsort(-1)
        pairs = torch.stack([keys, vals], -1).reshape(b, 2 * n)                         # (B, 2n)
        asked = torch.stack([keys.gather(1, order), vals.gather(1, order)], -1).reshape(b, 2 * n)
        return torch.cat([pairs, sep, asked], 1), [2 * n + 2 + 2 * i for i in range(n)]
    x = torch.randint(0, 10, (b, n), generator=g)                                        # (B, n)
    tail = {"copy": x, "reverse": x.flip(-1), "sort": x.sort(-1).values}[task]
    return torch.cat([x, sep, tail], 1), [n + 1 + i for i in range(n)]


def make_batch(task: str, n: int, batch_size: int, generator: torch.Generator) -> Batch:
    """A batch of `batch_size` streams with n items each, drawn from `generator`."""
    s = spec(task)
    if not s.lo <= n <= s.hi:
        raise ValueError(f"{task} takes {s.lo} to {s.hi} items; got {n}")
    full, slots = _full_batch(task, n, batch_size, generator)
    targets = torch.full_like(full[:, :-1], IGNORE)
    idx = torch.tensor(slots)
    targets[:, idx - 1] = full[:, idx]
    return Batch(full[:, :-1], targets, n)


def eval_batches(task: str, seed: int, size: int) -> list[Batch]:
    """A fixed evaluation set: `size` streams spread evenly over every length lo..hi."""
    s = spec(task)
    g = torch.Generator().manual_seed(seed)
    lengths = list(range(s.lo, s.hi + 1))
    per = max(1, size // len(lengths))
    return [make_batch(task, n, per, g) for n in lengths]
