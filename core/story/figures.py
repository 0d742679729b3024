"""Figures as files and as words: SVG/PNG rendered offline by vl-convert, file names that
say what a figure shows, and a text description of a chart written from its data."""
from __future__ import annotations

import json
import re
from typing import Any

import altair as alt
import pandas as pd

PNG_SCALE = 2          # 2× pixels, as the chart toolbar's own PNG
MAX_STEM = 120


EXPORT_WIDTH = 960     # px, for charts that take their width from the page's container


def spec_json(chart: alt.TopLevelMixin, width: int = EXPORT_WIDTH) -> str:
    """The chart's full Vega-Lite spec with its data inline (no row limit: st.altair_chart has none
    either); a chart that fills its container on the page gets a fixed `width` in the file."""
    with alt.data_transformers.disable_max_rows():
        spec = chart.to_dict()
    if not any(k in spec for k in ("facet", "hconcat", "vconcat", "concat", "repeat")) and \
            spec.get("width") in (None, "container"):
        spec["width"] = width
    return json.dumps(spec)


def to_svg(spec: str) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(json.loads(spec)).encode("utf-8")


def to_png(spec: str, scale: float = PNG_SCALE) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(json.loads(spec), scale=scale)


def _slug(text: Any) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", str(text)).strip("-.")[:40]


def file_stem(page: str, name: str, settings: dict | None = None) -> str:
    """`page_chart_key-value_…`: a file name that says what the figure shows and with which settings."""
    parts = [_slug(page), _slug(name)] + [f"{_slug(k)}-{_slug(v)}" for k, v in (settings or {}).items()
                                           if v is not None and _slug(v)]
    return "_".join(p for p in parts if p)[:MAX_STEM]


def _all_encodings(node, out: list) -> list:
    """Every `encoding` block with an x and a y in a (possibly layered/faceted) spec, in order."""
    if isinstance(node, dict):
        enc = node.get("encoding")
        if isinstance(enc, dict) and "x" in enc and "y" in enc:
            out.append(enc)
        for key in ("layer", "spec", "hconcat", "vconcat", "concat"):
            sub = node.get(key)
            for child in (sub if isinstance(sub, list) else [sub] if sub else []):
                _all_encodings(child, out)
    return out


def _encodings(spec: dict, data: pd.DataFrame) -> dict | None:
    """The encoding that best describes the data: one coloured by a column of it, else the first."""
    found = _all_encodings(spec, [])
    for enc in found:
        colour = (enc.get("color") or {}).get("field") if isinstance(enc.get("color"), dict) else None
        y = enc["y"].get("field") if isinstance(enc["y"], dict) else None
        if colour in data and y in data:
            return enc
    return found[0] if found else None


def _title(spec: dict) -> str:
    t = spec.get("title")
    if isinstance(t, dict):
        t = t.get("text")
    if isinstance(t, list):
        t = " ".join(map(str, t))
    return str(t) if t else "Chart"


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def _field(enc: dict, channel: str) -> tuple[str | None, str]:
    e = enc.get(channel) or {}
    field = e.get("field") if isinstance(e, dict) else None
    title = e.get("title") if isinstance(e, dict) else None
    return field, str(title or field or channel)


def describe(chart: alt.TopLevelMixin, data: pd.DataFrame, max_groups: int = 6) -> str:
    """One paragraph for a screen reader: the title, the axes, and per series its first and last point."""
    spec = chart.to_dict(validate=False) if not isinstance(chart, dict) else chart
    text = _title(spec) + "."
    if data is None or data.empty:
        return text
    enc = _encodings(spec, data)
    if enc is None:
        return text + (f" {len(data)} rows of data." if data is not None else "")
    (x, xt), (y, yt) = _field(enc, "x"), _field(enc, "y")
    colour, _ = _field(enc, "color")
    text += f" {yt} against {xt}."
    if x not in data or y not in data:
        return text + f" {len(data):,} rows of data."
    groups = data.groupby(colour, sort=False) if colour in data else [(None, data)]
    parts = []
    for i, (name, g) in enumerate(groups):
        if i == max_groups:
            parts.append("…")
            break
        g = g.dropna(subset=[x, y])
        if g.empty:
            continue
        if pd.api.types.is_numeric_dtype(g[x]):
            g = g.sort_values(x)
            first, last = g.iloc[0], g.iloc[-1]
            span = f"from {_fmt(first[y])} at {_fmt(first[x])} to {_fmt(last[y])} at {_fmt(last[x])}"
        else:
            top = g.loc[g[y].idxmax()] if pd.api.types.is_numeric_dtype(g[y]) else g.iloc[0]
            span = f"largest {_fmt(top[y])} at {_fmt(top[x])}"
        parts.append((f"{name}: " if name is not None else "") + span)
    return text + " " + "; ".join(parts) + "."
