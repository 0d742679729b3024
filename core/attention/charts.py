"""Charts for the attention page: head grids with the ideal pattern, entropies, encodings.

Frames in (built by core.attention / core.positional), `alt.Chart` out.
Heatmaps use the sequential "blues" scheme (readable in greyscale and for the
common colour-vision deficiencies); the ideal pattern is an orange outline.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from core.chart_style import BLACK, INK, VERMILLION, palette, series, style
from core.config import ATTENTION

IDEAL_COLOUR = VERMILLION     # outlines on blue cells


def _label_sort(df: pd.DataFrame, pos: str, label: str) -> list[str]:
    return list(df.drop_duplicates(pos).sort_values(pos)[label])


def _map_px(n: int, cell: int = ATTENTION.cell_px, widest: int = ATTENTION.max_map_px) -> int:
    """Side of one n × n map in px: `cell` per row, shrunk so the map stays within `widest`."""
    return max(60, min(cell * n, widest))


def _axes(df: pd.DataFrame, every_label: bool = True) -> tuple[alt.X, alt.Y]:
    """Key and query axes with a label on every row and column (labelOverlap off), or, with
    `every_label=False` (talk type on a small map), every label that fits without overlapping."""
    qs, ks = _label_sort(df, "query", "query label"), _label_sort(df, "key", "key label")
    overlap = False if every_label else "greedy"
    x = alt.X("key label:O", sort=ks, title="key", axis=alt.Axis(labelAngle=-90, labelOverlap=overlap))
    y = alt.Y("query label:O", sort=qs, title="query", axis=alt.Axis(labelOverlap=overlap))
    return x, y


def _cells(x: alt.X, y: alt.Y, value: str, legend: alt.Legend | None = None) -> tuple[alt.Chart, alt.Chart]:
    cells = alt.Chart().mark_rect().encode(
        x=x, y=y,
        color=alt.Color(f"{value}:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), title=value,
                        legend=legend or alt.Legend(orient="bottom", gradientLength=220)),
        tooltip=["layer:O", "head:N", "query label:N", "key label:N", alt.Tooltip(f"{value}:Q", format=".3f")],
    )
    ideal = alt.Chart().transform_filter(alt.datum.ideal > 0).mark_rect(
        fill=None, stroke=IDEAL_COLOUR, strokeWidth=2).encode(x=x, y=y)
    return cells, ideal


def head_map(df: pd.DataFrame, title: str, subtitle: str = "", value: str = "weight") -> alt.Chart:
    """One head's query × key map, big enough for a label on every row; ideal cells outlined.

    df: rows of `grid_frame` for one (layer, head): query, key, query label, key label, `value`, ideal.
    """
    size = _map_px(int(df["query"].max()) + 1)
    x, y = _axes(df)
    cells, ideal = _cells(x, y, value)
    # autosize "pad": the plot keeps its size and the axes grow around it (Streamlit's default
    # "fit" squeezes a labelled heatmap into its declared width and collapses its rows).
    return style(alt.layer(cells, ideal, data=df).properties(
        width=size, height=size, autosize=alt.AutoSizeParams(type="pad"),
        title=alt.Title(title, subtitle=subtitle or None, subtitleFontSize=16, subtitleColor=INK)))


def head_grid(df: pd.DataFrame, title: str, value: str = "weight", width: int = 820, size: int | None = None,
              legend: str = "top") -> alt.Chart:
    """Every (layer, head) map, wrapped into rows that fit `width` px; cells with ideal > 0 outlined.

    df: layer, head, query, key, query label, key label, `value`, ideal (tidy, one row per cell).
    `size` fixes each map's side (then labels that would overlap are left out); `legend` is where
    the colour scale goes ("top", or "right" where height is short, as in talk mode).
    """
    n = int(df["query"].max()) + 1
    every_label = size is None
    size = size or _map_px(n, ATTENTION.cell_px, 300)
    per_row = max(1, width // (size + 90))
    d = df.assign(panel="layer " + df["layer"].astype(str) + " · head " + df["head"].astype(str))
    panels = list(dict.fromkeys(d.sort_values(["layer"], kind="stable")["panel"]))
    x, y = _axes(d, every_label)
    cells, ideal = _cells(x, y, value, alt.Legend(orient=legend, gradientLength=220 if legend == "top" else 160))
    return style(
        alt.layer(cells, ideal, data=d).properties(width=size, height=size)
        .facet(facet=alt.Facet("panel:N", sort=panels, title=None), columns=per_row)
        .properties(title=alt.Title(title, subtitle="rows: the query position, columns: the key position; "
                                                    "each row sums to 1", subtitleFontSize=16, subtitleColor=INK))
    )


def closeness_bars(df: pd.DataFrame) -> alt.Chart:
    """df: layer, head, closeness — attention mass on the ideal keys per head."""
    layers = [str(v) for v in sorted(df["layer"].unique())]
    d = df.assign(layer=df["layer"].astype(str))
    bars = alt.Chart(d).mark_bar().encode(
        x=alt.X("head:N", title="head", axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("layer:N", sort=layers),
        y=alt.Y("closeness:Q", scale=alt.Scale(domain=[0, 1]), title="mass on the ideal keys"),
        color=alt.Color("layer:N", scale=palette(layers), title="layer"),
        tooltip=["layer:N", "head:N", alt.Tooltip("closeness:Q", format=".3f")],
    )
    return style(bars.properties(height=380, title="How close each head is to the ideal pattern"))


def step_bars(df: pd.DataFrame, title: str) -> alt.Chart:
    """df (tidy): key label, key position, formula, weight — one query's softmax weights, two formulas."""
    formulas = list(dict.fromkeys(df["formula"]))
    ks = _label_sort(df, "key position", "key label")
    bars = alt.Chart(df).mark_bar().encode(
        x=alt.X("key label:O", sort=ks, title="key (position:token)", axis=alt.Axis(labelAngle=-45)),
        xOffset=alt.XOffset("formula:N", sort=formulas),
        y=alt.Y("weight:Q", scale=alt.Scale(domain=[0, 1]), title="softmax weight"),
        color=alt.Color("formula:N", scale=palette(formulas), title=None, legend=alt.Legend(orient="top")),
        tooltip=["key label:N", "formula:N", alt.Tooltip("weight:Q", format=".4f")],
    )
    return style(bars.properties(height=340, title=title))


def entropy_bars(df: pd.DataFrame, ceiling: float, title: str, causal: bool) -> alt.Chart:
    """df: head, formula, entropy (nats); a rule at the ceiling `core.attention.multihead.max_entropy`.

    The ceiling is uniform attention over the keys each row may see: ln T without a mask,
    the mean of ln t over the rows with a causal one.
    """
    formulas = list(dict.fromkeys(df["formula"]))
    bars = alt.Chart(df).mark_bar().encode(
        x=alt.X("head:N", title="head", axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("formula:N", sort=formulas),
        y=alt.Y("entropy:Q", title="entropy (nats)",
                scale=alt.Scale(domain=[0, 1.05 * max(ceiling, float(df["entropy"].max()))])),
        color=alt.Color("formula:N", scale=palette(formulas), title=None, legend=alt.Legend(orient="top")),
        tooltip=["head:N", "formula:N", alt.Tooltip("entropy:Q", format=".3f")],
    )
    what = "mean of ln t over the rows (causal mask)" if causal else "ln T (no mask)"
    rule = alt.Chart(pd.DataFrame({"ceiling": [ceiling]})).mark_rule(color=BLACK, strokeWidth=2).encode(
        y="ceiling:Q", tooltip=[alt.Tooltip("ceiling:Q", format=".3f", title="uniform attention")])
    return style(alt.layer(bars, rule).properties(height=360, title=alt.Title(
        title, subtitle=f"black line: uniform attention over the visible keys, {what} = {ceiling:.2f} nats",
        subtitleFontSize=16, subtitleColor=INK)))


def matrix_heatmap(df: pd.DataFrame, row: str, col: str, title: str, scheme: str = "redblue") -> alt.Chart:
    """df from core.frames.block_frame: row, col (block starts), *_to, value."""
    n_rows, n_cols = df[row].nunique(), df[col].nunique()
    chart = alt.Chart(df).mark_rect().encode(
        x=alt.X(f"{col}:O", title=col, axis=alt.Axis(labelOverlap=True)),
        y=alt.Y(f"{row}:O", title=row, axis=alt.Axis(labelOverlap=True)),
        color=alt.Color("value:Q", scale=alt.Scale(scheme=scheme, domainMid=0, reverse=scheme == "redblue"),
                        title="value", legend=alt.Legend(orient="bottom", gradientLength=200)),
        tooltip=[f"{row}:O", f"{row}_to:O", f"{col}:O", f"{col}_to:O", alt.Tooltip("value:Q", format=".3f")],
    )
    return chart.properties(width=min(8 * n_cols, 260), height=min(8 * n_rows, 260), title=title)


def side_by_side(left: alt.Chart, right: alt.Chart) -> alt.Chart:
    """Two heatmaps from `matrix_heatmap`, legends below each so the pair fits the main column at 1280 px."""
    return style(alt.hconcat(left, right).resolve_scale(color="independent"))


def gradient_lines(df: pd.DataFrame) -> alt.Chart:
    """df: distance, model, gradient norm — log scale, one line per model."""
    models = list(dict.fromkeys(df["model"]))
    colours = alt.Scale(domain=models, range=[series("attention" if m.startswith("attention") else "tanh").colour
                                              for m in models])
    d = df[df["gradient norm"] > 0]
    lines = alt.Chart(d).mark_line(point=True, strokeWidth=3).encode(
        x=alt.X("distance:Q", title="distance from the last position (steps back)",
                scale=alt.Scale(domain=[0, int(d["distance"].max())], nice=False)),
        y=alt.Y("gradient norm:Q", scale=alt.Scale(type="log"), title="‖∂ output / ∂ input row‖"),
        color=alt.Color("model:N", scale=colours, title=None, legend=alt.Legend(orient="top")),
        tooltip=["model:N", "distance:Q", alt.Tooltip("gradient norm:Q", format=".3e")],
    )
    return style(lines.properties(height=380, title="Path length: the last output's gradient to every input"))
