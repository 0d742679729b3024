"""Attention maps: every head of trained tiny transformers, the formula step by step, random weights, order."""
import streamlit as st

from core.attention import multihead as attention
from core.attention import notes, tasks, training, view
from core.config import ATTENTION as A
from core.config import Choice
from ui import attention_data as data
from ui import attention_views as views
from ui import layout, sidebar
from ui.params import Param, clamp_choice, push_to_url, show_messages, sync_from_url
from ui.safe import inert

VIEWS = {"heads": "Every head", "step": "One query, step by step", "random": "Random weights: heads, √Dh, distance",
         "order": "Order: positional encodings"}
MAIN = [Param("a_task", A.task), Param("a_in", A.text), Param("a_view", A.view)]
MAP = [Param("a_layer", A.layer), Param("a_head", A.head)]
STEP = [Param("a_step", A.answer_step), Param("a_scale", flag=True, default=True),
        Param("a_causal", flag=True, default=True)]
DEMO = [Param("a_H", Choice("heads", A.heads_options, str(A.heads.default))), Param("a_T", A.demo_t)]
ORDER = [Param("a_pe", A.encoding), Param("a_peT", A.pe_t), Param("a_peD", A.pe_width)]
ss = st.session_state


def _new_task() -> None:
    ss["a_in"] = tasks.spec(ss["a_task"]).example


def params() -> view.MapsParams:
    return view.MapsParams(task=ss.a_task, text=ss.a_in, layer=ss.a_layer, head=ss.a_head, step=ss.a_step,
                           scaled=ss.a_scale, causal=ss.a_causal, heads=int(ss.a_H), T=ss.a_T, pe=ss.a_pe,
                           pe_T=ss.a_peT, pe_D=ss.a_peD, seed=sidebar.seed(), view=ss.a_view)


layout.header("Attention maps", "attention")
messages = sync_from_url(MAIN + MAP + STEP + DEMO + ORDER)
if not ss.a_in.strip():
    _new_task()
claim_slot, message_slot = layout.ClaimSlot("attention_maps"), st.container()
controls, chart = layout.main_columns(1.0, 1.9)
with controls:
    st.selectbox("Task", A.task.options, key="a_task", on_change=_new_task)
    spec = tasks.spec(ss.a_task)
    st.text_input(f"Your sequence: {spec.alphabet}, {spec.lo} to {spec.hi} "
                  f"{'key–value pairs' if ss.a_task == 'recall' else 'tokens'}", key="a_in", max_chars=A.text.max_len)
p = params()
try:
    an = data.analysis(p.reading)
except ValueError as err:
    message_slot.error(f"{inert(err, 200)}. Showing the example “{spec.example}” instead.", icon=":material/error:")
    an = data.analysis(view.Reading(p.task, spec.example))
ex, rec = an.example, training.recorded().get(p.task, {})
layer_w = [s.weights for s in an.trace.layers]
for key, hi, what in (("a_layer", len(layer_w), "Layer"), ("a_head", layer_w[0].shape[0], "Head"),
                      ("a_step", len(ex.slots), "Answer step")):
    clamp_choice(key, hi, what, messages)
r = views.Reading(params(), spec, an, layer_w, attention.closeness_frame(layer_w, ex.ideal),
                  tuple(tasks.encode(an.predicted[:-1])), attention.position_labels(an.predicted[:-1]))
layout.claim(notes.claim(p.task, r.heads_only, ex.ideal, int(an.correct.sum()), int(an.correct.size)), claim_slot)
with message_slot:
    show_messages(messages)
with controls:
    st.markdown(f"`{' '.join(ex.items)}` → the model answers **`{' '.join(an.predicted[s] for s in ex.slots)}`** "
                f"(correct: `{' '.join(ex.answer)}`). On 512 fixed test sequences it gets "
                f"{rec.get('token_accuracy', float('nan')):.1%} of answer tokens right. The ideal pattern: "
                f"answer $k$ looks at {spec.ideal}.")


@layout.fragment
def main_map() -> None:
    with layout.section("The attention map"):
        views.main_map(r, MAP)


with chart:
    main_map()
st.segmented_control("Look closer", list(VIEWS), format_func=VIEWS.get, key="a_view", required=True)
push_to_url(MAIN)


@layout.fragment
def section(name: str) -> None:
    """The open view: its charts and controls rerun alone; a failure inside becomes a message."""
    with layout.section(VIEWS[name]):
        if name == "heads":
            views.every_head(r)
        else:
            {"step": views.step_by_step, "random": views.random_weights, "order": views.positions}[name](
                r, {"step": STEP, "random": DEMO, "order": ORDER}[name])


section(ss.a_view if ss.a_view in VIEWS else A.view.default)   # a rerun racing a click can read None
layout.how_computed("attention_how")
layout.next_chapter("chapters/attention_price.py", "Attention's price", "what the T × T matrix costs, and where recurrence still wins")
