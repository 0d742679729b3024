"""Memory and time of every gradient-page computation, estimated before it runs.

The constants come from timing the page's own computations on one thread of the project's
2-core host under load (2026-12): a recurrent step of S stacked seeds costs about
STEP_S + S · rows · N² · FLOP_S seconds forward and backward (rows = 1 for tanh/ReLU/linear,
3 for the GRU, 4 for the LSTM); an attention position about ATTN_S + N² · FLOP_S per seed; a
spectral norm of an M × M step Jacobian about EIG_S + M³ · EIG_M3_S. They err on the slow side
(the default view is estimated at ~3× its measured 0.3 s), so a refusal is never a surprise.
Memory counts what autograd keeps alive: every step's states and gates, float64.
"""
from __future__ import annotations

from core.bounds import Estimate
from core.config import GRADIENT_RECURRENT, GRADIENTS as LIM

STEP_S = 6e-4          # per recurrent step, whatever its width (Python and dispatch overhead)
FLOP_S = 5e-9          # per seed · gate row · N² of a recurrent step, forward and backward
ATTN_S = 3e-5          # per seed and position of an attention layer
EIG_S = 2e-4           # per step Jacobian: building it and one eigvalsh call's overhead
EIG_M3_S = 1.2e-9      # per M³ of that eigvalsh
BYTES = 8              # float64
ROWS = {"tanh": 1, "relu": 1, "linear": 1, "gru": 3, "lstm": 4}
JACOBIAN_CHUNK_BYTES = 64 * 1024**2     # step Jacobians are built this many bytes at a time


def recurrent(kind: str, T: int, n: int, seeds: int) -> Estimate:
    """One unrolled run of `seeds` stacked cells with a backward pass through every state."""
    rows = ROWS[kind]
    seconds = T * (STEP_S + seeds * rows * n * n * FLOP_S)
    kept = T * seeds * n * (3 * rows + 4) * BYTES * 2           # states, gates, pre-activations; ×2 grads
    weights = seeds * rows * n * (n + LIM.n_in) * BYTES * 3
    return Estimate(kept + weights, seconds)


def attention(T: int, n: int, seeds: int) -> Estimate:
    """The last position's output of a self-attention layer or transformer block, and its gradient."""
    return Estimate(seeds * T * n * 10 * BYTES + seeds * 8 * n * n * BYTES, seeds * T * (ATTN_S + n * n * FLOP_S))


def profile(models: tuple[str, ...], T: int, n: int, seeds: int) -> Estimate:
    """gradient_profile: every model in turn, plus the first recurrent model's float32 rerun."""
    total = Estimate(0.0, 0.0)
    for m in models:
        total = total + (recurrent(m, T, n, seeds) if m in GRADIENT_RECURRENT else attention(T, n, seeds))
    first = next((m for m in models if m in GRADIENT_RECURRENT), None)
    return total + (recurrent(first, T, n, 1) if first else Estimate(0.0, 0.0))


def state_width(kind: str, n: int) -> int:
    """M, the width of the state s_k the step Jacobian acts on: 2N for the LSTM (h, c), else N."""
    return 2 * n if kind == "lstm" else n


def jacobian_per_step(kind: str, n: int) -> float:
    m = state_width(kind, n)
    return EIG_S + m**3 * EIG_M3_S


def jacobian(kind: str, T: int, n: int, distances: int | None = None) -> Estimate:
    """jacobian_view over `distances` step Jacobians (all T by default), built in chunks."""
    d = T if distances is None else distances
    m = state_width(kind, n)
    chunk = max(1, JACOBIAN_CHUNK_BYTES // (m * m * BYTES * 8))
    live = min(d, chunk) * m * m * BYTES * 8                    # ~8 (chunk, M, M) temporaries at once
    return recurrent(kind, T, n, 1) + Estimate(live, d * jacobian_per_step(kind, n))


def jacobian_distances(kind: str, T: int, n: int, seconds: float) -> int:
    """How many distances (from d = 0) the Jacobian view can cover within `seconds`; at least 2."""
    spare = seconds - recurrent(kind, T, n, 1).seconds
    return int(min(T, max(2, spare // jacobian_per_step(kind, n))))


def phase(kind: str, T: int, n: int) -> Estimate:
    """phase_diagram: one run of every ρ of the grid stacked as seeds."""
    return recurrent(kind, T, n, LIM.phase_rho[2])


def clipping() -> Estimate:
    """clipping_run: two short float32 training runs of fixed size (the page has no size control)."""
    steps, t, n, b = LIM.train_steps, LIM.train_T, LIM.train_hidden, LIM.train_batch
    return Estimate(b * t * n * 40, 2 * steps * t * (STEP_S + b * n * n * FLOP_S))
