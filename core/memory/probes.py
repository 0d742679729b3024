"""Forgetting, measured two ways, for the RNN, LSTM and GRU — and for attention.

1. Sensitivity: change only the first token of many random sequences and
   follow ‖h_t(x) − h_t(x′)‖ as t grows, relative to step 1: the trace of x₁
   left in the state. For attention the memory at step t is every stored
   per-token state z_1..z_t, so its trace is ‖Z_≤t(x) − Z_≤t(x′)‖_F.
2. Decodability: a linear probe (closed-form ridge regression onto one-hot
   targets) reads the token seen k steps ago from h_t. For attention the probe
   reads the output of one head whose query at t points at position t − k
   (sinusoidal positions make PE(t − k) a fixed rotation of PE(t)), so the
   token k back is one attention hop away for every k.

All sequences are uniform random tokens from a small vocabulary (chance = 1/V),
embedded with the same seeded table as typed text (core.tokens). Entry points run on
one intra-op thread (core.device.intra_op_threads, serialised with other sessions):
on a shared 2-core host two spinning threads made these runs up to 20× slower (measured).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from core.cells import hidden_states, make_cell
from core.config import MEMORY
from core.device import one_thread
from core.memory.tokens import embedding_table
from core.memory.trajectories import cell_spec, positional_encoding, transformer_states

MODEL_NAMES = {"tanh": "RNN (tanh)", "lstm": "LSTM", "gru": "GRU", "linear": "linear RNN"}
ATTENTION = "attention (keeps every z)"
LETTERS = tuple("abcdefghijklmnopqrstuvwxyz")
_CHUNK_NUMBERS = 2_000_000      # floats per unrolled chunk (B·T·N), keeps memory flat
ATTENTION_SEQS = 500            # decodability probes attention on at most this many sequences
ATTENTION_KS = 11               # ... and at most this many distances k (its curve is flat)


def random_inputs(n_seqs: int, length: int, vocab: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """ids (B, T) uniform in [0, vocab) and their embeddings (B, T, I) float32."""
    g = torch.Generator().manual_seed(seed + 104729)
    ids = torch.randint(vocab, (n_seqs, length), generator=g)
    table = embedding_table(LETTERS[:vocab], MEMORY.embed, seed).float()                   # (V, I)
    return ids, table[ids]


def cell_states(kind: str, n: int, rho: float, forget_bias: float, seed: int, x: torch.Tensor,
                input_scale: float = MEMORY.input_scale.default) -> torch.Tensor:
    """Hidden states (B, T, N) of a seeded cell over x (B, T, I) in x's dtype, unrolled in chunks."""
    w = make_cell(cell_spec(kind, n, rho, forget_bias, seed, input_scale)).to(x.dtype)
    chunk = max(1, _CHUNK_NUMBERS // max(1, x.shape[1] * n))
    return torch.cat([hidden_states(w, part) for part in x.split(chunk)])


def attention_states(n: int, seed: int, x: torch.Tensor) -> torch.Tensor:
    """The causal transformer layer's per-token outputs (B, T, d = N), float32, in chunks."""
    chunk = max(1, _CHUNK_NUMBERS // max(1, x.shape[1] * 4 * n))
    return torch.cat([transformer_states(part, n, seed) for part in x.split(chunk)])


# ---------------------------------------------------------------- sensitivity
def _first_token_pair(n_seqs: int, length: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs x and x′ (B, T, I) float64, equal except the first token, which differs in every sequence.
    float64 so the decaying difference can be followed far below float32's round-off."""
    v = MEMORY.probe_vocab
    ids, _ = random_inputs(n_seqs, length, v, seed)
    g = torch.Generator().manual_seed(seed + 1299709)
    ids2 = ids.clone()
    ids2[:, 0] = (ids[:, 0] + torch.randint(1, v, (n_seqs,), generator=g)) % v
    table = embedding_table(LETTERS[:v], MEMORY.embed, seed)                               # (V, I) float64
    return table[ids], table[ids2]


@one_thread()
def sensitivity(n: int, rho: float, forget_bias: float, seed: int, length: int = 100,
                input_scale: float = MEMORY.input_scale.default, n_seqs: int = MEMORY.sens_seqs,
                kinds: tuple[str, ...] = ("tanh", "lstm", "gru"), attention: bool = True) -> pd.DataFrame:
    """Tidy frame (model, t, trace, sequences): mean ‖Δ state_t‖ over the `sequences` = n_seqs
    sequences / the same at t = 1."""
    MEMORY.sens_length.check(length)
    x, x2 = _first_token_pair(n_seqs, length, seed)
    both = torch.cat([x, x2])                                                              # (2B, T, I)
    rows = []
    for kind in kinds:
        h = cell_states(kind, n, rho, forget_bias, seed, both, input_scale)
        diff = (h[:n_seqs] - h[n_seqs:]).norm(dim=2).mean(0)                               # (T,)
        rows.append(pd.DataFrame({"model": MODEL_NAMES[kind], "t": np.arange(1, length + 1),
                                  "trace": (diff / diff[0]).numpy()}))
    if attention:
        z = attention_states(n, seed, both.float()).double()   # its trace stays O(1): float32 suffices
        sq = ((z[:n_seqs] - z[n_seqs:]) ** 2).sum(2)                                      # (B, T)
        cache = sq.cumsum(1).sqrt().mean(0)                                                # ‖ΔZ_≤t‖_F
        rows.append(pd.DataFrame({"model": ATTENTION, "t": np.arange(1, length + 1),
                                  "trace": (cache / cache[0]).numpy()}))
    return pd.concat(rows, ignore_index=True).assign(sequences=n_seqs)


# ---------------------------------------------------------------- linear probes
def _with_bias(a: torch.Tensor) -> torch.Tensor:
    return torch.cat([a.double(), torch.ones(a.shape[0], 1, dtype=torch.float64)], 1)     # (S, D + 1)


def ridge_weights(a: torch.Tensor, y: torch.Tensor, vocab: int, lam: float) -> torch.Tensor:
    """Closed-form ridge with an unpenalised bias: W (D + 1, K·V) minimising ‖[a, 1] W − Y‖² + λ‖W[:D]‖²,
    where Y (S, K·V) one-hot encodes the K label columns y (S, K) over V = vocab classes
    and λ = lam × the mean diagonal of aᵀa."""
    a1 = _with_bias(a)
    gram = a1.T @ a1                                                                       # (D + 1, D + 1)
    reg = torch.eye(a1.shape[1], dtype=torch.float64) * lam * torch.diagonal(gram)[:-1].mean()
    reg[-1, -1] = 0.0
    onehot = torch.nn.functional.one_hot(y, vocab).reshape(len(y), -1).float()             # (S, K·V)
    rhs = (a1.float().T @ onehot).double()     # float32 here: the widest product, ~10× the gram's cost
    return torch.linalg.solve(gram + reg, rhs)


def probe_accuracy(train: torch.Tensor, y_train: torch.Tensor, test: torch.Tensor, y_test: torch.Tensor,
                   vocab: int, lam: float = MEMORY.ridge) -> np.ndarray:
    """Accuracy (K,) of ridge probes from features (S, D) to each of K label columns y (S, K) in [0, vocab).

    One solve serves every column: the features are shared, only the targets differ."""
    w = ridge_weights(train, y_train, vocab, lam)                                          # (D + 1, K·V)
    pred = (_with_bias(test) @ w).reshape(len(test), y_train.shape[1], vocab).argmax(2)    # (S, K)
    return (pred == y_test).double().mean(0).numpy()


def _lagged(ids: torch.Tensor, positions: torch.Tensor, kmax: int) -> torch.Tensor:
    """Labels (B, P, K + 1): the token k steps before each probe position, k = 0..kmax."""
    lags = torch.arange(kmax + 1)
    return ids[:, positions[:, None] - lags[None, :]]


def _split(feats: torch.Tensor, labels: torch.Tensor, n_train: int):
    """Flatten (B, P, ·) to samples, the first n_train sequences for training."""
    f = lambda t: t.reshape(-1, t.shape[-1])                                               # (B·P, ·)
    return f(feats[:n_train]), f(labels[:n_train]), f(feats[n_train:]), f(labels[n_train:])


def positional_read(z: torch.Tensor, positions: torch.Tensor, k: int) -> torch.Tensor:
    """One causal head whose query at t is PE(t − k) and keys PE(s): reads ≈ z_{t−k}. (B, P, d)."""
    pe = positional_encoding(z.shape[1], 32, base=500.0) / 4.0                             # (T, 32), |PE|² = 1
    scores = MEMORY.attn_sharpness * pe[positions - k] @ pe.T                              # (P, T)
    scores = scores.masked_fill(torch.arange(z.shape[1])[None, :] > positions[:, None], float("-inf"))
    return torch.softmax(scores, 1).to(z.dtype) @ z                                            # (B, P, d)


@dataclass(frozen=True)
class Decodability:
    """accuracy: tidy frame (model, k, accuracy); chance = 1/V."""

    accuracy: pd.DataFrame
    chance: float


@one_thread()
def decodability(n: int, rho: float, forget_bias: float, seed: int, kmax: int = 40,
                 input_scale: float = MEMORY.input_scale.default, n_seqs: int = 2000,
                 kinds: tuple[str, ...] = ("tanh", "lstm", "gru"), attention: bool = True) -> Decodability:
    """Probe accuracy for the token k = 0..kmax steps back, per model.

    Attention is probed at about a dozen k on the first quarter of the sequences (at most 500):
    its curve is flat and each k needs its own layer read and solve."""
    MEMORY.probe_seqs.check(n_seqs)
    MEMORY.probe_kmax.check(kmax)
    v, p = MEMORY.probe_vocab, MEMORY.probe_positions
    ids, x = random_inputs(n_seqs, kmax + p, v, seed)
    positions = torch.arange(kmax, kmax + p)
    labels = _lagged(ids, positions, kmax)                                                 # (B, P, K+1)
    n_train = (3 * n_seqs) // 4
    ks = np.arange(kmax + 1)
    rows = []
    for kind in kinds:
        h = cell_states(kind, n, rho, forget_bias, seed, x, input_scale)[:, positions]     # (B, P, N)
        acc = probe_accuracy(*_split(h, labels, n_train), v)
        rows.append(pd.DataFrame({"model": MODEL_NAMES[kind], "k": ks, "accuracy": acc}))
    if attention:
        n_attn = min(n_seqs, ATTENTION_SEQS)
        z = attention_states(n, seed, x[:n_attn])                                          # (B', T, d)
        ks_attn = np.unique(np.linspace(0, kmax, min(kmax + 1, ATTENTION_KS)).round().astype(int))
        acc = [probe_accuracy(*_split(positional_read(z, positions, k), labels[:n_attn, :, k:k + 1],
                                      (3 * n_attn) // 4), v)[0]
               for k in ks_attn]
        rows.append(pd.DataFrame({"model": ATTENTION, "k": ks_attn, "accuracy": acc}))
    return Decodability(pd.concat(rows, ignore_index=True), 1.0 / v)


@one_thread()
def decodability_vs_size(kind: str, rho: float, forget_bias: float, seed: int, kmax: int = 40,
                         input_scale: float = MEMORY.input_scale.default,
                         sizes: tuple[int, ...] = MEMORY.probe_sizes,
                         n_seqs: int = MEMORY.size_seqs) -> pd.DataFrame:
    """Tidy frame (N, k, accuracy) for one cell kind at several state sizes N."""
    frames = []
    for n in sizes:
        acc = decodability(n, rho, forget_bias, seed, kmax, input_scale, n_seqs,
                           kinds=(kind,), attention=False).accuracy
        frames.append(acc.assign(N=n).drop(columns="model"))
    return pd.concat(frames, ignore_index=True)


def memory_span(acc: pd.DataFrame, chance: float, by: str = "model", margin: float = MEMORY.span_margin) -> dict:
    """Per group: the first k where probe accuracy falls below chance + margin — how far back
    the state still tells tokens apart. None if it never does within the measured range."""
    spans = {}
    for name, g in acc.sort_values("k").groupby(by, sort=False):
        below = np.nonzero(g["accuracy"].to_numpy() < chance + margin)[0]
        spans[name] = int(g["k"].to_numpy()[below[0]]) if below.size else None
    return spans
