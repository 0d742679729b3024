"""Attention's price: the T × T matrix, measured peak memory, where recurrence and attention cross.

C13  the attention matrix softmax(QKᵀ/√Dh) has T × T values per head, per layer, per
     sequence (Vaswani et al. 2017, §3.2.1); written out, that is what memory holds.
     `F.scaled_dot_product_attention` fuses the three steps and never stores it.
C14  fused attention vs a fused recurrent layer at batch 1 over long T: time and memory.
C16  an LSTM's parameter count (closed form, checked against `nn.LSTM`) and its
     per-step latency at batch 1.

Peak memory is read by `core.price.peak_memory` (CUDA counters, or the resident
high-water mark on a Linux CPU) inside a child process (`core.price.isolated`).
Every measured point is estimated first (`estimate_*`: bytes and seconds) and
refused past `PRICE.max_bytes` / `PRICE.max_sweep_s`; each row carries a
`stable` flag (spread within `PRICE.max_spread` of the median).
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core.benchmark import Stats, measure
from core.config import PRICE
from core.device import intra_op_threads, resolve, synchronize
from core.price.peak_memory import peak_bytes
from core.timing import sweep as timing

BYTES_PER_VALUE = {"float32": 4, "bfloat16": 2, "float16": 2}
# The seed's figures (seed 002): T → (values it states, as written).
SEED_FIGURES = ((512, 262_144, "262,144"), (4_096, 16_800_000, "16.8 million"),
                (100_000, 10_000_000_000, "10 billion"))
SEED_CROSSOVER = (2_048, 32_768)   # "transformers win below ~2k; beyond ~32k the quadratic cost bites"
ATTENTION_KINDS = {"materialised": "written out", "fused": "fused (SDPA)"}


# ------------------------------------------------------------------ C13: closed form
@dataclass(frozen=True)
class MatrixSize:
    """How many attention weights a forward pass holds at once, and their bytes."""

    T: int
    heads: int
    layers: int
    batch: int
    bytes_per_value: int

    @property
    def per_head(self) -> int:
        return self.T * self.T

    @property
    def values(self) -> int:
        return self.per_head * self.heads * self.layers * self.batch

    @property
    def bytes(self) -> int:
        return self.values * self.bytes_per_value


def matrix_size(T: int, heads: int = 1, layers: int = 1, batch: int = 1, dtype: str = "float32") -> MatrixSize:
    """T² values per head per layer per sequence (all layers counted, as a training pass keeps them)."""
    L = PRICE
    L.T.check(T), L.heads.check(heads), L.layers.check(layers), L.batch.check(batch), L.dtype.check(dtype)
    return MatrixSize(T, heads, layers, batch, BYTES_PER_VALUE[dtype])


def seed_check() -> pd.DataFrame:
    """The seed's three figures beside the exact T²."""
    rows = [{"T": T, "seed_says": text, "seed_value": v, "exact": T * T, "exact_over_seed": T * T / v}
            for T, v, text in SEED_FIGURES]
    return pd.DataFrame(rows)


def size_curve(size: MatrixSize) -> pd.DataFrame:
    """Bytes vs T for one head and for the whole configuration, T = 2⁶ … max(reader's T, 10⁵)."""
    top = max(size.T, SEED_FIGURES[-1][0])
    ts = sorted({int(t) for t in np.geomspace(64, top, 40)} | {size.T} | {t for t, _, _ in SEED_FIGURES})
    rows = []
    # Python ints can pass 2⁶³ (T² · H · L · B · 4 bytes at T = 10⁷ does); the frame holds floats.
    for T in ts:
        one = T * T * size.bytes_per_value
        rows.append({"T": T, "scope": "one head, one layer, one sequence", "values": float(T * T), "bytes": float(one)})
        rows.append({"T": T, "scope": f"× {size.heads} heads × {size.layers} layers × batch {size.batch}",
                     "values": float(T * T * size.heads * size.layers * size.batch),
                     "bytes": float(one * size.heads * size.layers * size.batch)})
    return pd.DataFrame(rows)


def device_memory_bytes(device: str) -> int | None:
    """Total memory of the device (GPU memory, or the machine's RAM for the CPU)."""
    dev = resolve(device)
    if dev.type == "cuda":
        return int(torch.cuda.get_device_properties(dev).total_memory)
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


# ------------------------------------------------------------------ C13: measured
def materialised_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = False) -> torch.Tensor:
    """softmax(QKᵀ/√Dh)·V with the weights written out. q, k, v: (B, H, T, Dh) → (B, H, T, Dh)."""
    scores = (q @ k.transpose(-2, -1)).mul_(1.0 / math.sqrt(q.shape[-1]))  # (B, H, T, T)
    if causal:
        T = q.shape[-2]
        scores.masked_fill_(torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1), float("-inf"))
    return torch.softmax(scores, dim=-1) @ v                                # (B, H, T, Dh)


def _check_T(T: int, bound, estimate: int) -> None:
    if not 1 <= T <= bound.hi:
        raise ValueError(f"T must be between 1 and {bound.hi} ({bound.name}, the app's limit); got {T}")
    if estimate > PRICE.max_bytes:
        raise ValueError(f"T = {T} would need about {estimate / 2**20:,.0f} MiB in one call, past the memory "
                         f"limit of {PRICE.max_bytes / 2**20:,.0f} MiB per measurement")


def stable(p25: float, median: float, p75: float) -> bool:
    """Is a measured point's spread small enough to state as a finding (IQR ≤ PRICE.max_spread × median)?"""
    return median > 0 and (p75 - p25) <= PRICE.max_spread * median


# ------------------------------------------------------------------ estimates, before anything runs
def _call_seconds(flops: float, steps: int = 1) -> float:
    """A pessimistic single call: FLOPs at PRICE.slow_flops, plus a fixed cost per dependent step."""
    return flops / PRICE.slow_flops + steps * PRICE.step_s + PRICE.call_s


def _point_seconds(call_s: float, repeats: int) -> float:
    """core.benchmark.measure: two warm-up calls, then ≥ `repeats` blocks lasting ≥ min_run_time together."""
    return 2 * call_s + max(PRICE.min_run_time, repeats * call_s)


def estimate_memory_point(kind: str, T: int) -> tuple[int, float]:
    """(peak bytes, seconds) of `attention_memory_point` before it runs."""
    dh = PRICE.mem_head_dim
    bytes_ = 2 * 4 * T * T if kind == "materialised" else 16 * T * dh
    return bytes_ + 3 * 4 * T * dh, _point_seconds(_call_seconds(4 * T * T * dh), PRICE.mem_repeats + 1)


def estimate_crossover_point(method: str, T: int, d: int) -> tuple[int, float]:
    """(peak bytes, seconds) of `crossover_point` before it runs (timing plus one peak reading)."""
    if method == "sdpa":
        call = _call_seconds(4 * T * T * d + 8 * T * d * d)
    else:
        call = _call_seconds(8 * 4 * T * d * d, steps=T)
    return 4 * T * d * 8, _point_seconds(call, PRICE.repeats) + call


def check_sweep(what: str, estimates: list[tuple[int, float]]) -> float:
    """The sweep's estimated seconds, or a ValueError naming the limit it would pass."""
    peak = max((b for b, _ in estimates), default=0)
    total = sum(s for _, s in estimates)
    if peak > PRICE.max_bytes:
        raise ValueError(f"{what} would need about {peak / 2**20:,.0f} MiB in one call, past the memory limit "
                         f"of {PRICE.max_bytes / 2**20:,.0f} MiB per measurement")
    if total > PRICE.max_sweep_s:
        raise ValueError(f"{what} would take about {total:,.0f} s, past the limit of {PRICE.max_sweep_s:g} s "
                         f"for one live sweep; lower the longest T")
    return total


def _time_row(s: Stats) -> dict:
    return {"median_s": s.median_s, "p25_s": s.p25_s, "p75_s": s.p75_s,
            "stable": stable(s.p25_s, s.median_s, s.p75_s)}


def attention_memory_point(kind: str, T: int, device: str = "cpu", seed: int = 0, threads: int = 1) -> dict:
    """Peak extra bytes and seconds (medians over PRICE.mem_repeats calls) of one head's attention.

    B = 1, H = 1, Dh = PRICE.mem_head_dim; q, k, v exist before the baseline is read.
    """
    if kind not in ATTENTION_KINDS:
        raise ValueError(f"kind must be one of {', '.join(ATTENTION_KINDS)}; got {kind!r}")
    _check_T(T, PRICE.mem_t_max, 2 * 4 * T * T if kind == "materialised" else 16 * T * PRICE.mem_head_dim)
    dev = resolve(device)
    g = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(1, 1, T, PRICE.mem_head_dim, generator=g).to(dev) for _ in range(3))  # (B, H, T, Dh)
    attend = materialised_attention if kind == "materialised" else F.scaled_dot_product_attention

    def work() -> None:
        with torch.inference_mode():
            attend(q, k, v)
        synchronize(dev)

    secs: list[float] = []

    def timed() -> None:
        start = time.perf_counter()
        work()
        secs.append(time.perf_counter() - start)

    with intra_op_threads(threads):  # fused kernels keep per-thread buffers
        work()  # warm-up: one-time buffers and kernel selection are not the T² term
        peaks = [peak_bytes(timed, dev) for _ in range(PRICE.mem_repeats)]
    peak = None if peaks[0] is None else float(np.median(peaks))
    spread_ok = peak is None or max(peaks) - min(peaks) <= max(PRICE.max_spread * peak, 64 * 1024)
    return {"kind": kind, "label": ATTENTION_KINDS[kind], "T": T, "peak_bytes": peak,
            "matrix_bytes": 4 * T * T, "median_s": float(np.median(secs)), "stable": bool(spread_ok)}


# ------------------------------------------------------------------ C14: where the lines cross
def crossover_point(method: str, T: int, d: int, device: str = "cpu", threads: int = 1, seed: int = 0) -> dict:
    """One layer at batch 1 over (1, T, d): median time per call (IQR) and peak extra bytes."""
    if method not in ("sdpa", *PRICE.recurrent.options):
        raise ValueError(f"method must be sdpa or one of {', '.join(PRICE.recurrent.options)}; got {method!r}")
    PRICE.width.check(d)
    if d % PRICE.attn_heads:
        raise ValueError(f"width d = {d} must be divisible by the {PRICE.attn_heads} attention heads")
    # Batch-1 inference, fused kernels: a few (T, d)-sized buffers (x, q, k, v, outputs), no T × T matrix.
    _check_T(T, PRICE.cross_t_max, 4 * T * d * 8)
    work = timing.make_work(method, 1, T, d, PRICE.attn_heads, "forward", device, seed)
    s = measure(work, threads, PRICE.min_run_time, PRICE.repeats)
    with intra_op_threads(threads):
        peak = peak_bytes(work, resolve(device))
    return {"method": method, "label": timing.LABELS[method],
            "family": "attention" if method == "sdpa" else "recurrent", "T": T, **_time_row(s), "peak_bytes": peak}


@dataclass(frozen=True)
class Crossover:
    T: float | None      # interpolated (log–log) T where attention stops being faster
    status: str          # "crossed", "attention_faster" (everywhere measured) or "attention_slower"


def crossover(df: pd.DataFrame, attention: str = "sdpa") -> Crossover:
    """Where attention's time line crosses the recurrent one, from rows (method, T, median_s)."""
    wide = df.pivot_table(index="T", columns="method", values="median_s").dropna()
    others = [c for c in wide.columns if c != attention]
    if attention not in wide or not others or wide.empty:
        return Crossover(None, "attention_faster")
    r = np.log(wide[attention].to_numpy() / wide[others[0]].to_numpy())   # < 0: attention faster
    ts = np.log(wide.index.to_numpy(float))
    if r[0] >= 0:
        return Crossover(None, "attention_slower")
    up = np.nonzero(r >= 0)[0]
    if not len(up):
        return Crossover(None, "attention_faster")
    i = up[0]
    t = ts[i - 1] + (ts[i] - ts[i - 1]) * (-r[i - 1]) / (r[i] - r[i - 1])
    return Crossover(float(np.exp(t)), "crossed")


# ------------------------------------------------------------------ C16: an LSTM at the edge
def lstm_parameters(layers: int, hidden: int, inputs: int) -> int:
    """Weights of torch's nn.LSTM: per layer 4N·(I_l + N) + 8N (two bias vectors); I_l = N past layer 1."""
    return sum(4 * hidden * ((inputs if l == 0 else hidden) + hidden) + 8 * hidden for l in range(layers))


def params_curve(layers: int, inputs: int, hidden: int | None = None) -> pd.DataFrame:
    """Parameter count vs hidden units N (powers of two 16 … 1024, plus the reader's N) for given layers and inputs."""
    ns = sorted({int(n) for n in 2 ** np.arange(4, 11)} | ({hidden} if hidden else set()))
    return pd.DataFrame([{"N": n, "params": lstm_parameters(layers, n, inputs)} for n in ns])


@dataclass(frozen=True)
class EdgeResult:
    layers: int
    hidden: int
    inputs: int
    params: int          # closed form
    params_torch: int    # sum(p.numel()) of the nn.LSTM that was timed
    median_s: float      # one step at batch 1: (1, 1, I) in, (h, c) carried
    p25_s: float
    p75_s: float
    threads: int

    @property
    def stable(self) -> bool:
        return stable(self.p25_s, self.median_s, self.p75_s)


def lstm_step(layers: int, hidden: int, inputs: int, device: str = "cpu", threads: int = 1,
              seed: int = 0) -> EdgeResult:
    """Time one step of nn.LSTM(I, N, layers) at batch 1 with its state carried in."""
    L = PRICE
    L.lstm_layers.check(layers), L.lstm_hidden.check(hidden), L.lstm_input.check(inputs)
    n = lstm_parameters(layers, hidden, inputs)
    if n > L.lstm_max_params:
        raise ValueError(f"this LSTM has {n:,} parameters ({4 * n / 2**20:,.0f} MiB in float32); the limit is "
                         f"{L.lstm_max_params:,}")
    dev = resolve(device)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        lstm = torch.nn.LSTM(inputs, hidden, layers, batch_first=True).to(dev)
        x, h = torch.randn(1, 1, inputs).to(dev), torch.zeros(layers, 1, hidden, device=dev)  # (B, T, I), (L, B, N)

    def work() -> None:
        with torch.inference_mode():
            lstm(x, (h, h))
        synchronize(dev)

    s = measure(work, threads, L.min_run_time, L.repeats)
    return EdgeResult(layers, hidden, inputs, n, sum(p.numel() for p in lstm.parameters()),
                      s.median_s, s.p25_s, s.p75_s, threads)
