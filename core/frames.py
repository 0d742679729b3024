"""Matrices as tidy frames, block means for matrices too big to draw cell by cell, and frames as
JSON records at full precision.

One home for the adapter every heatmap needs (the Annotated Transformer's `mtx2df`): a (R, C)
matrix becomes one row per cell, ready for an Altair `mark_rect`. Shared floor: imports no chapter.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd


def block_mean(matrix: np.ndarray, max_cells: int) -> tuple[np.ndarray, int, int]:
    """Average (R, C) into blocks so neither axis exceeds max_cells.

    Returns (blocks, row bin, col bin): blocks is (⌈R/rb⌉, ⌈C/cb⌉), the last block on each axis
    averages only the cells that exist (no padding enters the mean). Bins are 1 when the axis fits."""
    if max_cells < 1:
        raise ValueError(f"max_cells must be at least 1; got {max_cells}")
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2:
        raise ValueError(f"block_mean needs a 2-D matrix; got shape {m.shape}")
    r, c = m.shape
    br, bc = max(1, -(-r // max_cells)), max(1, -(-c // max_cells))
    pr, pc = -(-r // br) * br, -(-c // bc) * bc
    padded = np.full((pr, pc), np.nan)
    padded[:r, :c] = m
    blocks = padded.reshape(pr // br, br, pc // bc, bc)                      # (R/br, br, C/bc, bc)
    counts = np.isfinite(blocks).sum(axis=(1, 3))
    sums = np.nansum(blocks, axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan), br, bc


def matrix_frame(matrix: np.ndarray, row_name: str, col_name: str, value_name: str = "value",
                 row_labels: Sequence | None = None, col_labels: Sequence | None = None) -> pd.DataFrame:
    """One row per cell of (R, C), row-major: columns row_name, col_name (0-based ints), value_name,
    and `{row_name}_label` / `{col_name}_label` when labels are given (one per row / column)."""
    m = np.asarray(matrix)
    if m.ndim != 2:
        raise ValueError(f"matrix_frame needs a 2-D matrix; got shape {m.shape}")
    r, c = m.shape
    i, j = np.meshgrid(np.arange(r), np.arange(c), indexing="ij")
    df = pd.DataFrame({row_name: i.ravel(), col_name: j.ravel(), value_name: m.ravel()})
    for name, labels, n, idx in ((row_name, row_labels, r, i), (col_name, col_labels, c, j)):
        if labels is not None:
            if len(labels) != n:
                raise ValueError(f"{name}: {len(labels)} labels for {n} entries")
            df[f"{name}_label"] = np.asarray([str(x) for x in labels], dtype=object)[idx.ravel()]
    return df


def block_frame(matrix: np.ndarray, row_name: str, col_name: str, max_cells: int,
                value_name: str = "value") -> tuple[pd.DataFrame, int, int]:
    """The block means of (R, C) as a tidy frame: row_name / col_name hold each block's first index
    (0-based), `{row_name}_to` / `{col_name}_to` its last (inclusive), value_name the mean.
    Returns (frame, row bin, col bin)."""
    m = np.asarray(matrix, dtype=float)
    agg, br, bc = block_mean(m, max_cells)
    df = matrix_frame(agg, row_name, col_name, value_name)
    df[row_name] = df[row_name] * br
    df[col_name] = df[col_name] * bc
    df.insert(1, f"{row_name}_to", np.minimum(df[row_name] + br, m.shape[0]) - 1)
    df.insert(3, f"{col_name}_to", np.minimum(df[col_name] + bc, m.shape[1]) - 1)
    return df, br, bc


def _plain(value):
    value = value.item() if isinstance(value, np.generic) else value
    return None if isinstance(value, float) and math.isnan(value) else value


def records(df: pd.DataFrame) -> list[dict]:
    """The rows as JSON-ready dicts: numbers as Python's at full precision, NaN as None (null).

    pandas' own `to_json` keeps 10 decimal places, not digits: a gradient norm of 7.84e-15 was
    written as 0.0 and a 41.215043 µs median as 41.215 µs."""
    return [{k: _plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
