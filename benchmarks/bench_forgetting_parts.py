"""The memory page's forgetting section, part by part: the estimate it shows and checks against the
request budget, beside the measured time and peak memory.

    python benchmarks/bench_forgetting_parts.py [--sizes 8:40,64:40,...]

Each (N, k_max, model) part runs in a fresh child process on one thread (as the page runs it), so
its first-call costs are counted, as a server's first visitor pays them. Prints per part
measured/estimated seconds and extra peak resident MB (the child's high-water mark above its own
baseline)/estimated MB, and per setting the totals with the budget's verdict. The goal: every
estimate at or above what is measured on an idle host, and within about 2× of it.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(n: int, kmax: int, model: str) -> None:
    sys.path.insert(0, str(ROOT))
    import torch

    from core.memory import forgetting
    from core.memory.setup import ForgettingSetup

    torch.set_num_threads(1)
    part = forgetting.part_of(ForgettingSetup(n_hidden=n, kmax=kmax), model)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    forgetting.run_part(part)
    seconds = time.perf_counter() - t
    est = forgetting.part_cost(part)
    print(json.dumps({"s": seconds, "est_s": est.seconds,
                      "mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024,
                      "est_mb": est.bytes / 2**20}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="8:40,64:40,128:40,256:40,64:120,256:120")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(int(a.child[0]), int(a.child[1]), a.child[2])
        return
    sys.path.insert(0, str(ROOT))
    from core.config import GRADMEM_BUDGET
    from core.memory import forgetting
    from core.memory.setup import ForgettingSetup

    print("part: measured / estimated seconds, extra peak MB measured / estimated")
    for spec in a.sizes.split(","):
        n, kmax = map(int, spec.split(":"))
        cells, total = [], 0.0
        for model in forgetting.PARTS:
            out = subprocess.run([sys.executable, __file__, "--child", str(n), str(kmax), model],
                                 capture_output=True, text=True, cwd=ROOT, check=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            total += r["s"]
            cells.append(f"{model} {r['s']:.2f}/{r['est_s']:.2f} s {r['mb']:.0f}/{r['est_mb']:.0f} MB")
        est = forgetting.total_cost(ForgettingSetup(n_hidden=n, kmax=kmax))
        fits = est.bytes <= GRADMEM_BUDGET.max_bytes and est.seconds <= GRADMEM_BUDGET.max_seconds
        print(f"N = {n}, k ≤ {kmax}: " + " | ".join(cells))
        print(f"    total {total:.1f} s measured, {est.seconds:.1f} s estimated "
              f"({'runs' if fits else 'refused'}: budget {GRADMEM_BUDGET.max_seconds:g} s)", flush=True)


if __name__ == "__main__":
    main()
