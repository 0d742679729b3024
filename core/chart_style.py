"""Altair chart builders: DataFrame in, `alt.Chart` out, never rendered here.

Shared look for every chart: projector-sized fonts and the Okabe–Ito palette,
which stays distinguishable under the common colour-vision deficiencies.
One module per concept sits beside this one (`charts.timing`, ...).
"""
from __future__ import annotations

import altair as alt

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT_SIZE = 16
TITLE_SIZE = 18


def style(chart: alt.Chart, legend_below: bool = False) -> alt.Chart:
    """Large, readable fonts for a projector; `legend_below` for charts in half-width columns."""
    legend = dict(orient="bottom", columns=2) if legend_below else {}
    return (
        chart.configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
        .configure_legend(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelLimit=320, **legend)
        .configure_title(fontSize=TITLE_SIZE)
        .configure_header(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
    )


def palette(domain: list[str]) -> alt.Scale:
    """A categorical colour scale over `domain` in Okabe–Ito order."""
    return alt.Scale(domain=domain, range=OKABE_ITO[: len(domain)] or OKABE_ITO)
