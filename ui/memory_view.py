"""The memory page's cached computations and the bodies of its forgetting sections, each chart drawn
with its export menu. The page script reads the controls and calls these."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict

import streamlit as st

from core.config import MEMORY as L
from core.memory import charts, notes
from core.memory import forgetting as forget
from core.memory.setup import ForgettingSetup, TrajectorySetup, check_forgetting, run_sizes, run_trajectory
from core.memory.trajectories import Trajectory
from core.story import snippets
from ui import layout, measured
from ui.export import show_chart
from ui.spec_cache import Lazy

PAGE = "memory"
_PART_ENTRIES = 64
_lock = threading.Lock()
_done: OrderedDict = OrderedDict()    # the forgetting parts computed in this process (mirrors _part's cache)


@st.cache_data(max_entries=32, show_spinner=False)
def trajectory(setup: TrajectorySetup):
    return run_trajectory(setup)


@st.cache_data(max_entries=_PART_ENTRIES, show_spinner=False)
def _part(part: forget.ForgettingPart):
    out = forget.run_part(part)
    with _lock:
        _done[part] = None
        while len(_done) > _PART_ENTRIES:
            _done.popitem(last=False)
    return out


def _forgetting(fs: ForgettingSetup):
    """The section's four parts, each cached on its own inputs; while any is computed, a progress bar
    with the estimated seconds left. Each part is a few seconds at most at the page's limits, and a
    control moved meanwhile stops the run after the current part (Streamlit stops a run at its next
    element), keeping the parts already done."""
    check_forgetting(fs)
    parts = forget.parts_of(fs)
    with _lock:
        todo = [p for p in parts if p not in _done]
    # One status line always (a bar while parts compute, full once they are done), so the charts
    # below keep their place whether or not this run computes anything.
    bar = st.progress(0.0 if todo else 1.0, text=f"All {len(parts)} models probed (from this server's cache)")
    if todo:
        seconds, t0 = [forget.part_cost(p).seconds for p in todo], time.perf_counter()
        for i, p in enumerate(todo):
            bar.progress(i / len(todo), text=f"Probing {forget.NAMES[p.model]} ({i + 1} of {len(todo)}, "
                         f"about {sum(seconds[i:]):.0f} s left, estimated)")
            _part(p)
        done = f"{len(todo)} model{'' if len(todo) == 1 else 's'}"
        bar.progress(1.0, text=f"All {len(parts)} models probed ({done} computed now, in "
                               f"{time.perf_counter() - t0:.1f} s)")
    return forget.combine([_part(p) for p in parts])       # every part now a cache hit


@st.cache_data(max_entries=16, show_spinner="Probing five state sizes…")
def _sizes(setup: ForgettingSetup):
    return run_sizes(setup)


def section_inputs(fs: ForgettingSetup, section: str):
    """What the open section below the main view reads of its settings: the forgetting section's four
    parts, the whole setup for the state-size sweep, nothing for seq2seq."""
    return tuple(forget.parts_of(fs)) if section == "forgetting" else fs if section == "size" else None


def _settings(s) -> dict:
    return {"cell": s.cell, "N": s.n_hidden, "rho": s.rho}


def scrub(setup: TrajectorySetup, tr: Trajectory, quantity: str, plane: str, t: int):
    """The main chart (both trajectories, the heatmap and the per-step metrics); returns the heatmap's matrix."""
    df = charts.steps_frame(tr)
    matrix = tr.c if quantity == "c" else tr.h if quantity == "h" else tr.gates[quantity]
    show_chart(Lazy(charts.scrub_chart, tr, df, matrix, quantity, plane, t, L.heatmap_cells), df, page=PAGE,
               name="trajectory", key="m_traj", width="content", snippet=snippets.memory_steps(setup),
               settings=_settings(setup) | {"source": setup.source}, meta=setup.__dict__)
    return matrix


def metrics(tr: Trajectory) -> None:
    m1, m2, m3 = st.columns(3)
    m1.metric(f"{notes.CELL_NAMES[tr.kind]} state, numbers", f"{tr.state_numbers:,}", help="N, or 2N for the LSTM (h and c)")
    m2.metric("Attention keeps, numbers (T × d)", f"{tr.attention_numbers:,}")
    m3.metric("Ratio for this input", f"{tr.attention_numbers / tr.state_numbers:,.0f}×")


def forgetting(fs: ForgettingSetup) -> None:
    sens, dec = _forgetting(fs)
    a, b = st.columns(2)
    meta = fs.__dict__ | {"chance": dec.chance}
    show_chart(Lazy(charts.sensitivity_chart, sens, legend_columns=1), sens, page=PAGE, name="sensitivity",
               key="m_sens", where=a, settings=_settings(fs), snippet=snippets.memory_forgetting(fs, "sensitivity"), meta=meta)
    show_chart(Lazy(charts.accuracy_chart, dec.accuracy, dec.chance, title=["Probe: which token was", "k steps back?"],
                    legend_columns=1),
               dec.accuracy, page=PAGE, name="probe", key="m_probe", where=b, settings=_settings(fs) | {"kmax": fs.kmax},
               snippet=snippets.memory_forgetting(fs, "probe"), meta=meta)
    layout.notice(notes.forgetting_notes(sens, dec, fs.kmax, fs.n_hidden))
    measured.record("long_range", notes.overview_row(dec, fs.kmax, fs.n_hidden))


def sizes(fs: ForgettingSetup) -> None:
    df, chance = _sizes(fs), 1.0 / L.probe_vocab
    show_chart(Lazy(charts.accuracy_chart, df, chance, "N", f"{notes.CELL_NAMES[fs.cell]} probe vs state size N"), df,
               page=PAGE, name="probe_vs_N", key="m_sizes", aspect=True, settings={"cell": fs.cell, "rho": fs.rho, "kmax": fs.kmax},
               snippet=snippets.memory_sizes(fs), meta=fs.__dict__)
    layout.notice(notes.size_notes(df, chance, fs.cell, fs.kmax))
