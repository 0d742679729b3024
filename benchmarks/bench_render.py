"""The server's share of a page: seconds for one warm rerun of each page's default view (AppTest, no
browser), and how much of it Altair spends building and converting charts.

    python benchmarks/bench_render.py [page ...] [--reps 3]

Each page is opened once (its caches fill), then rerun `--reps` times; printed: the median rerun,
seconds in `to_dict` (Altair's conversion, nested calls included) and in the screen-reader
description, and the load average. The browser's part (downloading and starting Streamlit's
frontend, drawing) is `bench_pages.py`'s; `bench_server.py` adds many viewers at once.
Goal: a control change redraws within 1 s, so a default rerun should take well under that.
"""
from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import altair as alt  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from core.story import figures  # noqa: E402

PAGES = ["overview", "timing_lab", "gradients", "memory", "attention_maps", "attention_price", "scan",
         "head_to_head", "quiz", "talk"]
spent: dict[str, float] = collections.defaultdict(float)


def _timed(owner, name: str, label: str) -> None:
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - t

    setattr(owner, name, wrapper)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="*", default=PAGES)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    _timed(alt.TopLevelMixin, "to_dict", "to_dict")
    _timed(figures, "describe", "describe")
    for page in a.pages:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.switch_page(f"chapters/{page}.py")
        at.run()
        runs, conv, desc = [], [], []
        for _ in range(a.reps):
            spent.clear()
            t = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - t)
            conv.append(spent["to_dict"])
            desc.append(spent["describe"])
        note = "  (a live sweep reruns its chart as points arrive)" if page == "timing_lab" else ""
        print(f"{page:16s} warm rerun p50 {statistics.median(runs):5.2f} s | Altair to_dict {statistics.median(conv):4.2f} s "
              f"| description {statistics.median(desc):4.2f} s | exceptions {len(at.exception)} | "
              f"load {os.getloadavg()[0]:.1f}{note}", flush=True)


if __name__ == "__main__":
    main()
