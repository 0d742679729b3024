"""Overview: the story on one screen — the claim, the first chart, every chapter one click away."""
from pathlib import Path

import streamlit as st

from core.overview import charts, summary
from ui import export, layout, measured
from ui.spec_cache import Lazy

ROOT = Path(__file__).resolve().parent.parent

# (page file, title, what it measures) in story order; a chapter appears once its file exists.
CHAPTERS = [
    ("chapters/timing_lab.py", "Timing lab", "T dependent steps vs one parallel step, and how much of the device each uses"),
    ("chapters/gradients.py", "Vanishing gradients", "the gradient through T steps is a product of Jacobians, computed live"),
    ("chapters/memory.py", "Fixed-size memory", "everything read must fit in N numbers; seq2seq with and without attention"),
    ("chapters/attention_maps.py", "Attention maps", "softmax$(QK^\\top/\\sqrt{d})V$ step by step, heads of trained models"),
    ("chapters/attention_price.py", "Attention's price", "the $T\\times T$ matrix, streaming, the edge: where recurrence still wins"),
    ("chapters/scan.py", "Recurrence strikes back", "linear recurrences and the parallel scan: $O(\\log T)$ depth"),
    ("chapters/head_to_head.py", "Head to head", "RNN, LSTM, GRU, minGRU and a transformer trained side by side"),
]

# The source articles' summary table (Vaswani et al. 2017, Table 1), with what was measured.
ROWS = [
    ("Sequential operations", "O(N)", "O(1)", "sequential_ops"),
    ("Computation per layer", "O(N·d²)", "O(N²·d)", "per_layer_cost"),
    ("Maximum path length", "O(N)", "O(1)", "path_length"),
    ("Long-range dependencies", "poor (forgets)", "excellent (constant path)", "long_range"),
    ("Memory (the new cost)", "O(N) state", "O(N²) attention weights", "attention_memory"),
    ("Linear recurrence (since 2023)", "O(log N) depth with a scan, O(1) state per token", "—", "linear_recurrence"),
]


@st.cache_data(max_entries=1)
def _reference() -> summary.Reference:
    return summary.reference()


ref = _reference()
st.title("Why Transformers Replaced RNNs")
layout.claim(summary.headline(ref))
chart_col, chapters_col = st.columns([3, 2], gap="medium")
with chart_col:
    export.show_chart(Lazy(charts.bottleneck, summary.chart_frame(ref)), summary.chart_frame(ref), page="overview",
                      name="time_per_call", settings={"source": "shipped"}, key="ov_main", aspect=True)
with chapters_col:
    for page, title, what in [c for c in CHAPTERS if (ROOT / c[0]).exists()]:
        st.page_link(page, label=f"**{title}**", icon=":material/arrow_forward:")
        st.caption(what)

st.subheader("The articles' summary table, measured")
shipped = summary.shipped_rows(ref)
cells = [(name, rnn, attn, measured.get(row) or shipped.get(row) or "open the chapter that measures it")
         for name, rnn, attn, row in ROWS]
st.markdown(summary.markdown_table(("property", "RNN / LSTM (claimed)", "self-attention (claimed)", "measured"),
                                   cells))
st.caption("N is the sequence length and d the model width, as in the articles. The measured column fills in "
           "with this device's figures as you visit the chapters in this session; until then the timing rows "
           "show the shipped reference result.")
layout.intro("overview", "About this app")
layout.next_chapter("chapters/timing_lab.py", "Timing lab", "the sequential bottleneck, timed on this device")
