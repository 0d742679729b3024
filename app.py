"""Router only: page config, navigation in story order, the shared sidebar."""
import streamlit as st

from ui import sidebar

st.set_page_config(
    page_title="Why Transformers Replaced RNNs",
    page_icon="assets/icon.png",
    layout="wide",
)

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/map:", url_path="overview", default=True),

]

page = st.navigation(PAGES)
sidebar.render()
page.run()
