"""The attention-maps page's views: the main map and the four "look closer" sections. Each draws
its own controls beside its charts, inside the page's fragments; every chart carries its exports."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core import frames
from core.attention import charts, notes, tasks, view
from core.attention import multihead as attention
from core.config import ATTENTION as A
from core.story import snippets
from ui import attention_data as data
from ui import export, layout
from ui.params import Param, push_to_url
from ui.spec_cache import Lazy

ss = st.session_state
PAGE = "attention_maps"


@dataclass(frozen=True)
class Reading:
    """What the page read from the chosen model for the chosen sequence."""

    p: view.MapsParams
    spec: tasks.TaskSpec
    an: object                 # transformer.Analysis
    layer_w: list
    close: pd.DataFrame        # closeness per (layer, head), with the per-layer mean
    ids: tuple
    labels: list

    @property
    def ex(self):
        return self.an.example

    @property
    def heads_only(self) -> pd.DataFrame:
        return self.close[self.close["head"] != "mean"]

    def grid(self) -> pd.DataFrame:
        return attention.grid_frame(self.layer_w, self.ex.ideal, self.an.predicted[:-1])

    def settings(self) -> dict:
        return {"task": self.p.task, "input": " ".join(self.ex.items)}


def main_map(r: Reading, params: list[Param]) -> None:
    a, b = st.columns(2)
    a.selectbox("Layer", range(1, len(r.layer_w) + 1), key="a_layer")
    b.selectbox("Head", range(1, r.layer_w[0].shape[0] + 1), key="a_head")
    push_to_url(params)
    if ss.a_view == "step" and (ss.a_layer, ss.a_head) != (r.p.layer, r.p.head):
        st.rerun()          # the step-by-step view below follows this layer and head
    layer, head = ss.a_layer, ss.a_head
    one = attention.grid_frame([r.layer_w[layer - 1]], r.ex.ideal, r.an.predicted[:-1])
    one = one[one["head"] == str(head)]
    score = float(r.close.query(f"layer == {layer} and head == '{head}'")["closeness"].iloc[0])
    chart = Lazy(charts.head_map, one, f"Layer {layer}, head {head}: {score:.0%} on the ideal keys",
                 "rows: queries, columns: keys; outlined: the ideal keys")
    export.show_chart(chart, one, page=PAGE, name="map", settings={**r.settings(), "layer": layer, "head": head},
                      snippet=snippets.attention_grid(r.p.task, r.settings()["input"], layer, head), key="a_x_map",
                      width="content")


def every_head(r: Reading) -> None:
    export.show_chart(Lazy(charts.head_grid, r.grid(), "Attention weights per layer and head; outlined: the task's ideal keys"),
                      r.grid, page=PAGE, name="heads", settings=r.settings(), key="a_x_grid", width="content",
                      snippet=snippets.attention_grid(r.p.task, r.settings()["input"]), meta=r.settings())
    export.show_chart(Lazy(charts.closeness_bars, r.heads_only), r.heads_only, page=PAGE, name="closeness",
                      settings=r.settings(), key="a_x_close")
    layout.notice(notes.head_notes(r.layer_w, r.ex.ideal, r.heads_only))


def step_by_step(r: Reading, params: list[Param]) -> None:
    s1, s2, s3 = st.columns(3)
    s1.selectbox("Answer step", range(1, len(r.ex.slots) + 1), key="a_step", format_func=lambda k: f"answer {k}")
    s2.toggle("Scale by $1/\\surd D_h$", key="a_scale")
    s3.toggle("Causal mask", key="a_causal")
    push_to_url(params)
    layer, head, scaled, labels = ss.a_layer, ss.a_head - 1, ss.a_scale, r.labels
    query = r.ex.slots[ss.a_step - 1] - 1
    steps = data.trace(r.p.task, r.ids, ss.a_causal, scaled).layers[layer - 1]
    other = data.trace(r.p.task, r.ids, ss.a_causal, not scaled).layers[layer - 1]
    table = attention.step_table(steps, head, query, labels)
    st.markdown(f"Answer {ss.a_step} (it should be `{r.ex.answer[ss.a_step - 1]}`) is predicted at query "
                f"**{labels[query]}**; layer {layer}, head {head + 1}: $D_h = {steps.q.shape[-1]}$, scores "
                f"multiplied by {steps.scaled_by:.4f}. Its query vector $q$ and its output $\\sum_j w_j v_j$:")
    st.dataframe(attention.weighted_sum_table(steps, head, query).set_index("component").T.round(3))
    st.dataframe(table.round(4), hide_index=True, height="content")
    where = {**r.settings(), "layer": layer, "head": head + 1, "answer": ss.a_step}
    bars = attention.step_bars_frame(steps, other, head, query, labels)
    export.show_chart(Lazy(charts.step_bars, bars, f"Query {labels[query]}: its softmax weights with and without 1/√Dh"),
                      bars, page=PAGE, name="softmax", settings=where, key="a_x_step", meta=where)
    with_s, without_s = (steps, other) if scaled else (other, steps)
    ent = attention.entropy_frame(attention.entropy(with_s.weights), attention.entropy(without_s.weights))
    export.show_chart(Lazy(charts.entropy_bars, ent, attention.max_entropy(len(labels), ss.a_causal),
                                          f"Trained layer {layer}: mean attention entropy per head", ss.a_causal),
                      ent, page=PAGE, name="entropy", settings=where, key="a_x_ent")
    layout.notice([notes.step_note(labels[query], labels, layer, head + 1, table["softmax weight"],
                                   other.weights[head, query], scaled)])


def random_weights(r: Reading, params: list[Param]) -> None:
    d1, d2 = st.columns(2)
    d1.radio(f"Heads (width {A.demo_width} split into $H$ heads)", A.heads_options, key="a_H", horizontal=True)
    d2.slider("Positions $T$", A.demo_t.lo, A.demo_t.hi, key="a_T")
    push_to_url(params)
    spec = view.DemoSpec(ss.a_T, int(ss.a_H), ss.a_causal, r.p.seed)
    demo, demo_raw, grads = data.demo(spec)
    st.caption(f"{spec.T} random rows of width {A.demo_width}, seed {r.p.seed}; causal mask "
               f"{'on' if spec.causal else 'off'} (switch it in the step-by-step view).")
    shown = max(1, min(spec.heads, A.max_grid_cells // spec.T**2))
    grid = attention.grid_frame([demo.weights[:shown]], None, ["x"] * spec.T)
    grid = grid[grid["head"] != "mean"]
    where = {"T": spec.T, "heads": spec.heads, "causal": int(spec.causal), "seed": spec.seed}
    export.show_chart(Lazy(charts.head_grid, grid, "Random weights (seeded), one map per head"), grid, page=PAGE,
                      name="random_maps", settings=where, key="a_x_rand", width="content")
    if shown < spec.heads:
        st.caption(f"Maps for heads 1–{shown} of {spec.heads}: the page draws at most {A.max_grid_cells:,} "
                   "cells; the entropies below cover every head.")
    ent = attention.entropy_frame(attention.entropy(demo.weights), attention.entropy(demo_raw.weights))
    export.show_chart(Lazy(charts.entropy_bars, ent, attention.max_entropy(spec.T, spec.causal),
                                          "Random weights: mean attention entropy per head", spec.causal),
                      ent, page=PAGE, name="random_entropy", settings=where, key="a_x_rent", meta=where)
    export.show_chart(Lazy(charts.gradient_lines, grads), grads, page=PAGE, name="path_length", settings=where,
                      key="a_x_grad", meta=where)
    layout.notice(notes.demo_notes(spec.heads, A.demo_width // spec.heads, spec.T, ent, grads, spec.causal))


def positions(r: Reading, params: list[Param]) -> None:
    p1, p2, p3 = st.columns(3)
    p1.radio("Positional encoding", A.encoding.options, key="a_pe", horizontal=True)
    learned = ss.a_pe == "learned"
    p2.slider("Positions", A.pe_t.lo, A.pe_t.hi, key="a_peT", disabled=learned)
    p3.slider("Width", A.pe_width.lo, A.pe_width.hi, key="a_peD", disabled=learned)
    push_to_url(params)
    enc = data.encoding(view.EncodingSpec(ss.a_pe, ss.a_peT, ss.a_peD, r.p.task))
    if learned:
        st.caption(f"The {r.p.task} model's own matrix: it reads at most {tasks.stream_length(r.p.task, r.spec.hi)} "
                   f"of its {enc.matrix.shape[0]} positions; rows past that never received a gradient.")
    mat = frames.block_frame(enc.matrix, "position", "dimension", A.max_cells)[0]
    sim = frames.block_frame(enc.similarity, "position", "other position", A.max_cells)[0]
    where = {"kind": enc.kind, "T": enc.matrix.shape[0], "width": enc.matrix.shape[1]}
    export.show_chart(Lazy(charts.side_by_side,
        charts.matrix_heatmap(mat, "position", "dimension", f"{enc.kind}: {enc.matrix.shape[0]} × {enc.matrix.shape[1]}"),
        charts.matrix_heatmap(sim, "position", "other position", "dot products between positions")),
        mat, page=PAGE, name="positional", settings=where, key="a_x_pe", width="content", meta=where)
    perm = data.permutation(r.p.task, r.ids, r.p.seed)
    st.markdown(f"**The permutation test** on your stream ({len(r.labels)} tokens, shuffled with seed {r.p.seed}; "
                f"{perm.moved} position{'s' if perm.moved != 1 else ''} changed token):")
    st.dataframe(perm.table, hide_index=True,
                 column_config={"max |difference|": st.column_config.NumberColumn(format="%.2e")})
    layout.notice(notes.order_notes(perm.table, enc))
