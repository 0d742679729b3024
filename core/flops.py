"""Analytic floating-point operation counts for the timed methods.

Convention: a multiply-add is 2 FLOPs; only matrix products are counted
(elementwise activations, softmax and bias adds are O(B·T·d) and ignored, as
in Vaswani et al. 2017, Table 1). A training step (forward + backward) is
counted as 3× the forward: the backward of a matmul is two matmuls of the same
size (one for the input gradient, one for the weight gradient).

    method            forward FLOPs             sequential steps
    RNN (cell/fused)  4·B·T·d²                  T
    LSTM              16·B·T·d²                 T
    GRU               12·B·T·d²                 T
    attention         8·B·T·d² + 4·B·T²·d       1
"""
from __future__ import annotations

RECURRENT_GATES = {"rnncell_loop": 1, "rnn_fused": 1, "lstmcell_loop": 4, "lstm_fused": 4, "gru_fused": 3}
ATTENTION = ("mha", "sdpa")
TRAIN_FACTOR = 3


def forward_flops(method: str, B: int, T: int, d: int) -> int:
    """Matmul FLOPs of one forward pass over a (B, T, d) input with width d."""
    if method in RECURRENT_GATES:
        # Per step and gate: x_t @ W_ih (B×d by d×d) and h @ W_hh, 2·B·d² each.
        return RECURRENT_GATES[method] * 4 * B * T * d * d
    if method in ATTENTION:
        projections = 4 * 2 * B * T * d * d      # Q, K, V and the output projection
        scores = 2 * B * T * T * d               # Q Kᵀ summed over heads: H · 2·T²·Dh
        mixing = 2 * B * T * T * d               # softmax(·) V
        return projections + scores + mixing
    raise ValueError(f"unknown method {method!r}")


def flops(method: str, B: int, T: int, d: int, mode: str = "forward") -> int:
    """FLOPs of one call in `mode` ("forward" or "train" = forward + backward)."""
    f = forward_flops(method, B, T, d)
    return f * TRAIN_FACTOR if mode == "train" else f


def sequential_steps(method: str, T: int) -> int:
    """Dependent steps along time: T for recurrence (fused kernels still loop), 1 for attention."""
    return T if method in RECURRENT_GATES else 1


def crossover_T(d: int) -> float:
    """T at which attention's T²·d term equals its T·d² projection term (T = 2d)."""
    return 2.0 * d
