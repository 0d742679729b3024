"""Shipped result files of this chapter: {"meta": {...}, "rows": [...]}, validated on load.

Each file names the command that regenerates it, the device, the thread count,
the host's load average while it was measured, and how many points stayed
unstable (IQR/median past the limit after re-measuring).
"""
from __future__ import annotations

import json
import os
import platform
from pathlib import Path

import pandas as pd

from core.assets import ASSETS

SCAN_ASSETS = ASSETS / "scan"
THREE_WAYS = SCAN_ASSETS / "three_ways_cpu.json"
STEP_CPU = SCAN_ASSETS / "train_step_cpu.json"
STEP_CUDA = SCAN_ASSETS / "train_step_cuda.json"

REQUIRED = {
    "three_ways": {"T": int, "method": str, "median_s": float, "p25_s": float, "p75_s": float,
                   "unstable": bool, "max_abs_diff": float, "calls": int},
    "train_step": {"T": int, "method": str, "median_s": float, "p25_s": float, "p75_s": float,
                   "unstable": bool},
}
META = ("kind", "command", "device", "threads", "loadavg_before", "loadavg_after", "unstable_points", "torch")


def host_meta() -> dict:
    return {"host": platform.node() and "this machine", "cpu_count": os.cpu_count(),
            "loadavg_before": list(os.getloadavg())}


def write(path: Path, kind: str, rows: list[dict], meta: dict) -> None:
    meta = {**meta, "kind": kind, "loadavg_after": list(os.getloadavg()),
            "unstable_points": sum(bool(r.get("unstable")) for r in rows)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1, default=float))


def parse(text: str) -> tuple[dict, pd.DataFrame]:
    """Validate a result file's text; raises ValueError saying what is wrong."""
    try:
        blob = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"not a JSON result file ({e.msg})") from None
    if not isinstance(blob, dict) or not isinstance(blob.get("meta"), dict) or not isinstance(blob.get("rows"), list):
        raise ValueError("a result file holds an object with 'meta' and 'rows'")
    meta = blob["meta"]
    missing = [k for k in META if k not in meta]
    if missing:
        raise ValueError(f"the result file's metadata lacks {', '.join(missing)}")
    kind = meta["kind"]
    if kind not in REQUIRED:
        raise ValueError(f"unknown result kind {kind!r}")
    for i, row in enumerate(blob["rows"]):
        for col, typ in REQUIRED[kind].items():
            v = row.get(col)
            ok = isinstance(v, bool) if typ is bool else (isinstance(v, (int, float)) and not isinstance(v, bool)
                                                         if typ is float else isinstance(v, typ))
            if not ok:
                raise ValueError(f"row {i}: {col} must be {typ.__name__}; got {v!r}")
    if not blob["rows"]:
        raise ValueError("the result file has no rows")
    return meta, pd.DataFrame(blob["rows"])


def load(path: Path) -> tuple[dict, pd.DataFrame]:
    return parse(Path(path).read_text())
