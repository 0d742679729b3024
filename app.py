"""Router only: page config, navigation in story order, the shared sidebar."""
import streamlit as st

from ui import sidebar

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
]

page = st.navigation(PAGES)
sidebar.render()
page.run()
