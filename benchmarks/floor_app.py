"""Streamlit's own floor: a title and one Altair chart, nothing else. `bench_pages.py --floor` and
`bench_server.py --script benchmarks/floor_app.py` time it beside the app's pages, so a figure can be
read against what the framework and the browser take on this host before the app does anything."""
import altair as alt
import pandas as pd
import streamlit as st

st.title("Floor")
st.altair_chart(alt.Chart(pd.DataFrame({"x": [1, 2, 3], "y": [1, 4, 9]})).mark_line().encode(x="x", y="y"))
