"""One loop for every model: seeds, progress, the stop flag, clipping, checkpoints and the CLI."""
import threading

import numpy as np
import pytest
import torch

from core.attention.training import (KINDS, TrainConfig, _cli, evaluate, load_checkpoint, make_model, matched_width,
                           param_count, recurrent_params, save_checkpoint, train)

SMALL = dict(width=16, layers=1, heads=2)


def _tiny(seed=0, kind="transformer"):
    return make_model(kind, seed=seed, **SMALL) if kind == "transformer" else make_model(kind, 16, 1, seed=seed)


def test_same_seeds_same_run_and_the_loss_falls():
    cfg = TrainConfig(task="copy", steps=40, batch=16, seed=3, warmup=5, lr=1e-2)
    a, b = train(_tiny(), cfg), train(_tiny(), cfg)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert a.loss[-5:].mean() < a.loss[:5].mean()
    other = train(_tiny(), TrainConfig(task="copy", steps=5, batch=32, seed=4))
    assert not np.array_equal(a.loss[:5], other.loss)


def test_global_rng_is_left_alone():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    make_model("transformer", seed=7, **SMALL)
    assert torch.equal(torch.rand(3), expected)


def test_progress_callback_and_stop_flag():
    stop, seen = threading.Event(), []

    def progress(step, total, loss):
        seen.append((step, total))
        if step == 4:
            stop.set()

    res = train(_tiny(), TrainConfig(task="sort", steps=50, batch=8), progress, stop)
    assert res.steps_done == 4 and res.stopped and seen == [(k, 50) for k in range(1, 5)]
    assert len(res.loss) == len(res.grad_norm) == 4


@pytest.mark.parametrize("clip", [1e-3, 0.0])
def test_clipping_bounds_the_step_and_records_the_raw_norm(clip):
    """With plain SGD one step moves the weights by lr · min(raw norm, clip) exactly (0 = no clipping)."""
    model = _tiny()
    before = [p.detach().clone() for p in model.parameters()]
    res = train(model, TrainConfig(task="reverse", steps=1, batch=16, lr=0.01, clip=clip, warmup=1,
                                   optimizer="sgd"))
    moved = float(torch.sqrt(sum(((p.detach() - q) ** 2).sum() for p, q in zip(model.parameters(), before))))
    raw = res.grad_norm[0]
    assert raw > 1e-3
    assert moved == pytest.approx(0.01 * (min(raw, clip) if clip else raw), rel=1e-4)


@pytest.mark.parametrize("kind", KINDS[1:])
def test_recurrent_models_train_in_the_same_loop(kind):
    res = train(_tiny(kind=kind), TrainConfig(task="recall", steps=3, batch=8))
    assert res.steps_done == 3 and np.isfinite(res.loss).all()


@pytest.mark.parametrize("kind", KINDS[1:])
def test_parameter_count_closed_form_and_matched_width(kind):
    for width, layers in ((5, 1), (17, 2)):
        assert recurrent_params(kind, width, layers) == param_count(make_model(kind, width, layers))
    target = param_count(make_model("transformer", 64, 2, 4))
    n = param_count(make_model(kind, matched_width(kind, target), 1))
    assert abs(n - target) / target < 0.03


def test_limits_are_named():
    with pytest.raises(ValueError, match="training steps must be between 1 and 50000"):
        TrainConfig(steps=0).check()
    with pytest.raises(ValueError, match="model kind must be one of"):
        make_model("mamba", 16, 1)


def test_untrained_model_is_near_chance_and_checkpoints_round_trip(tmp_path):
    model = _tiny().eval()
    ev = evaluate(model, "reverse", size=45)
    assert 0.0 <= ev.token_accuracy < 0.4 and list(ev.by_length["n"]) == list(range(2, 11))
    save_checkpoint(model, tmp_path / "m.pt")
    loaded = load_checkpoint(tmp_path / "m.pt")
    x = torch.randint(0, 19, (2, 9))
    torch.testing.assert_close(loaded(x), model(x))
    assert not any(p.requires_grad for p in loaded.parameters())


def test_cli_retrains_a_checkpoint(tmp_path, capsys):
    out = tmp_path / "copy.pt"
    _cli(["--task", "copy", "--steps", "3", "--width", "16", "--layers", "1", "--heads", "2", "--out", str(out)])
    assert "copy: token accuracy" in capsys.readouterr().out
    assert load_checkpoint(out).cfg.width == 16
