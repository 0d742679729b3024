"""The forgetting section's computation in four parts, one per model, each estimated before it runs.

The section compares the tanh RNN, the LSTM, the GRU and attention; each model's sensitivity trace
and probe accuracies depend on its own inputs only (every model reads the same seeded random
sequences), so the page computes and caches them model by model (`run_part`), shows its progress
between parts, and recomputes only the parts a control changes: the forget-gate bias touches the
LSTM alone, ρ and the input scale the three recurrent cells, and the cell chosen in the main view
none of them. `combine` gives exactly what `probes.sensitivity` and `probes.decodability` give for
all four at once (tests/test_probes.py checks that).

Estimate model, calibrated on the page's own computations (`benchmarks/bench_memory.py` prints each
part's estimate beside its measured time and peak memory), erring on the high side:
- seconds: `FIRST_S`, per unrolled step `STEP_S`, plus multiply–adds at `MAC64_S` (the float64 sensitivity runs)
  or `MAC32_S` (the float32 probe states), plus `ONEHOT_S` per element of the probes' one-hot targets;
- bytes: `BASE_BYTES` (torch's working buffers at the first call) plus twice the largest state
  tensor and twice the one-hot targets (each is built, then copied once).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from core.bounds import Estimate
from core.config import MEMORY as L
from core.memory import probes

PARTS = ("tanh", "lstm", "gru", "attention")
NAMES = {"tanh": "the tanh RNN", "lstm": "the LSTM", "gru": "the GRU", "attention": "attention"}
ROWS = {"tanh": 1, "lstm": 4, "gru": 3, "attention": 6}   # attention: its layer per token, as measured
STEP_S = {"tanh": 3e-4, "gru": 6e-4, "lstm": 7e-4}      # per unrolled step: more gates, more small ops
FIRST_S = 0.3               # a part's fixed share (inputs, labels, the first call's set-up)
MAC64_S = 1 / 6e9
MAC32_S = 1 / 12e9
ONEHOT_S = 1.5e-8
BASE_BYTES = 160 * 2**20
ATTENTION_BYTES = 96 * 2**20   # the transformer layer's own buffers on top


@dataclass(frozen=True)
class ForgettingPart:
    """One model's share of the forgetting section: only the settings that model reads."""

    model: str
    n_hidden: int
    rho: float
    forget_bias: float
    input_scale: float
    kmax: int
    seed: int


def part_of(setup, model: str) -> ForgettingPart:
    """The part of a ForgettingSetup that `model` depends on; the others are set to their defaults."""
    recurrent = model != "attention"
    return ForgettingPart(
        model=model, n_hidden=setup.n_hidden,
        rho=float(setup.rho) if recurrent else float(L.rho.default),
        forget_bias=float(setup.forget_bias) if model == "lstm" else float(L.forget_bias.default),
        input_scale=float(setup.input_scale) if recurrent else float(L.input_scale.default),
        kmax=setup.kmax, seed=setup.seed)


def parts_of(setup) -> list[ForgettingPart]:
    return [part_of(setup, m) for m in PARTS]


def _unrolled(batch: int, length: int, n: int) -> int:
    """Unrolled steps of `batch` sequences of `length`, in the chunks `probes.cell_states` runs."""
    chunk = max(1, probes._CHUNK_NUMBERS // max(1, length * n))
    return length * math.ceil(batch / chunk)


def part_cost(p: ForgettingPart) -> Estimate:
    n, rows, length = p.n_hidden, ROWS[p.model], p.kmax + L.probe_positions
    sens_batch, sens_len = 2 * L.sens_seqs, L.sens_length.default
    attention = p.model == "attention"
    if attention:
        seqs, width, targets = min(L.probe_seqs.default, probes.ATTENTION_SEQS), 4, min(p.kmax + 1, probes.ATTENTION_KS)
        steps = 0                                          # one batched layer, no recurrence
        sens_macs = sens_batch * sens_len * (rows * n * n + sens_len * n)
        dec_macs = seqs * length * (rows * n * n + length * n) + targets * seqs * L.probe_positions * length * n
    else:
        seqs, width, targets = L.probe_seqs.default, 1, p.kmax + 1
        steps = _unrolled(sens_batch, sens_len, n) + _unrolled(seqs, length, n)
        sens_macs = sens_batch * sens_len * rows * n * n
        dec_macs = seqs * length * rows * n * n
    samples = (3 * seqs // 4) * L.probe_positions          # the probes' training rows
    onehot = samples * L.probe_vocab * targets
    ridge_macs = samples * (n + 1) ** 2 + samples * (n + 1) * targets * L.probe_vocab * 4 / 3
    seconds = (FIRST_S * (2.0 if attention else 1.0) + steps * STEP_S.get(p.model, 0.0) + sens_macs * MAC64_S
               + (dec_macs + ridge_macs) * MAC32_S + onehot * ONEHOT_S)
    states = max(sens_batch * sens_len * n * 8, seqs * length * n * 4 * width)
    base = BASE_BYTES + (ATTENTION_BYTES if attention else 0)
    return Estimate(base + 2 * states + 2 * onehot * 4, seconds)


def total_cost(setup) -> Estimate:
    out = Estimate(0.0, 0.0)
    for p in parts_of(setup):
        out = out + part_cost(p)
    return out


def run_part(p: ForgettingPart) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(sensitivity rows, probe-accuracy rows) of one model, as `probes` computes them for all four."""
    kinds, attention = ((), True) if p.model == "attention" else ((p.model,), False)
    sens = probes.sensitivity(p.n_hidden, p.rho, p.forget_bias, p.seed, L.sens_length.default, p.input_scale,
                              kinds=kinds, attention=attention)
    dec = probes.decodability(p.n_hidden, p.rho, p.forget_bias, p.seed, p.kmax, p.input_scale,
                              kinds=kinds, attention=attention)
    return sens, dec.accuracy


def combine(results: list[tuple[pd.DataFrame, pd.DataFrame]]) -> tuple[pd.DataFrame, probes.Decodability]:
    """The four parts' rows, in PARTS order, as (sensitivity frame, Decodability)."""
    sens = pd.concat([r[0] for r in results], ignore_index=True)
    acc = pd.concat([r[1] for r in results], ignore_index=True)
    return sens, probes.Decodability(acc, 1.0 / L.probe_vocab)
