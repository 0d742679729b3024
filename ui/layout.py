"""The anatomy every page shares: header with prose, what-to-notice, how-computed, downloads."""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from core.assets import PROSE



def prose(name: str) -> str:
    """The markdown text `assets/prose/<name>.md`."""
    return (PROSE / f"{name}.md").read_text(encoding="utf-8")


def header(title: str, prose_name: str) -> None:
    """Every page starts here: title, the page's prose."""
    st.title(title)
    st.markdown(prose(prose_name))


def notice(sentences: list[str]) -> None:
    """'What to notice', written by the caller from the computed numbers."""
    if sentences:
        st.subheader("What to notice")
        st.markdown("\n".join(f"- {s}" for s in sentences))


def how_computed(prose_name: str) -> None:
    with st.expander("How this is computed"):
        st.markdown(prose(prose_name))


def downloads(df: pd.DataFrame, stem: str, key: str, meta: dict | None = None) -> None:
    """CSV and JSON downloads of the data behind a chart."""
    c1, c2 = st.columns(2)
    c1.download_button(
        "Data as CSV", df.to_csv(index=False).encode(), f"{stem}.csv", "text/csv",
        key=f"{key}_csv", on_click="ignore", icon=":material/download:",
    )
    payload = {"meta": meta or {}, "rows": json.loads(df.to_json(orient="records"))}
    c2.download_button(
        "Data as JSON", json.dumps(payload, indent=1).encode(), f"{stem}.json", "application/json",
        key=f"{key}_json", on_click="ignore", icon=":material/download:",
    )
