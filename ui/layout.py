"""The anatomy every chapter shares.

One order on every page: sync URL → controls → messages → compute → charts →
notes → downloads → how it was computed. The first screen at 1280×720 holds the
title, the chapter's claim in one sentence written from the numbers (`claim`),
and the main chart with the few controls that drive it beside it
(`main_columns`); introductions, secondary sections and "how this is computed"
come below. Each section runs inside `section`, so a failure in one becomes a
message saying what to change while the rest of the page renders. Every page
ends with `next_chapter`.
"""
from __future__ import annotations

import contextlib
import functools
import json
import logging
from typing import Callable

import pandas as pd
import streamlit as st

from core.assets import PROSE
from core.frames import records
from core.renders import RENDERS
from ui.safe import inert

log = logging.getLogger(__name__)


def fragment(func: Callable) -> Callable:
    """`st.fragment`, its runs counted as drawing (`core.renders.RENDERS`): a live measurement waits
    for them (bounded) before its next timed chunk."""
    @functools.wraps(func)
    def counted(*args, **kwargs):
        with RENDERS.drawing():
            return func(*args, **kwargs)

    return st.fragment(counted)


def prose(name: str) -> str:
    """The markdown text `assets/prose/<name>.md`."""
    return (PROSE / f"{name}.md").read_text(encoding="utf-8")


def header(title: str, prose_name: str | None = None) -> None:
    """The page title; `prose_name` puts the introduction in a closed expander (not above the chart)."""
    st.title(title)
    if prose_name:
        intro(prose_name)


def intro(prose_name: str, label: str = "About this chapter") -> None:
    with st.expander(label):
        st.markdown(prose(prose_name))


def claim(sentence: str, slot: "ClaimSlot | None" = None, caption: str | None = None) -> None:
    """The chapter's claim as measured, one sentence written by the caller from the numbers."""
    if slot is not None:
        return slot.write(sentence, caption)
    st.markdown(f"#### {sentence}")
    if caption:
        st.caption(caption)


class ClaimSlot:
    """The claim's place above the main chart, filled once the numbers are known.

    An empty placeholder would collapse on every rerun until the claim is written (measured on the
    memory page: the whole page jumped 87 px up, then back, at each control change), so the slot
    starts with the sentence this page showed last in this session and keeps it until `write`
    replaces it; `clear` empties it where a run ends without a claim (a refusal)."""

    def __init__(self, page: str):
        self.key, self._slot = f"_claim_{page}", st.empty()
        self._shown = st.session_state.get(self.key)
        if self._shown:
            self._draw(*self._shown)

    def _draw(self, sentence: str, caption: str | None) -> None:
        with self._slot.container():
            st.markdown(f"#### {sentence}")
            if caption:
                st.caption(caption)

    def write(self, sentence: str, caption: str | None = None) -> None:
        st.session_state[self.key] = (sentence, caption)
        if (sentence, caption) != self._shown:                  # the same text: nothing to send
            self._draw(sentence, caption)
            self._shown = (sentence, caption)

    def clear(self) -> None:
        st.session_state.pop(self.key, None)
        self._slot.empty()
        self._shown = None


def main_columns(controls: float = 1.0, chart: float = 3.0):
    """(controls, chart) columns for the first screen: the controls beside the chart they drive."""
    return st.columns([controls, chart], gap="medium")


@contextlib.contextmanager
def section(what: str, hint: str = "Try smaller settings or reset this section's controls.",
            on_error: Callable[[], None] | None = None):
    """Run one section; any exception becomes a message and the rest of the page still renders.

    Streamlit's own stop/rerun signals are BaseExceptions and pass through untouched. `on_error`
    runs first on a failure (e.g. `ClaimSlot.clear`: no claim stands above a failed chart).
    """
    try:
        yield
    except Exception as err:  # noqa: BLE001 - the boundary is the point
        log.exception("section %s failed", what)
        if on_error:
            on_error()
        st.error(f"{what} could not be computed: {inert(err, 200)}. {hint}", icon=":material/error:")


def notice(sentences: list[str]) -> None:
    """'What to notice', written by the caller from the computed numbers."""
    if sentences:
        st.subheader("What to notice")
        st.markdown("\n".join(f"- {s}" for s in sentences))


def how_computed(prose_name: str) -> None:
    with st.expander("How this is computed"):
        st.markdown(prose(prose_name))


def next_chapter(page: str, title: str, why: str = "") -> None:
    """The link that continues the story at the end of every chapter."""
    st.divider()
    st.page_link(page, label=f"Next: {title}" + (f" — {why}" if why else ""), icon=":material/arrow_forward:")


def downloads(df: pd.DataFrame | Callable[[], pd.DataFrame], stem: str, key: str, meta: dict | None = None) -> None:
    """CSV and JSON of the data behind a chart, built only when a button is clicked."""
    def frame() -> pd.DataFrame:
        return df() if callable(df) else df

    def as_csv() -> bytes:
        return frame().to_csv(index=False).encode()

    def as_json() -> bytes:
        payload = {"meta": meta or {}, "rows": records(frame())}
        return json.dumps(payload, indent=1, default=str).encode()

    c1, c2 = st.columns(2)
    c1.download_button("Data as CSV", as_csv, f"{stem}.csv", "text/csv",
                       key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    c2.download_button("Data as JSON", as_json, f"{stem}.json", "application/json",
                       key=f"{key}_json", on_click="ignore", icon=":material/download:")
