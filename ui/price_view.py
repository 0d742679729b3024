"""Attention's price: a measured section's chart (the shipped reference, then this server's sweep over
it) with its export menu, and the timed LSTM step. The page script reads the controls and calls these."""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from core.config import PRICE as L
from core.price import notes, plan
from core.price.shipped import Shipped, load
from core.story import snippets
from ui import layout, live, sidebar
from ui.export import export_menu

PAGE = "price"


@st.cache_resource(max_entries=1)
def shipped_results() -> Shipped:
    return load()


def params() -> plan.PriceParams:
    """Every control of the page, by keyword (the sections' specs are its properties)."""
    ss = st.session_state
    return plan.PriceParams(T=ss.p_T, heads=ss.p_H, layers=ss.p_L, batch=ss.p_B, dtype=ss.p_dtype, mem_t_max=ss.p_mem,
                            recurrent=ss.p_rec, d=ss.p_d, cross_t_max=ss.p_cross, ctx_max=ss.p_ctx,
                            lstm_layers=ss.p_layers, lstm_hidden=ss.p_hidden, lstm_input=ss.p_in,
                            threads=ss.p_threads, seed=sidebar.seed(), device=sidebar.device(), view=ss.p_view)


def measured(ship: Shipped, section: str, spec, keys: tuple, draw: Callable[[pd.DataFrame], object], name: str,
             meta: dict, isolated: bool = True) -> tuple[pd.DataFrame | None, list[str]]:
    """The shipped reference (when it was measured with the same `keys`), then this server's sweep over it."""
    ref = getattr(ship, section) if ship.matches(section, plan.spec_dict(spec), keys) else None
    rows, both, stopped = live.refine(spec, ref, draw, st.session_state.p_live, isolated, key=f"p_live_{name}")
    if ref is not None:
        st.caption(f"Dashed: the shipped reference ({ship.where}); solid: this server, now.")
    if len(both):
        export_menu(draw(both), both, page=PAGE, name=name, key=f"p_x_{name}", meta=meta,
                    settings={k: getattr(spec, k) for k in keys if hasattr(spec, k)},
                    snippet=snippets.price_sweep(spec, isolated))
    return rows, stopped


def edge_timing(spec: plan.EdgeSpec, kind: str) -> None:
    """One LSTM step timed on this server (cached by spec; server-wide only when stable)."""
    with layout.section("Timing one LSTM step"):
        result = live.cached(spec)
        if result is None:
            spec.check()
            with st.spinner("Timing one step…"), live.measuring_lock(st.empty()):
                result = spec.run()
            live.keep(spec, result, result.stable)
        layout.notice(notes.edge_notes(result, kind)
                      + ([] if result.stable else ["**The host was busy:** this step's timing spread more than "
                                                   f"{L.max_spread:.0%}; read it as rough."]))
