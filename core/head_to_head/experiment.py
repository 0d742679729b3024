"""Train one contestant on one (task, D) and record its curve; run several side by side.

Every model gets the same data stream (seeded), optimiser (AdamW, linear warm-up
then cosine decay to 10 %), batch, steps and gradient clipping; only the learning
rate and the gate bias differ, picked per model by `tune` (the page shows what was
tried). Training goes through `core.train_loop.run_steps` in chunks of
`H2H.eval_every` steps; after each chunk the model is scored on the fixed
evaluation set, so the sweep and a live run draw the same curves.

`race(...)` trains several models round-robin, one chunk each in turn, under a
hard wall-clock bound and a stop flag: the live run on the page.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np
import torch
import torch.nn.functional as F

from core.config import H2H
from core.device import one_thread
from core.head_to_head import models, shipped, tasks
from core.train_loop import param_count, run_steps


@dataclass(frozen=True)
class RunSpec:
    task: str
    distance: int
    model: str
    seed: int = 0
    steps: int = H2H.steps.default
    lr: float | None = None            # None: the tuned value for this model
    gate_bias: float | None = None     # None: the tuned value (LSTM forget gate, GRU update gate)

    def resolved(self) -> "RunSpec":
        lr, gb = shipped.hyper(self.model)
        return RunSpec(self.task, self.distance, self.model, self.seed, self.steps,
                       lr if self.lr is None else self.lr, gb if self.gate_bias is None else self.gate_bias)

    def check(self) -> "RunSpec":
        H2H.task.check(self.task)
        H2H.models.check(self.model)
        H2H.steps.check(self.steps)
        if str(self.distance) not in H2H.distance.options and not 1 <= self.distance <= H2H.max_distance:
            raise ValueError(f"distance D must be between 1 and {H2H.max_distance}; got {self.distance}")
        return self


@dataclass
class Curve:
    """Points after every chunk: step, training loss (chunk mean), eval accuracy, training seconds so far."""

    step: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Score:
    accuracy: float        # answers right / answers
    exact: float           # streams with every answer right


def schedule(steps: int, warmup: int = H2H.warmup) -> Callable[[int], float]:
    """Linear warm-up, then cosine decay to 10 % of the peak learning rate."""
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        frac = min(1.0, (step - warmup) / max(1, steps - warmup))
        return 0.1 + 0.45 * (1 + math.cos(math.pi * frac))
    return factor


@torch.no_grad()
def score(model: torch.nn.Module, batch: tasks.Batch) -> Score:
    was = model.training
    model.eval()
    logits = model(batch.tokens)                                         # (B, T, V)
    slots = list(batch.slots)
    ok = logits[:, slots].argmax(-1) == batch.targets[:, slots]          # (B, answers)
    model.train(was)
    return Score(float(ok.float().mean()), float(ok.all(1).float().mean()))


class Trainer:
    """One model on one (task, D): `advance(n)` trains n more steps, then scores it."""

    def __init__(self, spec: RunSpec, eval_size: int = H2H.eval_size):
        self.spec = spec = spec.check().resolved()
        self.width = models.width_for(spec.model)
        self.model = models.build(spec.model, self.width, seed=spec.seed, gate_bias=spec.gate_bias)
        self.params = param_count(self.model)
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=spec.lr, weight_decay=H2H.weight_decay)
        self.sched = torch.optim.lr_scheduler.LambdaLR(self.opt, schedule(spec.steps))
        self.data = torch.Generator().manual_seed(10_000 + spec.seed)
        self.eval = tasks.eval_batch(spec.task, spec.distance, eval_size)
        self.curve = Curve()
        self.done, self.train_seconds = 0, 0.0
        self.grad_norms: list[float] = []

    def _loss(self) -> torch.Tensor:
        b = tasks.make_batch(self.spec.task, self.spec.distance, H2H.batch, self.data)
        logits = self.model(b.tokens)                                    # (B, T, V)
        return F.cross_entropy(logits.flatten(0, 1), b.targets.flatten(), ignore_index=tasks.IGNORE)

    @property
    def solved(self) -> bool:
        """Scored at least H2H.early_stop on the last two evaluations: training stops there."""
        a = self.curve.accuracy
        return len(a) >= 2 and min(a[-2:]) >= H2H.early_stop

    @property
    def finished(self) -> bool:
        return self.done >= self.spec.steps or self.solved

    def advance(self, n: int, stop: threading.Event | None = None) -> None:
        n = min(n, self.spec.steps - self.done)
        if n <= 0 or self.solved:
            return
        self.model.train()
        r = run_steps(self.model, self._loss, self.opt, self.sched, n, H2H.clip, None, stop)
        if r.steps_done == 0:
            return
        self.done += r.steps_done
        self.train_seconds += r.seconds
        self.grad_norms.extend(r.grad_norm.tolist())
        s = score(self.model, self.eval)
        c = self.curve
        c.step.append(self.done)
        c.loss.append(float(np.mean(r.loss)))
        c.accuracy.append(s.accuracy)
        c.seconds.append(self.train_seconds)

    def to_solved(self, level: float = H2H.solved) -> tuple[int | None, float | None]:
        """The first recorded step (and training seconds) at which accuracy reached `level`."""
        for st, acc, sec in zip(self.curve.step, self.curve.accuracy, self.curve.seconds):
            if acc >= level:
                return st, sec
        return None, None

    def record(self) -> dict:
        """One tidy row for the results table (final score on the full evaluation set)."""
        s = score(self.model, self.eval)
        st, sec = self.to_solved()
        sp = self.spec
        return {"task": sp.task, "distance": sp.distance, "model": sp.model, "seed": sp.seed,
                "width": self.width, "parameters": self.params, "lr": sp.lr, "gate_bias": sp.gate_bias,
                "steps": self.done, "accuracy": s.accuracy, "exact": s.exact,
                "steps_to_solved": st, "seconds_to_solved": sec, "train_seconds": self.train_seconds,
                "seconds_per_step": self.train_seconds / max(1, self.done),
                "max_grad_norm": float(max(self.grad_norms, default=0.0))}

    def curve_rows(self) -> list[dict]:
        sp, c = self.spec, self.curve
        return [{"task": sp.task, "distance": sp.distance, "model": sp.model, "seed": sp.seed, "step": s,
                 "loss": lo, "accuracy": a, "seconds": t}
                for s, lo, a, t in zip(c.step, c.loss, c.accuracy, c.seconds)]


def train_one(spec: RunSpec, progress: Callable[[int, int], None] | None = None) -> Trainer:
    """The whole run, one chunk at a time, on one thread."""
    t = Trainer(spec)
    with one_thread():
        while not t.finished:
            t.advance(H2H.eval_every)
            if progress is not None:
                progress(t.done, t.spec.steps)
    return t


@dataclass(frozen=True)
class RaceResult:
    trainers: tuple[Trainer, ...]
    seconds: float
    stopped: bool          # the reader pressed stop
    timed_out: bool        # the hard time bound ended it


def contestants(task: str, distance: int, kinds: list[str], steps: int, seed: int = 0) -> tuple[Trainer, ...]:
    """Fresh trainers for a live run (validated: known task, D, models, steps)."""
    if not kinds:
        raise ValueError("choose at least one model to train")
    H2H.live_steps.check(steps)
    return tuple(Trainer(RunSpec(task, distance, k, seed, steps)) for k in kinds)


def chunks(trainers: tuple[Trainer, ...], seconds: float = H2H.live_seconds, stop: threading.Event | None = None,
           chunk: int = H2H.live_chunk) -> Iterator[tuple[Trainer, float]]:
    """Train side by side: one chunk per model in turn, yielding (trainer, elapsed s) after each.

    Ends when every model is finished, `stop` is set or `seconds` of training have passed: the
    bound is checked between chunks and, through the stop flag run_steps reads, between steps,
    so it is never passed by more than one training step.
    """
    spent = 0.0
    while not all(t.finished for t in trainers):
        for t in trainers:
            if t.finished:
                continue
            left = seconds - spent
            if left <= 0 or (stop is not None and stop.is_set()):
                return
            halt = _Deadline(time.perf_counter() + left, stop)
            begin = time.perf_counter()
            with one_thread():
                t.advance(chunk, halt)
            spent += time.perf_counter() - begin
            yield t, spent


def race(task: str, distance: int, kinds: list[str], steps: int, seed: int = 0,
         seconds: float = H2H.live_seconds, stop: threading.Event | None = None,
         on_chunk: Callable[[Trainer, float], None] | None = None) -> RaceResult:
    """`chunks` run to the end outside Streamlit (the CLI, the tests, the benchmark)."""
    trainers = contestants(task, distance, kinds, steps, seed)
    start = time.perf_counter()
    for t, spent in chunks(trainers, seconds, stop):
        if on_chunk is not None:
            on_chunk(t, spent)
    stopped = stop is not None and stop.is_set()
    timed_out = not stopped and not all(t.finished for t in trainers)
    return RaceResult(trainers, time.perf_counter() - start, stopped, timed_out)


class _Deadline(threading.Event):
    """A read-only flag for run_steps: set once the deadline passes or `stop` is set."""

    def __init__(self, deadline: float, stop: threading.Event | None):
        super().__init__()
        self.deadline, self.stop = deadline, stop

    def is_set(self) -> bool:
        return time.perf_counter() >= self.deadline or (self.stop is not None and self.stop.is_set())


def estimate_seconds(task: str, distance: int, kinds: list[str], steps: int, per_step: dict[str, float]) -> float:
    """Expected wall time of a live run from the shipped per-step times (training + scoring)."""
    T = tasks.length(task, distance)
    return sum(per_step.get(k, 5e-4 * T) * steps * 1.15 for k in kinds)
