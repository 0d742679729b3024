"""Fixed-size memory: hidden-state trajectories and the information bottleneck."""
import streamlit as st

from core.config import MEMORY as L, MEMORY_SECTIONS, MEMORY_TEXT
from core.memory import charts, notes
from core.memory.setup import ForgettingSetup, TrajectorySetup
from ui import layout, memory_view as view, seq2seq_section, sidebar
from ui.params import Param, push_to_url, show_messages, slider, sync_from_url
from ui.safe import inert

QUANTITIES = {"tanh": ("h",), "lstm": ("f", "i", "o", "g", "c", "h"), "gru": ("z", "r", "n", "h")}
PARAMS = [
    Param("m_src", L.source), Param("m_tok", L.tokens), Param("m_text", MEMORY_TEXT), Param("m_T", L.length),
    Param("m_V", L.vocab), Param("m_cell", L.cell), Param("m_N", L.hidden), Param("m_rho", L.rho),
    Param("m_fb", L.forget_bias), Param("m_in", L.input_scale), Param("m_k", L.lag), Param("m_t", L.step),
    Param("m_q", L.quantity), Param("m_pl", L.plane), Param("m_K", L.probe_kmax), Param("m_sec", MEMORY_SECTIONS),
]
P = {p.key: p for p in PARAMS}
SECTIONS = {"forgetting": "Forgetting, measured two ways", "size": "A bigger state", "seq2seq": "Seq2seq: one vector or all"}
ss = st.session_state


def value(key: str):
    """A control's value even while its widget is not drawn (Streamlit then drops the widget's state)."""
    return ss[key] if key in ss else ss.get("_params_saved", {}).get(key, P[key].initial())


def forgetting_setup() -> ForgettingSetup:
    return ForgettingSetup(cell=ss.m_cell, n_hidden=ss.m_N, rho=float(ss.m_rho), forget_bias=float(ss.m_fb),
                           input_scale=float(ss.m_in), kmax=value("m_K"), seed=sidebar.seed())


@layout.fragment
def main_view() -> None:
    # The open section reads the same cell settings: when they changed, rerun the page at once,
    # before this fragment draws anything (its drawing would be thrown away).
    # (The forgetting section reads neither the cell chosen here nor, for most models, ρ or the gate bias.)
    drawn = ss.get("_m_forget")
    if not ss.get("_m_full_run") and drawn is not None and drawn != view.section_inputs(forgetting_setup(), ss.m_sec):
        st.rerun(scope="app")
    claim = layout.ClaimSlot("memory")
    controls, chart = layout.main_columns()
    with controls:
        st.radio("Input", L.source.options, key="m_src", horizontal=True,
                 format_func={"text": "your text", "synthetic": "random letters"}.get)
        if ss.m_src == "text":
            st.text_area(f"Text (up to {L.max_tokens} tokens)", key="m_text", height=110, max_chars=L.max_chars)
        else:
            slider(P["m_T"], "Length $T$")
            slider(P["m_V"], "Distinct letters $V$")
        st.selectbox("Cell", L.cell.options, key="m_cell", format_func=notes.CELL_NAMES.get)
        slider(P["m_N"], "Hidden units $N$", step=8)
        if ss.m_q not in QUANTITIES[ss.m_cell]:
            ss.m_q = QUANTITIES[ss.m_cell][0]
        with st.expander("More settings"):
            st.radio("Tokens", L.tokens.options, key="m_tok", horizontal=True,
                     format_func={"chars": "characters", "words": "words"}.get)
            st.selectbox("Heatmap", QUANTITIES[ss.m_cell], key="m_q", help="LSTM gates i, f, o, candidate g, "
                         "cell c; GRU update z, reset r, candidate n; h is the hidden state")
            st.selectbox("Plane", L.plane.options, key="m_pl")
            slider(P["m_rho"], "Spectral radius $\\rho$", step=0.05)
            slider(P["m_fb"], "Forget-gate bias (LSTM)", step=0.5)
            slider(P["m_in"], "Input scale", step=0.05)
            slider(P["m_k"], "Cosine lag $k$")
    setup = TrajectorySetup(source=ss.m_src, mode=ss.m_tok, text=value("m_text"), length=value("m_T"), vocab=value("m_V"),
                            cell=ss.m_cell, n_hidden=ss.m_N, rho=float(ss.m_rho), forget_bias=float(ss.m_fb),
                            input_scale=float(ss.m_in), lag=ss.m_k, seed=sidebar.seed())
    push_to_url(PARAMS)
    with chart, layout.section("The trajectory", on_error=claim.clear):
        try:
            tr, cut = view.trajectory(setup)
        except ValueError as err:
            claim.clear()
            st.error(inert(err, 300), icon=":material/block:")
            return
        steps = len(tr.labels)
        if cut:
            st.warning(cut, icon=":material/content_cut:")
        if steps < ss.m_t != L.step.default:          # the default (the last allowed step) means "the end"
            st.info(f"Step $t$ = {ss.m_t} is past the end of this input ({steps} tokens); the slider starts at "
                    f"step {steps}.", icon=":material/info:")
        t = min(ss.m_t, steps)
        matrix = view.scrub(setup, tr, ss.m_q, ss.m_pl, t)
        st.caption("Drag the step slider under the chart: every step is already computed, so the ring, the box "
                   f"and the rules move without waiting. Dot colour = step, dark to light. Explained variance PC1/PC2/PC3: "
                   f"{' / '.join(f'{v:.0%}' for v in tr.pca.ratio)} (recurrent) · "
                   f"{' / '.join(f'{v:.0%}' for v in tr.z_pca.ratio)} (transformer).")
        layout.claim(notes.claim(tr), slot=claim)
    view.metrics(tr)
    layout.notice(notes.trajectory_notes(tr, t))
    st.caption(f"Every unit at every step of the heatmap's quantity ({ss.m_q}), unaveraged")
    layout.downloads(lambda: charts.long_frame(matrix, ss.m_q), f"memory_{ss.m_q}", "m_dl_heat", setup.__dict__)


@layout.fragment
def sections() -> None:
    st.radio("Section", MEMORY_SECTIONS.options, key="m_sec", horizontal=True, format_func=SECTIONS.get,
             label_visibility="collapsed")
    if ss.m_sec != "seq2seq":
        slider(P["m_K"], "Largest distance $k$ for the probes")
    push_to_url(PARAMS)
    fs = forgetting_setup()
    ss._m_forget = view.section_inputs(fs, ss.m_sec)
    with layout.section(SECTIONS[ss.m_sec]):
        try:
            if ss.m_sec == "forgetting":
                view.forgetting(fs)
            elif ss.m_sec == "size":
                view.sizes(fs)
            else:
                seq2seq_section.render()
        except ValueError as err:
            st.error(inert(err, 300), icon=":material/block:")


ss._m_full_run = True
layout.header("Fixed-size memory", "memory")
show_messages(sync_from_url(PARAMS + seq2seq_section.PARAMS))
main_view()
st.subheader("How fast the state forgets")
sections()
layout.how_computed("memory_how")
layout.next_chapter("chapters/attention_maps.py", "Attention maps", "every position one step from every other")
ss._m_full_run = False
