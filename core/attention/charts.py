"""Charts for the attention page: head grids with the ideal pattern, entropies, encodings.

Frames in (built by core.attention / core.positional), `alt.Chart` out.
Heatmaps use the sequential "blues" scheme (readable in greyscale and for the
common colour-vision deficiencies); the ideal pattern is an orange outline.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from core.chart_style import OKABE_ITO, palette, style

IDEAL_COLOUR = OKABE_ITO[5]   # vermillion outlines on blue cells
CELL = 22                     # pixels per heatmap cell in the head grid


def _label_sort(df: pd.DataFrame, pos: str, label: str) -> list[str]:
    return list(df.drop_duplicates(pos).sort_values(pos)[label])


def head_grid(df: pd.DataFrame, title: str, value: str = "weight") -> alt.Chart:
    """Facets layer × head of query × key heatmaps; cells with ideal > 0 get an outline.

    df: layer, head, query, key, query label, key label, `value`, ideal (tidy, one row per cell).
    """
    t = int(df["query"].max()) + 1
    qs, ks = _label_sort(df, "query", "query label"), _label_sort(df, "key", "key label")
    x = alt.X("key label:O", sort=ks, title="key", axis=alt.Axis(labelAngle=0, labelOverlap=True))
    y = alt.Y("query label:O", sort=qs, title="query", axis=alt.Axis(labelOverlap=True))
    cells = alt.Chart().mark_rect().encode(
        x=x, y=y,
        color=alt.Color(f"{value}:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), title=value),
        tooltip=["layer:O", "head:O", "query label:N", "key label:N", alt.Tooltip(f"{value}:Q", format=".3f")],
    )
    ideal = alt.Chart().transform_filter(alt.datum.ideal > 0).mark_rect(
        fill=None, stroke=IDEAL_COLOUR, strokeWidth=1.5).encode(x=x, y=y)
    size = max(90, min(CELL * t, 600 // df["head"].nunique(), 200))
    return style(
        alt.layer(cells, ideal, data=df).properties(width=size, height=size)
        .facet(row=alt.Row("layer:O", title="layer"), column=alt.Column("head:N", title="head"))
        .properties(title=alt.Title(title, subtitle="rows: the query position, columns: the key position "
                                           "(position:token); each row sums to 1"))
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
    return style(bars.properties(height=380, title=title))


def entropy_bars(df: pd.DataFrame, max_entropy: float, title: str) -> alt.Chart:
    """df: head, formula, entropy (nats); a dashed rule at ln T, the uniform maximum."""
    formulas = list(dict.fromkeys(df["formula"]))
    bars = alt.Chart(df).mark_bar().encode(
        x=alt.X("head:N", title="head", axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("formula:N", sort=formulas),
        y=alt.Y("entropy:Q", title="entropy (nats)",
                scale=alt.Scale(domain=[0, 1.05 * max(max_entropy, float(df["entropy"].max()))])),
        color=alt.Color("formula:N", scale=palette(formulas), title=None, legend=alt.Legend(orient="top")),
        tooltip=["head:N", "formula:N", alt.Tooltip("entropy:Q", format=".3f")],
    )
    rule = alt.Chart(pd.DataFrame({"ln T": [max_entropy]})).mark_rule(
        strokeDash=[6, 4], color=OKABE_ITO[7]).encode(y="ln T:Q")
    return style(alt.layer(bars, rule).properties(
        height=380, title=f"{title} (dashed: ln T = {max_entropy:.2f}, uniform attention)"))


def matrix_heatmap(df: pd.DataFrame, row: str, col: str, title: str, scheme: str = "redblue") -> alt.Chart:
    """df from core.positional.matrix_frame: row, col (block starts), *_to, value."""
    n_rows, n_cols = df[row].nunique(), df[col].nunique()
    chart = alt.Chart(df).mark_rect().encode(
        x=alt.X(f"{col}:O", title=col, axis=alt.Axis(labelOverlap=True)),
        y=alt.Y(f"{row}:O", title=row, axis=alt.Axis(labelOverlap=True)),
        color=alt.Color("value:Q", scale=alt.Scale(scheme=scheme, domainMid=0, reverse=scheme == "redblue"),
                        title="value"),
        tooltip=[f"{row}:O", f"{row}_to:O", f"{col}:O", f"{col}_to:O", alt.Tooltip("value:Q", format=".3f")],
    )
    return chart.properties(width=min(10 * n_cols, 300), height=min(10 * n_rows, 300), title=title)


def side_by_side(left: alt.Chart, right: alt.Chart) -> alt.Chart:
    return style(alt.hconcat(left, right).resolve_scale(color="independent"))


def gradient_lines(df: pd.DataFrame) -> alt.Chart:
    """df: distance, model, gradient norm — log scale, one line per model."""
    models = list(dict.fromkeys(df["model"]))
    d = df[df["gradient norm"] > 0]
    lines = alt.Chart(d).mark_line(point=True).encode(
        x=alt.X("distance:Q", title="distance from the last position (steps back)",
                scale=alt.Scale(domain=[0, int(d["distance"].max())], nice=False)),
        y=alt.Y("gradient norm:Q", scale=alt.Scale(type="log"), title="‖∂ output / ∂ input row‖"),
        color=alt.Color("model:N", scale=palette(models), title=None, legend=alt.Legend(orient="top")),
        tooltip=["model:N", "distance:Q", alt.Tooltip("gradient norm:Q", format=".3e")],
    )
    return style(lines.properties(height=420, title="Path length: the last output's gradient to every input"))
