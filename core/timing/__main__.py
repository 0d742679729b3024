"""`python -m core.timing --help`: sweep recurrence vs attention over T and write a result JSON.

The same measuring as the page: methods interleaved per point, unstable points
re-measured, the peak from `core.device`'s one policy (read before, re-read after,
re-read while an achieved rate exceeds it), the load average recorded in the file.
"""
from __future__ import annotations

import argparse

import pandas as pd

from core.config import TIMING, TIMING_METHODS
from core.device import describe, resolve
from core.timing.results import to_json
from core.timing.sweep import SweepSpec, check_request, final_peak, iter_sweep, meta, with_peak_share


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="Sweep recurrence vs attention over T; write a result JSON.")
    d = SweepSpec()
    p.add_argument("--methods", default=",".join(d.methods), help=f"comma list of {','.join(TIMING_METHODS)}")
    p.add_argument("--mode", default=d.mode, choices=TIMING.mode.options)
    for name in ("B", "d", "heads", "t_min", "t_max", "points", "threads", "repeats", "seed"):
        p.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(d, name))
    p.add_argument("--min-run-time", type=float, default=d.min_run_time)
    p.add_argument("--device", default="auto")
    p.add_argument("--out", required=True, help="where to write the JSON result")
    a = p.parse_args(argv)
    spec = SweepSpec(methods=tuple(a.methods.split(",")), mode=a.mode, B=a.B, d=a.d, heads=a.heads,
                     t_min=a.t_min, t_max=a.t_max, points=a.points, threads=a.threads,
                     device=resolve(a.device).type, min_run_time=a.min_run_time, repeats=a.repeats, seed=a.seed)
    secs, _ = check_request((spec,))
    print(f"estimated {secs:.0f} s")
    rows = []
    for row in iter_sweep(spec):
        rows.append(row)
        flag = "" if row["stable"] else f"  UNSTABLE (spread {row['spread']:.0%})"
        print(f"{row['label']:24s} T={row['T']:6d}  {row['median_s'] * 1e3:10.3f} ms  "
              f"{row['flops_per_s'] / 1e9:8.1f} GFLOP/s{flag}")
    df = pd.DataFrame(rows)
    peak, overruled = final_peak(spec.device, spec.threads, df)
    df = with_peak_share(df, peak)
    print(f"matmul peak {peak / 1e9:.1f} GFLOP/s" + (" (raised to an achieved rate)" if overruled else ""))
    text = to_json(df, meta(spec, peak, describe(spec.device).name, peak_overruled=overruled))
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
