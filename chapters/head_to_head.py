"""Head to head: RNN, LSTM, GRU, minGRU and a transformer trained on the same tasks (claims C5, C19, C20).

The experiment and throughput fragments are `ui.h2h_sections`'; the words `core.head_to_head.notes`'
and `.view`'s, written from the shipped files and this session's live run."""
import streamlit as st

from core.head_to_head import models, notes, view
from ui import h2h_sections as h
from ui import layout, measured
from ui import queue as q
from ui.params import show_messages, sync_from_url

meta, runs = h.load()[:2]
steps = h.shipped_steps(meta)
ss = st.session_state
layout.header("Head to head", "head_to_head")
messages = sync_from_url(list(h.P.values()))
claim_slot = layout.ClaimSlot("head_to_head")
show_messages(messages)
ss["_h2h_task_drawn"] = ss.h_task
with layout.section("The experiment"):
    ctrl_col, chart_col = layout.main_columns(1.15, 2.6)
    below_box = st.container()
    h.experiment_block(ctrl_col, chart_col, below_box)
    q.stop_button(h.KEY, "Stop the live run", where=ctrl_col)
task = ss.h_task
task_runs = h.task_runs(task)
layout.claim(notes.claim(task_runs, task, steps), claim_slot)
if len(runs) and task == "recall":
    measured.record("trained_memory", notes.overview_row(task_runs, steps))

with layout.section("The contestants"):
    st.subheader("The contestants, matched in size")
    st.table(view.contestants_table(task_runs, models.available()))
    layout.notice(notes.sweep_notes(task_runs, task, steps) + notes.timing_notes(task_runs))
    if meta.get("runs"):
        st.caption(view.sweep_caption(meta))
    layout.downloads(runs, "head_to_head_runs", "h_dl_runs", {k: v for k, v in meta.items() if k != "rows"})

with layout.section("Tuning"), st.expander("How each model was tuned — everything tried"):
    h.tuning()
with layout.section("Throughput"):
    h.throughput_block()

st.page_link("chapters/memory.py", label="Back to the memory page: seq2seq squeezes the source into one vector",
             icon=":material/arrow_back:", query_params={"m_sec": "seq2seq"})
layout.how_computed("head_to_head_how")
layout.next_chapter("chapters/overview.py", "Back to the overview")
