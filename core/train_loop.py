"""The one training loop every model in the app shares, and the helpers around it.

`run_steps` draws a batch through the caller's seeded `batch_loss()`, steps the
optimiser with a clipped gradient, reports progress after every step and stops
between steps when a `threading.Event` is set. The attention chapter's tiny
transformers, the memory chapter's seq2seq models and the head-to-head models
all train through it.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import nn

from core.bounds import FloatBound, IntBound


@dataclass(frozen=True, kw_only=True)
class TrainSettings:
    """What every training run in the app is given; a chapter's config subclasses it with its own
    defaults and adds what is its own (a task, a variant, a schedule).

    steps, batch size, learning rate, gradient clipping (`clip` = 0 turns it off), seed."""

    steps: int = 1
    batch: int = 1
    lr: float = 1e-3
    clip: float = 0.0
    seed: int = 0

    def check_within(self, steps: IntBound, batch: IntBound, lr: FloatBound, clip: FloatBound) -> None:
        """Each value inside the chapter's limit; a ValueError naming the limit otherwise."""
        steps.check(self.steps)
        batch.check(self.batch)
        lr.check(self.lr)
        clip.check(self.clip)


@dataclass(frozen=True)
class TrainResult:
    """loss and grad_norm (before clipping) per step, numpy (steps_done,)."""

    loss: np.ndarray
    grad_norm: np.ndarray
    steps_done: int
    stopped: bool
    seconds: float


def param_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def run_steps(model: nn.Module, batch_loss: Callable[[], torch.Tensor], opt: torch.optim.Optimizer,
              sched, steps: int, clip: float, progress: Callable[[int, int, float], None] | None = None,
              stop: threading.Event | None = None) -> TrainResult:
    """Loss, backward, clipped gradient norm, step — `steps` times unless `stop` is set.

    `batch_loss()` draws the next batch (from the caller's seeded generator) and returns its loss;
    `stop` is checked before each step; `progress(step, steps, loss)` after it. Leaves `model` in eval mode.
    """
    losses, norms, start = [], [], time.perf_counter()
    for step in range(steps):
        if stop is not None and stop.is_set():
            break
        loss = batch_loss()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norms.append(float(nn.utils.clip_grad_norm_(model.parameters(), clip)))
        opt.step()
        if sched is not None:
            sched.step()
        losses.append(loss.item())
        if progress is not None:
            progress(step + 1, steps, losses[-1])
    model.eval()
    done = len(losses)
    return TrainResult(np.array(losses), np.array(norms), done, done < steps, time.perf_counter() - start)


def frozen(model: nn.Module) -> nn.Module:
    """Eval mode, no parameter takes a gradient: one object can be shared by every session."""
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model
