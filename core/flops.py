"""Analytic floating-point operation counts for the timed methods.

Convention: a multiply-add is 2 FLOPs; only matrix products are counted
(elementwise activations, softmax and bias adds are O(B·T·d) and ignored, as
in Vaswani et al. 2017, Table 1).

A training step is the forward plus the backward *with respect to the weights
only* (the timed step calls `torch.autograd.grad(loss, weights)`; the input
needs no gradient). The backward of a matmul is up to two matmuls of its size:
one for the weight gradient, one for its input's gradient — and the second is
skipped when that input needs no gradient. So a product of the input x with a
weight costs one backward matmul, not two: x·W_ih at every step of a
recurrence (and h₀·W_hh, h₀ being zeros), and attention's Q, K, V projections.
The rule of thumb "training = 3× the forward" overstates this step by up to
1.2× for recurrence (10T − 2 instead of 12T per gate and B·d²·…), checked
against `torch.utils.flop_counter.FlopCounterMode` on the timed step itself.

    method            forward FLOPs             sequential steps
    RNN (cell/fused)  4·B·T·d²                  T
    LSTM              16·B·T·d²                 T
    GRU               12·B·T·d²                 T
    attention         8·B·T·d² + 4·B·T²·d       1
"""
from __future__ import annotations

RECURRENT_GATES = {"rnncell_loop": 1, "rnn_fused": 1, "lstmcell_loop": 4, "lstm_fused": 4, "gru_fused": 3}
ATTENTION = ("mha", "sdpa")


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


def train_flops(method: str, B: int, T: int, d: int) -> int:
    """Matmul FLOPs of one training step: forward + backward with respect to the weights only."""
    mm = 2 * B * d * d                     # one (B×d)·(d×d) product per gate and step
    if method in RECURRENT_GATES:
        g = RECURRENT_GATES[method]
        forward = 2 * T * mm               # x_t·W_ih and h·W_hh
        weight_grads = 2 * T * mm          # ∂W_ih and ∂W_hh at every step
        state_grads = (T - 1) * mm         # ∂h_{t-1} through W_hh; h₀ is a constant (zeros)
        return g * (forward + weight_grads + state_grads)
    if method in ATTENTION:
        proj = 2 * B * T * d * d           # one (B·T×d)·(d×d) projection
        attn = 2 * B * T * T * d           # Q·Kᵀ, or P·V, summed over heads
        forward = 4 * proj + 2 * attn
        backward = (3 * proj               # ∂W_q, ∂W_k, ∂W_v: x needs no gradient
                    + 2 * proj             # output projection: ∂W_o and ∂(its input)
                    + 4 * attn)            # ∂Q, ∂K from the scores; ∂P, ∂V from the mixing
        return forward + backward
    raise ValueError(f"unknown method {method!r}")


def flops(method: str, B: int, T: int, d: int, mode: str = "forward") -> int:
    """FLOPs of one call in `mode` ("forward" or "train" = forward + backward w.r.t. the weights)."""
    return train_flops(method, B, T, d) if mode == "train" else forward_flops(method, B, T, d)


def sequential_steps(method: str, T: int) -> int:
    """Dependent steps along time: T for recurrence (fused kernels still loop), 1 for attention."""
    return T if method in RECURRENT_GATES else 1


def crossover_T(d: int) -> float:
    """T at which attention's T²·d term equals its T·d² projection term (T = 2d)."""
    return 2.0 * d
