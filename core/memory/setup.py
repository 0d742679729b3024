"""The memory page's settings as frozen objects, the cost of each computation estimated before it
runs, and the runs themselves (refused past the per-request budget, with a message naming it).

Estimate model (seconds), from the page's own computations on the project's 2-core host: a batched,
gradient-free recurrent step of B sequences costs about STEP_S + B · rows · N² · MAC_S (rows = 1 for
the tanh RNN, 3 for the GRU, 4 for the LSTM); it errs on the slow side.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.bounds import Estimate
from core.config import GRADMEM_BUDGET, MEMORY as L, MEMORY_TEXT, SEED, SEQ2SEQ, RequestBudget
from core.memory import forgetting, probes, tokens, trajectories

STEP_S = 6e-4
MAC_S = 5e-10
ROWS = {"tanh": 1, "lstm": 4, "gru": 3}
KINDS = ("tanh", "lstm", "gru")
BYTES = 8
SEQ2SEQ_S = 1.5      # both shipped models over 29 lengths × 200 sources, measured 0.98–1.15 s on one thread


def _steps(kinds, batch: int, length: int, n: int) -> Estimate:
    seconds = sum(length * (STEP_S + batch * ROWS[k] * n * n * MAC_S) for k in kinds)
    return Estimate(batch * length * n * 6 * BYTES, seconds)


@dataclass(frozen=True)
class TrajectorySetup:
    """The main view's controls: the input (typed text or random letters) and the cell."""

    source: str = L.source.default
    mode: str = L.tokens.default
    text: str = MEMORY_TEXT.default
    length: int = L.length.default
    vocab: int = L.vocab.default
    cell: str = L.cell.default
    n_hidden: int = L.hidden.default
    rho: float = L.rho.default
    forget_bias: float = L.forget_bias.default
    input_scale: float = L.input_scale.default
    lag: int = L.lag.default
    seed: int = SEED.default


@dataclass(frozen=True)
class Prepared:
    """The tokens a trajectory will read, and a note when the text was cut to the token limit."""

    tokens: tokens.Tokens
    note: str | None = None


def prepare(s: TrajectorySetup) -> Prepared:
    """Tokens for the setup; a text past the token limit is cut to its first tokens, with a note."""
    if s.source != "text":
        return Prepared(tokens.synthetic(s.length, s.vocab, s.seed))
    whole = tokens.tokenize(s.text, s.mode, max_tokens=L.max_chars)
    if len(whole.tokens) <= L.max_tokens:
        return Prepared(whole)
    kind = "character" if s.mode == "chars" else "word"
    note = (f"The text has {len(whole.tokens):,} {kind} tokens; the trajectory reads the first {L.max_tokens} "
            f"(the limit of {L.max_tokens} tokens per trajectory).")
    return Prepared(first_tokens(whole, L.max_tokens), note)


def first_tokens(tok: tokens.Tokens, count: int) -> tokens.Tokens:
    """The first `count` tokens, with their own vocabulary (in order of first appearance)."""
    kept = tok.tokens[:count]
    vocab = tuple(dict.fromkeys(kept))
    index = {t: i for i, t in enumerate(vocab)}
    return tokens.Tokens(kept, np.array([index[t] for t in kept], dtype=np.int64), vocab)


def trajectory_cost(s: TrajectorySetup, steps: int) -> Estimate:
    cell = _steps([s.cell], 1, steps, s.n_hidden)
    return Estimate(cell.bytes + steps * s.n_hidden * 40 * BYTES, cell.seconds + steps * 2e-4 + 0.05)


def run_trajectory(s: TrajectorySetup, budget: RequestBudget = GRADMEM_BUDGET) -> tuple[trajectories.Trajectory, str | None]:
    """The trajectory the main view draws, and the cut-text note (or None)."""
    prep = prepare(s)
    cost = trajectory_cost(s, len(prep.tokens.tokens))
    budget.check("This trajectory", cost, "A smaller N fits.")
    tr = trajectories.trajectory(prep.tokens, s.cell, s.n_hidden, s.rho, s.forget_bias, s.seed, s.lag,
                                 s.input_scale)
    return tr, prep.note


@dataclass(frozen=True)
class ForgettingSetup:
    """The forgetting sections' inputs: the cell settings shared with the main view, and k_max."""

    cell: str = L.cell.default
    n_hidden: int = L.hidden.default
    rho: float = L.rho.default
    forget_bias: float = L.forget_bias.default
    input_scale: float = L.input_scale.default
    kmax: int = L.probe_kmax.default
    seed: int = SEED.default


def forgetting_cost(s: ForgettingSetup) -> Estimate:
    """Its four parts, one after another (core.memory.forgetting's model)."""
    return forgetting.total_cost(s)


def sizes_cost(s: ForgettingSetup) -> Estimate:
    parts = [_steps([s.cell], L.size_seqs, s.kmax + L.probe_positions, n) for n in L.probe_sizes]
    return Estimate(max(p.bytes for p in parts) * 2, sum(p.seconds for p in parts))


def check_forgetting(s: ForgettingSetup, budget: RequestBudget = GRADMEM_BUDGET) -> Estimate:
    """The whole section's estimate; BudgetError (naming the budget) when it does not fit."""
    cost = forgetting_cost(s)
    budget.check("The forgetting probes", cost, "A smaller N or a smaller largest k fits.")
    return cost


def run_forgetting(s: ForgettingSetup, budget: RequestBudget = GRADMEM_BUDGET):
    """(sensitivity frame, Decodability) for the tanh RNN, LSTM, GRU and attention."""
    check_forgetting(s, budget)
    return forgetting.combine([forgetting.run_part(p) for p in forgetting.parts_of(s)])


def run_sizes(s: ForgettingSetup, budget: RequestBudget = GRADMEM_BUDGET):
    """Probe accuracy vs k for the setup's cell at every state size N of the sweep."""
    cost = sizes_cost(s)
    budget.check("The state-size sweep", cost, "A smaller largest k fits.")
    return probes.decodability_vs_size(s.cell, s.rho, s.forget_bias, s.seed, s.kmax, s.input_scale)


def seq2seq_cost() -> Estimate:
    n = SEQ2SEQ.eval_hi - SEQ2SEQ.eval_lo + 1
    return Estimate(2 * n * SEQ2SEQ.eval_per_length.default * SEQ2SEQ.eval_hi ** 2 * SEQ2SEQ.hidden * BYTES, SEQ2SEQ_S)
