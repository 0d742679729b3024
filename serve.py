"""The server's entry point: `streamlit run serve.py` serves app.py and warms it up at start.

Same app, same flags and `.streamlit/config.toml` as `streamlit run app.py`; on top of that, as
soon as the server listens, `ui.warm` visits every page once, so the first viewers after a
restart find torch imported and each page's default view already computed. `RNN_WARM_UP=0` turns
the warm-up off. A middleware notes each request's time: torch's import (a core for ~2 s) waits
until no browser has asked for anything for a moment, so a viewer who came with the restart gets
the Overview painted first. The allocator keeps `MALLOC_ARENAS` heaps (core/config/app.py), not
one per session thread.
"""
from core.config import app as cfg
from core.idle_gc import limit_arenas

limit_arenas(cfg.MALLOC_ARENAS)        # before the server starts its threads
import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from ui.warm import NoteRequests, lifespan  # noqa: E402

app = st.App("app.py", lifespan=lifespan, middleware=[Middleware(NoteRequests)])
