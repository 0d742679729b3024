"""The memory page's cached computations and the bodies of its forgetting sections, each chart drawn
with its export menu. The page script reads the controls and calls these."""
from __future__ import annotations

import streamlit as st

from core.config import MEMORY as L
from core.memory import charts, notes
from core.memory.setup import ForgettingSetup, TrajectorySetup, run_forgetting, run_sizes, run_trajectory
from core.memory.trajectories import Trajectory
from core.story import snippets
from ui import layout, measured
from ui.export import show_chart
from ui.spec_cache import Lazy

PAGE = "memory"


@st.cache_data(max_entries=32, show_spinner=False)
def trajectory(setup: TrajectorySetup):
    return run_trajectory(setup)


@st.cache_data(max_entries=16, show_spinner="Training linear probes on 2,000 random sequences…")
def _forgetting(setup: ForgettingSetup):
    return run_forgetting(setup)


@st.cache_data(max_entries=16, show_spinner="Probing five state sizes…")
def _sizes(setup: ForgettingSetup):
    return run_sizes(setup)


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
