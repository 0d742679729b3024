"""Text to tokens and a fixed, seeded embedding — no vocabulary file, nothing fetched.

Characters are user-perceived characters (an approximation of Unicode grapheme
clusters, UAX #29): a base with its combining marks, emoji with skin-tone
modifiers, variation selectors and zero-width-joiner sequences, and flag pairs
stay one token. Words are runs of letters/digits (any script: Hebrew, Arabic,
CJK ...); every other visible character is its own token. Tokens are kept in
logical (typing) order, which is the order a model reads them — for
right-to-left text that is right to left on screen.

Each distinct token string gets an embedding vector drawn from a generator
seeded by a hash of (seed, token): the same token always maps to the same
vector, and typing a new token needs no vocabulary.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import torch

from core.config import MEMORY

ZWJ = "\u200d"
_KEEP_FORMAT = {ZWJ}
_DISPLAY = {" ": "␣", "\n": "⏎", "\t": "⇥"}


@dataclass(frozen=True)
class Tokens:
    """A tokenised input.

    tokens: the T token strings in reading order
    ids: (T,) index of each token in `vocab` (order of first appearance)
    vocab: the V distinct tokens
    """

    tokens: tuple[str, ...]
    ids: np.ndarray
    vocab: tuple[str, ...]

    @property
    def labels(self) -> list[str]:
        """Tokens made visible for charts (space → ␣, newline → ⏎)."""
        return [_DISPLAY.get(t, t) for t in self.tokens]


def clean(text: str) -> str:
    """NFC-normalise; drop control and invisible format characters (bidi overrides
    included, so a label cannot reorder the page), keeping newlines, tabs and ZWJ."""
    text = unicodedata.normalize("NFC", text)
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\t":
            continue
        if cat == "Cf" and ch not in _KEEP_FORMAT:
            continue
        out.append(ch)
    return "".join(out)


def _extends(ch: str) -> bool:
    """True for a code point that attaches to the character before it."""
    cp = ord(ch)
    return (unicodedata.combining(ch) != 0 or unicodedata.category(ch) in ("Mn", "Mc", "Me")
            or 0xFE00 <= cp <= 0xFE0F or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F
            or ch == ZWJ)


def _regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def graphemes(text: str) -> list[str]:
    """Split into user-perceived characters (see module docstring)."""
    out: list[str] = []
    for ch in text:
        if out and (_extends(ch) or out[-1].endswith(ZWJ)):
            out[-1] += ch
        elif out and _regional(ch) and len(out[-1]) == 1 and _regional(out[-1]):
            out[-1] += ch                      # two regional indicators make one flag
        else:
            out.append(ch)
    return out


def _wordlike(g: str) -> bool:
    return g[0].isalnum() or g[0] == "_"


def words(text: str) -> list[str]:
    """Runs of letters/digits (with their marks); other visible characters alone; spaces split."""
    out: list[str] = []
    run = ""
    for g in graphemes(text):
        if _wordlike(g) or (run and g in ("'", "’")):
            run += g
            continue
        if run:
            out.append(run)
            run = ""
        if not g.isspace():
            out.append(g)
    if run:
        out.append(run)
    return out


def tokenize(text: str, mode: str = "chars", max_tokens: int | None = None) -> Tokens:
    """Text → Tokens, or a ValueError a reader understands (empty, too long, ...)."""
    MEMORY.tokens.check(mode)
    limit = MEMORY.max_tokens if max_tokens is None else max_tokens
    if len(text) > MEMORY.max_chars:
        raise ValueError(f"The text has {len(text):,} characters; the limit is "
                         f"{MEMORY.max_chars:,} characters.")
    text = clean(text)
    if not text:
        raise ValueError("The text is empty: type something for the network to read.")
    if text.isspace():
        raise ValueError("The text is only whitespace: there is nothing visible to read.")
    toks = graphemes(text.strip()) if mode == "chars" else words(text)
    if len(toks) > limit:
        raise ValueError(f"The text has {len(toks):,} {'character' if mode == 'chars' else 'word'} tokens; "
                         f"the limit is {limit} tokens.")
    if len(toks) < 2:
        raise ValueError(f"The text has {len(toks)} token; at least 2 are needed to draw a trajectory.")
    vocab = tuple(dict.fromkeys(toks))
    index = {t: i for i, t in enumerate(vocab)}
    return Tokens(tuple(toks), np.array([index[t] for t in toks], dtype=np.int64), vocab)


def synthetic(length: int, vocab: int, seed: int) -> Tokens:
    """`length` tokens drawn uniformly from the first `vocab` lowercase letters."""
    MEMORY.length.check(length)
    MEMORY.vocab.check(vocab)
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(vocab, (length,), generator=g).numpy()
    letters = tuple("abcdefghijklmnopqrstuvwxyz"[:vocab])
    return Tokens(tuple(letters[i] for i in ids), ids.astype(np.int64), letters)


def _token_seed(token: str, seed: int) -> int:
    digest = hashlib.blake2b(f"{seed}\x1f{token}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & (2**63 - 1)


def embedding_table(vocab: tuple[str, ...] | list[str], dim: int = MEMORY.embed, seed: int = 0) -> torch.Tensor:
    """(V, dim) float64: row v is N(0, 1) noise seeded by hash(seed, vocab[v])."""
    rows = [torch.randn(dim, generator=torch.Generator().manual_seed(_token_seed(t, seed)),
                        dtype=torch.float64) for t in vocab]
    return torch.stack(rows) if rows else torch.zeros(0, dim, dtype=torch.float64)


def embed(tok: Tokens, dim: int = MEMORY.embed, seed: int = 0) -> torch.Tensor:
    """(T, dim) float64 input vectors for the tokens."""
    return embedding_table(tok.vocab, dim, seed)[torch.from_numpy(tok.ids)]
