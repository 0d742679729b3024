import streamlit as st

from core.config import Choice, FloatBound, IntBound, TextBound
from ui.params import Param, push_to_url, show_messages, sync_from_url

PARAMS = [
    Param("n", IntBound("count n", 1, 1000, 10)),
    Param("x", FloatBound("scale x", 0.0, 2.0, 1.0)),
    Param("c", Choice("cell", ("tanh", "lstm"), "tanh")),
    Param("ms", Choice("models", ("a", "b", "c"), "a"), multi=True, default=("a", "b")),
    Param("f", flag=True, default=False),
    Param("txt", TextBound("your text", 50, "hello")),
]
messages = sync_from_url(PARAMS)
st.number_input("n", 1, 1000, key="n")
st.slider("x", 0.0, 2.0, key="x")
st.selectbox("c", ("tanh", "lstm"), key="c")
st.multiselect("ms", ("a", "b", "c"), key="ms")
st.toggle("f", key="f")
st.text_input("txt", key="txt")
show_messages(messages)
if not st.session_state.get("skip_push"):
    push_to_url(PARAMS)
