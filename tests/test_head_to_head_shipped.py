"""The shipped head-to-head results: they validate, cover the plan, and agree with their checkpoints."""
import json

import numpy as np
import pandas as pd
import pytest
import torch

from core.config import H2H
from core.head_to_head import experiment, models, shipped, tasks


@pytest.fixture(scope="module")
def sweep():
    meta, runs = shipped.sweep()
    assert len(runs), "assets/head_to_head/sweep.json is missing: python -m core.head_to_head sweep"
    return meta, runs


def test_sweep_covers_the_plan_with_three_seeds_and_records_its_cost(sweep):
    meta, runs = sweep
    for task, distances in H2H.sweep_plan:
        for D in distances:
            for kind in models.available():
                got = runs[(runs.task == task) & (runs.distance == D) & (runs.model == kind)]
                assert sorted(got.seed) == list(range(H2H.seeds)), (task, D, kind)
    assert runs.accuracy.between(0, 1).all() and runs.exact.between(0, 1).all()
    for v in meta["runs"].values():
        assert v["seconds"] > 0 and len(v["load_start"]) == 3 and "python -m core.head_to_head sweep" in v["command"]


def test_every_run_used_the_matched_model_and_the_tuned_settings(sweep):
    _, runs = sweep
    sizes = runs.groupby("model").parameters.first()
    assert (sizes / sizes["transformer"] - 1).abs().max() <= H2H.param_tolerance
    for kind, g in runs.groupby("model"):
        lr, gb = shipped.hyper(kind)
        assert np.allclose(g.lr, lr) and np.allclose(g.gate_bias, gb)
        assert (g.parameters == models.count(kind, models.width_for(kind))).all()
    assert (runs.steps <= H2H.steps.default).all()


def test_curves_end_where_the_runs_do(sweep):
    _, runs = sweep
    curves = shipped.curves()
    last = curves.sort_values("step").groupby(["task", "distance", "model", "seed"]).last()
    for r in runs.itertuples():
        c = last.loc[(r.task, r.distance, r.model, r.seed)]
        assert c.step == r.steps and abs(c.accuracy - r.accuracy) < 1e-4    # the CSV keeps 5 significant digits


@pytest.mark.parametrize("kind", models.available())
def test_checkpoints_reproduce_their_recorded_accuracy(sweep, kind):
    _, runs = sweep
    task, D, seed = shipped.CHECKPOINT_SETTING
    blob = torch.load(shipped.checkpoint_path(kind), map_location="cpu", weights_only=True)
    assert (blob["kind"], blob["task"], blob["distance"], blob["seed"]) == (kind, task, D, seed)
    model = models.build(kind, blob["width"])
    model.load_state_dict(blob["state_dict"])
    got = experiment.score(model, tasks.eval_batch(task, D)).accuracy
    row = runs[(runs.task == task) & (runs.distance == D) & (runs.model == kind) & (runs.seed == seed)].iloc[0]
    assert abs(got - row.accuracy) <= 1 / H2H.eval_size
    assert shipped.checkpoint_path(kind).stat().st_size < 400_000


def test_tuning_kept_the_best_setting_per_model():
    tune = shipped.tuning()
    rows = pd.DataFrame(tune["rows"])
    for kind, g in rows.groupby("model"):
        pick = tune["picked"][kind]
        chosen = g[(g.lr == pick["lr"]) & (g.gate_bias == pick["gate_bias"])]
        assert chosen.accuracy.iloc[0] == g.accuracy.max()


def test_throughput_file_validates():
    meta, tp = shipped.throughput()
    assert len(tp), "assets/head_to_head/throughput.json is missing: python -m core.head_to_head throughput"
    assert set(tp.model) == set(models.available()) and set(tp["T"]) == set(H2H.tp_lengths)
    assert (tp.tokens_per_s > 0).all() and len(meta["load_start"]) == 3 and meta["threads"] == 1
    assert (tp.unstable == (tp.iqr_over_median > H2H.tp_unstable)).all()
    assert np.allclose(tp.tokens_per_s, tp.B * tp["T"] / tp.median_s)


def test_readme_names_every_regenerating_command():
    text = (shipped.DIR / "README.md").read_text()
    for cmd in ("python -m core.head_to_head tune", "python -m core.head_to_head sweep",
                "python -m core.head_to_head throughput"):
        assert cmd in text


def test_a_live_run_repeats_the_shipped_seed_zero_run():
    r = experiment.race("recall", 4, ["gru"], H2H.steps.default, seed=0)
    curves = shipped.curves()
    ref = curves[(curves.task == "recall") & (curves.distance == 4) & (curves.model == "gru") & (curves.seed == 0)]
    assert r.trainers[0].curve.step == ref.step.tolist()
    assert np.allclose(r.trainers[0].curve.accuracy, ref.accuracy, atol=1e-4)
