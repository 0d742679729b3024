"""Recurrence strikes back: linear recurrences, the parallel scan, and what they give up (C21).

The sections' bodies are `ui.scan_sections`'; what they say is written by `core.scan.notes` and
`core.scan.view` from the numbers."""
import streamlit as st

from core.config import SCAN as L
from core.scan import notes, results
from ui import layout, sidebar
from ui import queue as q
from ui.params import push_to_url, show_messages, sync_from_url
from ui.scan_sections import BY_KEY, PARAMS, SECTIONS, shipped

ss = st.session_state


@layout.fragment
def body(section: str, device: str, seed: int) -> None:
    with layout.section(f"The section “{section}”"):
        SECTIONS[section](device, seed)
    push_to_url(PARAMS)


layout.header("Recurrence strikes back", "scan")
messages = sync_from_url(PARAMS)
for key in ("s_sec", "s_tT", "s_task"):       # a segmented control can be clicked off: keep one chosen
    if ss.get(key) is None:
        ss[key] = BY_KEY[key].bound.default
push_to_url(PARAMS)
show_messages(messages)
device, seed = sidebar.device(), sidebar.seed()
ref = shipped(str(results.THREE_WAYS))
if ref is not None and (ref[1]["T"] == L.T.default).any():
    layout.claim(notes.claim(ref[1][ref[1]["T"] == L.T.default], L.T.default, "shipped, one thread"))
st.segmented_control("Section", L.sections.options, key="s_sec", label_visibility="collapsed")
if ss.s_sec == "training step":
    q.stop_button("s_step")            # outside the fragment, so a click reaches a running sweep
body(ss.s_sec or L.sections.default, device, seed)
layout.how_computed("scan_how")
layout.next_chapter("chapters/overview.py", "Back to the overview")
