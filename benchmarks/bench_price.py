"""Figures and speed of the 'Attention's price' page on this machine.

    python benchmarks/bench_price.py [--threads 1] [--long]

Prints
  - the page's default view through AppTest: first (cold) run, live sweep included, and a cached rerun
  - peak memory of one head, written out vs fused, T = 256 … 8,192               (C13)
  - time and memory of fused attention vs nn.LSTM at batch 1, d = 128, and where they cross (C14);
    --long extends T to 16,384 (each method stops where one call would pass the limit)
  - per-new-token latency and state for LSTM / KV cache / no cache, context 128 … 4,096 (16,384 with --long) (C15)
  - the seed's 2-layer, 256-unit LSTM: parameters and per-step latency at batch 1 (C16)
with the load average, which matters on a shared 2-core host.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import torch  # noqa: E402

from core.price import costs as price  # noqa: E402
from core.price import notes, plan, streaming  # noqa: E402
from core.price.isolated import Worker  # noqa: E402
from core.price.sweep import Row, Stop, time_text  # noqa: E402


def page_times() -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("chapters/attention_price.py")
    t0 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t0
    assert not at.exception, at.exception
    t0 = time.perf_counter()
    at.run()
    return cold, time.perf_counter() - t0


def run(events) -> pd.DataFrame:
    """Iterate the page's own sweep generator (core.price.sweep.doubling_sweep), printing its stop reasons."""
    rows = []
    for ev in events:
        if isinstance(ev, Row):
            rows.append(ev.row)
        elif isinstance(ev, Stop):
            print("   ", ev.reason)
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--long", action="store_true")
    a = ap.parse_args()
    th = a.threads
    print(f"torch {torch.__version__}, {os.cpu_count()} cores, {th} thread(s); load average {os.getloadavg()[0]:.2f}")

    cold, warm = page_times()
    print(f"page default view (shipped reference, then the live crossover sweep): first run {cold:.2f} s, "
          f"cached rerun {warm:.2f} s; load average {os.getloadavg()[0]:.2f}")

    print("C13 peak extra memory, one head (B = H = 1, Dh = 64), measured in a child process:")
    with Worker() as w:
        mem = run(plan.MemorySpec(8192, 0, th).run(w))
    w = mem.pivot_table(index="T", columns="kind", values="peak_bytes")
    for T, r in w.iterrows():
        print(f"  T = {T:6,}: written out {notes.size_text(r['materialised']):>10}  fused {notes.size_text(r['fused']):>10}"
              f"  (one T×T float32 matrix {notes.size_text(4 * T * T)})")
    print("  " + "\n  ".join(notes.memory_notes(mem)))

    t_max = 16384 if a.long else 4096
    print(f"C14 batch 1, d = 128, {th} thread(s), T = 256 … {t_max:,}:")
    with Worker() as w:
        cross = run(plan.CrossoverSpec("lstm_fused", 128, t_max, "cpu", th, 0).run(w))
    c = cross.pivot_table(index="T", columns="method", values="median_s")
    for T, r in c.iterrows():
        print(f"  T = {T:6,}: attention {time_text(r['sdpa']):>9}  nn.LSTM {time_text(r['lstm_fused']):>9}")
    crossing = price.crossover(cross)
    print("  " + "\n  ".join(notes.crossover_notes(cross, crossing, 128, "CPU", th, [])))

    ctx = 16384 if a.long else 4096
    print(f"C15 one new token, d = 128, context 128 … {ctx:,}:")
    stream = run(plan.StreamSpec(128, ctx, "cpu", th, 0).run())
    s = stream.pivot_table(index="T", columns="kind", values="median_s")
    for T, r in s.iterrows():
        print(f"  T = {T:6,}: " + "  ".join(f"{streaming.KINDS[k]} {time_text(r[k]):>9}"
                                            for k in streaming.KINDS if pd.notna(r.get(k))))
    print("  " + "\n  ".join(notes.stream_notes(stream, 128)))

    print("C16 the seed's LSTM:")
    for t in sorted({1, th}):
        edge = price.lstm_step(2, 256, 256, threads=t)
        print("  " + "\n  ".join(notes.edge_notes(edge, "CPU")))
    print("C18:\n" + notes.summary(cross, crossing, stream, 128, edge).to_string(index=False))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
