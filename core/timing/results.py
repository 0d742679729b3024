"""Timing result files: the JSON the CLI writes, the page offers for download, and loads back.

Schema "timing-result/1":
    {"schema": "timing-result/1",
     "meta": {"device": str, "device_name": str, "torch_version": str, "threads": int,
              "mode": "forward"|"train", "B": int, "d": int, "heads": int, ...},
     "rows": [{"method": str, "T": int, "median_s": float, "p25_s": float, "p75_s": float,
               "flops": number, "pct_of_peak": float, "sequential_steps": int, ...}, ...]}

Uploaded files are validated strictly; every failure raises ValueError with a
message a reader can act on. Every loaded row gets its derived `spread`
(IQR / median) and `stable` flag from its own quartiles, and `label`, whatever
the file says, so a file from an older version is judged by the same rule.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from core.chart_style import label
from core.frames import records
from core.config import TIMING, TIMING_METHODS

SCHEMA = "timing-result/1"
META_FIELDS = {"device": str, "device_name": str, "torch_version": str, "threads": int,
               "mode": str, "B": int, "d": int, "heads": int}
ROW_FIELDS = {"method": str, "T": int, "median_s": float, "p25_s": float, "p75_s": float,
              "flops": float, "pct_of_peak": float, "sequential_steps": int}


def to_json(df: pd.DataFrame, meta: dict) -> str:
    rows = records(df)                         # full precision (pandas' to_json keeps 10 decimal places)
    return json.dumps({"schema": SCHEMA, "meta": meta, "rows": rows}, indent=1)


def _typed(value, kind, where: str):
    ok = (isinstance(value, str) if kind is str
          else isinstance(value, int) and not isinstance(value, bool) if kind is int
          else isinstance(value, (int, float)) and not isinstance(value, bool))
    if not ok:
        raise ValueError(f"{where} must be {'text' if kind is str else 'a number'}; got {str(value)[:40]!r}")
    if kind is float and not math.isfinite(value):
        raise ValueError(f"{where} must be a finite number; got {value!r}")
    return value


def parse(data: bytes) -> tuple[dict, pd.DataFrame]:
    """Validate an uploaded result file; returns (meta, rows DataFrame)."""
    limit = TIMING.max_upload_bytes
    if len(data) > limit:
        raise ValueError(f"the file is {len(data):,} bytes; result files are limited to {limit:,} bytes")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"the file is not valid JSON ({type(e).__name__}: {str(e)[:80]})") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ValueError(f"the file is not a timing result: expected \"schema\": \"{SCHEMA}\"")
    meta, rows = doc.get("meta"), doc.get("rows")
    if not isinstance(meta, dict) or not isinstance(rows, list):
        raise ValueError("the file needs a \"meta\" object and a \"rows\" list")
    for key, kind in META_FIELDS.items():
        if key not in meta:
            raise ValueError(f"meta is missing \"{key}\"")
        _typed(meta[key], kind, f"meta.{key}")
    if not rows or len(rows) > TIMING.max_upload_rows:
        raise ValueError(f"the file must hold 1 to {TIMING.max_upload_rows} rows; it holds {len(rows)}")
    clean = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValueError(f"row {i} is not an object")
        for key, kind in ROW_FIELDS.items():
            if key not in row:
                raise ValueError(f"row {i} is missing \"{key}\"")
            _typed(row[key], kind, f"row {i} {key}")
        if row["method"] not in TIMING_METHODS:
            raise ValueError(f"row {i}: unknown method {row['method'][:40]!r}")
        if not 1 <= row["T"] <= TIMING.t_max.hi or row["median_s"] <= 0:
            raise ValueError(f"row {i}: T must be 1..{TIMING.t_max.hi} and median_s positive")
        if not 0 <= row["p25_s"] <= row["median_s"] <= row["p75_s"]:
            raise ValueError(f"row {i}: the quartiles must satisfy 0 ≤ p25_s ≤ median_s ≤ p75_s")
        if row["flops"] < 0:
            raise ValueError(f"row {i}: flops must not be negative")
        clean.append({k: row[k] for k in ROW_FIELDS})
    df = pd.DataFrame(clean)
    spread = (df["p75_s"] - df["p25_s"]) / df["median_s"]
    df = df.assign(label=df["method"].map(label), threads=meta["threads"], spread=spread,
                   stable=spread <= TIMING.max_spread, flops_per_s=df["flops"] / df["median_s"])
    kept = {k: meta[k] for k in meta if k in META_FIELDS or k in ("peak_flops_per_s", "loadavg")}
    return kept, df


def load(path: str | Path) -> tuple[dict, pd.DataFrame]:
    return parse(Path(path).read_bytes())
