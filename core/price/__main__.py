"""Measure attention's price at the page's defaults and write the shipped results file.

    nice -n 10 python -m core.price --out assets/price/cpu_default.json [--threads 1]

Runs the page's four default sweeps (peak memory in a child process, the
crossover, streaming, the seed's LSTM step) through the same code the page
uses, and records the load average before and after and a stable flag per point.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

import torch

from core.device import describe
from core.price.isolated import Worker
from core.price.plan import default_params, spec_dict
from core.price.shipped import SCHEMA
from core.price.sweep import Row, Stop


def _collect(events) -> tuple[list[dict], list[str]]:
    rows, stopped = [], []
    for ev in events:
        if isinstance(ev, Row):
            rows.append(ev.row)
            print(f"  {ev.row.get('label')} T = {ev.row['T']:,}", file=sys.stderr)
        elif isinstance(ev, Stop):
            stopped.append(ev.reason)
    return rows, stopped


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--threads", type=int, default=None)
    a = ap.parse_args(argv)
    p = default_params()
    if a.threads:
        p = type(p)(**{**asdict(p), "threads": a.threads})
    before = os.getloadavg()
    with Worker() as w:
        memory, mem_stop = _collect(p.memory.run(w))
        cross, cross_stop = _collect(p.crossover.run(w))
    stream, stream_stop = _collect(p.stream.run())
    edge = p.edge.run()
    after = os.getloadavg()
    rows = memory + cross + stream
    info = describe(p.device)
    meta = {
        "command": "python -m core.price --out " + str(a.out) + (f" --threads {a.threads}" if a.threads else ""),
        "device": info.name, "kind": info.kind, "torch": torch.__version__, "threads": p.threads,
        "cores": info.cores, "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "loadavg_before": list(before), "loadavg_after": list(after),
        "points": len(rows), "unstable_points": sum(1 for r in rows if not r.get("stable", True)) + (not edge.stable),
    }
    out = {"schema": SCHEMA, "meta": meta,
           "specs": {"memory": spec_dict(p.memory), "crossover": spec_dict(p.crossover),
                     "stream": spec_dict(p.stream), "edge": spec_dict(p.edge)},
           "memory": memory, "crossover": cross, "stream": stream, "edge": asdict(edge),
           "stopped": {"memory": mem_stop, "crossover": cross_stop, "stream": stream_stop}}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {a.out}: {len(rows)} points, {meta['unstable_points']} unstable; load {before[0]:.2f} → {after[0]:.2f}")


if __name__ == "__main__":
    main()
