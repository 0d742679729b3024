"""Charts for the seq2seq section of the memory page: accuracy vs source length for both
variants with the training range shaded, and the decoder's alignment heatmap. DataFrame or
result in, `alt.Chart` out, never rendered here."""
from __future__ import annotations

import altair as alt
import pandas as pd

from core.chart_style import INK, palette, style
from core.frames import matrix_frame
from core.memory.seq2seq import Translation

VARIANT_NAMES = {"plain": "plain: last state only", "attention": "with attention"}
MEASURES = {"exact_match": "exact match (whole answer right)", "token_accuracy": "per-token accuracy"}


def accuracy_frame(by_variant: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Tidy rows (variant, n, measure, accuracy, trained) from each variant's evaluate() frame."""
    parts = [df.melt(id_vars=["n", "trained"], value_vars=list(MEASURES), var_name="measure",
                     value_name="accuracy").assign(variant=v) for v, df in by_variant.items()]
    return pd.concat(parts, ignore_index=True)[["variant", "n", "measure", "accuracy", "trained"]]


def accuracy_chart(df: pd.DataFrame, measure: str, train: tuple[int, int], chance: float | None = None,
                   height: int = 460) -> alt.LayerChart:
    """One measure vs source length n, a line per variant; the training range shaded, the 50 %
    level (exact match) or chance (per token) as a grey rule."""
    rows = df[df.measure == measure].assign(name=lambda d: d.variant.map(VARIANT_NAMES))
    names = [VARIANT_NAMES[v] for v in dict.fromkeys(rows.variant)]
    xs = dict(title="source length n (digits)", axis=alt.Axis(format="d", tickMinStep=1),
              scale=alt.Scale(domain=[rows.n.min() - 0.5, rows.n.max() + 0.5], nice=False))
    ys = dict(title=MEASURES[measure], scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%"))
    band = alt.Chart(pd.DataFrame({"a": [train[0] - 0.5], "b": [train[1] + 0.5]})).mark_rect(
        color="#999999", opacity=0.18).encode(x=alt.X("a:Q", **xs), x2="b")
    tag = alt.Chart(pd.DataFrame({"a": [(train[0] + train[1]) / 2], "y": [0.04], "label": [
        f"trained on n = {train[0]}–{train[1]}"]})).mark_text(fontSize=18, color=INK).encode(
        x=alt.X("a:Q", **xs), y=alt.Y("y:Q", **ys), text="label:N")
    lines = alt.Chart(rows).mark_line(strokeWidth=3, point=True).encode(
        x=alt.X("n:Q", **xs), y=alt.Y("accuracy:Q", **ys),
        color=alt.Color("name:N", scale=palette(names), title=None, legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=["name", "n", alt.Tooltip("accuracy:Q", format=".1%"), "trained"])
    level = 0.5 if chance is None else chance
    rule = alt.Chart(pd.DataFrame({"level": [level]})).mark_rule(color="#6E7781", strokeWidth=2).encode(
        y=alt.Y("level:Q", **ys))
    title = "Exact match vs length" if measure == "exact_match" else "Per-token accuracy vs length"
    sub = "grey: 50 %" if chance is None else f"grey: chance ({chance:.0%})"
    return style(alt.layer(band, tag, rule, lines).properties(
        height=height, title=alt.Title(title, subtitle=sub, subtitleFontSize=18, subtitleColor=INK)))


def alignment_frame(tr: Translation) -> pd.DataFrame:
    """Rows (step i, position j, weight, source digit, output digit, expected) for the (S, S)
    alignment; 1-based i and j; `expected` marks j = S + 1 − i, the digit reversal copies."""
    s = len(tr.source)
    df = matrix_frame(tr.alignment, "i", "j", "weight")
    df["i"] += 1
    df["j"] += 1
    df["source"] = [tr.source[k - 1] for k in df.j]
    df["output"] = [tr.output[k - 1] for k in df.i]
    df["expected"] = df.j == s + 1 - df.i
    df["x"] = [f"{k}·{d}" for k, d in zip(df.j, df.source)]
    df["y"] = [f"{k}·{d}" for k, d in zip(df.i, df.output)]
    return df


def alignment_chart(df: pd.DataFrame, title: str, size: int = 480) -> alt.LayerChart:
    """Answer step × source position heatmap of the attention weights α_ij (rows sum to 1),
    the reversal's cells (the anti-diagonal) outlined. Axis labels read 'position·digit'."""
    s = int(df.i.max())
    xs, ys = list(dict.fromkeys(df.sort_values("j").x)), list(dict.fromkeys(df.sort_values("i").y))
    angle = 0 if s <= 8 else -90
    enc = dict(x=alt.X("x:O", sort=xs, title="source position · digit", axis=alt.Axis(labelAngle=angle)),
               y=alt.Y("y:O", sort=ys, title="answer step · digit out"))
    cells = alt.Chart(df).mark_rect().encode(
        color=alt.Color("weight:Q", scale=alt.Scale(scheme="viridis", domain=[0, 1]), title="α",
                        legend=alt.Legend(orient="right", format=".0%")),
        tooltip=[alt.Tooltip("i", title="answer step"), alt.Tooltip("j", title="source position"),
                 "source", "output", alt.Tooltip("weight:Q", format=".1%")], **enc)
    ring = alt.Chart(df[df.expected]).mark_rect(fill=None, stroke="#D55E00", strokeWidth=2).encode(**enc)
    return style(alt.layer(cells, ring).properties(width=size, height=size, title=title))
