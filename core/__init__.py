"""Pure computation behind the app: no streamlit import anywhere in this package.

Shape glossary, used in every docstring and trailing reshape comment:

    B   batch size
    T   time steps (sequence length)
    D   model width (d in the seeds' complexity table)
    H   attention heads
    Dh  head width, D // H
    N   hidden units of a recurrent cell
    V   vocabulary size

Results are frozen dataclasses holding numpy arrays or tidy pandas DataFrames,
always on the CPU and never requiring grad, so the UI layer can cache them.
"""
