"""'What to notice' for the seq2seq section of the memory page, written from the computed numbers."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.config import SEQ2SEQ as L
from core.memory.seq2seq import Accuracy, Translation


def first_below(df: pd.DataFrame, level: float = L.half, column: str = "exact_match") -> int | None:
    """The shortest length n whose accuracy is below `level`, or None if none is."""
    low = df[df[column] < level]
    return None if low.empty else int(low.n.min())


def _where(n: int | None) -> str:
    if n is None:
        return f"never falls below {L.half:.0%} up to n = {L.eval_hi}"
    side = "inside the range it was trained on" if L.train_lo <= n <= L.train_hi else "past its training range"
    return f"falls below {L.half:.0%} at n = {n} digits, {side}"


def accuracy_notes(plain: Accuracy, attn: Accuracy) -> list[str]:
    """Where exact match drops below 50 %, inside vs past the training range, capacity."""
    p, a = plain.by_length, attn.by_length
    worst = a.loc[a.exact_match.idxmin()]
    out = [f"The plain decoder's exact match {_where(first_below(p))}; with attention it {_where(first_below(a))} "
           f"(its lowest: {worst.exact_match:.0%} at n = {int(worst.n)})."]
    inside, past = p.trained, p.n > L.train_hi
    out.append(f"Averaged over the trained lengths {L.train_lo}–{L.train_hi}: {p[inside].exact_match.mean():.0%} of "
               f"whole answers right without attention, {a[inside].exact_match.mean():.0%} with it. On lengths "
               f"{L.train_hi + 1}–{L.eval_hi}, never seen in training: {p[past].exact_match.mean():.0%} vs "
               f"{a[past].exact_match.mean():.0%}.")
    last = p[p.n == p.n.max()].iloc[0]
    out.append(f"Per digit the plain model still gets {last.token_accuracy:.0%} right at n = {int(last.n)} (chance "
               f"{1 / L.digits:.0%}): its {plain.hidden} numbers keep part of the source, not all of it.")
    out.append(f"Same layers, nearly the same size ({plain.parameters:,} vs {attn.parameters:,} parameters; the "
               f"extra {attn.parameters - plain.parameters:,} are W, U and v). The plain decoder reads the same "
               f"{plain.hidden} numbers h_S at every step, whatever n; the attention decoder reads all n × "
               f"{attn.hidden} — {int(a.n.max()) * attn.hidden:,} numbers at n = {int(a.n.max())}.")
    return out


def _right(tr: Translation) -> str:
    k = sum(o == t for o, t in zip(tr.output, tr.source[::-1]))
    return "all right" if k == len(tr.source) else f"{k} of {len(tr.source)} digits right"


def example_notes(plain: Translation, attn: Translation) -> list[str]:
    """The reader's sequence decoded by both, and how close the alignment is to the anti-diagonal."""
    s = len(attn.source)
    digits = lambda t: "".join(map(str, t))  # noqa: E731
    where = "" if L.train_lo <= s <= L.train_hi else (
        f" — {s} digits is outside the trained lengths {L.train_lo}–{L.train_hi}")
    out = [f"Your {s} digits reversed are {digits(attn.source[::-1])}{where}. Plain: {digits(plain.output)} "
           f"({_right(plain)}); with attention: {digits(attn.output)} ({_right(attn)})."]
    steps = np.arange(s)
    on = attn.alignment[steps, s - 1 - steps]                                 # α on the digit being copied
    late = attn.alignment[steps[1:], s - steps[1:]]                            # α one position later, steps 2..S
    if s == 1 or on[1:].mean() >= late.mean():
        i = int(on.argmin())
        out.append(f"At each answer step the attention decoder puts on average {on.mean():.0%} of its weight on "
                   f"the digit it should be copying (the outlined anti-diagonal); least at step {i + 1}, {on[i]:.0%}.")
        return out
    shares = (f"on average {on[1:].mean():.0%} of the weight is on the digit being copied, {late.mean():.0%} on "
              f"the position just after it ({'step 2' if s == 2 else f'steps 2–{s}'}; step 1 puts {on[0]:.0%} on h_S)")
    if late.mean() >= L.half:
        out.append(f"The attention sits one column right of the outlined anti-diagonal: {shares}. The encoder reads "
                   "left to right, so h_{j+1} still holds x_j: this model learned to read each digit one state late "
                   "(Bahdanau et al.'s bidirectional encoder centres h_j on x_j).")
    else:
        out.append(f"The attention is spread out: {shares}.")
    alike = _after_same_digit(attn)
    if alike - late.mean() > 0.1:
        out[-1] += (f" Counting every position right after a copy of the digit due, it is {alike:.0%}: the keys "
                    "are the encoder states, so look-alike positions share the weight.")
    return out


def _after_same_digit(tr: Translation) -> float:
    """Mean over steps 2..S of the weight on positions j whose previous digit x_{j−1} is the one due."""
    src, s = np.array(tr.source), len(tr.source)
    due = src[::-1]                                                           # digit due at each step
    return float(np.mean([tr.alignment[i, 1:][src[:-1] == due[i]].sum() for i in range(1, s)]))
