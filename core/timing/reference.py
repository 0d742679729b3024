"""The shipped CPU reference sweeps (assets/reference/): what the page paints before it measures.

One per mode: `timing_cpu_2core.json` (inference) and `timing_cpu_2core_train.json`
(a training step), each written by `python -m core.timing` (the command is in
assets/reference/README.md) and loaded by tests/test_references.py.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from core.assets import REFERENCE
from core.timing import results

FILES = {"forward": "timing_cpu_2core.json", "train": "timing_cpu_2core_train.json"}


def path(mode: str) -> Path:
    return REFERENCE / FILES[mode]


def load(mode: str) -> tuple[dict, pd.DataFrame]:
    """(meta, rows) of the shipped reference for `mode`, rows with labels, spread and stability."""
    return results.load(path(mode))


def name(meta: dict) -> str:
    """How a reference is named beside its figures: 'AMD EPYC, 2 threads'."""
    n = meta["threads"]
    return f"{meta['device_name']}, {n} thread{'s' if n != 1 else ''}"


def shipped() -> list[Path]:
    """Every shipped timing reference, for the overlay box."""
    return sorted(REFERENCE.glob("timing_*.json"))
