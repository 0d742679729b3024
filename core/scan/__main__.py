"""Regenerate this chapter's shipped results and checkpoints.

    nice -n 10 python -m core.scan three-ways --out assets/scan/three_ways_cpu.json
    nice -n 10 python -m core.scan train-step --out assets/scan/train_step_cpu.json
    python -m core.scan train-step --device cuda --out assets/scan/train_step_cuda.json
    nice -n 10 python -m core.scan train --task copy      (and --task recall)
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from core.config import SCAN as L
from core.device import describe
from core.scan import compare, lm, results, steptime


def _meta(args, device: str, threads: int) -> dict:
    info = describe(device)
    return {**results.host_meta(), "command": "python -m core.scan " + " ".join(sys.argv[1:]),
            "device": info.name, "device_kind": info.kind, "threads": threads, "torch": info.torch_version,
            "started": time.strftime("%Y-%m-%d %H:%M:%S")}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m core.scan", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    a = sub.add_parser("three-ways", help="loop vs tree vs log-space scan over T (one thread, float32)")
    a.add_argument("--t", type=int, nargs="+", default=[16, 64, 256, 1024, 4096, 16384])
    a.add_argument("--width", type=int, default=L.width.default)
    a.add_argument("--min-run-time", type=float, default=0.5, help="seconds of timed blocks per point")
    a.add_argument("--repeats", type=int, default=5)
    a.add_argument("--out", type=Path, default=results.THREE_WAYS)
    s = sub.add_parser("train-step", help="one training step: minGRU scan vs GRUCell loop vs nn.GRU vs attention")
    s.add_argument("--t", type=int, nargs="+", default=[16, 64, 256, 1024, 4096])
    s.add_argument("--device", default="cpu")
    s.add_argument("--threads", type=int, default=1)
    s.add_argument("--max-call-s", type=float, default=8.0)
    s.add_argument("--out", type=Path, default=results.STEP_CPU)
    t = sub.add_parser("train", help="train a shipped minGRU language model")
    t.add_argument("--task", choices=L.tasks, required=True)
    t.add_argument("--steps", type=int, default=L.train_steps)
    t.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    if args.what == "three-ways":
        meta = {**_meta(args, "cpu", 1), "B": L.batch, "D": args.width, "a_lo": L.a_lo.default, "dtype": "float32",
                "min_run_time": args.min_run_time, "repeats": args.repeats}
        df = compare.sweep(sorted(args.t), args.width, progress=lambda i, n, T: print(f"T = {T} ({i}/{n})"),
                           min_run_time=args.min_run_time, repeats=args.repeats)
        results.write(args.out, "three_ways", df.to_dict("records"), meta)
    elif args.what == "train-step":
        meta = {**_meta(args, args.device, args.threads), "B": L.step_batch, "D": L.step_width,
                "heads": L.step_heads, "max_call_s": args.max_call_s}
        rows, stops = [], []
        for item in steptime.sweep(sorted(args.t), limit_s=args.max_call_s, device=args.device,
                                   threads=args.threads):
            print(item, flush=True)
            (stops if isinstance(item, str) else rows).append(item)
        results.write(args.out, "train_step", rows, {**meta, "stopped": stops})
    else:
        torch.set_num_threads(1)
        rec = lm.train_task(args.task, args.steps, args.seed,
                            progress=lambda i, n, loss: print(f"{i}/{n} loss {loss:.3f}") if i % 100 == 0 else None)
        record = lm.recorded()
        record[args.task] = rec
        lm.RECORD.write_text(json.dumps(record, indent=1))
        print({k: v for k, v in rec.items() if k != "by_length"})


if __name__ == "__main__":
    main()
