"""A two-page app for tests/test_params.py: every kind of Param, a page switch, a skipped push."""
import streamlit as st

pg = st.navigation([st.Page("one.py", url_path="one", default=True), st.Page("two.py", url_path="two")])
pg.run()
