"""A scene: one claim, its computed result, and how that result is shown.

`SceneData` is what a scene's `compute` returns and what the shipped file keeps:
a tidy frame (the chart's data), a few named values (what the sentence, the key
figure and the notes are written from) and metadata (device, threads, load,
seconds). `Scene` pairs the computation with its presentation; every text is a
function of the data, so a live re-measurement rewrites the sentence too.
"""
from __future__ import annotations

import json
import math
import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import altair as alt
import pandas as pd

from core.assets import ASSETS
from core.chart_style import TALK, style, with_props

STORY = ASSETS / "story"
SHIPPED = STORY / "scenes.json"
SCHEMA = "story-scenes/1"
# A timing whose spread (IQR / median) is above this was likely spoiled by the host's load.
NOISY_SPREAD = 0.25
TALK_HEIGHT = 210          # chart height in talk mode: fits 1280×720 beside the key figure


@dataclass(frozen=True)
class SceneData:
    frame: pd.DataFrame
    values: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        rows = [_plain(r) for r in self.frame.to_dict(orient="records")]   # exact floats, NaN → null
        return {"values": _plain(self.values), "meta": _plain(self.meta), "columns": list(self.frame.columns),
                "rows": rows}

    @classmethod
    def from_dict(cls, d: dict) -> "SceneData":
        frame = pd.DataFrame(d["rows"], columns=d["columns"])
        return cls(_objects(frame), dict(d["values"]), dict(d.get("meta", {})))


def _objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain Python objects, as the chapters' own frames hold them."""
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c]) and not
            pd.api.types.is_object_dtype(frame[c])]
    return frame.astype({c: object for c in text}) if text else frame


def _plain(obj):
    """JSON-safe copy: numpy scalars to Python, NaN to None."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if hasattr(obj, "item"):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def run_meta(started: float, threads: int = 1, device: str = "cpu") -> dict:
    """What a reader needs beside a figure: where, when, how long, under what load."""
    import torch

    return {"device": device, "cpu": platform.processor() or platform.machine(), "threads": threads,
            "torch": torch.__version__, "seconds": round(time.monotonic() - started, 3),
            "load_avg": [round(v, 2) for v in os.getloadavg()], "cores": os.cpu_count(),
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


@dataclass(frozen=True)
class Scene:
    """One claim of the story as a talk slide.

    compute() -> SceneData (pure, bounded: its cost is `live_seconds`, roughly, on a 2-core CPU);
    chart(data) -> a styled chart in talk type; sentence(data) -> the claim as measured;
    figure(data) -> (label, value) for the big number; notes(data) -> presenter notes (markdown).
    """

    slug: str
    group: str
    title: str
    page: str
    compute: Callable[[], SceneData]
    chart: Callable[[SceneData], alt.TopLevelMixin]
    sentence: Callable[[SceneData], str]
    figure: Callable[[SceneData], tuple[str, str]]
    notes: Callable[[SceneData], str]
    shipped: Callable[[], SceneData] | None = None   # how the shipped file is made, if not by compute()
    timed: bool = False
    live_seconds: float = 1.0
    claims: tuple[str, ...] = ()
    live_elsewhere: str = ""   # why this scene is not recomputed on stage, and where it is (empty: it is)

    def noisy(self, data: SceneData) -> bool:
        """A timing whose spread, or the host's load while it ran, says it may have been spoiled."""
        spread = data.values.get("spread")
        load, cores = (data.meta.get("load_avg") or [0])[0], data.meta.get("cores") or 1
        return self.timed and ((spread is not None and spread > NOISY_SPREAD) or load > cores)


def talk(chart: alt.TopLevelMixin, height: int | None = TALK_HEIGHT) -> alt.TopLevelMixin:
    """A chapter's chart re-styled in talk type and given the talk height (where it has one height;
    `height=None` for a chart faceted through its encoding, which keeps its own size)."""
    if height is not None and isinstance(chart, (alt.Chart, alt.LayerChart)):
        # Fill the column's width but keep `height` for the plot itself: with Streamlit's default
        # "fit", talk-size titles, axes and legends would be taken out of the plot's height.
        # (Faceted and concatenated charts keep their own sizes: Vega-Lite cannot fit them.)
        chart = with_props(chart, height=height, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    # A y title longer than the plot would stretch the figure below the screen: cut it at the plot's height.
    return style(chart, scale=TALK, axisY=alt.AxisConfig(titleLimit=height or TALK_HEIGHT))


def spread(df: pd.DataFrame) -> float | None:
    """Worst (p75 − p25) / median over a timing frame's rows."""
    if not {"p25_s", "p75_s", "median_s"} <= set(df.columns) or df.empty:
        return None
    return float(((df["p75_s"] - df["p25_s"]) / df["median_s"]).max())


def save(results: dict[str, SceneData], path: Path, meta: dict) -> None:
    payload = {"schema": SCHEMA, "meta": _plain(meta), "scenes": {k: v.to_dict() for k, v in results.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def load(path: Path = SHIPPED) -> tuple[dict, dict[str, SceneData]]:
    """(file metadata, slug → SceneData) from a scenes file; a wrong schema is refused."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    if payload.get("schema") != SCHEMA:
        raise ValueError(f"not a scenes file (schema {payload.get('schema')!r}, expected {SCHEMA!r})")
    return payload["meta"], {k: SceneData.from_dict(v) for k, v in payload["scenes"].items()}
