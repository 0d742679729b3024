"""The seed article's benchmark (seed 000, §4), replayed three ways (claim C3).

The article times `CustomRNN` (a loop over nn.RNNCell) and `CustomSelfAttention`
(nn.MultiheadAttention, 4 heads) once each with `time.time()` at B = 32,
T = 512, d = 128, autograd on, no warm-up and no device synchronisation.

1. `fresh_process`: the article's code run verbatim in a new Python process,
   so its single reading includes every first-call cost the article's reader pays.
2. `one_shot`: one `time.time()` reading of fresh modules in this (warm) process.
3. `proper`: the same calls warmed up, synchronised and repeated (median, IQR),
   the two models' blocks interleaved so a load spike hits both alike.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Iterator

import torch

from core.benchmark import Stats, measure_interleaved
from core.config import TIMING as L
from core.device import intra_op_threads, resolve, synchronize
from core.timing.sweep import build_module

# The article's code, verbatim but for the thread count and a seed.
SEED_CODE = """
import time, torch, torch.nn as nn
torch.set_num_threads({threads}); torch.manual_seed({seed})
batch_size, seq_length, embedding_dim = {B}, {T}, {d}
x = torch.randn(batch_size, seq_length, embedding_dim)
class CustomRNN(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.rnn_cell = nn.RNNCell(dim, dim)
    def forward(self, x):
        h = torch.zeros(x.size(0), x.size(2), device=x.device)
        for t in range(x.size(1)):
            h = self.rnn_cell(x[:, t, :], h)
        return h
class CustomSelfAttention(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.num_heads = {H}
        self.mha = nn.MultiheadAttention(dim, self.num_heads, batch_first=True)
    def forward(self, x):
        attn_out, _ = self.mha(x, x, x)
        return attn_out
rnn = CustomRNN(embedding_dim)
attention = CustomSelfAttention(embedding_dim)
start = time.time()
rnn_out = rnn(x)
rnn_time = time.time() - start
start = time.time()
attn_out = attention(x)
attn_time = time.time() - start
print(f"RNN Time (Sequential loop): {{rnn_time * 1000:.2f}} ms")
print(f"Attention Time (Parallel matrix): {{attn_time * 1000:.2f}} ms")
"""


@dataclass(frozen=True)
class SnippetResult:
    fresh_rnn_s: float | None     # the article's code in a new process (None if it could not run)
    fresh_attn_s: float | None
    one_shot_rnn_s: float         # one time.time() reading in this process
    one_shot_attn_s: float
    proper_rnn: Stats             # warmed up, synchronised, repeated
    proper_attn: Stats
    threads: int


def fresh_process(threads: int, seed: int = 0, timeout: float = 60.0) -> tuple[float, float] | None:
    """Run the article's code in a new CPU Python process; its two printed times in seconds."""
    code = SEED_CODE.format(threads=threads, seed=seed, B=L.preset_batch, T=L.preset_t,
                            d=L.preset_width, H=L.preset_heads)
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=timeout, env=env, check=True).stdout
    except (subprocess.SubprocessError, OSError):
        return None
    found = [float(v) / 1e3 for v in re.findall(r"Time \([^)]*\): ([0-9.]+) ms", out)]
    return (found[0], found[1]) if len(found) == 2 else None


ESTIMATE_S = 8.0   # idle 2-core host: a new process importing torch (~4 s), then ~2 s of timing


def replay_steps(device: str = "cpu", threads: int = 2, seed: int = 0, repeats: int = 7,
                 with_fresh_process: bool = True) -> Iterator[str | SnippetResult]:
    """The replay in chunks (for a queued turn): a status string after each, the result last."""
    dev = resolve(device)
    fresh = fresh_process(threads, seed) if with_fresh_process and dev.type == "cpu" else None
    yield "the seed's code ran in a new process"
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        x = torch.randn(L.preset_batch, L.preset_t, L.preset_width).to(dev)
        rnn = build_module("rnncell_loop", L.preset_width, L.preset_heads).to(dev)
        attn = build_module("mha", L.preset_width, L.preset_heads).to(dev)
    with intra_op_threads(threads):
        start = time.time()
        rnn(x)
        one_rnn = time.time() - start
        start = time.time()
        attn(x, x, x)
        one_attn = time.time() - start
    yield "one time.time() reading each"

    def synced(fn):
        return lambda: (fn(), synchronize(dev))

    proper = measure_interleaved({"rnn": synced(lambda: rnn(x)), "attn": synced(lambda: attn(x, x, x))},
                                 threads, 0.3, repeats)
    yield SnippetResult(fresh[0] if fresh else None, fresh[1] if fresh else None,
                        one_rnn, one_attn, proper["rnn"], proper["attn"], threads)


def replay(device: str = "cpu", threads: int = 2, seed: int = 0, repeats: int = 7,
           with_fresh_process: bool = True) -> SnippetResult:
    """All three readings of the article's benchmark."""
    *_, result = replay_steps(device, threads, seed, repeats, with_fresh_process)
    return result
