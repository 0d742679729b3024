"""Attention maps: the formula step by step, every head of trained tiny transformers, positional encodings."""
import math

import streamlit as st

from core.attention import multihead as attention
from core.attention import positional
from core.attention import tasks
from core.attention import training
from core.attention import transformer
from core.attention import notes
from core.attention import charts
from core.config import ATTENTION as A
from core.config import Choice
from ui import export, layout, measured, sidebar
from ui.params import Param, push_to_url, show_messages, sync_from_url

PARAMS = [
    Param("a_task", A.task), Param("a_layer", A.layer), Param("a_head", A.head), Param("a_step", A.answer_step),
    Param("a_scale", flag=True, default=True), Param("a_causal", flag=True, default=True),
    Param("a_H", Choice("heads", A.heads_options, str(A.heads.default))), Param("a_T", A.demo_t),
    Param("a_pe", A.encoding), Param("a_peT", A.pe_t), Param("a_peD", A.pe_width),
]


@st.cache_resource(max_entries=8)
def _model(task: str):
    return training.load_task_model(task)


@st.cache_data(max_entries=64)
def _analysis(task: str, text: str):
    return transformer.analyse(_model(task), tasks.example(task, tasks.parse(task, text, A.max_chars)))


@st.cache_data(max_entries=64)
def _trace(task: str, ids: tuple, causal: bool, scaled: bool):
    return transformer.trace(_model(task), list(ids), causal, scaled)


@st.cache_data(max_entries=32)
def _demo(t: int, heads: int, causal: bool, seed: int):
    return attention.random_demo(t, heads, causal, True, seed), attention.random_demo(t, heads, causal, False, seed)


@st.cache_data(max_entries=32)
def _gradients(t: int, heads: int, causal: bool, seed: int):
    return attention.gradient_by_distance(t, heads, causal, seed)


@st.cache_data(max_entries=32)
def _encoding(kind: str, t: int, d: int, task: str):
    return positional.encoding(kind, t, d, _model(task).positional() if kind == "learned" else None)


@st.cache_data(max_entries=32)
def _permutation(task: str, ids: tuple, seed: int):
    return positional.permutation_test(_model(task), list(ids), seed)


def _text_from_url() -> None:
    """The free-text control: first visit reads `a_in` from the link (length-capped), else the task's example."""
    if "a_in" not in st.session_state:
        raw = st.query_params.get("a_in")
        st.session_state["a_in"] = raw[: A.max_chars] if raw else tasks.spec(st.session_state["a_task"]).example


def _new_task() -> None:
    st.session_state["a_in"] = tasks.spec(st.session_state["a_task"]).example


def _clamp(key: str, hi: int, what: str, messages: list) -> None:
    if st.session_state[key] > hi:
        messages.append(f"{what} {st.session_state[key]} does not exist here (there are {hi}); showing {hi}.")
        st.session_state[key] = hi


layout.header("Attention maps", "attention")
messages = sync_from_url(PARAMS)
_text_from_url()
seed = sidebar.seed()

c1, c2 = st.columns([1, 3])
task = c1.selectbox("Task", A.task.options, key="a_task", on_change=_new_task)
spec = tasks.spec(task)
unit = "key–value pairs" if task == "recall" else "tokens"
c2.text_input(f"Your sequence — {spec.alphabet}; {spec.lo}–{spec.hi} {unit}", key="a_in", max_chars=A.max_chars)
try:
    an = _analysis(task, st.session_state["a_in"])
except ValueError as err:
    st.error(f"{err}. Showing the example `{spec.example}` instead.", icon=":material/error:")
    an = _analysis(task, spec.example)
ex, rec = an.example, training.recorded().get(task, {})
right = an.correct
st.markdown(
    f"**{task}** `{' '.join(ex.items)}` → model's answer **`{' '.join(an.predicted[s] for s in ex.slots)}`** "
    f"(correct: `{' '.join(ex.answer)}`) — **{right.sum()} of {right.size}** answer tokens right. "
    f"On its fixed evaluation set ({rec.get('eval_size', '?')} sequences) this checkpoint scores "
    f"{rec.get('token_accuracy', float('nan')):.1%} per token, {rec.get('exact_match', float('nan')):.1%} "
    f"whole answers. The ideal pattern: answer k looks at {spec.ideal}."
)
layer_w = [s.weights for s in an.trace.layers]
n_layers, n_heads, t_len = len(layer_w), layer_w[0].shape[0], len(ex.tokens)
for key, hi, what in (("a_layer", n_layers, "layer"), ("a_head", n_heads, "head"), ("a_step", len(ex.slots), "answer step")):
    _clamp(key, hi, what, messages)
show_messages(messages)
grid = attention.grid_frame(layer_w, ex.ideal, an.predicted[:-1])
close = attention.closeness_frame(layer_w, ex.ideal)
heads_only = close[close["head"] != "mean"]
ids = tuple(tasks.encode(an.predicted[:-1]))
labels = attention.position_labels(an.predicted[:-1])

tab_heads, tab_step, tab_demo, tab_pe = st.tabs(
    ["Every head", "One query, step by step", "Random weights: heads, √Dh, path length", "Positional encodings"])

with tab_heads:
    st.altair_chart(charts.head_grid(grid, "Attention weights per layer × head; orange: the task's ideal keys"),
                    width="content")
    st.altair_chart(charts.closeness_bars(heads_only), width="stretch")
    layout.downloads(grid, f"attention_{task}", "a_dl_grid", {"task": task, "input": " ".join(ex.items)})

with tab_step:
    s1, s2, s3, s4, s5 = st.columns(5)
    s1.selectbox("Layer", range(1, n_layers + 1), key="a_layer")
    s2.selectbox("Head", range(1, n_heads + 1), key="a_head")
    s3.selectbox("Answer step", range(1, len(ex.slots) + 1), key="a_step",
                 format_func=lambda k: f"{k}: predicts {ex.answer[k - 1]!r}")
    s4.toggle("Scale by 1/√Dh", key="a_scale")
    s5.toggle("Causal mask", key="a_causal")
    layer, head = st.session_state["a_layer"], st.session_state["a_head"] - 1
    causal, scaled = st.session_state["a_causal"], st.session_state["a_scale"]
    query = ex.slots[st.session_state["a_step"] - 1] - 1
    steps = _trace(task, ids, causal, scaled).layers[layer - 1]
    other = _trace(task, ids, causal, not scaled).layers[layer - 1]
    table = attention.step_table(steps, head, query, labels)
    st.markdown(f"Query position **{labels[query]}**, layer {layer}, head {head + 1}: Dh = {steps.q.shape[-1]}, "
                f"scores multiplied by {steps.scaled_by:.4f}. Its query vector q and its output Σ w·v:")
    st.dataframe(attention.weighted_sum_table(steps, head, query).set_index("component").T.round(3))
    st.dataframe(table.round(4), hide_index=True, height="content")
    st.altair_chart(charts.step_bars(attention.step_bars_frame(steps, other, head, query, labels),
                                     f"Query {labels[query]}: its softmax weights with and without 1/√Dh"),
                    width="stretch")
    with_s, without_s = (steps, other) if scaled else (other, steps)
    ent = attention.entropy_frame(attention.entropy(with_s.weights), attention.entropy(without_s.weights))
    st.altair_chart(charts.entropy_bars(ent, math.log(t_len), f"Trained layer {layer}: mean attention entropy per head"),
                    width="stretch")
    layout.downloads(table, f"attention_step_{task}", "a_dl_step", {"layer": layer, "head": head + 1})

with tab_demo:
    d1, d2 = st.columns(2)
    d1.radio("Heads (width 64 split into H heads of 64/H)", A.heads_options, key="a_H", horizontal=True)
    d2.slider("Positions T", A.demo_t.lo, A.demo_t.hi, key="a_T")
    n_demo, t_demo = int(st.session_state["a_H"]), st.session_state["a_T"]
    demo, demo_raw = _demo(t_demo, n_demo, causal, seed)
    st.caption(f"{t_demo} random rows of width {A.demo_width}, seed {seed}; causal mask "
               f"{'on' if causal else 'off'} (the toggle sits in the step-by-step tab).")
    shown = max(1, min(n_demo, A.max_grid_cells // t_demo**2))
    demo_grid = attention.grid_frame([demo.weights[:shown]], None, ["x"] * t_demo)
    st.altair_chart(charts.head_grid(demo_grid[demo_grid["head"] != "mean"], "Random weights (seeded), one map per head"),
                    width="content")
    if shown < n_demo:
        st.caption(f"Maps for heads 1–{shown} of {n_demo}: the page draws at most {A.max_grid_cells:,} cells "
                   "(limit in core/config.py); the entropies below cover every head.")
    ent_demo = attention.entropy_frame(attention.entropy(demo.weights), attention.entropy(demo_raw.weights))
    st.altair_chart(charts.entropy_bars(ent_demo, math.log(t_demo), "Random weights: mean attention entropy per head"),
                    width="stretch")
    layout.downloads(ent_demo, "attention_entropy_random", "a_dl_ent", {"T": t_demo, "heads": n_demo, "seed": seed})
    grads = _gradients(t_demo, n_demo, causal, seed)
    export.show_chart(charts.gradient_lines(grads), grads, page="attention_maps", name="path_length", key="a_dl_grad",
                      settings={"T": t_demo, "heads": n_demo, "seed": seed},
                      meta={"T": t_demo, "heads": n_demo, "seed": seed})

with tab_pe:
    p1, p2, p3 = st.columns(3)
    p1.radio("Positional encoding", A.encoding.options, key="a_pe", horizontal=True)
    learned = st.session_state["a_pe"] == "learned"
    p2.slider("Positions", A.pe_t.lo, A.pe_t.hi, key="a_peT", disabled=learned)
    p3.slider("Width", A.pe_width.lo, A.pe_width.hi, key="a_peD", disabled=learned)
    enc = _encoding(st.session_state["a_pe"], st.session_state["a_peT"], st.session_state["a_peD"], task)
    if learned:
        st.caption(f"The {task} model's own matrix: it reads at most {tasks.stream_length(task, spec.hi)} of its "
                   f"{enc.matrix.shape[0]} positions; rows past that never received a gradient.")
    mat = positional.matrix_frame(enc.matrix, "position", "dimension", A.max_cells)
    sim = positional.matrix_frame(enc.similarity, "position", "other position", A.max_cells)
    st.altair_chart(charts.side_by_side(
        charts.matrix_heatmap(mat, "position", "dimension", f"{enc.kind}: {enc.matrix.shape[0]} × {enc.matrix.shape[1]}"),
        charts.matrix_heatmap(sim, "position", "other position", "dot products between positions")), width="content")
    perm = _permutation(task, ids, seed)
    st.markdown(f"**The permutation test** on your stream ({t_len} tokens, shuffled with seed {seed}; "
                f"{perm.moved} positions changed token):")
    st.dataframe(perm.table, hide_index=True,
                 column_config={"max |difference|": st.column_config.NumberColumn(format="%.2e")})
    layout.downloads(mat, f"positional_{enc.kind}", "a_dl_pe", {"kind": enc.kind})

push_to_url(PARAMS)
if st.query_params.get("a_in") != st.session_state["a_in"]:
    st.query_params["a_in"] = st.session_state["a_in"]

layout.notice(
    notes.head_notes(layer_w, ex.ideal, heads_only)
    + [notes.step_note(labels[query], labels, layer, head + 1, table["softmax weight"], other.weights[head, query], scaled)]
    + notes.demo_notes(n_demo, A.demo_width // n_demo, t_demo, ent_demo, grads)
    + notes.order_notes(perm.table, enc))
layout.how_computed("attention_how")
