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


SECONDARY_MARKS = ("rule", "text", "area", "errorbar", "errorband")


def _all_encodings(node, out: list, mark=None) -> list:
    """(mark type, encoding) of every block with an x and a y in a (layered/faceted) spec, in order."""
    if isinstance(node, dict):
        m = node.get("mark", mark)
        m = m.get("type") if isinstance(m, dict) else m
        enc = node.get("encoding")
        if isinstance(enc, dict) and "x" in enc and "y" in enc:
            out.append((m, enc))
        for key in ("layer", "spec", "hconcat", "vconcat", "concat"):
            sub = node.get(key)
            for child in (sub if isinstance(sub, list) else [sub] if sub else []):
                _all_encodings(child, out, m)
    return out


def _encodings(spec: dict, data: pd.DataFrame) -> dict | None:
    """The encoding that best describes the data: a main mark (not a rule or a label), coloured by a
    column of the data if one is, else the first main mark, else the first of all."""
    found = _all_encodings(spec, [])
    main = [e for m, e in found if m not in SECONDARY_MARKS] or [e for _, e in found]
    for enc in main:
        colour = (enc.get("color") or {}).get("field") if isinstance(enc.get("color"), dict) else None
        if colour in data:
            return enc
    return main[0] if main else None


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


def _field(enc: dict, channel: str) -> tuple[str | None, str, str]:
    e = enc.get(channel) or {}
    if not isinstance(e, dict):
        return None, channel, ""
    return e.get("field"), str(e.get("title") or e.get("field") or channel), str(e.get("type", ""))


def _chart_data(spec: dict, data: pd.DataFrame, needed: list[str]) -> pd.DataFrame:
    """`data` if it holds the columns, else the chart's own dataset that does (derived columns)."""
    if all(c in data for c in needed):
        return data
    for rows in spec.get("datasets", {}).values():
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
        if all(c in frame for c in needed):
            return frame
    return data


def _series(g: pd.DataFrame, x: str, y: str) -> str:
    g = g.dropna(subset=[x, y])
    if g.empty:
        return "no values"
    if pd.api.types.is_numeric_dtype(g[x]) and pd.api.types.is_numeric_dtype(g[y]):
        g = g.sort_values(x)
        first, last = g.iloc[0], g.iloc[-1]
        return f"from {_fmt(first[y])} at {_fmt(first[x])} to {_fmt(last[y])} at {_fmt(last[x])}"
    cat, num = (x, y) if pd.api.types.is_numeric_dtype(g[y]) else (y, x)
    if not pd.api.types.is_numeric_dtype(g[num]):
        return f"{len(g)} values"
    return ", ".join(f"{r[cat]} {_fmt(r[num])}" for _, r in g.head(6).iterrows()) + (" …" if len(g) > 6 else "")


def describe(chart: alt.TopLevelMixin, data: pd.DataFrame, max_groups: int = 6, figures: bool = True) -> str:
    """One paragraph for a screen reader: the title, the axes, and per series its first and last
    point (a line), its values (bars) or the range of its colour (a heatmap). With `figures=False`,
    the title and axes only: a label that stays the same while the data change."""
    if isinstance(chart, dict):
        spec = chart
    else:
        with alt.data_transformers.disable_max_rows():
            spec = chart.to_dict(validate=False)
    text = _title(spec) + "."
    if data is None or (data.empty and figures):
        return text
    enc = _encodings(spec, data)
    if enc is None:
        return text + (f" {len(data):,} rows of data." if figures else "")
    (x, xt, _), (y, yt, _) = _field(enc, "x"), _field(enc, "y")
    colour, ct, ctype = _field(enc, "color")
    if not figures:
        grid = ctype == "quantitative" and colour in data
        return text + (f" A grid of {ct} by {yt} and {xt}." if grid else f" {yt} against {xt}.")
    data = _chart_data(spec, data, [c for c in (x, y) if c])
    if x not in data or y not in data:
        return text + f" {yt} against {xt}; {len(data):,} rows of data."
    if ctype == "quantitative" and colour in data:
        top = data.loc[data[colour].idxmax()]
        return text + (f" A grid of {ct} by {yt} and {xt}: {len(data):,} cells from {_fmt(data[colour].min())} "
                       f"to {_fmt(data[colour].max())}, the largest at {yt} {top[y]}, {xt} {top[x]}.")
    text += f" {yt} against {xt}."
    grouped = colour in data and colour not in (x, y)
    groups = list(data.groupby(colour, sort=False)) if grouped else [(None, data)]
    parts = [(f"{name}: " if name is not None else "") + _series(g, x, y) for name, g in groups[:max_groups]]
    return text + " " + "; ".join(parts) + ("; …" if len(groups) > max_groups else "") + "."
