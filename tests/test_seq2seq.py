"""core/seq2seq.py: Bahdanau's formula by hand, the plain decoder's blindness to all but h_S,
the shipped checkpoints against their recorded accuracy, the reader's input."""
import math
import time

import numpy as np
import pandas as pd
import pytest
import torch

from core.memory import seq2seq as s2s
from core.memory import seq2seq_charts as charts
from core.config import SEQ2SEQ as L
from core.memory.seq2seq_notes import accuracy_notes, example_notes, first_below

RECORDS = s2s.recorded()


def test_attention_weights_sum_to_one_over_source_positions():
    g = torch.Generator().manual_seed(0)
    att = s2s.BahdanauAttention(5, 4, 3)
    h = torch.randn(6, 9, 4, generator=g)                                   # (B, S, N)
    c, alpha = att(torch.randn(6, 5, generator=g), h)
    assert alpha.shape == (6, 9) and c.shape == (6, 4)
    assert torch.allclose(alpha.sum(-1), torch.ones(6)) and (alpha > 0).all()
    model = s2s.make_model("attention", seed=1)
    _, alphas = model.decode(model.encode(torch.randint(0, 10, (3, 7), generator=g)))
    assert alphas.shape == (3, 7, 7) and torch.allclose(alphas.sum(-1), torch.ones(3, 7))


def test_attention_equals_bahdanaus_formula_written_out():
    """e_j = Σ_a v_a tanh(Σ_k W_ak s_k + Σ_k U_ak h_jk); α = softmax(e); c = Σ_j α_j h_j, in plain Python."""
    att = s2s.BahdanauAttention(dec=2, enc=3, width=2).double()
    with torch.no_grad():
        att.W.weight.copy_(torch.tensor([[0.5, -1.0], [0.25, 2.0]]))
        att.U.weight.copy_(torch.tensor([[1.0, 0.0, -0.5], [0.3, 0.2, 0.1]]))
        att.v.weight.copy_(torch.tensor([[1.5, -0.7]]))
    s = [0.2, -0.4]
    h = [[1.0, 0.0, 2.0], [-1.0, 0.5, 0.0], [0.3, 0.3, -0.3], [0.0, -2.0, 1.0]]
    W, U, v = att.W.weight.tolist(), att.U.weight.tolist(), att.v.weight[0].tolist()
    e = [sum(v[a] * math.tanh(sum(W[a][k] * s[k] for k in range(2)) + sum(U[a][k] * hj[k] for k in range(3)))
             for a in range(2)) for hj in h]
    alpha = [math.exp(x) / sum(math.exp(y) for y in e) for x in e]
    c = [sum(alpha[j] * h[j][k] for j in range(4)) for k in range(3)]
    with torch.no_grad():
        got_c, got_alpha = att(torch.tensor([s], dtype=torch.float64), torch.tensor([h], dtype=torch.float64))
    assert np.allclose(got_alpha[0].numpy(), alpha, atol=1e-12)
    assert np.allclose(got_c[0].numpy(), c, atol=1e-12)


def _decode_twice(variant: str):
    """Decode from encoder states h, then from h with every state but the last replaced."""
    g = torch.Generator().manual_seed(3)
    model = s2s.make_model(variant, seed=2)
    h = model.encode(torch.randint(0, 10, (4, 8), generator=g))             # (B, S, N)
    other = h.clone()
    other[:, :-1] = torch.randn(4, 7, h.shape[-1], generator=g)            # h_S kept, h_1..h_{S-1} changed
    target = torch.randint(0, 10, (4, 8), generator=g)
    with torch.no_grad():
        return [(model.decode(x, target)[0], model.decode(x)[0]) for x in (h, other)]


def test_the_plain_decoder_reads_only_the_final_encoder_state():
    (forced, greedy), (forced2, greedy2) = _decode_twice("plain")
    assert torch.equal(forced, forced2) and torch.equal(greedy, greedy2)


def test_the_attention_decoder_reads_the_earlier_states_too():
    (forced, greedy), (forced2, greedy2) = _decode_twice("attention")
    assert (forced - forced2).abs().max() > 1e-3 and (greedy - greedy2).abs().max() > 1e-3


def test_batches_are_reversals_and_seeded():
    src, tgt = s2s.make_batch(6, 5, torch.Generator().manual_seed(0))
    assert src.shape == (5, 6) and torch.equal(tgt, src.flip(-1))
    again, _ = s2s.make_batch(6, 5, torch.Generator().manual_seed(0))
    assert torch.equal(src, again)


def test_model_seeds_are_local_and_training_runs_with_clipping():
    state = torch.random.get_rng_state()
    a, b = s2s.make_model("plain", seed=5), s2s.make_model("plain", seed=5)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    seen = []
    model, result = s2s.train(s2s.TrainConfig(variant="attention", steps=3, batch=8, clip=0.5),
                              lambda k, n, loss: seen.append(k))
    assert seen == [1, 2, 3] and result.steps_done == 3 and np.isfinite(result.loss).all()
    assert not model.training
    with pytest.raises(ValueError, match="variant must be one of"):
        s2s.TrainConfig(variant="transformer").check()


@pytest.mark.parametrize("text, digits", [("3 1 4", (3, 1, 4)), ("9,0,,1", (9, 0, 1)), ("  12 ", (1, 2))])
def test_parse_digits(text, digits):
    assert s2s.parse_digits(text) == digits


@pytest.mark.parametrize("text, message", [
    ("12a4", "'a' is not a digit"), ("", "empty"), (" ,, ", "empty"),
    ("1" * (L.source_len.hi + 1), f"between 1 and {L.source_len.hi}"),
    ("1 " * L.max_chars, f"limit is {L.max_chars}"), ("١٢٣", "not a digit"),
])
def test_bad_sequences_are_refused_with_the_limit(text, message):
    with pytest.raises(ValueError, match=message):
        s2s.parse_digits(text)


# ---------------------------------------------------------------- shipped checkpoints
@pytest.mark.parametrize("variant", L.variants)
def test_shipped_checkpoint_reaches_its_recorded_accuracy(variant):
    rec = RECORDS[variant]
    path = s2s.CHECKPOINTS / rec["file"]
    assert path.stat().st_size < 1_000_000
    torch.load(path, map_location="cpu", weights_only=True)      # tensors and primitives only
    model = s2s.load_checkpoint(path)
    assert model.variant == variant and model.encoder.hidden_size <= 64 and model.src_emb.embedding_dim <= 32
    lengths = [10, 25]
    got = s2s.evaluate(model, lengths, rec["eval_per_length"], rec["eval_seed"]).set_index("n")
    want = pd.DataFrame(rec["by_length"]).set_index("n")
    for n in lengths:   # the same argmaxes on any CPU, up to a rare float tie
        assert abs(got.exact_match[n] - want.exact_match[n]) <= 0.02
        assert abs(got.token_accuracy[n] - want.token_accuracy[n]) <= 0.01
    assert rec["train_seconds"] < 600


def test_the_shipped_pair_shows_the_bottleneck():
    plain, attn = (pd.DataFrame(RECORDS[v]["by_length"]) for v in ("plain", "attention"))
    assert first_below(plain) is not None and first_below(plain) <= L.train_hi
    assert first_below(attn) is None or first_below(attn) > first_below(plain)
    assert RECORDS["attention"]["parameters"] - RECORDS["plain"]["parameters"] == 2 * L.hidden * L.attn_width + L.attn_width


def test_translation_notes_and_charts_for_a_reader_sequence():
    plain, attn = s2s.load_variant("plain"), s2s.load_variant("attention")
    source = (3, 1, 4, 1, 5, 9, 2, 6)
    trs = [s2s.translate(m, source) for m in (plain, attn)]
    assert trs[1].correct and trs[1].output == source[::-1]
    assert np.allclose(trs[1].alignment.sum(1), 1) and (trs[0].alignment[:, -1] == 1).all()
    a, i = trs[1].alignment, np.arange(8)
    band = a[i, 7 - i] + np.r_[0.0, a[i[1:], 8 - i[1:]]]     # the copied digit's state, or the one after it
    assert band.min() > 0.8                                    # reads h_{j+1}, which still holds x_j (see notes)
    text = " ".join(example_notes(*trs))
    assert "Your 8 digits reversed are 62951413" in text and "anti-diagonal" in text
    frame = charts.alignment_frame(trs[1])
    assert len(frame) == 64 and frame.expected.sum() == 8
    spec = charts.alignment_chart(frame, "t").to_dict()
    assert spec["layer"][0]["mark"]["type"] == "rect"


def test_evaluation_is_fast_and_the_notes_come_from_its_numbers():
    start = time.perf_counter()
    accs = [s2s.accuracy(s2s.load_variant(v), per_length=50) for v in ("plain", "attention")]
    assert time.perf_counter() - start < 5.0         # the benchmark reports the real figure (200 per length)
    text = " ".join(accuracy_notes(*accs))
    n = first_below(accs[0].by_length)
    assert f"falls below 50% at n = {n} digits" in text
    df = charts.accuracy_frame({"plain": accs[0].by_length, "attention": accs[1].by_length})
    assert len(df) == 2 * 2 * len(s2s.eval_lengths())
    spec = charts.accuracy_chart(df, "exact_match", (L.train_lo, L.train_hi)).to_dict()
    assert spec["layer"][0]["mark"]["type"] == "rect"
