"""Fixed-size memory: hidden-state trajectories and the information bottleneck (claims C5, C8)."""
import pandas as pd
import streamlit as st

from core.memory import notes
from core.memory import probes
from core.memory import tokens
from core.memory import trajectories
from core.chart_style import style
from core.memory import charts
from core.config import MEMORY as L
from ui import layout, measured, seq2seq_section, sidebar
from ui.params import Param, push_to_url, show_messages, slider, sync_from_url

DEFAULT_TEXT = ("The hidden state accumulates information from the sequence so far, "
                "but it has only N numbers to hold all of it, however long the input grows.")
QUANTITIES = {"tanh": ("h",), "lstm": ("f", "i", "o", "g", "c", "h"), "gru": ("z", "r", "n", "h")}
P = {p.key: p for p in [
    Param("m_src", L.source), Param("m_tok", L.tokens), Param("m_T", L.length), Param("m_V", L.vocab),
    Param("m_cell", L.cell), Param("m_N", L.hidden), Param("m_rho", L.rho), Param("m_fb", L.forget_bias),
    Param("m_in", L.input_scale), Param("m_k", L.lag), Param("m_t", L.step), Param("m_q", L.quantity),
    Param("m_pl", L.plane), Param("m_K", L.probe_kmax),
]}


@st.cache_data(max_entries=32, show_spinner=False)
def run_trajectory(src, mode, text, length, vocab, kind, n, rho, fb, scale, seed, lag):
    tok = tokens.tokenize(text, mode) if src == "text" else tokens.synthetic(length, vocab, seed)
    return trajectories.trajectory(tok, kind, n, rho, fb, seed, lag, scale)


@st.cache_data(max_entries=16, show_spinner=False)
def run_forgetting(n, rho, fb, scale, seed, kmax):
    sens = probes.sensitivity(n, rho, fb, seed, 100, scale)
    return sens, probes.decodability(n, rho, fb, seed, kmax, scale)


@st.cache_data(max_entries=16, show_spinner=False)
def run_sizes(kind, rho, fb, scale, seed, kmax):
    return probes.decodability_vs_size(kind, rho, fb, seed, kmax, scale)


def text_from_url() -> list[str]:
    """The typed text lives in the URL too (`m_text`), cut to the character limit with a message."""
    if "m_text" in st.session_state:
        return []
    raw = st.query_params.get("m_text")
    st.session_state["m_text"] = DEFAULT_TEXT if raw is None else str(raw)[: L.max_chars]
    if raw is not None and len(str(raw)) > L.max_chars:
        return [f"`m_text` in the link had {len(str(raw)):,} characters; cut to the limit of {L.max_chars:,} "
                "(MEMORY.max_chars in core/config.py)."]
    return []


layout.header("Fixed-size memory", "memory")
messages = sync_from_url(list(P.values())) + text_from_url()
ss = st.session_state
c1, c2, c3 = st.columns([1, 1, 4])
c1.radio("Input", L.source.options, key="m_src", format_func={"text": "your text", "synthetic": "random letters"}.get)
if ss.m_src == "text":
    c2.radio("Tokens", L.tokens.options, key="m_tok", format_func={"chars": "characters", "words": "words"}.get)
    c3.text_area(f"Text (up to {L.max_tokens} tokens)", key="m_text", height=90)
else:
    with c3:
        slider(P["m_T"], "Length T")
        slider(P["m_V"], "Distinct letters V")
c1, c2, c3, c4, c5 = st.columns(5)
c1.selectbox("Cell", L.cell.options, key="m_cell", format_func=notes.CELL_NAMES.get)
with c2:
    slider(P["m_N"], "Hidden units N", step=8)
with c3:
    slider(P["m_rho"], "Spectral radius ρ", step=0.05)
with c4:
    slider(P["m_fb"], "Forget-gate bias (LSTM)", step=0.5)
with c5:
    slider(P["m_in"], "Input scale", step=0.05)
show_messages(messages)

try:
    tr = run_trajectory(ss.m_src, ss.m_tok, ss.m_text, ss.m_T, ss.m_V, ss.m_cell, ss.m_N, ss.m_rho, ss.m_fb,
                        ss.m_in, sidebar.seed(), ss.m_k)
except ValueError as e:
    tr = None
    st.error(f"{e}", icon=":material/block:")

if tr is not None:
    steps = len(tr.labels)
    ss.m_t = min(ss.m_t, steps)
    if ss.m_q not in QUANTITIES[ss.m_cell]:
        ss.m_q = QUANTITIES[ss.m_cell][0]
    st.slider("Step t — scrub through time", 1, steps, key="m_t")
    t = ss.m_t
    df = charts.steps_frame(tr)
    c1, c2, c3 = st.columns(3)
    plane = c1.selectbox("Plane", L.plane.options, key="m_pl")
    c2.selectbox("Heatmap", QUANTITIES[ss.m_cell], key="m_q", help="LSTM gates i, f, o, candidate g, cell c; "
                 "GRU update z, reset r, candidate n; h is the hidden state")
    with c3:
        slider(P["m_k"], "Cosine lag k")
    left, right = st.columns(2)
    left.altair_chart(style(charts.trajectory_chart(df, "rnn", plane, t, f"{notes.CELL_NAMES[tr.kind]} hidden state")),
                      width="stretch")
    right.altair_chart(style(charts.trajectory_chart(df, "attn", plane, t, "transformer layer, per token")),
                       width="stretch")
    ev, zev = tr.pca.ratio, tr.z_pca.ratio
    st.caption(f"Explained variance, PC1/PC2/PC3: {' / '.join(f'{v:.0%}' for v in ev)} (recurrent) · "
               f"{' / '.join(f'{v:.0%}' for v in zev)} (transformer). Colour = step; the ring is step t.")
    matrix = tr.c if ss.m_q == "c" else tr.h if ss.m_q == "h" else tr.gates[ss.m_q]
    st.altair_chart(style(charts.timeline_chart(matrix, ss.m_q, df, t, ss.m_k, L.heatmap_cells)), width="content")
    m1, m2, m3 = st.columns(3)
    m1.metric(f"{notes.CELL_NAMES[tr.kind]} state, numbers", f"{tr.state_numbers:,}", help="N, or 2N for the LSTM (h and c)")
    m2.metric("Attention keeps, numbers (T × d)", f"{tr.attention_numbers:,}")
    m3.metric("Ratio for this input", f"{tr.attention_numbers / tr.state_numbers:,.0f}×")
    layout.notice(notes.trajectory_notes(tr, t))
    meta = {"cell": tr.kind, "N": tr.h.shape[1], "rho": ss.m_rho, "forget_bias": ss.m_fb, "seed": sidebar.seed()}
    st.caption("Per step: tokens, both models' PC scores, ‖h_t‖, saturated fraction, cosine")
    layout.downloads(df, "memory_steps", "m_dl_steps", meta)
    st.caption(f"Every unit at every step of the heatmap's quantity ({ss.m_q}), unaveraged")
    layout.downloads(charts.long_frame(matrix, ss.m_q), f"memory_{ss.m_q}", "m_dl_heat", meta)

st.header("Forgetting, measured two ways")
slider(P["m_K"], "Largest distance k for the probes")
push_to_url(list(P.values()))
if ss.m_text != DEFAULT_TEXT:
    st.query_params["m_text"] = ss.m_text
elif "m_text" in st.query_params:
    del st.query_params["m_text"]
with st.spinner(f"Training linear probes on {L.probe_seqs.default:,} random sequences…"):
    sens, dec = run_forgetting(ss.m_N, ss.m_rho, ss.m_fb, ss.m_in, sidebar.seed(), ss.m_K)
    sizes = run_sizes(ss.m_cell, ss.m_rho, ss.m_fb, ss.m_in, sidebar.seed(), ss.m_K)
a, b = st.columns(2)
a.altair_chart(style(charts.sensitivity_chart(sens)), width="stretch")
b.altair_chart(style(charts.accuracy_chart(dec.accuracy, dec.chance, title="Probe: which token was k steps back?")),
               width="stretch")
st.altair_chart(style(charts.accuracy_chart(sizes, dec.chance, "N", f"{notes.CELL_NAMES[ss.m_cell]} probe vs state size N")),
                width="stretch")
fnotes = notes.forgetting_notes(sens, dec, ss.m_K, ss.m_N) + notes.size_notes(sizes, dec.chance, ss.m_cell, ss.m_K)
layout.notice(fnotes)
measured.record("long_range", notes.overview_row(dec, ss.m_K, ss.m_N))
st.caption("Sensitivity, probe accuracy and probe accuracy vs N, one table")
layout.downloads(pd.concat([sens.assign(measure="sensitivity"), dec.accuracy.assign(measure="probe"),
                            sizes.assign(measure="probe_vs_N")]), "memory_forgetting", "m_dl_forget",
                 {"N": ss.m_N, "rho": ss.m_rho, "forget_bias": ss.m_fb, "input_scale": ss.m_in, "chance": dec.chance})
seq2seq_section.render()
layout.how_computed("memory_how")
