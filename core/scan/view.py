"""What the scan chapter's page shows, decided without Streamlit: the live training-step estimate, the
three-ways table and the associativity paragraph, written from the numbers."""
from __future__ import annotations

import pandas as pd

from core.config import SCAN as L
from core.scan import charts, notes


def step_estimate(ref: pd.DataFrame | None, Ts: list[int]) -> float:
    """Seconds for a live sweep: about six calls per point, each as long as the shipped reference's
    (2 s where it has none), stopping where a call would pass the limit."""
    total = 0.0
    for m in L.step_methods:
        for T in Ts:
            hit = None if ref is None else ref[(ref["method"] == m) & (ref["T"] == T)]
            one = float(hit["median_s"].iloc[0]) if hit is not None and len(hit) else 2.0
            if one > L.step_max_call_s:
                break
            total += 6 * one
    return total


def three_ways_table(table: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """One row per solver: median ms, stability, error against float64, torch calls, depth, work."""
    t = table.merge(counts[["method", "span", "work"]], on="method", how="left")
    t = t.assign(method=t["method"].map(charts.label), ms=t["median_s"] * 1e3)
    return t[["method", "ms", "unstable", "max_abs_diff", "calls", "span", "work"]].rename(columns={
        "ms": "median ms", "max_abs_diff": "max |diff| vs float64", "calls": "torch calls",
        "span": "sequential depth", "work": "combines"})


def work_span_caption(T: int, counts: pd.DataFrame) -> str:
    return (f"Work–span at T = {T:,}: loop T = {T:,} deep; Blelloch tree 2⌈log₂T⌉ = "
            f"{counts.set_index('method').loc['tree', 'span']} levels; the doubling scan "
            f"⌈log₂T⌉ levels but ~T·log₂T = {int(counts['T_log_T'].iloc[0]):,} work.")


def overview_row(table: pd.DataFrame, T: int) -> str:
    by = table.set_index("method")["median_s"]
    return f"T = {T:,}: tree {notes.ms(by.loc['tree'])} vs loop {notes.ms(by.loc['loop'])}, one thread"


def associativity(pc: dict, chk) -> str:
    """Two steps combined vs run, affine and tanh; then the random-triples check."""
    return (
        f"**Associativity, measured.** Steps 1 and 2 from h = 0.7: running them gives "
        f"{pc['affine_run']:.6g}; the combined pair ({pc['a_combined']:.4g}, {pc['b_combined']:.4g}) gives "
        f"{pc['affine_combined']:.6g}. The same rule on two tanh steps h ↦ tanh(a·h + b): "
        f"{pc['tanh_run']:.6g} run, {pc['tanh_combined']:.6g} combined.\n\n"
        f"Over {chk.samples:,} random triples of affine steps, (x∘y)∘z and x∘(y∘z) differ by at most "
        f"{notes.sci(chk.affine_grouping)} (float64 rounding); for tanh steps combining misses running "
        f"by up to {chk.tanh_combined_vs_running:.2f} on outputs no larger than {chk.tanh_scale:.2f}. "
        "A tanh of a tanh is not a tanh of an affine map — that is why minGRU takes h_{t−1} out of its gates.")


TREE_CAPTION = ("Input: the T steps (a_t, b_t). Up-sweep k: each block of 2^k steps as one step. Down-sweep: "
                "each block's prefix — all steps before it, the root's being the identity (1, 0). Blue blocks "
                "were combined at their level with (a, b)∘(a′, b′) = (a·a′, a′·b + b′); h_t is the b of the "
                "inclusive prefix.")
