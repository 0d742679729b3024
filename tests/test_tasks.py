"""Task streams follow their rules, come from explicit seeds, and the reader's input is validated."""
import numpy as np
import pytest
import torch

from core.attention.tasks import (IGNORE, SEP, TASKS, decode, encode, eval_batches, example, make_batch, parse,
                        stream_length)


def _batch(task, n=5, b=16, seed=0):
    return make_batch(task, n, b, torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("task", list(TASKS))
def test_same_seed_same_batch_other_seed_other_batch(task):
    a, b, c = _batch(task), _batch(task), _batch(task, seed=1)
    assert torch.equal(a.tokens, b.tokens) and torch.equal(a.targets, b.targets)
    assert not torch.equal(a.tokens, c.tokens)
    assert a.tokens.shape == (16, stream_length(task, 5))


@pytest.mark.parametrize("task", list(TASKS))
def test_batches_agree_with_the_example_builder(task):
    """Every batch row, rebuilt from its items by `example`, gives the same answers and slots."""
    b = _batch(task, n=4, b=8)
    full = torch.cat([b.tokens, b.targets[:, -1:]], 1)
    n_items = 8 if task == "recall" else 4
    for row in full:
        toks = decode(row)
        ex = example(task, toks[:n_items])
        assert ex.slots == tuple(b.slots)
        if task != "recall":          # recall's queries come in a random order in training
            assert ex.full == toks
        for s in ex.slots:
            assert int(b.targets[0, s - 1]) != IGNORE
            key_pos = np.flatnonzero(ex.ideal[s - 1])
            if task == "recall":
                query = toks[s - 1]
                assert toks[int(np.flatnonzero(np.array(toks[:n_items]) == query)[0]) + 1] == toks[s]
            else:
                assert all(toks[int(k)] == ex.full[s] for k in key_pos)


def test_rules_by_hand():
    assert example("reverse", tuple("314")).full == tuple("314=413")
    assert example("sort", tuple("314")).full == tuple("314=134")
    assert example("copy", tuple("314")).full == tuple("314=314")
    ex = example("recall", tuple("a3c7"))
    assert ex.full == tuple("a3c7=c7a3") and ex.slots == (6, 8) and ex.answer == ("7", "3")
    assert ex.tokens == tuple("a3c7=c7a")
    # sort: the answer "1" is at input positions 1 and 3 → the weight splits
    ideal = example("sort", tuple("3141")).ideal
    np.testing.assert_allclose(ideal[4], [0, 0.5, 0, 0.5, 0, 0, 0, 0])
    np.testing.assert_allclose(example("reverse", tuple("314")).ideal[3], [0, 0, 1, 0, 0, 0])
    np.testing.assert_allclose(ideal.sum(-1), [0, 0, 0, 0, 1, 1, 1, 1])


def test_only_answer_positions_are_scored():
    b = _batch("reverse", n=3, b=4)
    assert (b.targets[:, :3] == IGNORE).all() and (b.targets[:, 3:] != IGNORE).all()
    torch.testing.assert_close(b.targets[:, 3:], b.tokens[:, :3].flip(-1))
    assert decode(b.tokens[0])[3] == SEP


def test_recall_keys_are_distinct_and_every_key_is_asked():
    b = _batch("recall", n=6, b=64)
    keys = b.tokens[:, 0:12:2]
    assert all(len(set(row.tolist())) == 6 for row in keys)
    asked = b.tokens[:, 13::2]
    assert all(sorted(a.tolist()) == sorted(k.tolist()) for a, k in zip(asked, keys))


def test_parse_names_bad_tokens_and_limits():
    assert parse("reverse", "3 1, 4") == ("3", "1", "4")
    with pytest.raises(ValueError, match=r"'x', 'z' are not in the vocabulary of reverse \(digits 0–9\)"):
        parse("reverse", "3 x 1 z")
    with pytest.raises(ValueError, match="reverse takes 2 to 10 tokens .* got 12"):
        parse("reverse", "1" * 12)
    with pytest.raises(ValueError, match="got 1"):
        parse("sort", "7")
    with pytest.raises(ValueError, match="limit is 120"):
        parse("copy", "1 " * 100)
    with pytest.raises(ValueError, match="key–value pairs"):
        parse("recall", "a3 c")
    with pytest.raises(ValueError, match="'a' repeat"):
        parse("recall", "a3 a4")
    with pytest.raises(ValueError, match="recall takes 2 to 6 key–value pairs"):
        parse("recall", "a1")
    assert parse("recall", "A3 c7") == tuple("a3c7")


def test_encode_decode_round_trip_and_eval_set_is_fixed():
    assert decode(encode(tuple("a3=9"))) == tuple("a3=9")
    e1, e2 = eval_batches("sort", 5, 90), eval_batches("sort", 5, 90)
    assert [b.n for b in e1] == list(range(2, 11))
    assert all(torch.equal(a.tokens, b.tokens) for a, b in zip(e1, e2))
    with pytest.raises(ValueError, match="task must be one of"):
        make_batch("shuffle", 3, 2, torch.Generator())
