"""Streamlit-side helpers shared by the pages: URL-synced controls, page anatomy, downloads.

This package may import streamlit and core; core never imports it.
"""
