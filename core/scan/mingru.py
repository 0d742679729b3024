"""minGRU and minLSTM (Feng et al. 2024, "Were RNNs All We Needed?", arXiv 2410.01201).

Their gates read x_t only, never h_{t-1}, so h_t = a_t ⊙ h_{t-1} + b_t is affine
in h with a_t, b_t known for every t at once: training runs the whole sequence
through a parallel scan (`mode="parallel"`); inference runs the same weights one
step at a time (`mode="step"`), keeping N numbers of state.

minGRU:  z_t = σ(W_z x_t + b_z),  h̃_t = W_h x_t + b_h  (optionally g(h̃_t)),
         h_t = (1 − z_t) ⊙ h_{t-1} + z_t ⊙ h̃_t.
minLSTM: f_t = σ(W_f x_t + b_f), i_t = σ(W_i x_t + b_i), h̃_t = W_h x_t + b_h,
         f'_t = f_t / (f_t + i_t), i'_t = i_t / (f_t + i_t),
         h_t = f'_t ⊙ h_{t-1} + i'_t ⊙ h̃_t.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

from core.scan import affine

MODES = ("parallel", "step")


def g(x: Tensor) -> Tensor:
    """The paper's positive activation: x + ½ for x ≥ 0, σ(x) below (continuous at 0)."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def mingru_params(input_size: int, hidden_size: int) -> int:
    """Two Linear(I → N) maps with biases: 2·N·(I + 1)."""
    return 2 * hidden_size * (input_size + 1)


def minlstm_params(input_size: int, hidden_size: int) -> int:
    """Three Linear(I → N) maps with biases: 3·N·(I + 1)."""
    return 3 * hidden_size * (input_size + 1)


class _MinRNN(nn.Module):
    """Shared forward: coefficients (a, b) from x, then a scan or a loop."""

    def __init__(self, input_size: int, hidden_size: int, use_g: bool = False, scan: str = "tree"):
        super().__init__()
        if scan not in ("tree", "doubling", "heinsen", "loop"):
            raise ValueError(f"unknown scan {scan!r}")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.use_g = use_g
        self.scan = scan

    def coefficients(self, x: Tensor) -> tuple[Tensor, Tensor]:  # (B, T, N) each
        raise NotImplementedError

    def forward(self, x: Tensor, h0: Tensor | None = None, mode: str = "parallel") -> tuple[Tensor, Tensor]:
        if x.dim() != 3 or x.shape[-1] != self.input_size:
            raise ValueError(f"x must be (batch, time, {self.input_size}); got {tuple(x.shape)}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
        if h0 is not None and h0.shape != (x.shape[0], self.hidden_size):
            raise ValueError(f"h0 must be (batch, {self.hidden_size}); got {tuple(h0.shape)}")
        if mode == "step":
            return self.step_forward(x, h0)
        a, b = self.coefficients(x)
        h = affine.solve(self.scan, a, b, h0)
        return h, h[:, -1]

    def step_forward(self, x: Tensor, h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """One token at a time, as at inference: state (B, N) only."""
        h = x.new_zeros(x.shape[0], self.hidden_size) if h0 is None else h0
        outs = []
        for t in range(x.shape[1]):
            h = self.step(x[:, t], h)
            outs.append(h)
        return torch.stack(outs, dim=1), h

    def step(self, x_t: Tensor, h: Tensor) -> Tensor:
        a, b = self.coefficients(x_t.unsqueeze(1))
        return a[:, 0] * h + b[:, 0]


class MinGRU(_MinRNN):
    def __init__(self, input_size: int, hidden_size: int, use_g: bool = False, scan: str = "tree"):
        super().__init__(input_size, hidden_size, use_g, scan)
        self.linear_z = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)

    def coefficients(self, x: Tensor) -> tuple[Tensor, Tensor]:
        z = torch.sigmoid(self.linear_z(x))
        h_tilde = self.linear_h(x)
        if self.use_g:
            h_tilde = g(h_tilde)
        return 1 - z, z * h_tilde


class MinLSTM(_MinRNN):
    def __init__(self, input_size: int, hidden_size: int, use_g: bool = False, scan: str = "tree"):
        super().__init__(input_size, hidden_size, use_g, scan)
        self.linear_f = nn.Linear(input_size, hidden_size)
        self.linear_i = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)

    def coefficients(self, x: Tensor) -> tuple[Tensor, Tensor]:
        f = torch.sigmoid(self.linear_f(x))
        i = torch.sigmoid(self.linear_i(x))
        h_tilde = self.linear_h(x)
        if self.use_g:
            h_tilde = g(h_tilde)
        s = f + i
        return f / s, (i / s) * h_tilde
