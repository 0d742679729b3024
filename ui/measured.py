"""Figures a page measured in this session, for the Overview's summary table."""
from __future__ import annotations

import streamlit as st

_KEY = "_measured"


def record(row: str, text: str) -> None:
    """Remember a measured figure for a row of the Overview table (e.g. "sequential_ops")."""
    st.session_state.setdefault(_KEY, {})[row] = text


def get(row: str) -> str | None:
    return st.session_state.get(_KEY, {}).get(row)
