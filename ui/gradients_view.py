"""The gradient page's cached computations and the bodies of its sections ("Inside the product"),
each chart drawn with its export menu. The page script reads the controls and calls these."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.config import GRADIENT_MODELS
from core.gradients import charts, notes
from core.gradients.clipping import BASELINE_LOSS, clipping_run
from core.gradients.jacobians import bounded_jacobian_view, phase_diagram, phase_key, view_key
from core.gradients.profile import (GradientSetup, float32_part, forget_arithmetic, gradient_profile, label,
                                    model_norms)
from core.story import snippets
from ui import layout
from ui.export import show_chart
from ui.safe import inert
from ui.spec_cache import Lazy

PAGE = "gradients"


@st.cache_data(max_entries=64, show_spinner=False)
def _model(one: GradientSetup):
    return model_norms(one)


@st.cache_data(max_entries=16, show_spinner=False)
def _float32(one: GradientSetup):
    return float32_part(one)


@st.cache_data(max_entries=16, show_spinner="Measuring gradients through time…")
def profile(setup: GradientSetup):
    """Every model's curves, each cached on the settings that model reads (a ρ change leaves
    attention's, a forget-bias change all but the LSTM's, where they were)."""
    return gradient_profile(setup, part=_model, check32=_float32)


@st.cache_data(max_entries=16, show_spinner="Building every step's Jacobian…")
def _jacobians(setup: GradientSetup, kind: str):
    return bounded_jacobian_view(setup, kind)


@st.cache_data(max_entries=16, show_spinner="Running every ρ of the grid…")
def _phase(setup: GradientSetup, kind: str):
    return phase_diagram(setup, kind)


@st.cache_data(max_entries=8, show_spinner="Training a vanilla RNN twice (with and without clipping)…")
def _clipping(rho: float, clip: float, seed: int):
    return clipping_run(rho, clip, seed)


def refused(err: ValueError) -> None:
    st.error(inert(err, 400), icon=":material/block:")


def settings(setup: GradientSetup, **extra) -> dict:
    """The key settings a file name carries."""
    models = "all" if set(setup.models) == set(GRADIENT_MODELS) else ",".join(setup.models)
    return {"models": models, "T": setup.T, "N": setup.n_hidden, "rho": setup.rho, **extra}


def decay(setup: GradientSetup, band: pd.DataFrame, marks: pd.DataFrame, wrt: str) -> None:
    """The main chart: median and min–max band of ‖∂L/∂·‖ per distance, horizons marked."""
    show_chart(Lazy(charts.decay, band, wrt, setup.rho, marks), band, page=PAGE, name="decay", key="g_decay", aspect=True,
               settings=settings(setup, wrt=wrt), snippet=snippets.gradient_band(setup.__dict__, wrt),
               meta=setup.__dict__)


def summary_table(table: pd.DataFrame, wrt: str, k: int, T: int) -> None:
    num = st.column_config.NumberColumn
    st.dataframe(table[table["wrt"] == wrt].assign(model=lambda t: t["model"].map(label)).drop(columns="wrt"),
                 hide_index=True, width="stretch", column_config={
                     "horizon": num(f"horizon at {notes.ten_to(k)} (steps)"),
                     "factor_per_step": num("decay factor per step", format="%.4f"),
                     "at_far_end": num(f"‖grad‖ at d = {T - 1}", format="%.2e"),
                     "zero_in_float64_at": num("0 in float64 from d =")})


def jacobian(setup: GradientSetup, kind: str) -> None:
    view = _jacobians(view_key(setup, kind), kind)          # a seeds or models change keeps it
    for chart, name in zip(Lazy.parts(charts.jacobian_product, 2, view.frame, view.kind), ("product", "step_norms")):
        show_chart(chart, view.frame, page=PAGE, name=f"jacobian_{name}", key=f"g_jac_{name}",
                   settings=settings(setup, cell=view.kind), snippet=snippets.jacobian_product(setup, kind),
                   meta=setup.__dict__)
    layout.notice([notes.jacobian(view)])


def forget(setup: GradientSetup) -> None:
    measured, arith = profile(setup), forget_arithmetic(setup.T, setup.forget_bias)
    lstm = measured.band[(measured.band["model"] == "lstm") & (measured.band["wrt"] == "h")]
    show_chart(Lazy(charts.forget_gate, arith, measured.forget, lstm), arith, page=PAGE, name="forget_gate", key="g_forget", aspect=True,
               settings={"T": setup.T, "bias": setup.forget_bias},
               snippet=snippets.forget_gate(setup.T, setup.forget_bias))
    if lstm.empty:
        st.caption("Add the LSTM to the models above to see its measured curves here.")
    layout.notice([notes.forget(measured, arith)])


def phase(setup: GradientSetup, kind: str) -> None:
    grid = _phase(phase_key(setup, kind), kind)            # a ρ change keeps the grid: it sweeps ρ itself
    show_chart(Lazy(charts.phase, grid, setup.rho, kind), grid, page=PAGE, name="phase", key="g_phase",
               settings=settings(setup, cell=kind), snippet=snippets.phase(setup, kind), meta=setup.__dict__)
    layout.notice([s for s in [notes.phase(grid, kind)] if s])


def clipping(rho: float, clip: float, seed: int) -> None:
    run = _clipping(rho, clip, seed)
    for chart, name in zip(Lazy.parts(charts.clipping, 2, run.frame, BASELINE_LOSS), ("loss", "grad_norm")):
        show_chart(chart, run.frame, page=PAGE, name=f"clipping_{name}", key=f"g_clip_{name}",
                   settings={"rho": run.rho, "clip": run.clip, "seed": seed},
                   snippet=snippets.clipping(rho, clip, seed), meta={"rho": run.rho, "clip": run.clip, "seed": seed})
    layout.notice([notes.clipping(run)])
