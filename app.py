"""Router only: page config, navigation in story order, the shared sidebar."""
import contextlib

import streamlit as st

from core.renders import RENDERS
from ui import sidebar, warm, warmup

st.set_page_config(
    page_title="Why Transformers Replaced RNNs",
    page_icon="assets/icon.png",
    layout="wide",
)

PAGES = [
    st.Page("chapters/overview.py", title="Overview", icon=":material/map:", default=True),  # served at "/"
    st.Page("chapters/timing_lab.py", title="Timing lab", icon=":material/timer:", url_path="timing_lab"),
    st.Page("chapters/gradients.py", title="Vanishing gradients", icon=":material/trending_down:", url_path="gradients"),
    st.Page("chapters/memory.py", title="Fixed-size memory", icon=":material/memory:", url_path="memory"),
    st.Page("chapters/attention_maps.py", title="Attention maps", icon=":material/grid_on:", url_path="attention_maps"),
    st.Page("chapters/attention_price.py", title="Attention's price", icon=":material/memory_alt:", url_path="attention_price"),
    st.Page("chapters/scan.py", title="Recurrence strikes back", icon=":material/replay:", url_path="scan"),
    st.Page("chapters/head_to_head.py", title="Head to head", icon=":material/sports_score:", url_path="head_to_head"),
    st.Page("chapters/quiz.py", title="Quiz", icon=":material/quiz:", url_path="quiz"),
    st.Page("chapters/talk.py", title="Talk mode", icon=":material/co_present:", url_path="talk"),
]
# Chapters that paint their first view without torch; every other one imports it at the top, and must
# not race the background import (ui.warmup) for it: a concurrent `import torch` can see it half-built.
TORCH_FREE = {"", "timing_lab"}

page = st.navigation(PAGES)
# Streamlit's 6rem above the title pushed every page's main chart 40 px further below the fold at 1280 × 720.
st.html("<style>[data-testid='stMainBlockContainer']{padding-top:3.5rem}</style>")
# A live measurement waits (bounded) for a viewer's run before its next chunk; not for the warm-up's.
with RENDERS.uncounted() if warm.is_warm_up(st.context.headers) else contextlib.nullcontext(), RENDERS.drawing():
    if page.url_path not in TORCH_FREE:
        warmup.wait()
    pending = sidebar.render(defer_torch=page.url_path in TORCH_FREE)
    page.run()
sidebar.finish(pending)            # a torch-free first view is on screen: now wait for torch, draw the device
