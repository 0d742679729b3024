"""The server's entry point: `streamlit run serve.py` serves app.py and warms it up at start.

Same app, same flags and `.streamlit/config.toml` as `streamlit run app.py`; on top of that, as
soon as the server listens, `ui.warm` visits every page once, so the first viewers after a
restart find torch imported and each page's default view already computed. `RNN_WARM_UP=0` turns
the warm-up off. A middleware notes each request's time: torch's import (a core for ~2 s) waits
until no browser has asked for anything for a moment, so a viewer who came with the restart gets
the Overview painted first.
"""
import streamlit as st
from starlette.middleware import Middleware

from ui.warm import NoteRequests, lifespan

app = st.App("app.py", lifespan=lifespan, middleware=[Middleware(NoteRequests)])
