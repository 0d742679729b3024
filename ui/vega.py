"""Drawing an Altair chart with one conversion to Vega-Lite instead of two, and no schema check.

`st.altair_chart` validates the whole spec against Vega-Lite's JSON schema on every draw, and the
screen-reader description needs the spec too: the memory page's main chart spent 0.45 s of a
1.4 s rerun converting itself twice. Here the chart is converted once, unvalidated (the chart tests
validate every builder's output instead), with its data as Arrow bytes under a content hash, exactly
as Streamlit's own conversion stores them, and drawn with `st.vega_lite_chart`.

    text = draw(chart, df, where=column, key="g_decay_chart")

A chart given as `spec_cache.Lazy(builder, *args)` is built and converted only when the same builder
and arguments (by content) have not been converted before in this process. Its screen-reader label
is its title and axes, the same for any data, so a new value changes the spec's data only and the
browser updates the drawn chart in place; the figures go to the caption or the Export menu.

With `aspect=True` (and a key) a single or layered chart is drawn in a box whose height follows its
width (`ASPECT_CSS`, written into each box: 6:5 unless its builder says otherwise, at most 66 % of the
window's height) and
never below the height its builder gave it (plus `FRAME_PX` for its title and axes, or the frame the
builder states in its spec's `usermeta`, for legends below the plot): the same chart
as at 1280 px there, taller on a projector's 1920 px.
"""
from __future__ import annotations

from contextlib import nullcontext

import altair as alt
import pandas as pd
import streamlit as st
# Streamlit's own Arrow data transformer and the lock it holds while Altair's process-global
# theme and transformer are switched: the same conversion `st.altair_chart` makes (pinned version).
from streamlit.elements.vega_charts import _altair_globals_lock, _to_arrow_dataset

from core.chart_style import FRAME_KEY, RATIO_KEY
from core.story import figures
from ui import altair_fast
from ui.spec_cache import CACHE, Lazy, built, content_key

altair_fast.install()

TRANSFORMER = "app_arrow_dataset"
ASPECT = "aspect_"                       # key prefix of the boxes whose height follows their width
# One box's rule (written only into a box whose chart takes its height, so no other box is sized).
ASPECT_CSS = ("<style>.st-key-{box}{{aspect-ratio:{ratio};max-height:66vh;min-height:{floor}px}}"
              ".st-key-{box} [data-testid='stVegaLiteChart']{{height:100%}}</style>")
FRAME_PX = 150                           # a page chart's title, subtitle and x axis around its plot
RATIO = "6/5"                            # a box's width to height, unless its builder states one (box_hint)
COMPOSED = ("vconcat", "hconcat", "concat", "facet", "repeat")


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


def follows_width(spec: dict) -> bool:
    """Whether a spec can take its height from its box: one view or layers, with a fixed height."""
    views = [spec, *spec.get("layer", [])]
    return (not any(k in spec for k in COMPOSED) and isinstance(spec.get("height"), (int, float))
            and not any(c in (v.get("encoding") or {}) for v in views for c in ("row", "column", "facet")))


class Box:
    """A box whose height follows its width, for a chart redrawn in place (a live sweep): create it
    once per run, then `draw(..., box=b)` as often as the chart changes."""

    def __init__(self, key: str, where=None, once: bool = False):
        self.key, self._parts, self._once = key, None, once
        self._container = (where or st).container(key=ASPECT + key)

    def _made(self):
        # Made at the first draw, not here: until then the container keeps the last run's chart (faded),
        # where empty placeholders would blank it while a live sweep waits for its first point. A box
        # drawn `once` per run writes its style and chart straight into the container (each replaces
        # the last run's in one message): an empty slot first could show a frame without the chart.
        if self._parts is None:
            self._parts = ((self._container, self._container) if self._once
                           else (self._container.empty(), self._container.empty()))
        return self._parts

    @property
    def css(self):
        return self._made()[0]

    @property
    def slot(self):
        return self._made()[1]

    def fill(self, spec: dict) -> bool:
        """Let `spec` take the box's height (its own height, plus the frame, as the floor)."""
        if not follows_width(spec):
            return False
        meta = spec.get("usermeta") or {}
        floor = int(spec["height"]) + int(meta.get(FRAME_KEY, FRAME_PX))
        self.css.html(ASPECT_CSS.format(box=ASPECT + self.key, floor=floor, ratio=meta.get(RATIO_KEY, RATIO)))
        spec["height"] = "container"
        spec["autosize"] = {"type": "fit", "contains": "padding"}     # the whole chart fills the box
        return True


class Redraw:
    """A chart redrawn in place during one run (a live sweep or race) in `slot`: its box is made at
    the first draw (a keyed box can be made once per run) and reused after. The final chart, with its
    export menu, then replaces it through `show_chart(..., where=redraw.slot, aspect=True)`, whose own
    box has another key and the same height rule, so nothing jumps.

    `within=` a container instead of a slot: the slot is made in it at the first draw, so until then
    the container keeps the last run's chart (faded) where an empty slot would blank it.

    A draw of the same `Lazy` chart (by content) as the last one sends nothing: a sweep reports
    after every round of every point, while its chart changes once per point. Each resend was a
    full chart message for the browser to parse and redraw (on a projector laptop, beside the very
    timings being measured)."""

    def __init__(self, key: str, slot=None, *, within=None):
        self.key, self._slot, self._within, self._box = key, slot, within, None
        self._last: str | None = None
        self.sent = 0                            # chart messages sent (a test reads it)

    @property
    def slot(self):
        if self._slot is None:
            self._slot = self._within.empty()
        return self._slot

    def draw(self, chart: alt.TopLevelMixin | Lazy) -> None:
        key = chart.key if isinstance(chart, Lazy) else None
        if key is not None and key == self._last:
            return
        if self._box is None:
            self._box = Box(self.key, where=self.slot)
        draw(chart, box=self._box, describe=False)
        self._last, self.sent = key, self.sent + 1


def converted(chart: alt.TopLevelMixin | Lazy, data: pd.DataFrame | None, describe: bool = True) -> tuple[dict, str]:
    """The chart's Vega-Lite, labelled with its title and axes, and a description of `data`; for a
    `Lazy` chart, from `spec_cache.CACHE` when the same chart and data were converted before."""
    key = None
    if isinstance(chart, Lazy) and chart.key:
        try:
            key = content_key((chart.key, data, describe))
        except TypeError:
            key = None
        hit = CACHE.get(key) if key else None
        if hit is not None:
            return hit[0], hit[2]
    spec, frames = to_spec(built(chart))
    text = figures.describe({**spec, "datasets": frames}, data) if describe else ""
    label = figures.describe({**spec, "datasets": frames}, data, figures=False) if describe else ""
    if label:
        # The label read out is the title and axes only. The browser keeps a chart it has already
        # drawn and only swaps its data when nothing else in the spec changed. With the figures in
        # the label, each new value rebuilt the whole chart (0.2 s of the browser's time per
        # control change on the gradients page). The figures are in the chart's Export menu.
        spec["description"] = label
    if key:
        CACHE.put(key, spec, label, text)
    return spec, text


def draw(chart: alt.TopLevelMixin | Lazy, data: pd.DataFrame | None = None, *, where=None, key: str | None = None,
         width: str = "stretch", describe: bool = True, aspect: bool = False, box: Box | None = None) -> str:
    """Draw `chart` (an Altair chart, or `Lazy`: built only if not converted before) in `where`
    (default: here), labelled for screen readers with its title and axes; returns a description
    of `data` written from the spec ("" with `describe=False`). With `aspect` (and a key) or in
    a `box`, its height follows its width."""
    spec, text = converted(chart, data, describe)
    if box is None and aspect and key and width == "stretch" and follows_width(spec):
        box = Box(key, where, once=True)
    if box is not None and width == "stretch" and box.fill(spec):
        box.slot.vega_lite_chart(spec=spec, width=width, height="stretch", key=key)
    else:
        (box.slot if box is not None else where or st).vega_lite_chart(spec=spec, width=width, key=key)
    return text
