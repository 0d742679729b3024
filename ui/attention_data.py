"""The attention-maps page's cached computations: the shipped models and what the page reads
from them, each keyed by a frozen parameter object and costed before it runs."""
from __future__ import annotations

import streamlit as st

from core.attention import multihead, order, positional, tasks, training, transformer, view
from core.config import ATTENTION as A


@st.cache_resource(max_entries=8)
def model(task: str):
    return training.load_task_model(task)


@st.cache_data(max_entries=64)
def analysis(r: view.Reading):
    items = tasks.parse(r.task, r.text, A.text.max_len)
    view.check(view.reading_cost(tasks.stream_length(r.task, len(items))), "Reading this sequence")
    return transformer.analyse(model(r.task), tasks.example(r.task, items))


@st.cache_data(max_entries=64)
def trace(task: str, ids: tuple, causal: bool, scaled: bool):
    return transformer.trace(model(task), list(ids), causal, scaled)


@st.cache_data(max_entries=32)
def demo(d: view.DemoSpec):
    view.check(view.demo_cost(d), "The random-weights demo")
    return (multihead.random_demo(d.T, d.heads, d.causal, True, d.seed),
            multihead.random_demo(d.T, d.heads, d.causal, False, d.seed),
            multihead.gradient_by_distance(d.T, d.heads, d.causal, d.seed))


@st.cache_data(max_entries=32)
def encoding(e: view.EncodingSpec):
    view.check(view.encoding_cost(e), "This positional encoding")
    return positional.encoding(e.kind, e.T, e.D, model(e.task).positional() if e.kind == "learned" else None)


@st.cache_data(max_entries=32)
def permutation(task: str, ids: tuple, seed: int):
    return order.permutation_test(model(task), list(ids), seed)
