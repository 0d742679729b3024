"""Speed of the memory page's computations on this machine.

    python benchmarks/bench_memory.py [--threads N]

Prints: the default view (tokens → cell + transformer layer → PCA → per-step
metrics → chart specs) for T up to 200 and N = 64; the forgetting curves
(sensitivity on 256 sequences, probes on 2,000) and the N sweep, cold and as a
Streamlit cache hit; and a scrubber move through AppTest. Goals from the
issue: default view < 1 s, probe curves < 3 s, cached afterwards.

`--threads 1` gives steadier figures on a machine whose cores other processes
are also using (two busy torch threads on two shared cores stall each other).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
import torch  # noqa: E402

from core.memory import probes
from core.memory import tokens
from core.memory import trajectories  # noqa: E402
from core.chart_style import style  # noqa: E402
from core.memory import charts  # noqa: E402
from core.config import MEMORY  # noqa: E402
from core.device import describe  # noqa: E402
from common import timed  # noqa: E402

DEFAULT_TEXT = ("The hidden state accumulates information from the sequence so far, "
                "but it has only N numbers to hold all of it, however long the input grows.")




def to_spec(chart) -> dict:
    """What st.altair_chart does to a chart: validate it and turn it into a Vega-Lite spec with Arrow
    datasets (Streamlit's private converter; plain `to_dict()` if it moves)."""
    try:
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
    except ImportError:
        return chart.to_dict()
    return _convert_altair_to_vega_lite_spec(chart)


def view(tok, kind: str, n: int = 64) -> None:
    tr = trajectories.trajectory(tok, kind, n, 1.0, 1.0, 0, 1, MEMORY.input_scale.default)
    df = charts.steps_frame(tr)
    t = len(tr.labels)
    to_spec(style(charts.trajectory_chart(df, "rnn", "PC1–PC2", t, "")))
    to_spec(style(charts.trajectory_chart(df, "attn", "PC1–PC2", t, "")))
    to_spec(style(charts.timeline_chart(tr.h, "h", df, t, 1, MEMORY.heatmap_cells)))


@st.cache_data(max_entries=4, show_spinner=False)
def cached_forgetting(n: int, kmax: int):
    return probes.sensitivity(n, 1.0, 1.0, 0, 100), probes.decodability(n, 1.0, 1.0, 0, kmax)


def line(label: str, stats: tuple[float, float, float]) -> None:
    med, lo, hi = stats
    print(f"  {label:<58s} median {med:7.3f} s   (min {lo:.3f}, max {hi:.3f})")


def main() -> None:
    if "--threads" in sys.argv:
        torch.set_num_threads(int(sys.argv[sys.argv.index("--threads") + 1]))
    info = describe("cpu")
    print(f"{info.name} · torch {torch.__version__} · {torch.get_num_threads()} threads on {info.cores} cores · "
          f"load average {os.getloadavg()[0]:.2f} (other processes share these cores)")
    print("Default view: tokens → cell and transformer layer → PCA → metrics → chart specs (N = 64)")
    text = tokens.tokenize(DEFAULT_TEXT)
    view(text, "lstm")                                                  # warm-up (lazy imports, allocator)
    line(f"typed text, T = {len(text.tokens)}, LSTM (the page's default)", timed(lambda: view(text, "lstm"), 5))
    synth = tokens.synthetic(200, 10, 0)
    for kind in ("tanh", "lstm", "gru"):
        line(f"random letters, T = 200, {kind}", timed(lambda k=kind: view(synth, k), 5))
    print("Forgetting (N = 64, k up to 40)")
    line("sensitivity, 256 sequences × 100 steps, 3 cells + attention",
         timed(lambda: probes.sensitivity(64, 1.0, 1.0, 0, 100), 3))
    line("probes, 2,000 sequences, 3 cells + attention",
         timed(lambda: probes.decodability(64, 1.0, 1.0, 0, 40), 3))
    line("probe vs N (16…256), 500 sequences each, LSTM",
         timed(lambda: probes.decodability_vs_size("lstm", 1.0, 1.0, 0, 40), 1))
    cached_forgetting.clear()
    line("sensitivity + probes through st.cache_data, first call", timed(lambda: cached_forgetting(64, 40), 1))
    line("the same, cache hit", timed(lambda: cached_forgetting(64, 40), 5))
    scrub()


def scrub() -> None:
    """Server-side time of a scrubber move on the page (everything cached, charts rebuilt)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("chapters/memory.py").run()
    steps = iter(range(10, 200))

    def move():
        at.slider(key="m_t").set_value(next(steps)).run()

    print("Page, through AppTest (script run, no browser)")
    line("scrubber move (cached compute, charts rebuilt)", timed(move, 5))


if __name__ == "__main__":
    main()
