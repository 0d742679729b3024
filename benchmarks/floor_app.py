"""Streamlit's own floor: a title and one Altair chart, nothing else. `bench_pages.py --floor` and
`bench_server.py --script benchmarks/floor_app.py` time it beside the app's pages, so a figure can be
read against what the framework and the browser take on this host before the app does anything.

`FLOOR_PAGES=1`: the same page ten times in Streamlit's multipage navigation (the sidebar's page
list, nothing else in it), opened on a page's own path as a chapter link is: the floor of a
multipage app."""
import os

import altair as alt
import pandas as pd
import streamlit as st


def one_chart() -> None:
    st.title("Floor")
    st.altair_chart(alt.Chart(pd.DataFrame({"x": [1, 2, 3], "y": [1, 4, 9]})).mark_line().encode(x="x", y="y"))


if os.environ.get("FLOOR_PAGES") == "1":
    st.navigation([st.Page(one_chart, title=f"Page {i}", url_path=f"page_{i}", default=i == 0)
                   for i in range(10)]).run()
else:
    one_chart()
