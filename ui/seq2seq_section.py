"""The memory page's seq2seq section: accuracy vs length with and without attention, the reader's
own digits decoded by both, and the attention decoder's alignment."""
from __future__ import annotations

import streamlit as st

from core.config import SEQ2SEQ as L, SEQ2SEQ_DIGITS
from core.memory import seq2seq
from core.memory import seq2seq_charts as charts
from core.memory import seq2seq_notes as notes
from core.story import snippets
from ui import layout
from ui.export import show_chart
from ui.params import Param, push_to_url
from ui.safe import inert
from ui.spec_cache import Lazy

KEY = "m2_seq"
PARAMS = [Param(KEY, SEQ2SEQ_DIGITS)]


@st.cache_resource(max_entries=2)
def _model(variant: str):
    return seq2seq.load_variant(variant)


@st.cache_data(max_entries=2, show_spinner=False)
def _accuracy(variant: str):
    return seq2seq.accuracy(_model(variant))


@st.cache_data(max_entries=64, show_spinner=False)
def _translate(variant: str, source: tuple[int, ...]):
    return seq2seq.translate(_model(variant), source)


def _accuracy_charts(plain, attn) -> None:
    df = charts.accuracy_frame({"plain": plain.by_length, "attention": attn.by_length})
    left, right = st.columns(2)
    train = (L.train_lo, L.train_hi)
    meta = {"eval_seed": L.eval_seed, "per_length": L.eval_per_length.default, "train_lengths": list(train)}
    for col, measure, chance in ((left, "exact_match", None), (right, "token_accuracy", 1 / L.digits)):
        show_chart(Lazy(charts.accuracy_chart, df, measure, train, chance), df, page="memory", name=f"seq2seq_{measure}",
                   key=f"m2_{measure}", where=col, snippet=snippets.seq2seq_accuracy(), meta=meta)
    st.caption(f"Greedy decoding of {L.eval_per_length.default} fixed random sources per length (seed "
               f"{L.eval_seed} + n), evaluated live on one CPU thread in {plain.seconds + attn.seconds:.2f} s "
               "(then cached). Shaded: the lengths seen in training.")


def _example() -> list[str]:
    st.text_input(f"Your digits (up to {L.source_len.hi}; spaces or commas between them are fine)", key=KEY,
                  max_chars=L.max_chars)
    push_to_url(PARAMS)
    try:
        source = seq2seq.parse_digits(st.session_state[KEY])
    except ValueError as e:
        st.error(inert(e, 300), icon=":material/block:")
        return []
    plain, attn = _translate("plain", source), _translate("attention", source)
    left, right = st.columns([3, 2])
    for col, tr, variant, title, size in ((left, attn, "attention", "With attention: α_ij, where each step reads", 420),
                                          (right, plain, "plain", "Plain: it reads only h_S, the last state", 260)):
        df = charts.alignment_frame(tr)
        show_chart(Lazy(charts.alignment_chart, df, title, size), df, page="memory", name=f"seq2seq_alignment_{variant}",
                   key=f"m2_align_{variant}", where=col, width="content", settings={"digits": len(source)},
                   snippet=snippets.seq2seq_alignment(variant, source), meta={"source": list(source), "variant": variant})
    return notes.example_notes(plain, attn)


def render() -> None:
    """Draw the section (the memory page calls it inside its sections fragment)."""
    st.header("Squeezed into one vector: seq2seq with and without attention")
    st.markdown(layout.prose("seq2seq"))
    try:
        with st.spinner("Evaluating both shipped seq2seq models on 2–30 digits…"):
            plain, attn = _accuracy("plain"), _accuracy("attention")
    except (ValueError, OSError) as e:
        st.error(f"The shipped seq2seq checkpoints could not be loaded: {inert(e, 200)}", icon=":material/block:")
        return
    _accuracy_charts(plain, attn)
    sentences = notes.accuracy_notes(plain, attn)
    st.subheader("Your own sequence")
    layout.notice(sentences + _example())
    st.page_link("chapters/head_to_head.py", label="Training recurrent models against a transformer, on the same "
                 "tasks and budget: **Head to head**", icon=":material/arrow_forward:")
