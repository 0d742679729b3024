"""'What to notice' sentences for the memory page, written from the computed numbers."""
from __future__ import annotations

import string

import numpy as np
import pandas as pd

from core.memory.probes import ATTENTION, MODEL_NAMES, Decodability, memory_span
from core.memory.trajectories import Trajectory

CELL_NAMES = {"tanh": "RNN", "lstm": "LSTM", "gru": "GRU"}


def inert(text: str, limit: int = 20) -> str:
    """A token typed by the reader as literal markdown: every ASCII punctuation mark escaped."""
    s = str(text)[:limit]
    return "".join("\\" + ch if ch in string.punctuation else ch for ch in s)


def _reach(k: int | None, kmax: int) -> str:
    return f"beyond k = {kmax}" if k is None else f"k = {k}"


def trajectory_notes(tr: Trajectory, t: int) -> list[str]:
    """Capacity, PCA share and the state at the scrubbed step t (1-based)."""
    steps, n = tr.h.shape
    name = CELL_NAMES.get(tr.kind, tr.kind)
    extra = " (h and c)" if tr.c is not None else ""
    out = [
        f"The {name} carries **{tr.state_numbers} numbers**{extra} from step to step, whatever the length; for "
        f"these {steps} tokens the attention layer keeps $T \\times d$ = {steps} × {n} = **{tr.attention_numbers:,}** — "
        f"{tr.attention_numbers / tr.state_numbers:,.0f}× as many, and the ratio grows with every token.",
        f"The first two principal components hold {tr.pca.ratio[:2].sum():.0%} of the variance of the {steps} "
        f"hidden states ({tr.pca.ratio.sum():.0%} with the third); the transformer's per-token states: "
        f"{tr.z_pca.ratio[:2].sum():.0%}. The rest of the path lies in directions this picture cannot show.",
    ]
    i = t - 1
    cos = "" if np.isnan(tr.cosine[i]) else f", cosine to step {t - tr.lag} = {tr.cosine[i]:.2f}"
    out.append(f"At step {t} (‘{inert(tr.labels[i], 20)}’): ‖h‖ = {tr.norm[i]:.2f}, {tr.saturated[i]:.0%} of units "
               f"saturated{cos}.")
    if "f" in tr.gates:
        f = float(tr.gates["f"][i].mean())
        out.append(f"Here the forget gate averages {f:.2f}. A gate that stayed at {f:.2f} for 50 steps would keep "
                   f"{f:.2f}^50 ≈ {f ** 50:.1e} of the cell state. The seeds' own example is a gate of 0.99 held "
                   f"for 500 steps, which keeps 0.99^500 ≈ {0.99 ** 500:.3f}.")
    return out


def forgetting_notes(sens: pd.DataFrame, dec: Decodability, kmax: int, n: int) -> list[str]:
    """The sensitivity at t = 21 and how far back each probe still reads."""
    t_at = int(min(21, sens.t.max()))
    at = sens[sens.t == t_at].set_index("model")["trace"]
    kept = ", ".join(f"the {m} {at[m]:.1%}" for m in at.index if m != ATTENTION)
    out = [f"Change only the first token: {t_at - 1} steps later {kept} of the difference is left in the state."]
    if ATTENTION in at:
        out[0] += (f" The attention layer's stored states keep all of it — {at[ATTENTION]:.0%} of the step-1 "
                   "difference, since later states mix token 1 in as well.")
    spans = memory_span(dec.accuracy, dec.chance)
    rnn = [f"{_reach(spans[MODEL_NAMES[c]], kmax)} for the {CELL_NAMES[c]}" for c in CELL_NAMES if MODEL_NAMES[c] in spans]
    attn = dec.accuracy[dec.accuracy.model == ATTENTION]["accuracy"]
    out.append(f"The linear probe falls to near chance ({dec.chance:.0%} + 5 points) at {', '.join(rnn)}.")
    if len(attn):
        level = f"{attn.min():.0%}" if attn.max() - attn.min() < 0.005 else f"{attn.min():.0%}–{attn.max():.0%}"
        out[-1] += f" Through attention it reads {level} at every k up to {kmax}: the token k back is one hop away."
    k = spans.get(MODEL_NAMES["tanh"])
    if k is not None:
        side = "inside" if 20 <= k <= 30 else ("short of" if k < 20 else "beyond")
        out.append(f"The seeds say vanilla RNNs forget after ~20–30 steps: this untrained RNN with N = {n} "
                   f"forgets at k = {k}, {side} that range. Their ~100–500 steps for LSTMs and GRUs "
                   "describe trained networks in practice; the cells here are untrained.")
    return out


def size_notes(sizes: pd.DataFrame, chance: float, kind: str, kmax: int) -> list[str]:
    """How the reach moves with the state size N."""
    spans = memory_span(sizes, chance, by="N")
    lo, hi = min(spans), max(spans)
    return [f"Growing the {CELL_NAMES.get(kind, kind)} state from N = {lo} to N = {hi} moves its reach from "
            f"{_reach(spans[lo], kmax)} to {_reach(spans[hi], kmax)}: a bigger vector holds more of the past, "
            f"but it is still a fixed size that every new token must share."]


def overview_row(dec: Decodability, kmax: int, n: int) -> str:
    """One line for the Overview's 'Long-range dependencies' row."""
    spans = memory_span(dec.accuracy, dec.chance)
    cells = ", ".join(f"{CELL_NAMES[c]} {_reach(spans[MODEL_NAMES[c]], kmax).replace('k = ', '')}"
                      for c in CELL_NAMES if MODEL_NAMES[c] in spans)
    attn = dec.accuracy[dec.accuracy.model == ATTENTION]["accuracy"]
    tail = f"; attention {attn.min():.0%} at every k ≤ {kmax}" if len(attn) else ""
    return f"probe reads k steps back up to: {cells}{tail} (N = {n}, untrained)"


def claim(tr: Trajectory) -> str:
    """The page's claim in one sentence, from this input's numbers."""
    steps = len(tr.labels)
    name = CELL_NAMES.get(tr.kind, tr.kind)
    return (f"The {name} squeezes all {steps} tokens into {tr.state_numbers:,} numbers; a transformer layer keeps "
            f"{tr.attention_numbers:,} for them ({tr.attention_numbers / tr.state_numbers:,.0f}×), one per token "
            "and width.")
