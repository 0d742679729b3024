"""The server's entry point: `streamlit run serve.py` serves app.py and warms it up at start.

Same app, same flags and `.streamlit/config.toml` as `streamlit run app.py`; on top of that, as
soon as the server listens, `ui.warm` visits every page once, so the first viewers after a
restart find torch imported and each page's default view already computed. `RNN_WARM_UP=0` turns
the warm-up off.
"""
import streamlit as st

from ui.warm import lifespan

app = st.App("app.py", lifespan=lifespan)
