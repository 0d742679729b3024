"""The tiny transformer: its fast path against the written-out math, and greedy decoding."""
import numpy as np
import pytest
import torch

from core.attention.tasks import encode, example
from core.attention.training import make_model
from core.attention.transformer import TransformerConfig, TinyTransformer, analyse, greedy, trace


@pytest.mark.parametrize("pe", ["learned", "sinusoidal", "none"])
def test_trace_replays_the_forward_pass(pe):
    model = make_model("transformer", 32, 2, 4, pe, seed=1).eval()
    ids = encode(tuple("31415=5141"))
    with torch.no_grad():
        fast = model(torch.tensor([ids]))[0].double().numpy()
    tr = trace(model, ids)
    np.testing.assert_allclose(tr.logits, fast, atol=1e-5, rtol=1e-5)
    assert len(tr.layers) == 2 and tr.layers[0].weights.shape == (4, 10, 10)
    w = tr.layers[1].weights
    assert np.all(w[:, np.triu_indices(10, 1)[0], np.triu_indices(10, 1)[1]] == 0.0)
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-6)


def test_bidirectional_trace_differs_and_config_is_checked():
    model = make_model("transformer", 16, 1, 2, seed=0)
    ids = encode(tuple("12=21"))
    assert not np.allclose(trace(model, ids, causal=False).logits, trace(model, ids).logits)
    with pytest.raises(ValueError, match="does not split into 3 heads"):
        TinyTransformer(TransformerConfig(width=16, heads=3))
    with pytest.raises(ValueError, match="positions for T ≤ 24"):
        model(torch.zeros(1, 30, dtype=torch.long))


def test_greedy_feeds_back_its_own_answers():
    model = make_model("transformer", 16, 1, 2, seed=0).eval()
    ex = example("reverse", tuple("3141"))
    full = torch.tensor([encode(ex.full)])
    out = greedy(model, full, list(ex.slots))
    # the same answers decoded slot by slot by hand
    manual = full.clone()
    for s in ex.slots:
        manual[0, s] = model(manual[:, :-1])[0, s - 1].argmax()
    assert torch.equal(out, manual)
    assert torch.equal(out[0, :5], full[0, :5])       # the prompt is never overwritten
    a = analyse(model, ex)
    assert a.closeness.shape == (1, 2) and a.correct.shape == (4,)
