"""Attention's price: what the T × T matrix costs, and where recurrence still wins."""
import streamlit as st

from core.config import PRICE as L
from core.config import IntBound
from core.device import describe
from core.price import charts, costs, notes
from core.story import snippets
from core.timing.sweep import LABELS
from ui import layout, price_view as view, sidebar
from ui.export import show_chart
from ui.params import Param, push_to_url, show_messages, slider, sync_from_url
from ui.spec_cache import Lazy

SECTIONS = {"matrix": "The T × T matrix", "memory": "Peak memory", "cross": "Where the lines cross",
            "stream": "Streaming", "edge": "A small LSTM"}
MATRIX = [Param("p_T", L.T), Param("p_H", L.heads), Param("p_L", L.layers), Param("p_B", L.batch),
          Param("p_dtype", L.dtype)]
MEMORY, CROSS, STREAM = [Param("p_mem", L.mem_t_max)], [Param("p_rec", L.recurrent), Param("p_d", L.width),
                                                        Param("p_cross", L.cross_t_max)], [Param("p_ctx", L.ctx_max)]
EDGE = [Param("p_layers", L.lstm_layers), Param("p_hidden", L.lstm_hidden), Param("p_in", L.lstm_input)]
TOP = [Param("p_view", L.view), Param("p_threads", IntBound("threads", 1, max(2, describe().cores), L.threads.default)),
       Param("p_live", flag=True, default=True)]
ss = st.session_state


def measured(section: str, spec, keys: tuple, chart, name: str, isolated: bool = True):
    meta = {"device": INFO.name, "threads": spec.threads, "seed": P.seed}
    return view.measured(SHIP, section, spec, keys, chart, name, meta, isolated)


layout.header("Attention's price", "price")
messages = sync_from_url(TOP + MATRIX + MEMORY + CROSS + STREAM + EDGE)
SHIP, INFO, P = view.shipped_results(), describe(sidebar.device()), view.params()
crossing = costs.crossover(SHIP.crossover)
layout.claim(notes.claim(crossing, SHIP.crossover, SHIP.stream, INFO.kind.upper()))
st.caption(f"Measured when the app was built ({SHIP.where}; {SHIP.meta['unstable_points']} of "
           f"{SHIP.meta['points'] + 1} points unstable); each section also measures this server.")
show_messages(messages)
st.segmented_control("Section", list(SECTIONS), format_func=SECTIONS.get, key="p_view", required=True,
                     label_visibility="collapsed")
push_to_url(TOP)


def matrix() -> None:
    controls, chart = layout.main_columns()
    with controls:
        st.number_input("Sequence length $T$", L.T.lo, L.T.hi, key="p_T")
        st.number_input("Heads $H$", L.heads.lo, L.heads.hi, key="p_H")
        st.number_input("Layers", L.layers.lo, L.layers.hi, key="p_L")
        st.number_input("Batch $B$", L.batch.lo, L.batch.hi, key="p_B")
        st.selectbox("Number format", L.dtype.options, key="p_dtype")
    push_to_url(MATRIX)
    size, seeds = costs.matrix_size(ss.p_T, ss.p_H, ss.p_L, ss.p_B, ss.p_dtype), costs.seed_check()
    memory, curve = costs.device_memory_bytes(P.device), costs.size_curve(size)
    show_chart(Lazy(charts.matrix_size, curve, seeds, size.T, size.bytes_per_value, memory, INFO.kind.upper()), curve,
               page="price", name="matrix", key="p_matrix", where=chart, aspect=True, meta={"device": INFO.name},
               settings={"T": size.T, "H": ss.p_H, "L": ss.p_L, "B": ss.p_B, "dtype": ss.p_dtype},
               snippet=snippets.matrix_size(ss.p_T, ss.p_H, ss.p_L, ss.p_B, ss.p_dtype))
    st.markdown(r"Values held: $T^2 \cdot H \cdot L \cdot B$; bytes: that $\times$ the bytes per value.")
    layout.notice(notes.calculator_notes(size, seeds, ss.p_dtype, memory, INFO.kind.upper()))


def _live_toggle() -> None:
    st.toggle("Measure live", key="p_live", help="On this server, now; off: the shipped reference only")
    st.slider("Threads", 1, TOP[1].bound.hi, key="p_threads", help="torch intra-op threads for every measurement")


def memory() -> None:
    controls, chart = layout.main_columns()
    with controls:
        slider(MEMORY[0], "Longest $T$ measured (one head, $D_h = 64$)")
        _live_toggle()
    push_to_url(MEMORY + TOP[1:])
    with chart:
        mem, stopped = measured("memory", view.params().memory, ("t_max",), charts.measured_memory, "memory")
    layout.notice(notes.memory_notes(mem) + notes.unstable_note(mem) + stopped)


def cross() -> None:
    controls, chart = layout.main_columns()
    with controls:
        st.selectbox("Recurrent layer", L.recurrent.options, key="p_rec", format_func=LABELS.get)
        slider(CROSS[1], "Width $d$", step=16)
        slider(CROSS[2], "Longest $T$")
        _live_toggle()
    push_to_url(CROSS + TOP[1:])
    p = view.params()
    with chart:
        df, stopped = measured("crossover", p.crossover, ("recurrent", "d", "threads"),
                               lambda f: charts.crossover_time(f, costs.crossover(f).T, costs.SEED_CROSSOVER),
                               "crossover")
    show_chart(Lazy(charts.crossover_memory, df), df, page="price", name="crossover_memory", key="p_cross_mem", aspect=True,
               settings={"recurrent": p.recurrent, "d": p.d}, snippet=snippets.price_sweep(p.crossover))
    layout.notice(notes.crossover_notes(df, costs.crossover(df), p.d, INFO.kind.upper(), p.threads, stopped)
                  + notes.unstable_note(df))


def stream() -> None:
    controls, chart = layout.main_columns()
    with controls:
        slider(STREAM[0], "Longest context")
        _live_toggle()
    push_to_url(STREAM + TOP[1:])
    p = view.params()
    with chart:
        df, stopped = measured("stream", p.stream, ("d", "threads"), charts.stream_latency, "streaming",
                               isolated=False)
    show_chart(Lazy(charts.stream_state, df), df, page="price", name="stream_state", key="p_stream_state", aspect=True,
               settings={"d": p.d}, snippet=snippets.price_sweep(p.stream, isolated=False))
    st.caption("LSTM step: one nn.LSTM step, state (h, c). KV cache: a decoder layer (attention + MLP) whose new "
               "token reads T cached keys and values. No cache: the same layer re-running all T + 1 tokens.")
    layout.notice(notes.stream_notes(df, p.d) + notes.unstable_note(df) + stopped)


def edge() -> None:
    controls, chart = layout.main_columns()
    with controls:
        st.number_input("LSTM layers", L.lstm_layers.lo, L.lstm_layers.hi, key="p_layers")
        st.number_input("Hidden units $N$", L.lstm_hidden.lo, L.lstm_hidden.hi, key="p_hidden")
        st.number_input("Input size $I$", L.lstm_input.lo, L.lstm_input.hi, key="p_in")
    push_to_url(EDGE)
    spec = view.params().edge
    pc = costs.params_curve(spec.layers, spec.inputs, spec.hidden)
    show_chart(Lazy(charts.lstm_params, pc, spec.hidden, costs.lstm_parameters(spec.layers, spec.hidden, spec.inputs),
                                  L.seed_params), pc, page="price", name="lstm_params", key="p_lstm", where=chart,
               settings={"layers": spec.layers, "I": spec.inputs, "N": spec.hidden},
               snippet=snippets.lstm_params(spec.layers, spec.inputs, spec.hidden))
    st.markdown(r"Parameters: $\sum_l 4N(I_l + N) + 8N$, with $I_1 = I$ and $I_l = N$ for the later layers.")
    view.edge_timing(spec, INFO.kind.upper())


@layout.fragment
def section(view: str) -> None:
    """The open section: its chart and its controls rerun alone; a failure inside becomes a message."""
    with layout.section(SECTIONS[view]):
        {"matrix": matrix, "memory": memory, "cross": cross, "stream": stream, "edge": edge}[view]()


section(ss.p_view if ss.p_view in SECTIONS else L.view.default)   # a rerun racing a click can read None
st.subheader("Where each side wins")
st.caption("The shipped reference at the page's defaults (batch 1, $d = 128$, one thread).")
st.dataframe(notes.summary(SHIP.crossover, crossing, SHIP.stream, 128, SHIP.edge), hide_index=True, width="stretch")
layout.how_computed("price_how")
layout.next_chapter("chapters/scan.py", "Recurrence strikes back", "a linear recurrence trains in parallel, by a scan")
