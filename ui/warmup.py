"""Import torch in the background so pages that paint from shipped results never wait for it.

`import torch` costs ~2 s on the 2-core host. The Overview and every first view
that paints from shipped files need no torch; `start()` (called by app.py on
every run, cheap after the first) imports `core.device` — and with it torch — on
a daemon thread, and `ready()` says whether it has finished. Code that needs
torch simply imports it: Python's import lock makes it wait for the thread.
"""
from __future__ import annotations

import importlib
import threading

import streamlit as st


@st.cache_resource
def _thread() -> threading.Thread:
    t = threading.Thread(target=importlib.import_module, args=("core.device",), name="torch-warmup", daemon=True)
    t.start()
    return t


def start() -> None:
    _thread()


def ready() -> bool:
    return not _thread().is_alive()


def wait() -> None:
    _thread().join()
