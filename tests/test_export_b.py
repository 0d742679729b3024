"""Exports of the gradients, memory and attention's-price pages: every "reproduce in Python" snippet
runs in a fresh process and prints the frame the page draws (live timings: the same columns and
grid, since a re-measurement differs). Sizes are tiny; each case takes a few seconds."""
from __future__ import annotations

import pandas as pd
import pytest

from core.gradients.clipping import clipping_run
from core.gradients.jacobians import bounded_jacobian_view, phase_diagram
from core.gradients.profile import GradientSetup, forget_arithmetic
from core.memory import charts as mcharts
from core.memory import seq2seq
from core.memory.seq2seq_charts import accuracy_frame, alignment_frame
from core.memory.setup import ForgettingSetup, TrajectorySetup, run_forgetting, run_sizes, run_trajectory
from core.price import costs
from core.price.plan import CrossoverSpec, MemorySpec, StreamSpec
from core.story import snippets
from tests.test_export import _run, _same

SETUP = GradientSetup(models=("tanh", "lstm"), T=24, n_hidden=8, rho=0.9, n_seeds=2, seed=3)
TRAJ = TrajectorySetup(source="synthetic", length=16, vocab=5, cell="gru", n_hidden=8, rho=0.9, seed=4)
TEXT = TrajectorySetup(text="it's a 'quoted'\nline", cell="lstm", n_hidden=8, seed=4)
FORGET = ForgettingSetup(cell="lstm", n_hidden=8, kmax=3, seed=5)


@pytest.mark.parametrize("kind", ["tanh", "lstm"])
def test_jacobian_snippet(kind):
    _same(_run(snippets.jacobian_product(SETUP, kind)), bounded_jacobian_view(SETUP, kind).frame)


def test_phase_snippet():
    _same(_run(snippets.phase(SETUP, "tanh")), phase_diagram(SETUP, "tanh"))


def test_forget_gate_snippet():
    _same(_run(snippets.forget_gate(40, 1.5)), forget_arithmetic(40, 1.5))


def test_clipping_snippet():
    _same(_run(snippets.clipping(2.0, 0.5, 7)), clipping_run(2.0, 0.5, 7).frame)


@pytest.mark.parametrize("setup", [TRAJ, TEXT], ids=["synthetic", "text"])
def test_trajectory_snippet(setup):
    _same(_run(snippets.memory_steps(setup)), mcharts.steps_frame(run_trajectory(setup)[0]))


def test_forgetting_snippets():
    sens, dec = run_forgetting(FORGET)
    _same(_run(snippets.memory_forgetting(FORGET, "sensitivity")), sens)
    _same(_run(snippets.memory_forgetting(FORGET, "probe")), dec.accuracy)


def test_state_size_snippet():
    _same(_run(snippets.memory_sizes(FORGET)), run_sizes(FORGET))


def test_seq2seq_snippets():
    models = {v: seq2seq.load_variant(v) for v in ("plain", "attention")}
    page = accuracy_frame({v: seq2seq.accuracy(m).by_length for v, m in models.items()})
    _same(_run(snippets.seq2seq_accuracy()), page)
    source = (3, 1, 4, 1, 5)
    _same(_run(snippets.seq2seq_alignment("attention", source)),
          alignment_frame(seq2seq.translate(models["attention"], source)))


def test_lstm_params_snippet():
    _same(_run(snippets.lstm_params(2, 32, 64)), costs.params_curve(2, 32, 64))


@pytest.mark.parametrize("spec, isolated, grid", [
    (MemorySpec(t_max=512, seed=1, threads=1), True, "kind"),
    (CrossoverSpec(recurrent="lstm_fused", d=16, t_max=512, device="cpu", threads=1, seed=1), True, "method"),
    (StreamSpec(d=16, ctx_max=128, device="cpu", threads=1, seed=1), False, "kind"),
], ids=["memory", "crossover", "stream"])
def test_live_sweep_snippets_remeasure_the_pages_grid(spec, isolated, grid):
    """The page's live rows have these columns (plus `source`) on this grid; the timings differ."""
    out = _run(snippets.price_sweep(spec, isolated))
    jobs = pd.DataFrame(spec.jobs(), columns=[grid, "T"])
    assert sorted(map(tuple, out[[grid, "T"]].values.tolist())) == sorted(map(tuple, jobs.values.tolist()))
    assert {grid, "T"} <= set(out.columns) and len(out.columns) > 2
