"""Attention's price: where recurrence still wins (claims C13–C16, C18)."""
import pandas as pd
import streamlit as st

from core.price import costs as price
from core.price import streaming
from core.timing import sweep as timing
from core.price import notes
from core.benchmark import TIMING_LOCK
from core.price import charts
from core.config import PRICE as L
from core.config import IntBound
from core.device import describe
from core.price.peak_memory import memory_probe
from ui import export, layout, measured, sidebar
from ui.params import Param, push_to_url, show_messages, slider, sync_from_url

CORES = describe().cores
PARAMS = [Param("p_T", L.T), Param("p_H", L.heads), Param("p_L", L.layers), Param("p_B", L.batch),
          Param("p_dtype", L.dtype), Param("p_mem", L.mem_t_max), Param("p_rec", L.recurrent), Param("p_d", L.width),
          Param("p_cross", L.cross_t_max), Param("p_ctx", L.ctx_max), Param("p_layers", L.lstm_layers),
          Param("p_hidden", L.lstm_hidden), Param("p_in", L.lstm_input),
          Param("p_threads", IntBound("threads", 1, max(2, CORES), L.threads.default))]
P = {p.key: p for p in PARAMS}


@st.cache_data(max_entries=256, show_spinner=False)
def mem_point(kind: str, T: int, device: str, seed: int, threads: int) -> dict:
    with TIMING_LOCK:
        return price.attention_memory_point(kind, T, device, seed, threads)


@st.cache_data(max_entries=256, show_spinner=False)
def cross_point(method: str, T: int, d: int, device: str, threads: int, seed: int) -> dict:
    with TIMING_LOCK:
        return price.crossover_point(method, T, d, device, threads, seed)


@st.cache_data(max_entries=256, show_spinner=False)
def stream_point(kind: str, T: int, d: int, device: str, threads: int, seed: int) -> dict:
    with TIMING_LOCK:
        return streaming.stream_point(kind, T, d, device, threads, seed)


@st.cache_data(max_entries=32, show_spinner=False)
def edge(layers: int, hidden: int, inputs: int, device: str, threads: int, seed: int) -> price.EdgeResult:
    with TIMING_LOCK:
        return price.lstm_step(layers, hidden, inputs, device, threads, seed)


def sweep(what: str, jobs: list[tuple[str, int]], point, growth: dict[str, float]) -> tuple[pd.DataFrame, list[str]]:
    """Points through their per-point cache, T ascending, with a progress bar; a method stops
    before a doubling of T whose predicted call would pass the limit."""
    bar, rows, last, stopped = st.progress(0.0, text=what), [], {}, {}
    for i, (name, T) in enumerate(jobs):
        stopped[name] = stopped.get(name) or notes.stop_reason(last.get(name), growth.get(name, 2))
        if stopped[name]:
            continue
        if TIMING_LOCK.locked():
            bar.progress(i / len(jobs), text="Another session is measuring on this server; waiting…")
        last[name] = point(name, T)
        rows.append(last[name])
        bar.progress((i + 1) / len(jobs), text=f"{what}: T = {T:,} ({i + 1}/{len(jobs)})")
    bar.empty()
    return pd.DataFrame(rows), [m for m in stopped.values() if m]


def show(chart, df: pd.DataFrame, stem: str, where=st) -> None:
    """A chart and the download buttons for its data, in `where` (the page or a column)."""
    export.show_chart(chart, df, page="attention_price", name=stem, key=f"p_dl_{stem}", where=where, meta=meta,
                      settings={"threads": meta["threads"], "seed": meta["seed"]})


layout.header("Attention's price", "price")
messages = sync_from_url(PARAMS)
push_to_url(PARAMS)  # widget changes are in session state before the rerun, so the URL can be written first
show_messages(messages)
ss, device, seed = st.session_state, sidebar.device(), sidebar.seed()
info = describe(device)
meta = {"device": info.name, "torch": info.torch_version, "threads": ss.p_threads, "seed": seed}
st.slider("Threads for every measurement", 1, P["p_threads"].bound.hi, key="p_threads",
          help="torch intra-op threads; batch-1 work is tiny, so one thread is often fastest")
st.caption(f"Measuring on **{info.name}** ({info.kind}) · torch {info.torch_version} · "
           f"{ss.p_threads} thread{'s' if ss.p_threads > 1 else ''}")

st.header("1 · The T × T matrix (C13)")
c = st.columns(5)
c[0].number_input("Sequence length T", L.T.lo, L.T.hi, key="p_T")
c[1].number_input("Heads H", L.heads.lo, L.heads.hi, key="p_H")
c[2].number_input("Layers", L.layers.lo, L.layers.hi, key="p_L")
c[3].number_input("Batch B", L.batch.lo, L.batch.hi, key="p_B")
c[4].selectbox("Number format", L.dtype.options, key="p_dtype")
size, seeds = price.matrix_size(ss.p_T, ss.p_H, ss.p_L, ss.p_B, ss.p_dtype), price.seed_check()
memory = price.device_memory_bytes(device)
curve = price.size_curve(size)
show(charts.matrix_size(curve, seeds, size.T, size.bytes_per_value, memory, info.kind.upper()), curve, "price_matrix")
layout.notice(notes.calculator_notes(size, seeds, ss.p_dtype, memory, info.kind.upper()))

probe = memory_probe(info.kind)
slider(P["p_mem"], "Longest T measured (one head, head width 64)")
if not probe.available:
    st.info(f"Peak memory is not measured here: {probe.how}. The closed form above still holds.")
else:
    grid = price.doubling(L.mem_t_min, ss.p_mem)
    try:
        mem, _ = sweep("Measuring peak memory", [(k, T) for T in grid for k in price.ATTENTION_KINDS],
                       lambda k, T: mem_point(k, T, device, seed, ss.p_threads), {})
        show(charts.measured_memory(mem), mem, "price_memory")
        st.caption(f"Peak memory read as: {probe.how}.")
        layout.notice(notes.memory_notes(mem))
        w = mem.pivot_table(index="T", columns="kind", values="peak_bytes").iloc[-1]
        measured.record("attention_memory", f"T = {w.name:,}: written out {notes.size_text(w['materialised'])}, "
                        f"fused {notes.size_text(w['fused'])}")
    except ValueError as e:
        st.error(f"Not measured: {e}.", icon=":material/block:")

st.header("2 · Where the lines cross (C14)")
c = st.columns(3)
c[0].selectbox("Recurrent layer", L.recurrent.options, key="p_rec", format_func=timing.LABELS.get)
with c[1]:
    slider(P["p_d"], "Width d", step=16)
with c[2]:
    slider(P["p_cross"], "Longest T")
jobs = [(m, T) for T in price.doubling(L.cross_t_min, ss.p_cross) for m in ("sdpa", ss.p_rec)]
cross = stream = crossing = None
try:
    cross, stopped = sweep("Timing attention vs recurrence", jobs,
                           lambda m, T: cross_point(m, T, ss.p_d, device, ss.p_threads, seed), {"sdpa": 4})
    crossing = price.crossover(cross)
    a, b = st.columns(2)
    show(charts.crossover_time(cross, crossing.T, price.SEED_CROSSOVER), cross, "price_crossover", a)
    b.altair_chart(charts.crossover_memory(cross), width="stretch")
    layout.notice(notes.crossover_notes(cross, crossing, ss.p_d, info.kind.upper(), ss.p_threads, stopped))
except ValueError as e:
    st.error(f"Not timed: {e}.", icon=":material/block:")

st.header("3 · Streaming, one token at a time (C15)")
slider(P["p_ctx"], "Longest context")
jobs = [(k, T) for T in price.doubling(L.ctx_min, ss.p_ctx) for k in streaming.KINDS]
try:
    stream, stopped = sweep("Timing one new token", jobs,
                            lambda k, T: stream_point(k, T, ss.p_d, device, ss.p_threads, seed), {"recompute": 4})
    a, b = st.columns(2)
    show(charts.stream_latency(stream), stream, "price_streaming", a)
    b.altair_chart(charts.stream_state(stream), width="stretch")
    st.caption("LSTM step: one nn.LSTM step, state (h, c). KV cache: a decoder layer (attention + MLP) whose new "
               "token reads T cached keys and values. No cache: the same layer re-running all T + 1 tokens.")
    layout.notice(notes.stream_notes(stream, ss.p_d) + stopped)
except ValueError as e:
    st.error(f"Not timed: {e}.", icon=":material/block:")

st.header("4 · At the edge: a small LSTM (C16)")
c = st.columns(3)
c[0].number_input("LSTM layers", L.lstm_layers.lo, L.lstm_layers.hi, key="p_layers")
c[1].number_input("Hidden units N", L.lstm_hidden.lo, L.lstm_hidden.hi, key="p_hidden")
c[2].number_input("Input size I", L.lstm_input.lo, L.lstm_input.hi, key="p_in")
pc, result = price.params_curve(ss.p_layers, ss.p_in, ss.p_hidden), None
show(charts.lstm_params(pc, ss.p_hidden, price.lstm_parameters(ss.p_layers, ss.p_hidden, ss.p_in), L.seed_params),
     pc, "price_lstm")
try:
    result = edge(ss.p_layers, ss.p_hidden, ss.p_in, device, ss.p_threads, seed)
    layout.notice(notes.edge_notes(result, info.kind.upper()))
except ValueError as e:
    st.error(f"Not timed: {e}.", icon=":material/block:")

st.header("5 · Where each side wins (C18)")
if cross is not None and stream is not None and result is not None:
    table = notes.summary(cross, crossing, stream, ss.p_d, result)
    st.dataframe(table, hide_index=True, width="stretch")
    layout.downloads(table, "price_summary", "p_dl_summary", meta)
else:
    st.info("The summary needs every measurement above; fix the refused one first.")
layout.how_computed("price_how")
