"""The app's one chart look, and one colour per model and method.

Chart builders (one `charts.py` per chapter) take tidy DataFrames and return
`alt.Chart`s that are already styled: pages never call `style` themselves.

- Type: projector sizes in dark ink (#1F2328 on white, contrast 15:1). The pages
  use `PAGE`; talk mode uses `TALK` (titles 28 px, ticks 20 px).
- Colour: Okabe–Ito, distinguishable under the common colour-vision
  deficiencies. `SERIES` gives every model and method of every chapter its one
  colour, label and point shape; yellow is kept off lines and thin marks.
  Families share a colour (the RNNCell loop and fused nn.RNN are both
  vermillion) and differ by shape: circles for step-by-step loops, squares for
  fused kernels, triangles for scans. Dashes are kept for one meaning only:
  a shipped or other-device reference (dashed) vs this device, live (solid).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import altair as alt

BLUE, ORANGE, GREEN, PINK = "#0072B2", "#E69F00", "#009E73", "#CC79A7"
SKY, VERMILLION, YELLOW, BLACK = "#56B4E9", "#D55E00", "#F0E442", "#000000"
OKABE_ITO = [BLUE, ORANGE, GREEN, PINK, SKY, VERMILLION, YELLOW, BLACK]
LINE_SAFE = [c for c in OKABE_ITO if c != YELLOW]   # for lines and thin marks
INK = "#1F2328"          # text and axes
GRID = "#D0D7DE"
REFERENCE_DASH = [8, 5]  # the one dashed meaning: a reference, not this device live


@dataclass(frozen=True)
class TypeScale:
    title: int
    axis_title: int
    tick: int
    legend: int


PAGE = TypeScale(title=22, axis_title=19, tick=18, legend=18)
TALK = TypeScale(title=30, axis_title=24, tick=21, legend=22)


@dataclass(frozen=True)
class Series:
    """How one model or method looks in every chart of the app."""

    label: str
    colour: str
    shape: str = "circle"


# Every model and method id used by a chapter → its label, colour and shape.
SERIES: dict[str, Series] = {
    # recurrent cells (gradients, memory, head to head)
    "tanh": Series("tanh RNN", VERMILLION),
    "rnn": Series("tanh RNN", VERMILLION),
    "relu": Series("ReLU RNN", PINK),
    "linear": Series("linear RNN", SKY),
    "lstm": Series("LSTM", ORANGE),
    "gru": Series("GRU", GREEN),
    "mingru": Series("minGRU", SKY, "triangle-up"),
    "minlstm": Series("minLSTM", PINK, "triangle-up"),
    # attention
    "attention": Series("self-attention", BLUE),
    "transformer": Series("transformer", BLACK, "diamond"),
    # timing lab and attention's price: loops (circles) vs fused kernels (squares)
    "rnncell_loop": Series("RNNCell loop", VERMILLION),
    "lstmcell_loop": Series("LSTMCell loop", ORANGE),
    "grucell_loop": Series("GRUCell loop", GREEN),
    "rnn_fused": Series("fused nn.RNN", VERMILLION, "square"),
    "lstm_fused": Series("fused nn.LSTM", ORANGE, "square"),
    "gru_fused": Series("fused nn.GRU", GREEN, "square"),
    "mha": Series("nn.MultiheadAttention", BLUE),
    "sdpa": Series("Linear + SDPA + Linear", BLUE, "square"),
    "materialised": Series("attention written out", BLUE),
    "fused": Series("fused attention (SDPA)", BLUE, "square"),
    # attention's price, streaming one token: a decoder layer with and without its KV cache
    "kv_cache": Series("KV cache", BLUE, "square"),
    "recompute": Series("no cache (re-run the prefix)", SKY, "diamond"),
    # the parallel scan
    "loop": Series("sequential loop", VERMILLION),
    "tree": Series("tree scan", SKY, "triangle-up"),
    "heinsen": Series("log-space scan", PINK, "triangle-up"),
    "mingru_scan": Series("minGRU via the scan", SKY, "triangle-up"),
}


def series(key: str) -> Series:
    """The look of `key`; an unknown key raises, so a new model gets a row above first."""
    try:
        return SERIES[key]
    except KeyError:
        raise KeyError(f"no colour for {key!r}: add it to core.chart_style.SERIES") from None


def label(key: str) -> str:
    return series(key).label


def colour_scale(keys: list[str], by_label: bool = True) -> alt.Scale:
    """A colour scale over `keys` (ids), keyed by their labels (default) or the ids themselves."""
    keys = list(dict.fromkeys(keys))
    domain = [label(k) for k in keys] if by_label else keys
    return alt.Scale(domain=domain, range=[series(k).colour for k in keys])


def shape_scale(keys: list[str], by_label: bool = True) -> alt.Scale:
    keys = list(dict.fromkeys(keys))
    domain = [label(k) for k in keys] if by_label else keys
    return alt.Scale(domain=domain, range=[series(k).shape for k in keys])


def palette(domain: list[str]) -> alt.Scale:
    """A colour scale for categories that are not models (layers, formulas, runs): Okabe–Ito order, no yellow."""
    domain = list(dict.fromkeys(domain))
    return alt.Scale(domain=domain, range=[LINE_SAFE[i % len(LINE_SAFE)] for i in range(len(domain))])


def with_props(chart: alt.TopLevelMixin, **props) -> alt.TopLevelMixin:
    """A copy of `chart` with top-level properties set (config, resolve, params, title, …), built
    without Altair's re-composition: `.properties()`, `.configure_*()` and `.resolve_scale()` on a
    layered or concatenated chart run its `__init__` again, which deep-copies every sub-chart each
    time (the memory page's main chart spent 1.1 of its 1.8 s of building there). The result's
    Vega-Lite is the same as the chained calls give; a test compares them."""
    new = copy.copy(chart)                                  # no __init__: nothing re-composed
    object.__setattr__(new, "_kwds", {**chart._kwds, **props})
    return new


def concat(kind: str, charts: list, **props) -> alt.TopLevelMixin:
    """`alt.vconcat(*charts)` or `alt.hconcat(*charts)` (`kind`) without Altair's composition step,
    which deep-copies every sub-chart. Only for sub-charts that define no params of their own: a
    param they share goes on the result (`params=[p.param]`), where Altair would lift it anyway."""
    for c in charts:
        layers = c._kwds.get("layer")
        for sub in [c, *(layers if isinstance(layers, list) else [])]:
            if isinstance(sub._kwds.get("params"), list) and sub._kwds["params"]:
                raise ValueError("concat: a sub-chart defines params; compose it with alt.vconcat/alt.hconcat")
    cls = {"vconcat": _FastVConcat, "hconcat": _FastHConcat}[kind]
    return with_props(cls(**{kind: []}), **{kind: list(charts)}, **props)


class _ShallowCopy:
    """A concatenation whose shallow copies (Altair makes one in every `to_dict` and `.properties`)
    skip re-composition; deep copies are Altair's own."""
    def copy(self, deep=True, ignore=None):
        return with_props(self) if deep is False else super().copy(deep, ignore)


class _FastVConcat(_ShallowCopy, alt.VConcatChart):
    pass


class _FastHConcat(_ShallowCopy, alt.HConcatChart):
    pass


def style_config(legend_below: bool = False, scale: TypeScale = PAGE, **extra) -> alt.Config:
    """The app's config: projector type in dark ink (`extra` adds or replaces config entries)."""
    legend = dict(orient="bottom", columns=2) if legend_below else {}
    return alt.Config(**{
        "font": "sans-serif",
        "axis": alt.AxisConfig(labelFontSize=scale.tick, titleFontSize=scale.axis_title, labelColor=INK,
                               titleColor=INK, domainColor=INK, tickColor=INK, gridColor=GRID, labelLimit=260),
        "legend": alt.LegendConfig(labelFontSize=scale.legend, titleFontSize=scale.legend, labelColor=INK,
                                   titleColor=INK, labelLimit=360, symbolSize=140, symbolStrokeWidth=3, **legend),
        "title": alt.TitleConfig(fontSize=scale.title, color=INK, anchor="start", limit=0),
        "header": alt.HeaderConfig(labelFontSize=scale.tick, titleFontSize=scale.axis_title, labelColor=INK,
                                   titleColor=INK),
        "view": alt.ViewConfig(strokeWidth=0),
        **extra})


# A chart drawn in a box that grows with its column (ui.vega) keeps at least its declared height plus a
# frame for title, axes and legends (150 px unless its builder states its own; 0: the declared height
# is the whole chart's) at a width-to-height ratio (6/5 unless stated: a wide one keeps a first-screen
# chart above the fold at 1280 × 720). The builder states them in its spec's usermeta.
FRAME_KEY, RATIO_KEY = "frame_px", "aspect"


def box_hint(frame_px: int | None = None, aspect: str | None = None) -> dict:
    """usermeta for `.properties(usermeta=...)`: this chart's frame and ratio in a growing box."""
    return {k: v for k, v in ((FRAME_KEY, frame_px), (RATIO_KEY, aspect)) if v is not None}


# The plot keeps its declared height and the legend is added below it. (Streamlit's default
# autosize, "fit", fits title, legends and plot into the declared height: a five-method legend in
# two columns left the Timing lab's main plot 70 px tall at 1280 × 720.) The width still fits the column.
LEGEND_BELOW_AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")


def style(chart: alt.Chart, legend_below: bool = False, scale: TypeScale = PAGE, **extra) -> alt.Chart:
    """Projector type in dark ink; `legend_below` for charts in narrow columns (their plot keeps its
    height, the legend goes below it). Replaces any config `chart` had (as `.configure()` does);
    `extra` config entries, e.g. `axisY=alt.AxisConfig(...)`."""
    props = {"config": style_config(legend_below, scale, **extra)}
    if legend_below and not _given(chart, "autosize"):
        props["autosize"] = LEGEND_BELOW_AUTOSIZE
    return with_props(chart, **props)


def _given(chart: alt.TopLevelMixin, prop: str) -> bool:
    return chart._kwds.get(prop, alt.Undefined) is not alt.Undefined
