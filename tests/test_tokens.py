"""Text to tokens: scripts, emoji, edge cases, limits, and the seeded embedding."""
import numpy as np
import pytest
import torch

from core.config import MEMORY
from core.memory.tokens import clean, embed, embedding_table, graphemes, synthetic, tokenize, words


def test_characters_keep_spaces_and_ids_follow_first_appearance():
    tok = tokenize("abba c", "chars")
    assert tok.tokens == ("a", "b", "b", "a", " ", "c")
    assert tok.vocab == ("a", "b", " ", "c")
    assert tok.ids.tolist() == [0, 1, 1, 0, 2, 3]
    assert tok.labels[4] == "␣"


def test_words_split_on_spaces_and_punctuation():
    assert tokenize("Hello, world! It's fine.", "words").tokens == (
        "Hello", ",", "world", "!", "It's", "fine", ".")


@pytest.mark.parametrize("text, expected", [
    ("👍🏽ok", ["👍🏽", "o", "k"]),                              # skin-tone modifier
    ("👨\u200d👩\u200d👧x", ["👨\u200d👩\u200d👧", "x"]),          # ZWJ family
    ("🇫🇷🇩🇪", ["🇫🇷", "🇩🇪"]),                                   # two flags, not four letters
    ("e\u0301a", ["é", "a"]),                                    # NFC composes, one token
    ("❤️!", ["❤️", "!"]),                                        # variation selector stays attached
])
def test_user_perceived_characters(text, expected):
    assert graphemes(clean(text)) == expected


def test_right_to_left_text_is_read_in_logical_order():
    hebrew = "שלום עולם"
    tok = tokenize(hebrew, "words")
    assert tok.tokens == ("שלום", "עולם")
    arabic = tokenize("مرحبا", "chars")
    assert arabic.tokens[0] == "م" and len(arabic.tokens) == 5


def test_arabic_marks_stay_with_their_letter():
    assert words(clean("كَتَبَ كتب")) == ["كَتَبَ", "كتب"]


def test_bidi_overrides_and_controls_are_dropped():
    assert clean("a\u202eb\x00c\u200fd") == "abcd"


@pytest.mark.parametrize("text, match", [
    ("", "empty"),
    ("   \n\t ", "only whitespace"),
    ("\u202e\u200f", "empty"),
    ("a", "at least 2"),
])
def test_unreadable_inputs_get_a_clear_message(text, match):
    with pytest.raises(ValueError, match=match):
        tokenize(text)


def test_too_long_is_refused_naming_the_limit():
    with pytest.raises(ValueError, match=f"limit is {MEMORY.max_tokens} tokens"):
        tokenize("x" * (MEMORY.max_tokens + 1))
    with pytest.raises(ValueError, match=f"limit is {MEMORY.max_chars:,} characters"):
        tokenize("x" * (MEMORY.max_chars + 1))
    assert len(tokenize("x " * (MEMORY.max_tokens // 2), "words").tokens) == MEMORY.max_tokens // 2


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="tokens must be one of"):
        tokenize("ab", "bytes")


def test_embedding_is_fixed_per_token_and_seed():
    a = embedding_table(["x", "y", "🙂"], 16, seed=3)
    b = embedding_table(["🙂", "x"], 16, seed=3)
    torch.testing.assert_close(a[0], b[1])
    torch.testing.assert_close(a[2], b[0])
    assert not torch.allclose(a[0], embedding_table(["x"], 16, seed=4)[0])
    x = embed(tokenize("xyx"), 16, seed=3)
    assert x.shape == (3, 16) and torch.equal(x[0], x[2]) and torch.equal(x[0], a[0])


def test_synthetic_tokens_are_seeded_letters():
    s = synthetic(50, 4, seed=1)
    assert len(s.tokens) == 50 and set(s.tokens) <= set("abcd")
    assert s.tokens == synthetic(50, 4, seed=1).tokens != synthetic(50, 4, seed=2).tokens
    assert np.array_equal(np.array([s.vocab.index(t) for t in s.tokens]), s.ids)
    with pytest.raises(ValueError, match="synthetic length T"):
        synthetic(MEMORY.length.hi + 1, 4, 0)


def test_every_memory_default_is_inside_its_bound():
    from core.config import Choice, FloatBound, IntBound
    for field in MEMORY.__dataclass_fields__:
        b = getattr(MEMORY, field)
        if isinstance(b, (IntBound, FloatBound)):
            assert b.lo <= b.default <= b.hi, field
        if isinstance(b, Choice):
            assert b.default in b.options, field
