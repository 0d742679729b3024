"""Head to head, core: tasks against brute force, matched parameter counts, a tiny seeded run, the live race."""
import threading
import time

import pytest
import torch

from core.config import H2H
from core.head_to_head import experiment, models, tasks
from core.train_loop import param_count


@pytest.mark.parametrize("task", tasks.TASKS)
@pytest.mark.parametrize("distance", [1, 4, 17, 64])
def test_generators_produce_the_brute_force_answers(task, distance):
    b = tasks.make_batch(task, distance, 64, torch.Generator().manual_seed(distance))
    assert b.tokens.shape == (64, tasks.length(task, distance))
    slots = list(b.slots)
    assert (b.targets[:, [i for i in range(b.tokens.shape[1]) if i not in slots]] == tasks.IGNORE).all()
    for row, tgt in zip(b.tokens.tolist(), b.targets.tolist()):
        assert [tgt[s] for s in slots] == tasks.answers(task, row)
        assert all(0 <= tgt[s] < tasks.S for s in slots)


def test_the_distance_is_what_the_dial_says():
    b = tasks.make_batch("recall", 10, 4, torch.Generator().manual_seed(0))
    assert b.slots == (11,)                                   # x, 10 distractors, then the query
    c = tasks.make_batch("copy", 10, 256, torch.Generator().manual_seed(0))
    body = c.tokens[:, : 10 + H2H.copy_k]
    assert ((body != tasks.NOISE).sum(1) == H2H.copy_k).all()   # k marked among D noise tokens
    a = tasks.make_batch("assoc", 10, 4, torch.Generator().manual_seed(0))
    gap = a.tokens[:, 2 * H2H.assoc_pairs: -1]
    assert gap.shape[1] == 10 and (gap == tasks.NOISE).all()


def test_same_seed_same_stream_and_bad_settings_are_refused():
    one = tasks.make_batch("assoc", 8, 8, torch.Generator().manual_seed(3))
    two = tasks.make_batch("assoc", 8, 8, torch.Generator().manual_seed(3))
    assert torch.equal(one.tokens, two.tokens)
    with pytest.raises(ValueError, match="task must be one of"):
        tasks.make_batch("sort", 8, 8, torch.Generator())
    with pytest.raises(ValueError, match="between 1 and 64"):
        tasks.make_batch("recall", 65, 8, torch.Generator())
    assert tasks.example("recall", 4)[0].endswith("?")


@pytest.mark.parametrize("kind", models.available())
def test_parameter_counts_match_within_ten_percent(kind):
    d = models.described(kind)
    model = models.build(kind, d["width"])
    assert param_count(model) == models.count(kind, d["width"]) == d["parameters"]
    assert abs(d["vs_transformer"]) <= H2H.param_tolerance
    logits = model(torch.zeros(2, 9, dtype=torch.long))
    assert logits.shape == (2, 9, tasks.VOCAB_SIZE)


def test_causal_models_do_not_see_the_future():
    x = torch.randint(0, tasks.S, (1, 12), generator=torch.Generator().manual_seed(0))
    y = x.clone()
    y[0, 8:] = tasks.NOISE
    for kind in models.available():
        m = models.build(kind, models.width_for(kind)).eval()
        with torch.no_grad():
            assert torch.allclose(m(x)[0, :8], m(y)[0, :8], atol=1e-5), kind


def test_gate_bias_starts_the_lstm_forget_gate_open():
    m = models.build("lstm", 16, gate_bias=2.0)
    n = 16
    assert torch.all(m.rnn.bias_ih_l0[n:2 * n] == 2.0) and torch.all(m.rnn.bias_hh_l0[n:2 * n] == 0.0)


def test_a_tiny_seeded_run_learns_the_easiest_setting_reproducibly():
    """The GRU on first-token recall at D = 4 passes 90 % within 150 steps, and twice the same."""
    start = time.perf_counter()
    spec = experiment.RunSpec("recall", 4, "gru", seed=0, steps=150)
    a, b = experiment.train_one(spec), experiment.train_one(spec)
    assert a.record()["accuracy"] >= 0.9
    assert a.curve.accuracy == b.curve.accuracy and a.curve.loss == b.curve.loss
    assert time.perf_counter() - start < 40


def test_the_live_race_honours_stop_and_the_time_bound():
    stop = threading.Event()
    seen = []

    def on_chunk(t, spent):
        seen.append(t.spec.model)
        if len(seen) == 3:
            stop.set()

    r = experiment.race("recall", 4, ["rnn", "transformer"], 300, stop=stop, on_chunk=on_chunk)
    assert r.stopped and not r.timed_out and len(seen) == 3
    assert seen[:2] == ["rnn", "transformer"]                  # side by side: one chunk each in turn
    start = time.perf_counter()
    r = experiment.race("recall", 64, ["lstm", "gru"], 1000, seconds=1.5)
    assert r.timed_out and time.perf_counter() - start < 1.5 + 3.0
    assert all(t.done < 1000 for t in r.trainers)


def test_live_settings_are_checked():
    with pytest.raises(ValueError, match="at least one model"):
        experiment.contestants("recall", 4, [], 100)
    with pytest.raises(ValueError, match="training steps per model"):
        experiment.contestants("recall", 4, ["rnn"], 5000)
