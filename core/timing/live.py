"""One live timing request on this server: its sweeps, what is measured so far, and its chunked work.

A request is the sweep the reader asked for plus, optionally, the same sweep on
1 thread (`SweepSpec.request`). `LiveRequest.work()` is the iterator a queued
turn runs (`ui.queue.run_queued`): each step is one chunk — the peak reading and
the validate-with-retry first, then one round of blocks at one T of one sweep
(every method, interleaved; unstable ones re-measured), then the final peak
reading. A chunk lasts a fraction of a second on an idle host and a few seconds
on a very busy one, so the request's time limit and a Stop act promptly. Measured
points are kept, so a request interrupted by a rerun resumes where it stopped.

Only a complete request whose every point is stable (`shareable`) may be cached
for other visitors; anything else stays with the session that measured it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterator

import pandas as pd

from core.device import fresh_peak
from core.timing.sweep import SweepSpec, SweepTooSlow, check_request, final_peak, point_steps, with_peak_share


@dataclass
class LiveRequest:
    specs: tuple[SweepSpec, ...]
    rows: dict[SweepSpec, list[dict]] = field(default_factory=dict)
    status: str = "pending"       # pending, running, done, stopped, time limit, refused
    message: str = ""
    peak: float | None = None
    peak_overruled: bool = False  # an achieved rate exceeded every peak reading
    fresh: bool = False           # "Measure again": take a fresh peak reading first
    prior_peak: float = 0.0       # this device's peak in a shipped reference (same device and threads)

    @property
    def main(self) -> SweepSpec:
        return self.specs[0]

    def measured_T(self, spec: SweepSpec) -> set[int]:
        return {r["T"] for r in self.rows.get(spec, [])}

    def complete(self) -> bool:
        """Every (method, T) of every sweep in the request has its row."""
        return all({(r["method"], r["T"]) for r in self.rows.get(s, [])} >= {(m, T) for m in s.methods for T in s.grid()}
                   for s in self.specs)

    def finished(self) -> bool:
        """Nothing more will be measured without a new request (done, stopped, refused, time limit)."""
        return self.status in ("done", "stopped", "time limit", "refused")

    def stable(self) -> bool:
        return self.complete() and all(r["stable"] for rs in self.rows.values() for r in rs)

    def shareable(self) -> bool:
        return self.status == "done" and self.stable()

    def frame(self, spec: SweepSpec | None = None) -> pd.DataFrame:
        """The rows of one sweep (default: the main one), with the share of the peak when known."""
        df = pd.DataFrame(self.rows.get(spec or self.main, []))
        if df.empty or self.peak is None:
            return df
        return with_peak_share(df, self.peak)

    def work(self, budget_s: float | None = None) -> Iterator[str]:
        """The chunks of this request; each yields a few words on what it just did. Once half of
        `budget_s` (this request's measuring time) is spent, unstable points are no longer
        re-measured: on a host that busy a re-measurement would spend the rest for nothing."""
        self.status = "running"
        spent, resumed = 0.0, time.monotonic()
        if self.fresh:
            fresh_peak(self.main.device, self.main.threads)
            self.fresh = False
        try:
            check_request(self.specs, self.prior_peak)
        except SweepTooSlow as e:
            self.status, self.message = "refused", f"Not timed: {e}."
            return
        yield "matmul peak read"
        for spec in self.specs:
            for T in spec.grid():
                if T in self.measured_T(spec):
                    continue
                where = f"T = {T:,}" + (" on 1 thread" if spec is not self.main else "")
                hurry = budget_s is not None and spent > budget_s / 2
                steps = point_steps(T, spec, remeasure=0 if hurry else None)
                while True:
                    try:
                        step = next(steps)
                    except StopIteration as done:
                        self.rows.setdefault(spec, []).extend(done.value)
                        break
                    spent += time.monotonic() - resumed
                    yield f"{where}, {step}"
                    resumed = time.monotonic()
        rows = pd.concat([pd.DataFrame(r) for r in self.rows.values()], ignore_index=True)
        self.peak, self.peak_overruled = final_peak(self.main.device, self.main.threads, rows)
        self.status = "done"
        yield "peak re-read"
