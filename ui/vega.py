"""Drawing an Altair chart with one conversion to Vega-Lite instead of two, and no schema check.

`st.altair_chart` validates the whole spec against Vega-Lite's JSON schema on every draw, and the
screen-reader description needs the spec too: the memory page's main chart spent 0.45 s of a
1.4 s rerun converting itself twice. Here the chart is converted once, unvalidated (the chart tests
validate every builder's output instead), with its data as Arrow bytes under a content hash, exactly
as Streamlit's own conversion stores them, and drawn with `st.vega_lite_chart`.

    text = draw(chart, df, where=column, key="g_decay_chart")
"""
from __future__ import annotations

from contextlib import nullcontext

import altair as alt
import pandas as pd
import streamlit as st
# Streamlit's own Arrow data transformer and the lock it holds while Altair's process-global
# theme and transformer are switched: the same conversion `st.altair_chart` makes (pinned version).
from streamlit.elements.vega_charts import _altair_globals_lock, _to_arrow_dataset

from core.story import figures

TRANSFORMER = "app_arrow_dataset"


def _arrow(data, datasets: dict, frames: dict) -> dict:
    ref = _to_arrow_dataset(data, datasets)
    frames[ref["name"]] = data
    return ref


alt.data_transformers.register(TRANSFORMER, _arrow)


def to_spec(chart: alt.TopLevelMixin) -> tuple[dict, dict[str, pd.DataFrame]]:
    """The chart's Vega-Lite (datasets as Arrow bytes) and the same datasets as DataFrames."""
    datasets: dict = {}
    frames: dict = {}
    with _altair_globals_lock:
        theme = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
        with theme, alt.data_transformers.enable(TRANSFORMER, datasets=datasets, frames=frames):
            spec = chart.to_dict(validate=False)
    given = spec.get("datasets")
    spec["datasets"] = {**given, **datasets} if isinstance(given, dict) else datasets
    return spec, frames


def draw(chart: alt.TopLevelMixin, data: pd.DataFrame | None = None, *, where=None, key: str | None = None,
         width: str = "stretch", describe: bool = True) -> str:
    """Draw `chart` in `where` (default: here), labelled for screen readers with a description of
    `data` written from the spec; returns that description ("" with `describe=False`)."""
    spec, frames = to_spec(chart)
    text = figures.describe({**spec, "datasets": frames}, data) if describe else ""
    if text:
        spec["description"] = text
    (where or st).vega_lite_chart(spec=spec, width=width, key=key)
    return text
