"""'What to notice' on the attention-maps page, written from the computed numbers."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.attention import multihead as attention
from core.attention import positional


def head_notes(layer_w: list[np.ndarray], ideal: np.ndarray, close: pd.DataFrame) -> list[str]:
    """Closest-to-ideal head, and the head that most attends to the previous token.

    layer_w: per layer (H, T, T) weights; close: per-head closeness rows (no "mean" row).
    """
    best = close.loc[close["closeness"].idxmax()]
    prev = [(layer + 1, h + 1, float(v)) for layer, w in enumerate(layer_w)
            for h, v in enumerate(attention.previous_token(w))]
    prev_best = max(prev, key=lambda r: r[2])
    n_heads = layer_w[0].shape[0]
    best_prev = prev[(int(best["layer"]) - 1) * n_heads + int(best["head"]) - 1][2]
    return [
        f"Layer {best['layer']}, head {best['head']} puts **{best['closeness']:.0%}** of its attention on the ideal "
        f"keys; spreading evenly over the keys it may see would give {attention.uniform_baseline(ideal, True):.0%}.",
        f"Heads specialise: layer {prev_best[0]}, head {prev_best[1]} puts {prev_best[2]:.0%} of its weight on the "
        f"previous token (averaged over every position), a pattern of its own; the closest-to-ideal head puts "
        f"{best_prev:.0%} there.",
    ]


def step_note(query_label: str, key_labels: list[str], layer: int, head: int,
              w_row: np.ndarray, w_other: np.ndarray, scaled: bool) -> str:
    return (f"At query {query_label} (layer {layer}, head {head}) the largest weight is {w_row.max():.2f}, on key "
            f"{key_labels[int(np.argmax(w_row))]}; with the scaling {'removed' if scaled else 'restored'} it would be "
            f"{w_other.max():.2f}.")


def claim(task: str, close: pd.DataFrame, ideal: np.ndarray, right: int, total: int) -> str:
    """The page's claim in one sentence, from the closest head and the answers of this sequence."""
    best = close.loc[close["closeness"].idxmax()]
    even = attention.uniform_baseline(ideal, True)
    return (f"Trained only on the next token, the {task} model's layer {best['layer']}, head {best['head']} "
            f"found the keys the task needs: {best['closeness']:.0%} of its attention (even spread: {even:.0%}); "
            f"{right} of {total} answer{'s' if total != 1 else ''} right.")


def demo_notes(n_heads: int, head_width: int, t: int, entropy: pd.DataFrame, grads: pd.DataFrame,
               causal: bool) -> list[str]:
    """Softmax saturation without 1/√Dh, and the flat gradient-by-distance of attention vs an RNN."""
    ent_s, ent_u = entropy.groupby("formula", sort=False)["entropy"].mean()
    att_g, rnn_g = (grads[grads["model"].str.startswith(m)].set_index("distance")["gradient norm"]
                    for m in ("att", "tanh"))
    far = int(att_g.index.max())
    ceiling = attention.max_entropy(t, causal)
    where = "the mean of $\\ln t$ over the rows, as the causal mask lets row $t$ see $t$ keys" if causal else "$\\ln T$"
    heads = f"{n_heads} head{'s' if n_heads != 1 else ''}"
    return [
        f"On random weights with {heads} of $D_h = {head_width}$, dropping $1/\\surd D_h$ lowers the mean "
        f"entropy from {ent_s:.2f} to {ent_u:.2f} nats (uniform attention: {where} = {ceiling:.2f}): "
        f"the softmax saturates.",
        f"Any two positions are one step apart: from 1 to {far} steps back, attention's gradient to an input stays "
        f"between {att_g[att_g.index >= 1].min():.1e} and {att_g[att_g.index >= 1].max():.1e}, while the RNN's falls "
        f"from {rnn_g[1]:.1e} to {rnn_g[far]:.1e}.",
    ]


def order_notes(permutation: pd.DataFrame, enc) -> list[str]:
    """The permutation test's four numbers, and what the chosen positional encoding induces."""
    rows = permutation["max |difference|"].tolist()
    out = [f"Without a positional encoding or mask, shuffling the tokens changes the transformer's outputs by only "
           f"{rows[0]:.1e} beyond the shuffle — it sees a set. The causal mask alone breaks that ({rows[1]:.2f}), so "
           f"does its learned encoding ({rows[2]:.2f}), and the RNN's final state moves by {rows[3]:.2f}."]
    if enc.kind == "none":
        out.append("With no encoding every position gets the same (zero) vector: all dot products are 0, "
                   "order is invisible.")
    else:
        near, far = positional.cosine_by_distance(enc.matrix)
        out.append(f"The {enc.kind} encoding: neighbouring positions have mean cosine similarity {near:.2f}, "
                   f"positions ≥ 5 apart {far:.2f}"
                   + (f"; its dot products depend only on the distance (spread along a diagonal "
                      f"{positional.diagonal_spread(enc.similarity):.1e})." if enc.kind == "sinusoidal" else "."))
    return out
