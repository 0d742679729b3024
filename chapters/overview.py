"""Overview: the story in one screen, with links to the page that measures each claim."""

import streamlit as st

from core.timing import analysis, reference
from core.timing import notes as timing_notes
from ui import layout, measured

REFERENCE = reference.path("forward")

# (title, one-line claim, page file or None while that page is not built, claims covered)
CARDS = [
    ("1 · The sequential bottleneck",
     "h_t needs h_{t-1}: T dependent steps that no hardware can run side by side.",
     "chapters/timing_lab.py", "C1–C3 C12 C17"),
    ("2 · Vanishing and exploding gradients",
     "The gradient to a step k back is a product of k Jacobians: it shrinks or grows geometrically.",
     "chapters/gradients.py", "C4–C7"),
    ("3 · The fixed-size state",
     "Everything read so far must fit in N numbers, however long the input.",
     "chapters/memory.py", "C5 C8"),
    ("4 · How attention reads",
     "softmax(QKᵀ/√d)V: any two positions are one step apart, and each head learns its own pattern.",
     "chapters/attention_maps.py", "C9–C11"),
    ("5 · Attention's price — where recurrence still wins",
     "The T × T matrix, streaming one token at a time, a small LSTM at the edge — measured.",
     "chapters/attention_price.py", "C13–C16 C18"),
]

# The seeds' summary table (Vaswani et al. 2017, Table 1), with what this session measured.
ROWS = [
    ("Sequential operations", "O(N)", "O(1)", "sequential_ops"),
    ("Computation per layer", "O(N·d²)", "O(N²·d)", "per_layer_cost"),
    ("Maximum path length", "O(N)", "O(1)", "path_length"),
    ("Long-range dependencies", "poor (forgets)", "excellent (constant path)", "long_range"),
    ("Memory (the new cost)", "O(N) state", "O(N²) attention weights", "attention_memory"),
]

layout.header("Why Transformers Replaced RNNs", "overview")

cols = st.columns(len(CARDS))
for col, (title, claim, page, claims) in zip(cols, CARDS):
    with col.container(border=True):
        st.markdown(f"**{title}**")
        st.write(claim)
        st.caption(f"Claims {claims}")
        if page:
            st.page_link(page, label="Measure it", icon=":material/arrow_forward:")
        else:
            st.caption("Page not built yet.")



@st.cache_data(max_entries=1)
def shipped_rows() -> dict[str, str]:
    """Until this session has measured them, the timing rows come from the shipped CPU reference."""
    if not REFERENCE.exists():
        return {}
    meta, df = reference.load("forward")
    rows = timing_notes.overview_rows(df, analysis.slopes(df, meta["d"], meta["B"], meta["mode"]))
    return {k: f"{v} — shipped reference: {meta['device_name']}, {meta['threads']} threads" for k, v in rows.items()}


st.subheader("The seeds' summary table, measured")
table = [
    {
        "property": name,
        "RNN / LSTM (claimed)": rnn,
        "self-attention (claimed)": attn,
        "measured": measured.get(row) or shipped_rows().get(row) or "— open the page that measures it",
    }
    for name, rnn, attn, row in ROWS
]
st.dataframe(table, hide_index=True, width="stretch")
st.caption("N is the sequence length and d the model width, as in the seeds. The measured column fills in "
           "with this device's figures as you visit the pages in this session; until then the timing rows show "
           "the shipped reference result.")
