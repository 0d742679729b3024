"""Vanishing and exploding gradients through time (claims C4–C7, C9)."""
import streamlit as st

from core.gradients import notes
from core.gradients import charts
from core.gradients.clipping import BASELINE_LOSS, clipping_run
from core.config import GRADIENT_MODELS, GRADIENTS as LIM, Choice
from core.gradients.profile import GradientSetup, forget_arithmetic, gradient_profile, label, summary
from core.gradients.jacobians import jacobian_view, phase_diagram
from ui import layout, measured, sidebar
from ui.params import Param, push_to_url, show_messages, slider, sync_from_url

PARAMS = [
    Param("g_cells", Choice("models", GRADIENT_MODELS, GRADIENT_MODELS[0]), multi=True,
          default=list(GRADIENT_MODELS)),
    Param("g_focus", LIM.focus), Param("g_wrt", LIM.wrt), Param("g_T", LIM.T), Param("g_N", LIM.hidden),
    Param("g_seeds", LIM.seeds), Param("g_rho", LIM.rho), Param("g_init", LIM.init),
    Param("g_in", LIM.input_scale), Param("g_fb", LIM.forget_bias), Param("g_thr", LIM.threshold),
    Param("g_trho", LIM.train_rho), Param("g_clip", LIM.clip),
]


P = {p.key: p for p in PARAMS}


@st.cache_data(max_entries=16, show_spinner="Measuring gradients through time…")
def _profile(*values):
    return gradient_profile(GradientSetup(*values))


@st.cache_data(max_entries=16, show_spinner="Building every step's Jacobian…")
def _jacobians(kind: str, *values):
    setup = GradientSetup(*values)
    return jacobian_view(setup, kind), phase_diagram(setup, kind)


@st.cache_data(max_entries=8, show_spinner="Training a vanilla RNN twice (with and without clipping)…")
def _clipping(rho: float, clip: float, seed: int):
    return clipping_run(rho, clip, seed)


layout.header("Vanishing gradients", "gradients")
messages = sync_from_url(PARAMS)
c1, c2, c3, c4 = st.columns(4)
with c1:
    st.multiselect("Models", GRADIENT_MODELS, key="g_cells", format_func=label)
    st.selectbox("Cell for the Jacobian and phase views", LIM.focus.options, key="g_focus", format_func=label)
    st.radio("Gradient with respect to", LIM.wrt.options, key="g_wrt", horizontal=True,
             format_func={"x": "inputs x_k", "h": "hidden states h_k"}.get)
with c2:
    slider(P["g_T"], "Sequence length T")
    slider(P["g_N"], "Hidden size N")
    slider(P["g_seeds"], "Seeds (band = min–max)")
with c3:
    slider(P["g_rho"], "Spectral radius ρ of W_hh", step=0.05)
    st.selectbox("Initialisation of W_hh", LIM.init.options, key="g_init")
    slider(P["g_in"], "Input scale", step=0.1)
with c4:
    slider(P["g_fb"], "LSTM forget-gate bias", step=0.1)
    slider(P["g_thr"], "Horizon threshold: 10^−k, k =")
ss = st.session_state
show_messages(messages)

models = tuple(m for m in GRADIENT_MODELS if m in ss["g_cells"])
if not models:
    push_to_url(PARAMS)
    st.info("Choose at least one model above.")
    st.stop()
values = (models, ss["g_T"], ss["g_N"], float(ss["g_rho"]), ss["g_init"], float(ss["g_in"]),
          float(ss["g_fb"]), ss["g_seeds"], sidebar.seed())
k, wrt, focus = ss["g_thr"], ss["g_wrt"], ss["g_focus"]
try:
    profile = _profile(*values)
    view, phase = _jacobians(focus, *values)
except ValueError as err:
    push_to_url(PARAMS)
    st.error(str(err), icon=":material/block:")
    st.stop()
setup, table = profile.setup, summary(profile, k)
band = profile.band[profile.band["wrt"] == wrt]
marks = table[(table["wrt"] == wrt) & table["horizon"].notna()]
marks = marks[["model", "horizon"]].rename(columns={"horizon": "distance"}).merge(band, on=["model", "distance"])
arith = forget_arithmetic(setup.T, setup.forget_bias)
lstm = profile.band[(profile.band["model"] == "lstm") & (profile.band["wrt"] == "h")]

tabs = st.tabs(["Gradient vs distance", "The Jacobian product", "Forget gate", "Phase diagram",
                "Exploding & clipping"])
with tabs[0]:
    st.altair_chart(charts.decay(band, wrt, setup.rho, marks), width="stretch")
    if wrt == "h" and set(models) & {"attention", "transformer"}:
        st.caption("Attention has no chain of hidden states; choose *inputs x_k* to compare it.")
    st.caption("× marks each model's horizon. Per model and seed, every distance:")
    layout.downloads(profile.curves, "gradient_norms", "g_dl_curves", meta=setup.__dict__)
with tabs[1]:
    for chart in charts.jacobian_product(view.frame, focus):
        st.altair_chart(chart, width="stretch")
    layout.downloads(view.frame, f"jacobian_product_{focus}", "g_dl_jac", meta=setup.__dict__)
with tabs[2]:
    st.altair_chart(charts.forget_gate(arith, profile.forget, lstm), width="stretch")
    if lstm.empty:
        st.caption("Add the LSTM to the models above to see its measured curves here.")
    layout.downloads(arith, "forget_gate_arithmetic", "g_dl_forget")
with tabs[3]:
    st.altair_chart(charts.phase(phase, setup.rho, focus), width="stretch")
    layout.downloads(phase, f"phase_{focus}", "g_dl_phase", meta=setup.__dict__)
with tabs[4]:
    t1, t2 = st.columns(2)
    with t1:
        slider(P["g_trho"], "ρ of the trained RNN", step=0.1)
    with t2:
        slider(P["g_clip"], "Clip the gradient norm at", step=0.1)
    run = _clipping(float(ss["g_trho"]), float(ss["g_clip"]), sidebar.seed())
    for chart in charts.clipping(run.frame, BASELINE_LOSS):
        st.altair_chart(chart, width="stretch")
    layout.downloads(run.frame, "clipping_run", "g_dl_clip", meta={"rho": run.rho, "clip": run.clip})
push_to_url(PARAMS)

layout.notice([s for s in (
    notes.horizons(table, profile, k, wrt), notes.seed_claims(table, profile, k, "x"),
    notes.flat_attention(profile), notes.linear_theory(table, profile), notes.float32(profile),
    notes.forget(profile, arith), notes.jacobian(view), notes.phase(phase, focus), notes.clipping(run),
) if s])
num = st.column_config.NumberColumn
st.dataframe(table[table["wrt"] == wrt].assign(model=lambda t: t["model"].map(label)).drop(columns="wrt"),
             hide_index=True, width="stretch", column_config={
                 "horizon": num(f"horizon at {notes.ten_to(k)} (steps)"),
                 "factor_per_step": num("decay factor per step", format="%.4f"),
                 "at_far_end": num(f"‖grad‖ at d = {setup.T - 1}", format="%.2e"),
                 "zero_in_float64_at": num("0 in float64 from d =")})
record = notes.path_length_record(table, profile, k)
if record:
    measured.record("path_length", record)
layout.how_computed("gradients_how")
