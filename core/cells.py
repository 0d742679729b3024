"""Recurrent cells unrolled step by step, with every state and gate kept.

One implementation serves the gradient page (float64, autograd through every
h_t), the memory page (hidden states, cell states and gates) and the tests,
which check it against torch's fused `nn.RNN` / `nn.LSTM` / `nn.GRU` with the
same weights. Weights use torch's layouts, so they copy across directly:

    RNN   weight_ih (N, I),  weight_hh (N, N)
    LSTM  weight_ih (4N, I), weight_hh (4N, N), gate order i, f, g, o
    GRU   weight_ih (3N, I), weight_hh (3N, N), gate order r, z, n
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

KINDS = ("tanh", "relu", "linear", "lstm", "gru")
GATE_ROWS = {"tanh": 1, "relu": 1, "linear": 1, "lstm": 4, "gru": 3}


@dataclass(frozen=True)
class CellSpec:
    """How to build a cell. `rho` scales the recurrent matrix to that spectral radius."""

    kind: str = "tanh"
    n_in: int = 8
    n_hidden: int = 64
    rho: float = 1.0
    init: str = "orthogonal"      # "orthogonal" (all |eigenvalues| = rho) or "gaussian" (radius = rho)
    input_scale: float = 1.0      # std of the input weights times sqrt(n_in)
    forget_bias: float = 0.0      # LSTM only: added to the forget gate's bias
    seed: int = 0


@dataclass
class CellWeights:
    """Parameters in torch's layout (see module docstring)."""

    kind: str
    weight_ih: torch.Tensor
    weight_hh: torch.Tensor
    bias_ih: torch.Tensor
    bias_hh: torch.Tensor

    @property
    def n_hidden(self) -> int:
        return self.weight_hh.shape[-1]

    def to(self, dtype: torch.dtype) -> "CellWeights":
        return CellWeights(self.kind, *(t.to(dtype) for t in
                           (self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)))


def _recurrent_block(n: int, spec: CellSpec, g: torch.Generator) -> torch.Tensor:
    """An (N, N) matrix with spectral radius `spec.rho`."""
    if spec.init == "orthogonal":
        q, r = torch.linalg.qr(torch.randn(n, n, generator=g, dtype=torch.float64))
        q = q * torch.sign(torch.diagonal(r))  # Haar-uniform orthogonal
        return spec.rho * q
    if spec.init == "gaussian":
        w = torch.randn(n, n, generator=g, dtype=torch.float64)
        radius = torch.linalg.eigvals(w).abs().max().real
        return spec.rho * w / radius
    raise ValueError(f"init must be 'orthogonal' or 'gaussian'; got {spec.init!r}")


def make_cell(spec: CellSpec) -> CellWeights:
    """Build weights from a spec with a local generator (float64)."""
    if spec.kind not in KINDS:
        raise ValueError(f"cell must be one of {', '.join(KINDS)}; got {spec.kind!r}")
    g = torch.Generator().manual_seed(spec.seed)
    n, rows = spec.n_hidden, GATE_ROWS[spec.kind]
    w_hh = torch.cat([_recurrent_block(n, spec, g) for _ in range(rows)])                 # (rows·N, N)
    w_ih = torch.randn(rows * n, spec.n_in, generator=g, dtype=torch.float64)
    w_ih = w_ih * spec.input_scale / math.sqrt(spec.n_in)                                  # (rows·N, I)
    b_ih = torch.zeros(rows * n, dtype=torch.float64)
    b_hh = torch.zeros(rows * n, dtype=torch.float64)
    if spec.kind == "lstm":
        b_ih[n:2 * n] = spec.forget_bias
    return CellWeights(spec.kind, w_ih, w_hh, b_ih, b_hh)


@dataclass
class Unrolled:
    """Every step of a run. Tensors keep their autograd graph (callers detach).

    h: (B, T, N) hidden states h_1..h_T (for the LSTM the output h, not c)
    c: (B, T, N) LSTM cell states, else None
    gates: name -> (B, T, N) for the LSTM (i, f, g, o) and GRU (r, z, n), else empty
    states: the T hidden-state tensors as a list, each (B, N) — graph leaves for ∂L/∂h_k
    """

    h: torch.Tensor
    c: torch.Tensor | None
    gates: dict[str, torch.Tensor]
    states: list[torch.Tensor]


def _step(w: CellWeights, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor | None):
    """One step: returns (h', c', gates) with x (B, I), h (B, N)."""
    return _cell(w, x @ w.weight_ih.mT + w.bias_ih.unsqueeze(-2), h, c)                   # gi (B, rows·N)


def _input_projection(w: CellWeights, x: torch.Tensor) -> torch.Tensor:
    """x W_ih^T + b_ih for every step at once: (…, T, I) → (…, T, rows·N).

    Nothing in it is recurrent, so `unroll` takes it out of the loop (fewer ops per step).
    """
    bias = w.bias_ih if w.bias_ih.dim() == 1 else w.bias_ih[..., None, None, :]           # stacked: (S, 1, 1, rows·N)
    return x @ w.weight_ih.mT.unsqueeze(-3) + bias


def _cell(w: CellWeights, gi: torch.Tensor, h: torch.Tensor, c: torch.Tensor | None):
    """One step from the input's projection gi (B, rows·N); see `_step`."""
    gh = h @ w.weight_hh.mT + w.bias_hh.unsqueeze(-2)
    if w.kind in ("tanh", "relu", "linear"):
        pre = gi + gh
        act = {"tanh": torch.tanh, "relu": torch.relu, "linear": lambda z: z}[w.kind]
        return act(pre), None, {}
    if w.kind == "lstm":
        i, f, g, o = (gi + gh).chunk(4, dim=-1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c_new = f * c + i * g
        return o * torch.tanh(c_new), c_new, {"i": i, "f": f, "g": g, "o": o}
    ir, iz, in_ = gi.chunk(3, dim=-1)
    hr, hz, hn = gh.chunk(3, dim=-1)
    r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
    n = torch.tanh(in_ + r * hn)
    return (1 - z) * n + z * h, None, {"r": r, "z": z, "n": n}


def _steps(w: CellWeights, x: torch.Tensor, h0: torch.Tensor | None):
    """Each step's (h, c, gates) over x (…, T, I) from h0 (zeros by default): the loop `unroll` and
    `hidden_states` share."""
    *lead, t, _ = x.shape
    h = torch.zeros(*lead, w.n_hidden, dtype=x.dtype) if h0 is None else h0
    c = torch.zeros(*lead, w.n_hidden, dtype=x.dtype) if w.kind == "lstm" else None
    for gi in _input_projection(w, x).unbind(-2):      # T × (…, rows·N); unbind keeps the backward O(T)
        h, c, gates = _cell(w, gi, h, c)
        yield h, c, gates


def unroll(w: CellWeights, x: torch.Tensor, h0: torch.Tensor | None = None) -> Unrolled:
    """Run the cell over x (B, T, I) from h0 (B, N) (zeros by default).

    With stacked weights (see `stack_cells`, leading dim S) x is (S, B, T, I) and
    every result gains the same leading S: S independent cells in one batched run.
    """
    states, cells, gate_steps = [], [], []
    for h, c, gates in _steps(w, x, h0):
        states.append(h)
        if c is not None:
            cells.append(c)
        gate_steps.append(gates)
    gates = {name: torch.stack([g[name] for g in gate_steps], -2) for name in gate_steps[0]} if gate_steps else {}
    return Unrolled(
        h=torch.stack(states, -2),                                                         # (B, T, N)
        c=torch.stack(cells, -2) if cells else None,
        gates=gates,
        states=states,
    )


def hidden_states(w: CellWeights, x: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
    """`unroll(w, x, h0).h`, the same numbers, without a graph, gates or cell states: (…, T, N).

    Each step is written into one preallocated tensor. `unroll` also keeps every gate and stacks
    them again at the end: for an LSTM over a batch of probe sequences that was ~10× the memory of h.
    """
    *lead, t, _ = x.shape
    with torch.no_grad():
        out = torch.empty(*lead, t, w.n_hidden, dtype=x.dtype)
        for k, (h, _, _) in enumerate(_steps(w, x, h0)):
            out[..., k, :] = h
    return out


def stack_cells(cells: list[CellWeights]) -> CellWeights:
    """S cells of one kind and size as one, each weight gaining a leading dim S (for `unroll`)."""
    kinds = {w.kind for w in cells}
    if len(kinds) != 1:
        raise ValueError(f"stack_cells needs cells of one kind; got {sorted(kinds)}")
    return CellWeights(cells[0].kind, *(torch.stack([getattr(w, a) for w in cells]) for a in
                                        ("weight_ih", "weight_hh", "bias_ih", "bias_hh")))


def to_torch_module(w: CellWeights) -> torch.nn.Module:
    """The equivalent fused torch module (nn.RNN / nn.LSTM / nn.GRU, batch_first) with copied weights."""
    n_in, n = w.weight_ih.shape[1], w.n_hidden
    if w.kind == "linear":
        raise ValueError("torch has no linear RNN module")
    cls = {"tanh": torch.nn.RNN, "relu": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[w.kind]
    kwargs = {"nonlinearity": w.kind} if w.kind in ("tanh", "relu") else {}
    mod = cls(n_in, n, batch_first=True, **kwargs).to(w.weight_ih.dtype)
    with torch.no_grad():
        mod.weight_ih_l0.copy_(w.weight_ih)
        mod.weight_hh_l0.copy_(w.weight_hh)
        mod.bias_ih_l0.copy_(w.bias_ih)
        mod.bias_hh_l0.copy_(w.bias_hh)
    return mod
