"""Figures and speed of the 'Recurrence strikes back' page on this machine.

    python benchmarks/bench_scan.py

Prints
  - the page's default view through AppTest: first run and a rerun      (goal ≤ 1.5 s to the first chart)
  - the live three-ways comparison at default settings (T = 1,024, D = 64, B = 4, one thread)   (goal ≤ 2 s)
  - the shipped timings (three ways; one training step), with the load they were measured under
with the load average now, which matters on a shared 2-core host.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.config import SCAN  # noqa: E402
from core.scan import compare, results  # noqa: E402


def load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def page_times() -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("chapters/scan.py")
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    at.run()
    return first, time.perf_counter() - t0


def main() -> None:
    print(f"{load()} on {os.cpu_count()} cores")
    t0 = time.perf_counter()
    meta, ref = results.load(results.THREE_WAYS)
    shipped_s = time.perf_counter() - t0
    print(f"shipped reference loaded in {shipped_s * 1e3:.0f} ms (what the first chart paints from)")
    first, again = page_times()
    print(f"default view, whole script incl. the live comparison: first {first:.2f} s, rerun {again:.2f} s ({load()})")
    t0 = time.perf_counter()
    rates = compare.calibrate()
    r = compare.three_ways(SCAN.T.default, SCAN.width.default, rates=rates)
    live = time.perf_counter() - t0
    print(f"live three ways at T = {SCAN.T.default:,}, D = {SCAN.width.default}: {live:.2f} s (goal ≤ 2 s; {load()})")
    for row in r.table.itertuples():
        print(f"  {row.method:8s} {row.median_s * 1e3:9.3f} ms  IQR/median {(row.p75_s - row.p25_s) / row.median_s:.2f}"
              f"  {'UNSTABLE' if row.unstable else 'stable  '}  max|diff| {row.max_abs_diff:.1e}  calls {row.calls}")
    print(f"shipped three ways ({meta['device']}, load {meta['loadavg_before'][0]:.1f} → {meta['loadavg_after'][0]:.1f}, "
          f"{meta['unstable_points']} unstable points):")
    print(ref.pivot_table(index="T", columns="method", values="median_s").mul(1e3).round(3).to_string())
    try:
        m2, step = results.load(results.STEP_CPU)
        print(f"shipped training step ({m2['device']}, load {m2['loadavg_before'][0]:.1f} → "
              f"{m2['loadavg_after'][0]:.1f}, {m2['unstable_points']} unstable points), ms:")
        print(step.pivot_table(index="T", columns="method", values="median_s").mul(1e3).round(1).to_string())
    except (OSError, ValueError) as e:
        print(f"no shipped training-step result: {e}")


if __name__ == "__main__":
    main()
