"""Scenes of "Recurrence strikes back": the linear recurrence solved by a parallel scan in
O(log T) rounds with the loop's answer, and what the fixed state still gives up (C21)."""
from __future__ import annotations

import time

import altair as alt
import pandas as pd

from core.chart_style import palette
from core.scan import charts as scharts
from core.scan import compare, lm
from core.story.scene import Scene, SceneData, run_meta, talk

TS = (16, 64, 256, 1024, 4096, 16384)
CHECK_T, CHECK_D = 1024, 64
TASK = "recall"


def _scan() -> SceneData:
    started = time.monotonic()
    spans = pd.concat([compare.work_span(T) for T in TS], ignore_index=True)
    check = compare.three_ways(CHECK_T, CHECK_D, 0, timed=False).table.set_index("method")
    top = spans[spans["T"] == max(TS)].set_index("method")["span"]
    v = {"T": max(TS), "loop_span": int(top["loop"]), "tree_span": int(top["tree"]),
         "doubling_span": int(top["doubling"]), "check_T": CHECK_T, "check_D": CHECK_D,
         "tree_rel": float(check.loc["tree", "rel_diff"]), "loop_rel": float(check.loc["loop", "rel_diff"]),
         "heinsen_rel": float(check.loc["heinsen", "rel_diff"])}
    return SceneData(spans, v, run_meta(started))


def _scan_chart(d: SceneData):
    shapes = list(dict.fromkeys(d.frame["shape"]))
    chart = alt.Chart(d.frame).mark_line(point=True, strokeWidth=3).encode(
        alt.X("T:Q", scale=alt.Scale(type="log", base=2), title="sequence length T (log)"),
        alt.Y("span:Q", scale=alt.Scale(type="log"), title="dependent rounds (log)"),
        alt.Color("shape:N", scale=palette(shapes), title=None, legend=alt.Legend(orient="right", labelLimit=300)),
        tooltip=["shape", "T", "span", "work"])
    return talk(chart.properties(title="h_t = a_t·h_(t−1) + b_t: rounds that wait for each other"), height=170)


scan = Scene(
    "scan", "Recurrence returns", "Make h_t linear in h_(t−1) and a scan computes it in log T rounds",
    "scan", compute=_scan, chart=_scan_chart,
    sentence=lambda d: (f"At T = {d.values['T']:,} the loop needs {d.values['loop_span']:,} dependent rounds, the "
                        f"Blelloch tree {d.values['tree_span']} and the doubling scan {d.values['doubling_span']}; "
                        f"at T = {d.values['check_T']:,} the tree's float32 answer is within "
                        f"{d.values['tree_rel']:.0e} (relative) of the float64 loop, as close as the float32 loop "
                        f"({d.values['loop_rel']:.0e})."),
    figure=lambda d: (f"dependent rounds at T = {d.values['T']:,}", f"{d.values['loop_span']:,} → {d.values['tree_span']}"),
    notes=lambda d: ("Counts, not timings: a span is the number of rounds that must wait for the previous one. "
                     "Because (a₂, b₂)∘(a₁, b₁) = (a₂a₁, a₂b₁ + b₂) is associative, the pairs can be combined in a "
                     "tree. The bottleneck was never recurrence itself but the nonlinearity: tanh(W h + U x) does not "
                     "compose. minGRU, Mamba, RWKV and friends train in parallel this way and still run with an "
                     "O(1) state."),
    live_seconds=5, claims=("C21",))


def _gives_up() -> SceneData:
    started = time.monotonic()
    df = lm.by_length(TASK)
    rec = lm.recorded()[TASK]
    last = df[df["T"] == df["T"].max()].set_index("model")["token_accuracy"]
    v = {"task": TASK, "T": int(df["T"].max()), "mingru": float(last["mingru"]),
         "transformer": float(last["transformer"]), "params": rec["parameters"],
         "transformer_params": rec["transformer_parameters"], "state": rec["state_numbers"]}
    return SceneData(df, v, run_meta(started))


gives_up = Scene(
    "gives_up", "What the scan gives up", "A fixed state still cannot copy or look things up like attention",
    "scan", compute=_gives_up, chart=lambda d: talk(scharts.accuracy(d.frame, d.values["task"])),
    sentence=lambda d: (f"On the {d.values['task']} task at T = {d.values['T']} the shipped minGRU gets "
                        f"{d.values['mingru']:.0%} of answer tokens right, the tiny transformer "
                        f"{d.values['transformer']:.0%}: {d.values['state']:,} numbers of state cannot hold every "
                        "key–value pair."),
    figure=lambda d: (f"{d.values['task']} at T = {d.values['T']}: minGRU vs transformer",
                      f"{d.values['mingru']:.0%} vs {d.values['transformer']:.0%}"),
    notes=lambda d: (f"Two shipped models trained on the same task: a two-layer minGRU ({d.values['params']:,} "
                     f"parameters) and a tiny transformer ({d.values['transformer_params']:,}). Retrieval needs the "
                     "past verbatim; attention keeps it, a fixed state must compress it. That is why production "
                     "hybrids (Griffin, Jamba) keep some attention layers."),
    live_seconds=0.1, claims=("C21",))

SCENES = [scan, gives_up]
