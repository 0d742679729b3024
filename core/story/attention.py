"""Scenes of the attention chapter: one step to any position, permutation and position,
what the heads of a trained model do (C9–C11)."""
from __future__ import annotations

import time

import altair as alt
import numpy as np
import pandas as pd

from core.attention import charts as acharts
from core.attention import multihead, positional, tasks, training, transformer
from core.attention import order as permutation
from core.chart_style import palette
from core.story.scene import TALK_HEIGHT, Scene, SceneData, run_meta, talk

DEMO = dict(t=48, heads=4, causal=False, seed=0)
TASK = "reverse"
TALK_MAP_PX = 230           # one map in the heads scene: two side by side fit 1280×720 with the sentence


def _path() -> SceneData:
    started = time.monotonic()
    df = multihead.gradient_by_distance(**DEMO)
    v = {"T": DEMO["t"], "heads": DEMO["heads"]}
    for key, name in (("attn", "attention"), ("rnn", "tanh")):
        g = df[df["model"].str.startswith(name)].sort_values("distance")["gradient norm"].to_numpy()
        v[f"{key}_near"], v[f"{key}_far"] = float(g[0]), float(g[-1])
        v[f"{key}_spread"] = float(g.max() / max(g.min(), 1e-300))
    return SceneData(df, v, run_meta(started))


path = Scene(
    "path", "Attention, step by step", "softmax(QKᵀ/√d)V: any two positions are one step apart", "attention_maps",
    compute=_path, chart=lambda d: talk(acharts.gradient_lines(d.frame), height=160),
    sentence=lambda d: (f"From the last of {d.values['T']} positions, attention's gradient to each input varies "
                        f"within {d.values['attn_spread']:.0f}× with no trend in distance; the tanh RNN's falls "
                        f"{d.values['rnn_near'] / d.values['rnn_far']:.0e}× from the nearest input to the farthest."),
    figure=lambda d: ("RNN: nearest ÷ farthest gradient", f"{d.values['rnn_near'] / d.values['rnn_far']:.0e}×"),
    notes=lambda d: (f"One attention layer with {d.values['heads']} heads and random weights reads {d.values['T']} "
                     "random rows; scores QKᵀ, scaled by 1/√Dh, softmax per row, weighted sum of V. Every input is "
                     "one matrix product away from every output, so the gradient does not decay with distance. "
                     "The RNN's reaches back through a chain of Jacobians."),
    live_seconds=1, claims=("C9",))


def _example():
    spec = tasks.spec(TASK)
    return tasks.example(TASK, tasks.parse(TASK, spec.example))


def _order() -> SceneData:
    started = time.monotonic()
    model, ex = training.load_task_model(TASK), _example()
    perm = permutation.permutation_test(model, tasks.encode(ex.tokens), 0)
    df = perm.table.rename(columns={"max |difference|": "difference"})
    pick = {"no_pe": df["difference"].iloc[0], "pe": df["difference"].iloc[2], "rnn": df["difference"].iloc[3]}
    v = {"T": len(ex.tokens), "moved": perm.moved, "pe_kind": model.cfg.pe} | pick
    return SceneData(df, v, run_meta(started))


def _order_chart(d: SceneData):
    f = d.frame.assign(shown=d.frame["difference"].clip(lower=1e-17))
    bars = alt.Chart(f).mark_bar().encode(
        x=alt.X("shown:Q", scale=alt.Scale(type="log", domain=[1e-17, max(10.0, float(f["shown"].max()))]),
                title="max |difference| after shuffling (log; 1e-16 = round-off)"),
        y=alt.Y("model:N", sort=None, title=None, axis=alt.Axis(labelLimit=520)),
        color=alt.Color("model:N", scale=palette(list(f["model"])), legend=None),
        tooltip=["model", "compared", alt.Tooltip("difference:Q", format=".2e")])
    return talk(bars.properties(title="Shuffle the tokens: does the output only shuffle?"), height=TALK_HEIGHT - 80)


order = Scene(
    "order", "Order and position", "Attention has no notion of order until positions are added",
    "attention_maps", compute=_order, chart=_order_chart,
    sentence=lambda d: (f"Shuffling {d.values['moved']} of {d.values['T']} tokens only shuffles the outputs of "
                        f"attention without positional encoding (gap {d.values['no_pe']:.0e}, round-off); with "
                        f"its {d.values['pe_kind']} encoding the gap is {d.values['pe']:.2g}, and the RNN's final "
                        f"state moves by {d.values['rnn']:.2g}."),
    figure=lambda d: ("gap without positions", f"{d.values['no_pe']:.0e}"),
    notes=lambda d: ("f(shuffled x) against shuffled f(x), in float64, with the trained reverse model's weights. "
                     "Without positional encoding self-attention is permutation-equivariant: it treats the input "
                     "as a set. Adding positions to the embeddings restores order; the RNN has order built in, "
                     "because it reads one token after another."),
    live_seconds=1, claims=("C10",))


def _heads() -> SceneData:
    started = time.monotonic()
    model, ex = training.load_task_model(TASK), _example()
    an = transformer.analyse(model, ex)
    layer_w = [s.weights for s in an.trace.layers]
    grid = multihead.grid_frame(layer_w, ex.ideal, an.predicted[:-1])
    grid = grid[grid["head"] != "mean"].reset_index(drop=True)
    close = multihead.closeness_frame(layer_w, ex.ideal)
    close = close[close["head"] != "mean"]
    best = close.loc[close["closeness"].idxmax()]
    prev = [(li + 1, h + 1, float(p)) for li, w in enumerate(layer_w) for h, p in enumerate(multihead.previous_token(w))]
    pb = max(prev, key=lambda r: r[2])
    v = {"task": TASK, "layers": len(layer_w), "heads": int(layer_w[0].shape[0]), "best_layer": int(best["layer"]),
         "best_head": int(best["head"]), "best_closeness": float(best["closeness"]),
         "uniform": multihead.uniform_baseline(ex.ideal, True), "prev_layer": pb[0], "prev_head": pb[1],
         "prev_weight": pb[2], "right": int(an.correct.sum()), "answers": int(an.correct.size)}
    return SceneData(grid, v, run_meta(started))


def _heads_chart(d: SceneData):
    """The two heads the sentence names, side by side (all of them would not fit one screen)."""
    v, f = d.values, d.frame
    named = {(v["best_layer"], v["best_head"]), (v["prev_layer"], v["prev_head"])}
    pick = f[[(int(a), int(b)) in named for a, b in zip(f["layer"], f["head"])]]
    chart = acharts.head_grid(pick, "", width=2 * (TALK_MAP_PX + 90), size=TALK_MAP_PX, legend="right")
    chart.title = alt.Undefined            # the scene's sentence says what the maps show
    return talk(chart, height=None)


heads = Scene(
    "heads", "Heads", "Several heads learn several patterns at once", "attention_maps",
    compute=_heads, chart=_heads_chart,
    sentence=lambda d: (f"In the trained {d.values['task']} model, layer {d.values['best_layer']} head "
                        f"{d.values['best_head']} puts {d.values['best_closeness']:.0%} of its attention on the keys the "
                        f"task needs (even spreading: {d.values['uniform']:.0%}); layer {d.values['prev_layer']} head "
                        f"{d.values['prev_head']} does something else: {d.values['prev_weight']:.0%} on the previous token."),
    figure=lambda d: ("attention on the ideal keys, best head", f"{d.values['best_closeness']:.0%}"),
    notes=lambda d: (f"A shipped tiny transformer ({d.values['layers']} layers × {d.values['heads']} heads) trained to "
                     f"{d.values['task']} digits; it gets {d.values['right']} of {d.values['answers']} answer tokens "
                     "right on the example. Orange outlines: where the task says the answer is. Heads divide the work; "
                     "no one told them how."),
    live_seconds=1, claims=("C11",))

SCENES = [path, order, heads]
