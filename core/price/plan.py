"""Attention's price as plans: the page's settings, what each live sweep will measure and cost.

`PriceParams` is built by the page, by keyword, from its controls; its
properties give each section's frozen spec (`memory`, `crossover`, `stream`,
`edge`), which is what crosses the cache boundary and what the shipped results
file records. Each spec lists its jobs, estimates its cost before anything runs
(`check` refuses past the limits in `PRICE`), and `run` iterates the one
doubling sweep (`core.price.sweep.doubling_sweep`). Points that read peak memory
go through a child process (`core.price.isolated.Worker`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Iterator

from core.config import PRICE
from core.price import costs, streaming
from core.price.isolated import Worker
from core.price.sweep import Event, doubling, doubling_sweep


@dataclass(frozen=True)
class MemorySpec:
    t_max: int
    seed: int
    threads: int

    def jobs(self) -> list[tuple[str, int]]:
        return [(k, T) for T in doubling(PRICE.mem_t_min, self.t_max) for k in costs.ATTENTION_KINDS]

    def check(self) -> float:
        PRICE.mem_t_max.check(self.t_max)
        return costs.check_sweep("Measuring peak memory", [costs.estimate_memory_point(k, T) for k, T in self.jobs()])

    def run(self, worker: Worker) -> Iterator[Event]:
        self.check()
        return doubling_sweep(self.jobs(), lambda k, T: worker.call(
            "memory", kind=k, T=T, seed=self.seed, threads=self.threads))


@dataclass(frozen=True)
class CrossoverSpec:
    recurrent: str
    d: int
    t_max: int
    device: str
    threads: int
    seed: int

    def jobs(self) -> list[tuple[str, int]]:
        return [(m, T) for T in doubling(PRICE.cross_t_min, self.t_max) for m in ("sdpa", self.recurrent)]

    def check(self) -> float:
        PRICE.recurrent.check(self.recurrent), PRICE.width.check(self.d), PRICE.cross_t_max.check(self.t_max)
        if self.d % PRICE.attn_heads:
            raise ValueError(f"width d = {self.d} must be divisible by the {PRICE.attn_heads} attention heads")
        return costs.check_sweep("Timing attention against recurrence",
                                 [costs.estimate_crossover_point(m, T, self.d) for m, T in self.jobs()])

    def run(self, worker: Worker) -> Iterator[Event]:
        self.check()
        return doubling_sweep(self.jobs(), lambda m, T: worker.call(
            "crossover", method=m, T=T, d=self.d, device=self.device, threads=self.threads, seed=self.seed),
            {"sdpa": 4})


@dataclass(frozen=True)
class StreamSpec:
    d: int
    ctx_max: int
    device: str
    threads: int
    seed: int

    def jobs(self) -> list[tuple[str, int]]:
        return [(k, T) for T in doubling(PRICE.ctx_min, self.ctx_max) for k in streaming.KINDS]

    def check(self) -> float:
        PRICE.width.check(self.d), PRICE.ctx_max.check(self.ctx_max)
        if self.d % PRICE.attn_heads:
            raise ValueError(f"width d = {self.d} must be divisible by the {PRICE.attn_heads} attention heads")
        return costs.check_sweep("Timing one new token",
                                 [streaming.estimate_point(k, T, self.d) for k, T in self.jobs()])

    def run(self, point: Callable[[str, int], dict] | None = None) -> Iterator[Event]:
        """No peak memory is read here (the state kept is counted), so it runs in this process."""
        self.check()
        point = point or (lambda k, T: streaming.stream_point(k, T, self.d, self.device, self.threads, self.seed))
        return doubling_sweep(self.jobs(), point, {"recompute": 4})


@dataclass(frozen=True)
class EdgeSpec:
    layers: int
    hidden: int
    inputs: int
    device: str
    threads: int
    seed: int

    def check(self) -> float:
        n = costs.lstm_parameters(self.layers, self.hidden, self.inputs)
        if n > PRICE.lstm_max_params:
            raise ValueError(f"this LSTM has {n:,} parameters ({4 * n / 2**20:,.0f} MiB in float32); the limit "
                             f"is {PRICE.lstm_max_params:,}")
        call = 8 * n / PRICE.slow_flops + self.layers * PRICE.step_s + PRICE.call_s
        return costs.check_sweep("Timing one LSTM step", [(4 * n, 2 * call + max(PRICE.min_run_time, 3 * call))])

    def run(self) -> costs.EdgeResult:
        self.check()
        return costs.lstm_step(self.layers, self.hidden, self.inputs, self.device, self.threads, self.seed)


@dataclass(frozen=True)
class PriceParams:
    """Every control of the attention's-price page."""

    T: int
    heads: int
    layers: int
    batch: int
    dtype: str
    mem_t_max: int
    recurrent: str
    d: int
    cross_t_max: int
    ctx_max: int
    lstm_layers: int
    lstm_hidden: int
    lstm_input: int
    threads: int
    seed: int
    device: str
    view: str

    @property
    def memory(self) -> MemorySpec:
        return MemorySpec(self.mem_t_max, self.seed, self.threads)

    @property
    def crossover(self) -> CrossoverSpec:
        return CrossoverSpec(self.recurrent, self.d, self.cross_t_max, self.device, self.threads, self.seed)

    @property
    def stream(self) -> StreamSpec:
        return StreamSpec(self.d, self.ctx_max, self.device, self.threads, self.seed)

    @property
    def edge(self) -> EdgeSpec:
        return EdgeSpec(self.lstm_layers, self.lstm_hidden, self.lstm_input, self.device, self.threads, self.seed)


def default_params(device: str = "cpu", seed: int = 0) -> PriceParams:
    """The page's defaults (what the shipped results file measures)."""
    L = PRICE
    return PriceParams(T=L.T.default, heads=L.heads.default, layers=L.layers.default, batch=L.batch.default,
                       dtype=L.dtype.default, mem_t_max=L.mem_t_max.default, recurrent=L.recurrent.default,
                       d=L.width.default, cross_t_max=L.cross_t_max.default, ctx_max=L.ctx_max.default,
                       lstm_layers=L.lstm_layers.default, lstm_hidden=L.lstm_hidden.default,
                       lstm_input=L.lstm_input.default, threads=L.threads.default, seed=seed, device=device,
                       view=L.view.default)


def spec_dict(spec) -> dict:
    return asdict(spec)
