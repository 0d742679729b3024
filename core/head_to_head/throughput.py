"""Training throughput: tokens per second of one full training step, per model, over T and size.

One step = forward, cross-entropy on every position, backward, AdamW update, on
random tokens (B, T) — the same work a training run does per batch. Models are
matched in parameter count (`H2H.tp_widths` are the targets); the transformer adds
sinusoidal positions here, so its count stays fixed as T grows. Each point is timed
by `core.benchmark.measure` (warm-up, repeats, median and IQR); a point whose
IQR/median is above `H2H.tp_unstable` is measured again up to `H2H.tp_retries`
times and stays flagged if it never settles.

`modelled(...)` is a MODEL of a parallel device, not a measurement — the timing
lab's work–span form: time ≈ work / P + span × latency, with P the device's
FLOP/s and the span the number of dependent kernel launches:
    rnn, lstm, gru   T steps × (gates + 2) kernels each, forward and backward (2×)
    mingru           a parallel scan: ⌈log₂ T⌉ levels × 4 kernels per layer, ×2
    transformer      8 kernels per layer, ×2
Work is 6 × (parameters touched per token) × B × T plus attention's 12·B·T²·W per layer.
"""
from __future__ import annotations

import argparse
import math
import os
import time

import pandas as pd
import torch
import torch.nn.functional as F

from core.benchmark import measure
from core.config import H2H, TIMING
from core.device import describe, resolve, synchronize
from core.head_to_head import models, shipped
from core.head_to_head.tasks import VOCAB_SIZE
from core.train_loop import param_count

GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def step_fn(kind: str, target: int, T: int, B: int, device: str = "cpu"):
    """(one-training-step callable, parameters, width) for `kind` matched to `target` parameters."""
    dev = resolve(device)
    width = models.width_for(kind, target, positions=False)
    model = models.build(kind, width, seed=0, max_len=max(T, H2H.max_len), pe="sinusoidal").to(dev)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(0)
    tokens = torch.randint(0, VOCAB_SIZE, (B, T + 1), generator=g).to(dev)

    def step() -> None:
        logits = model(tokens[:, :-1])                                     # (B, T, V)
        loss = F.cross_entropy(logits.flatten(0, 1), tokens[:, 1:].flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        synchronize(dev)
    return step, param_count(model), width


def measure_point(kind: str, target: int, T: int, B: int = H2H.tp_batch, device: str = "cpu") -> dict:
    """One tidy row: median and IQR of the step time, tokens per second, the stability flag."""
    step, n, width = step_fn(kind, target, T, B, device)
    tries = 0
    while True:
        s = measure(step, 1, H2H.tp_min_run_time, H2H.tp_repeats)
        spread = s.iqr_s / s.median_s
        if spread <= H2H.tp_unstable or tries >= H2H.tp_retries:
            break
        tries += 1
    return {"model": kind, "target_params": target, "parameters": n, "width": width, "T": T, "B": B,
            "median_s": s.median_s, "p25_s": s.p25_s, "p75_s": s.p75_s, "iqr_over_median": spread,
            "unstable": bool(spread > H2H.tp_unstable), "remeasured": tries,
            "tokens_per_s": B * T / s.median_s, "load": round(os.getloadavg()[0], 2)}


def step_work(kind: str, width: int, T: int, B: int) -> float:
    """FLOPs of one training step (3× the forward's matmuls)."""
    n = models.transformer_count(width, False) if kind == "transformer" else models.count(kind, width)
    per_token = 2 * n                               # every weight once per token, a multiply-add each (an upper bound:
    #                                                 embeddings are looked up, not multiplied)
    attention = 4 * T * width * H2H.transformer_layers if kind == "transformer" else 0
    return 3.0 * B * T * (per_token + attention)


def step_span(kind: str, T: int) -> int:
    """Dependent kernel launches in one training step (forward + backward)."""
    if kind in GATES:
        return 2 * T * (GATES[kind] + 2)
    if kind == "mingru":
        return 2 * H2H.mingru_layers * (4 * math.ceil(math.log2(max(T, 2))) + 6)
    return 2 * H2H.transformer_layers * 8


def modelled(kinds: tuple[str, ...], targets: tuple[int, ...], lengths: tuple[int, ...], B: int = H2H.tp_batch,
             tflops: float = TIMING.model_tflops.default, step_us: float = TIMING.model_step_us.default) -> pd.DataFrame:
    """A labelled MODEL of a parallel device: tokens per second = B·T / (work / P + span × latency)."""
    rows = []
    for kind in kinds:
        for target in targets:
            w = models.width_for(kind, target, positions=False)
            for T in lengths:
                t = step_work(kind, w, T, B) / (tflops * 1e12) + step_span(kind, T) * step_us * 1e-6
                rows.append({"model": kind, "target_params": target, "T": T, "B": B, "model_s": t,
                             "tokens_per_s": B * T / t})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m core.head_to_head throughput")
    p.add_argument("--models", default=",".join(models.available()))
    p.add_argument("--device", default="cpu")
    p.add_argument("--out", default=str(shipped.THROUGHPUT))
    a = p.parse_args(argv)
    dev = resolve(a.device).type
    start, load0 = time.perf_counter(), [round(x, 2) for x in os.getloadavg()]
    rows = []
    for target in H2H.tp_widths:
        for T in H2H.tp_lengths:
            for kind in a.models.split(","):
                rows.append(measure_point(kind, target, T, device=dev))
                r = rows[-1]
                print(f"{kind:11s} {r['parameters']:7,d} params T={T:5d}: {r['tokens_per_s']:10,.0f} tokens/s "
                      f"(IQR/median {r['iqr_over_median']:.2f}{', UNSTABLE' if r['unstable'] else ''})", flush=True)
    meta = {"device": dev, "device_name": describe(dev).name, "threads": 1, "batch": H2H.tp_batch,
            "torch_version": torch.__version__, "seconds": round(time.perf_counter() - start, 1),
            "load_start": load0, "load_end": [round(x, 2) for x in os.getloadavg()],
            "unstable_limit": H2H.tp_unstable,
            "command": f"nice -n 10 python -m core.head_to_head throughput --device {dev}"
                       + ("" if a.out == str(shipped.THROUGHPUT) else f" --out {a.out}")}
    shipped.write(type(shipped.THROUGHPUT)(a.out), meta, rows)
    print(f"wrote {a.out} in {meta['seconds']} s")
