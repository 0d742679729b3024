"""Vanishing and exploding gradients through time: the product of step Jacobians, measured."""
import streamlit as st

from core.config import GRADIENT_MODELS, GRADIENT_SECTIONS, GRADIENTS as LIM, Choice
from core.gradients import notes
from core.gradients.profile import GradientSetup, forget_arithmetic, label, summary
from ui import gradients_view as view, layout, measured, sidebar
from ui.params import Param, push_to_url, show_messages, slider, sync_from_url

PARAMS = [
    Param("g_cells", Choice("models", GRADIENT_MODELS, GRADIENT_MODELS[0]), multi=True,
          default=list(GRADIENT_MODELS)),
    Param("g_focus", LIM.focus), Param("g_wrt", LIM.wrt), Param("g_T", LIM.T), Param("g_N", LIM.hidden),
    Param("g_seeds", LIM.seeds), Param("g_rho", LIM.rho), Param("g_init", LIM.init),
    Param("g_in", LIM.input_scale), Param("g_fb", LIM.forget_bias), Param("g_thr", LIM.threshold),
    Param("g_trho", LIM.train_rho), Param("g_clip", LIM.clip), Param("g_sec", GRADIENT_SECTIONS),
]
P = {p.key: p for p in PARAMS}
SECTIONS = {"jacobian": "The Jacobian product", "forget": "Forget gate", "phase": "Phase diagram",
            "clipping": "Exploding & clipping"}
ON_SETUP = {"jacobian", "forget", "phase"}      # sections drawn from the main chart's settings
ss = st.session_state


def chosen_models() -> tuple[str, ...]:
    return tuple(m for m in GRADIENT_MODELS if m in ss.g_cells)


def current_setup() -> GradientSetup:
    return GradientSetup(models=chosen_models() or ("tanh",), T=ss.g_T, n_hidden=ss.g_N, rho=float(ss.g_rho),
                         init=ss.g_init, input_scale=float(ss.g_in), forget_bias=float(ss.g_fb),
                         n_seeds=ss.g_seeds, seed=sidebar.seed())


@layout.fragment
def main_chart() -> None:
    # The open section draws from these settings too: when they changed, rerun the page at once,
    # before this fragment draws anything (a second, thrown-away drawing cost ~0.3 s per change).
    if not ss.get("_g_full_run") and ss.get("_g_setup") != current_setup() and ss.g_sec in ON_SETUP:
        st.rerun(scope="app")
    claim = layout.ClaimSlot("gradients")
    controls, chart = layout.main_columns()
    with controls:
        st.multiselect("Models", GRADIENT_MODELS, key="g_cells", format_func=label)
        st.radio("Gradient with respect to", LIM.wrt.options, key="g_wrt", horizontal=True,
                 format_func={"x": "inputs $x_k$", "h": "states $h_k$"}.get)
        slider(P["g_rho"], "Spectral radius $\\rho$ of $W_{hh}$", step=0.05)
        slider(P["g_T"], "Sequence length $T$")
        with st.expander("More settings"):
            slider(P["g_N"], "Hidden size $N$")
            slider(P["g_seeds"], "Seeds (band = min–max)")
            st.selectbox("Initialisation of $W_{hh}$", LIM.init.options, key="g_init")
            slider(P["g_in"], "Input scale", step=0.1)
            slider(P["g_fb"], "LSTM forget-gate bias", step=0.1)
            slider(P["g_thr"], "Horizon threshold $10^{-k}$, $k$ =")
    push_to_url(PARAMS)
    models = chosen_models()
    setup = ss._g_setup = current_setup()
    if not models:
        claim.clear()
        chart.info("Choose at least one model.")
        return
    k, wrt = ss.g_thr, ss.g_wrt
    with chart, layout.section("The gradient profile", on_error=claim.clear):
        try:
            profile = view.profile(setup)
        except ValueError as err:
            claim.clear()
            return view.refused(err)
        table = summary(profile, k)
        band = profile.band[profile.band["wrt"] == wrt]
        marks = table[(table["wrt"] == wrt) & table["horizon"].notna()]
        marks = marks[["model", "horizon"]].rename(columns={"horizon": "distance"}).merge(band, on=["model", "distance"])
        view.decay(setup, band, marks, wrt)
        if wrt == "h" and set(models) & {"attention", "transformer"}:
            st.caption("Attention has no chain of hidden states; choose *inputs $x_k$* to compare it.")
        layout.claim(notes.claim(table, profile, k, wrt), slot=claim)
    arith = forget_arithmetic(setup.T, setup.forget_bias)
    layout.notice([s for s in (
        notes.horizons(table, profile, k, wrt), notes.seed_claims(table, profile, k, "x"),
        notes.flat_attention(profile), notes.linear_theory(table, profile), notes.float32(profile),
        notes.forget(profile, arith)) if s])
    view.summary_table(table, wrt, k, setup.T)
    st.caption("Per model and seed, every distance:")
    layout.downloads(lambda: profile.curves, "gradient_norms", "g_dl_curves", meta=setup.__dict__)
    record = notes.path_length_record(table, profile, k)
    if record:
        measured.record("path_length", record)


@layout.fragment
def sections() -> None:
    st.radio("Section", GRADIENT_SECTIONS.options, key="g_sec", horizontal=True, format_func=SECTIONS.get,
             label_visibility="collapsed")
    push_to_url(PARAMS)
    setup, sec = ss._g_setup, ss.g_sec
    with layout.section(SECTIONS[sec]):
        if sec in ("jacobian", "phase"):
            st.selectbox("Cell", LIM.focus.options, key="g_focus", format_func=label)
            push_to_url(PARAMS)
        try:
            if sec == "jacobian":
                view.jacobian(setup, ss.g_focus)
            elif sec == "forget":
                view.forget(setup)
            elif sec == "phase":
                view.phase(setup, ss.g_focus)
            else:
                t1, t2 = st.columns(2)
                with t1:
                    slider(P["g_trho"], "$\\rho$ of the trained RNN", step=0.1)
                with t2:
                    slider(P["g_clip"], "Clip the gradient norm at", step=0.1)
                push_to_url(PARAMS)
                view.clipping(float(ss.g_trho), float(ss.g_clip), sidebar.seed())
        except ValueError as err:
            view.refused(err)

ss._g_full_run = True
layout.header("Vanishing gradients", "gradients")
show_messages(sync_from_url(PARAMS))
main_chart()
st.subheader("Inside the product")
sections()
layout.how_computed("gradients_how")
layout.next_chapter("chapters/memory.py", "Fixed-size memory", "what a state of N numbers can hold")
ss._g_full_run = False
