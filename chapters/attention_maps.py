"""Attention maps: every head of trained tiny transformers, the formula step by step, random weights, order."""
import streamlit as st

from core.attention import charts, notes, order, positional, tasks, training, transformer, view
from core.attention import multihead as attention
from core import frames
from core.config import ATTENTION as A
from core.config import Choice
from ui import layout, sidebar
from ui.safe import inert
from ui.params import Param, push_to_url, show_messages, sync_from_url

VIEWS = {"heads": "Every head", "step": "One query, step by step", "random": "Random weights: heads, √Dh, distance",
         "order": "Order: positional encodings"}
MAIN = [Param("a_task", A.task), Param("a_in", A.text), Param("a_view", A.view)]
MAP = [Param("a_layer", A.layer), Param("a_head", A.head)]
STEP = [Param("a_step", A.answer_step), Param("a_scale", flag=True, default=True),
        Param("a_causal", flag=True, default=True)]
DEMO = [Param("a_H", Choice("heads", A.heads_options, str(A.heads.default))), Param("a_T", A.demo_t)]
ORDER = [Param("a_pe", A.encoding), Param("a_peT", A.pe_t), Param("a_peD", A.pe_width)]
ss = st.session_state


@st.cache_resource(max_entries=8)
def _model(task: str):
    return training.load_task_model(task)


@st.cache_data(max_entries=64)
def _analysis(r: view.Reading):
    items = tasks.parse(r.task, r.text, A.text.max_len)
    view.check(view.reading_cost(tasks.stream_length(r.task, len(items))), "Reading this sequence")
    return transformer.analyse(_model(r.task), tasks.example(r.task, items))


@st.cache_data(max_entries=64)
def _trace(task: str, ids: tuple, causal: bool, scaled: bool):
    return transformer.trace(_model(task), list(ids), causal, scaled)


@st.cache_data(max_entries=32)
def _demo(d: view.DemoSpec):
    view.check(view.demo_cost(d), "The random-weights demo")
    return (attention.random_demo(d.T, d.heads, d.causal, True, d.seed),
            attention.random_demo(d.T, d.heads, d.causal, False, d.seed),
            attention.gradient_by_distance(d.T, d.heads, d.causal, d.seed))


@st.cache_data(max_entries=32)
def _encoding(e: view.EncodingSpec):
    view.check(view.encoding_cost(e), "This positional encoding")
    return positional.encoding(e.kind, e.T, e.D, _model(e.task).positional() if e.kind == "learned" else None)


@st.cache_data(max_entries=32)
def _permutation(task: str, ids: tuple, seed: int):
    return order.permutation_test(_model(task), list(ids), seed)


def _new_task() -> None:
    ss["a_in"] = tasks.spec(ss["a_task"]).example


def _clamp(key: str, hi: int, what: str, messages: list) -> None:
    """Keep a layer/head/step choice inside what this model and sequence have (a non-number resets it)."""
    value = ss.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        ss[key] = 1
    elif value > hi:
        messages.append(f"{what} {value} does not exist here (there {'is' if hi == 1 else 'are'} {hi}); showing {hi}.")
        ss[key] = hi


def params() -> view.MapsParams:
    return view.MapsParams(task=ss.a_task, text=ss.a_in, layer=ss.a_layer, head=ss.a_head, step=ss.a_step,
                           scaled=ss.a_scale, causal=ss.a_causal, heads=int(ss.a_H), T=ss.a_T, pe=ss.a_pe,
                           pe_T=ss.a_peT, pe_D=ss.a_peD, seed=sidebar.seed(), view=ss.a_view)


layout.header("Attention maps", "attention")
messages = sync_from_url(MAIN + MAP + STEP + DEMO + ORDER)
if not ss.a_in.strip():
    _new_task()
claim_slot, message_slot = st.empty(), st.container()
controls, chart = layout.main_columns(1.0, 1.9)
with controls:
    st.selectbox("Task", A.task.options, key="a_task", on_change=_new_task)
    spec = tasks.spec(ss.a_task)
    st.text_input(f"Your sequence: {spec.alphabet}, {spec.lo} to {spec.hi} "
                  f"{'key–value pairs' if ss.a_task == 'recall' else 'tokens'}", key="a_in", max_chars=A.text.max_len)
p = params()
try:
    an = _analysis(p.reading)
except ValueError as err:
    message_slot.error(f"{inert(err, 200)}. Showing the example “{spec.example}” instead.", icon=":material/error:")
    an = _analysis(view.Reading(p.task, spec.example))
ex, rec = an.example, training.recorded().get(p.task, {})
layer_w = [s.weights for s in an.trace.layers]
for key, hi, what in (("a_layer", len(layer_w), "Layer"), ("a_head", layer_w[0].shape[0], "Head"),
                      ("a_step", len(ex.slots), "Answer step")):
    _clamp(key, hi, what, messages)
p = params()
close = attention.closeness_frame(layer_w, ex.ideal)
heads_only = close[close["head"] != "mean"]
layout.claim(notes.claim(p.task, heads_only, ex.ideal, int(an.correct.sum()), int(an.correct.size)), claim_slot)
with message_slot:
    show_messages(messages)
ids, labels = tuple(tasks.encode(an.predicted[:-1])), attention.position_labels(an.predicted[:-1])
with controls:
    st.markdown(f"`{' '.join(ex.items)}` → the model answers **`{' '.join(an.predicted[s] for s in ex.slots)}`** "
                f"(correct: `{' '.join(ex.answer)}`). On 512 fixed test sequences it gets "
                f"{rec.get('token_accuracy', float('nan')):.1%} of answer tokens right. The ideal pattern: "
                f"answer $k$ looks at {spec.ideal}.")


@st.fragment
def main_map() -> None:
    with layout.section("The attention map"):
        _main_map()


def _main_map() -> None:
    a, b = st.columns(2)
    a.selectbox("Layer", range(1, len(layer_w) + 1), key="a_layer")
    b.selectbox("Head", range(1, layer_w[0].shape[0] + 1), key="a_head")
    push_to_url(MAP)
    if ss.a_view == "step" and (ss.a_layer, ss.a_head) != (p.layer, p.head):
        st.rerun()          # the step-by-step view below follows this layer and head
    one = attention.grid_frame([layer_w[ss.a_layer - 1]], ex.ideal, an.predicted[:-1])
    one = one[one["head"] == str(ss.a_head)]
    score = float(close.query(f"layer == {ss.a_layer} and head == '{ss.a_head}'")["closeness"].iloc[0])
    st.altair_chart(charts.head_map(one, f"Layer {ss.a_layer}, head {ss.a_head}: {score:.0%} on the ideal keys",
                                    "rows: queries, columns: keys; outlined: the ideal keys"),
                    width="content")


with chart:
    main_map()
st.segmented_control("Look closer", list(VIEWS), format_func=VIEWS.get, key="a_view", required=True)
push_to_url(MAIN)


def every_head() -> None:
    st.altair_chart(charts.head_grid(attention.grid_frame(layer_w, ex.ideal, an.predicted[:-1]),
                                     "Attention weights per layer and head; outlined: the task's ideal keys"))
    st.altair_chart(charts.closeness_bars(heads_only), width="stretch")
    layout.notice(notes.head_notes(layer_w, ex.ideal, heads_only))
    layout.downloads(lambda: attention.grid_frame(layer_w, ex.ideal, an.predicted[:-1]), f"attention_{p.task}",
                     "a_dl_grid", {"task": p.task, "input": " ".join(ex.items)})


def step_by_step() -> None:
    s1, s2, s3 = st.columns(3)
    s1.selectbox("Answer step", range(1, len(ex.slots) + 1), key="a_step", format_func=lambda k: f"answer {k}")
    s2.toggle("Scale by $1/\\surd D_h$", key="a_scale")
    s3.toggle("Causal mask", key="a_causal")
    push_to_url(STEP)
    layer, head, scaled = ss.a_layer, ss.a_head - 1, ss.a_scale
    query = ex.slots[ss.a_step - 1] - 1
    steps = _trace(p.task, ids, ss.a_causal, scaled).layers[layer - 1]
    other = _trace(p.task, ids, ss.a_causal, not scaled).layers[layer - 1]
    table = attention.step_table(steps, head, query, labels)
    st.markdown(f"Answer {ss.a_step} (it should be `{ex.answer[ss.a_step - 1]}`) is predicted at query "
                f"**{labels[query]}**; layer {layer}, head {head + 1}: $D_h = {steps.q.shape[-1]}$, scores "
                f"multiplied by {steps.scaled_by:.4f}. Its query vector $q$ and its output $\\sum_j w_j v_j$:")
    st.dataframe(attention.weighted_sum_table(steps, head, query).set_index("component").T.round(3))
    st.dataframe(table.round(4), hide_index=True, height="content")
    st.altair_chart(charts.step_bars(attention.step_bars_frame(steps, other, head, query, labels),
                                     f"Query {labels[query]}: its softmax weights with and without 1/√Dh"),
                    width="stretch")
    with_s, without_s = (steps, other) if scaled else (other, steps)
    ent = attention.entropy_frame(attention.entropy(with_s.weights), attention.entropy(without_s.weights))
    st.altair_chart(charts.entropy_bars(ent, attention.max_entropy(len(labels), ss.a_causal),
                                        f"Trained layer {layer}: mean attention entropy per head", ss.a_causal),
                    width="stretch")
    layout.notice([notes.step_note(labels[query], labels, layer, head + 1, table["softmax weight"],
                                   other.weights[head, query], scaled)])
    layout.downloads(table, f"attention_step_{p.task}", "a_dl_step", {"layer": layer, "head": head + 1})


def random_weights() -> None:
    d1, d2 = st.columns(2)
    d1.radio(f"Heads (width {A.demo_width} split into $H$ heads)", A.heads_options, key="a_H", horizontal=True)
    d2.slider("Positions $T$", A.demo_t.lo, A.demo_t.hi, key="a_T")
    push_to_url(DEMO)
    spec_d = view.DemoSpec(ss.a_T, int(ss.a_H), ss.a_causal, p.seed)
    demo, demo_raw, grads = _demo(spec_d)
    st.caption(f"{spec_d.T} random rows of width {A.demo_width}, seed {p.seed}; causal mask "
               f"{'on' if spec_d.causal else 'off'} (switch it in the step-by-step view).")
    shown = max(1, min(spec_d.heads, A.max_grid_cells // spec_d.T**2))
    grid = attention.grid_frame([demo.weights[:shown]], None, ["x"] * spec_d.T)
    st.altair_chart(charts.head_grid(grid[grid["head"] != "mean"], "Random weights (seeded), one map per head"))
    if shown < spec_d.heads:
        st.caption(f"Maps for heads 1–{shown} of {spec_d.heads}: the page draws at most {A.max_grid_cells:,} "
                   "cells; the entropies below cover every head.")
    ent = attention.entropy_frame(attention.entropy(demo.weights), attention.entropy(demo_raw.weights))
    st.altair_chart(charts.entropy_bars(ent, attention.max_entropy(spec_d.T, spec_d.causal),
                                        "Random weights: mean attention entropy per head", spec_d.causal),
                    width="stretch")
    st.altair_chart(charts.gradient_lines(grads), width="stretch")
    layout.notice(notes.demo_notes(spec_d.heads, A.demo_width // spec_d.heads, spec_d.T, ent, grads, spec_d.causal))
    layout.downloads(ent, "attention_entropy_random", "a_dl_ent", {"T": spec_d.T, "heads": spec_d.heads})
    layout.downloads(grads, "attention_path_length", "a_dl_grad", {"T": spec_d.T, "heads": spec_d.heads})


def positions() -> None:
    p1, p2, p3 = st.columns(3)
    p1.radio("Positional encoding", A.encoding.options, key="a_pe", horizontal=True)
    learned = ss.a_pe == "learned"
    p2.slider("Positions", A.pe_t.lo, A.pe_t.hi, key="a_peT", disabled=learned)
    p3.slider("Width", A.pe_width.lo, A.pe_width.hi, key="a_peD", disabled=learned)
    push_to_url(ORDER)
    enc = _encoding(view.EncodingSpec(ss.a_pe, ss.a_peT, ss.a_peD, p.task))
    if learned:
        st.caption(f"The {p.task} model's own matrix: it reads at most {tasks.stream_length(p.task, spec.hi)} "
                   f"of its {enc.matrix.shape[0]} positions; rows past that never received a gradient.")
    mat = frames.block_frame(enc.matrix, "position", "dimension", A.max_cells)[0]
    sim = frames.block_frame(enc.similarity, "position", "other position", A.max_cells)[0]
    st.altair_chart(charts.side_by_side(
        charts.matrix_heatmap(mat, "position", "dimension", f"{enc.kind}: {enc.matrix.shape[0]} × {enc.matrix.shape[1]}"),
        charts.matrix_heatmap(sim, "position", "other position", "dot products between positions")))
    perm = _permutation(p.task, ids, p.seed)
    st.markdown(f"**The permutation test** on your stream ({len(labels)} tokens, shuffled with seed {p.seed}; "
                f"{perm.moved} position{'s' if perm.moved != 1 else ''} changed token):")
    st.dataframe(perm.table, hide_index=True,
                 column_config={"max |difference|": st.column_config.NumberColumn(format="%.2e")})
    layout.notice(notes.order_notes(perm.table, enc))
    layout.downloads(mat, f"positional_{enc.kind}", "a_dl_pe", {"kind": enc.kind})


@st.fragment
def section(view: str) -> None:
    """The open view: its charts and controls rerun alone; a failure inside becomes a message."""
    with layout.section(VIEWS[view]):
        {"heads": every_head, "step": step_by_step, "random": random_weights, "order": positions}[view]()


section(ss.a_view if ss.a_view in VIEWS else A.view.default)   # a rerun racing a click can read None
layout.how_computed("attention_how")
layout.next_chapter("chapters/attention_price.py", "Attention's price", "what the T × T matrix costs, and where recurrence still wins")
