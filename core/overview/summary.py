"""The Overview's headline, chart data and summary table, from the shipped CPU reference.

Nothing here imports torch: the Overview paints from `assets/reference/` at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from core.assets import REFERENCE
from core.chart_style import label
from core.timing import results
from core.timing.fit import slopes
from core.timing.notes import overview_rows

REFERENCE_FILE = REFERENCE / "timing_cpu_2core.json"
SHOWN = ("rnncell_loop", "rnn_fused", "sdpa", "mha")


@dataclass(frozen=True)
class Reference:
    meta: dict
    frame: pd.DataFrame          # the shipped rows, labelled
    slopes: pd.DataFrame

    @property
    def where(self) -> str:
        m = self.meta
        threads = f"{m['threads']} thread{'s' if m['threads'] != 1 else ''}"
        return f"{m['device_name']}, {threads}, batch {m['B']}, width {m['d']}"


def reference() -> Reference:
    meta, df = results.load(REFERENCE_FILE)
    df = df.assign(label=df["method"].map(label))
    return Reference(meta, df, slopes(df, meta["d"], meta["B"], meta["mode"]))


def chart_frame(ref: Reference) -> pd.DataFrame:
    """The rows the Overview's chart draws: the loop, fused nn.RNN and both attentions."""
    df = ref.frame[ref.frame["method"].isin(SHOWN)].copy()
    df["ms"] = df["median_s"] * 1e3
    return df[["method", "label", "T", "ms", "sequential_steps"]]


def headline(ref: Reference) -> str:
    """One sentence from the shipped numbers: the loop's dependent steps vs attention's one."""
    df = ref.frame
    t = int(df["T"].max())
    last = df[df["T"] == t].set_index("method")["median_s"]
    if "rnncell_loop" not in last or "sdpa" not in last:
        return "The timing reference covers other methods; open the Timing lab to measure."
    loop, attn = last["rnncell_loop"], last["sdpa"]
    faster = "faster" if loop < attn else "slower"
    ratio = max(loop, attn) / min(loop, attn)
    return (f"{t:,} dependent steps for the RNN, one parallel step for attention — yet on this 2-core CPU "
            f"the loop is {ratio:.1f}× {faster} ({loop * 1e3:.0f} vs {attn * 1e3:.0f} ms at T = {t:,}).")


def shipped_rows(ref: Reference) -> dict[str, str]:
    """The summary table's timing cells, labelled as the shipped reference."""
    rows = overview_rows(ref.frame, ref.slopes)
    return {k: f"{v} (shipped reference: {ref.where})" for k, v in rows.items()}


def _maths(text: str) -> str:
    """Exponents such as T^0.96 as LaTeX ($T^{0.96}$), which Streamlit renders offline."""
    return re.sub(r"\bT\^(\d+(?:\.\d+)?)", r"$T^{\1}$", text)


def markdown_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A wrapped markdown table of the app's own text (never user input), pipes escaped."""
    def cell(s: str) -> str:
        return _maths(str(s)).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
