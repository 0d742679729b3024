import streamlit as st

from core.config import IntBound
from ui.params import Param, push_to_url, show_messages, sync_from_url

PARAMS = [Param("k", IntBound("k", 0, 9, 3))]
messages = sync_from_url(PARAMS)
st.number_input("k", 0, 9, key="k")
show_messages(messages)
push_to_url(PARAMS)
