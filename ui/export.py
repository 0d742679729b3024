"""Every chart with its exports: PNG and SVG rendered on this server only when clicked, the
chart's data as CSV, a "reproduce in Python" snippet, a link to this exact view, and a text
description written from the data (the chart's label for screen readers is its title and axes).

    show_chart(chart, df, page="gradients", name="decay", settings={"rho": 0.9}, key="g_decay")
"""
from __future__ import annotations

import json
from typing import Callable
from urllib.parse import urlencode

import altair as alt
import pandas as pd
import streamlit as st

from core.frames import records
from core.story import figures
from ui import vega
from ui.spec_cache import Lazy, built


@st.cache_data(max_entries=64, show_spinner=False)
def _render(spec: str, fmt: str) -> bytes:
    """SVG or PNG bytes of a spec; keyed by the spec itself, so a figure is converted once."""
    return figures.to_svg(spec) if fmt == "svg" else figures.to_png(spec)


def view_link(extra: dict | None = None) -> str:
    """This page's address with every parameter now in the address bar (plus `extra`)."""
    base = str(st.context.url or "").split("?")[0]
    pairs = [(k, v) for k in st.query_params for v in st.query_params.get_all(k) if k not in (extra or {})]
    pairs += [(k, str(v)) for k, v in (extra or {}).items()]
    return base + ("?" + urlencode(pairs) if pairs else "")


def export_menu(chart: alt.TopLevelMixin | Lazy, data: pd.DataFrame | Callable[[], pd.DataFrame], *, page: str, name: str,
                settings: dict | None = None, snippet: str | None = None, key: str, link: dict | None = None,
                description: str | None = None, meta: dict | None = None) -> None:
    """A compact "Export" popover: PNG, SVG, CSV (and JSON with `meta`), each built on click; the
    snippet; the link."""
    stem = figures.file_stem(page, name, settings)

    def frame() -> pd.DataFrame:
        return data() if callable(data) else data

    with st.popover("Export", icon=":material/download:", help="Figure as PNG or SVG, its data, code, a link"):
        c1, c2, c3, *c4 = st.columns(4 if meta is not None else 3)
        c1.download_button("PNG", lambda: _render(figures.spec_json(built(chart)), "png"), f"{stem}.png", "image/png",
                           key=f"{key}_png", on_click="ignore")
        c2.download_button("SVG", lambda: _render(figures.spec_json(built(chart)), "svg"), f"{stem}.svg", "image/svg+xml",
                           key=f"{key}_svg", on_click="ignore")
        c3.download_button("CSV", lambda: frame().to_csv(index=False).encode(), f"{stem}.csv", "text/csv",
                           key=f"{key}_csv", on_click="ignore")
        if meta is not None:
            c4[0].download_button(
                "JSON", lambda: json.dumps({"meta": meta, "rows": records(frame())},
                                           indent=1, default=str).encode(),
                f"{stem}.json", "application/json", key=f"{key}_json", on_click="ignore")
        st.caption("Link to this view (every setting included):")
        st.code(view_link(link), language=None, wrap_lines=True)
        if snippet:
            st.caption("Reproduce in Python (from the project's folder):")
            st.code(snippet, language="python")
        if description:
            st.caption(description)


def show_chart(chart: alt.TopLevelMixin | Lazy, data: pd.DataFrame | Callable[[], pd.DataFrame], *, page: str, name: str,
               settings: dict | None = None, snippet: str | None = None, key: str, where=None,
               width: str = "stretch", caption: bool = False, link: dict | None = None,
               meta: dict | None = None, aspect: bool = False) -> None:
    """Draw `chart` (labelled for screen readers with its title and axes) and its export menu, whose
    caption (or the chart's, with `caption`) describes `data`;
    `aspect`: its height follows the column's width (see `ui.vega`)."""
    box = (where or st).container()
    df = data() if callable(data) else data
    text = vega.draw(chart, df, where=box, width=width, key=f"{key}_chart", aspect=aspect)
    if caption:
        box.caption(text)
    with box:
        export_menu(chart, df, page=page, name=name, settings=settings, snippet=snippet, key=key, link=link,
                    description=None if caption else text, meta=meta)
