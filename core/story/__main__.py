"""Write the shipped scene data: `python -m core.story --out assets/story/scenes.json`.

Runs every scene's computation once (the timing scenes' shipped version comes from
the timing lab's reference sweep) and writes one JSON file. `--only a,b` recomputes
those scenes and keeps the others already in the file. Run it on an otherwise idle
machine: the file records the load average it was measured under.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from core.story import scene as sc
from core.story.scenes import BY_SLUG, SCENES


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m core.story", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=sc.SHIPPED, help="where to write the scenes file")
    ap.add_argument("--only", default="", help="comma-separated scene slugs to recompute (default: all)")
    args = ap.parse_args(argv)
    only = [s for s in args.only.split(",") if s]
    unknown = [s for s in only if s not in BY_SLUG]
    if unknown:
        ap.error(f"unknown scene(s) {', '.join(unknown)}; choose from {', '.join(BY_SLUG)}")
    results = {}
    if only and args.out.exists():
        _, results = sc.load(args.out)
    for s in SCENES:
        if only and s.slug not in only:
            continue
        t0 = time.monotonic()
        results[s.slug] = (s.shipped or s.compute)()
        print(f"{s.slug:12s} {time.monotonic() - t0:6.1f} s  {s.sentence(results[s.slug])}", file=sys.stderr)
    ordered = {s.slug: results[s.slug] for s in SCENES if s.slug in results}
    sc.save(ordered, args.out, {"command": "python -m core.story --out " + str(args.out),
                                "load_avg_at_end": [round(v, 2) for v in os.getloadavg()],
                                "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})


if __name__ == "__main__":
    main()
