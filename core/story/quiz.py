"""The quiz: predict, commit, then see the computed answer.

Every question's correct answer comes from a computation — a closed form, a shipped
model, or a live run of the scene that shows it — never from a typed-in constant.
`Question.options` are fixed before the reader answers; `Question.solve()` computes
the answer (the correct option, or the number) and the sentence that explains it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from core import flops
from core.gradients.profile import GradientSetup
from core.price import costs, notes as pnotes, streaming
from core.story import attention, memory, recurrence
from core.story.scene import SceneData


@dataclass(frozen=True)
class Answer:
    value: Any                     # the correct option's index, or the number
    text: str                      # why, written from the numbers
    data: SceneData | None = None  # the scene result to draw, when there is one


@dataclass(frozen=True)
class Question:
    slug: str
    prompt: str
    solve: Callable[[], Answer]
    scene: str                     # the talk scene that shows it (its slug)
    page: str                      # the chapter's url_path
    options: tuple[str, ...] = ()  # empty: a number question
    tolerance: float = 0.1         # number questions: relative error accepted
    slack: float = 0.0             # … or this absolute error
    live: bool = False             # answered by a computation run after the guess (seconds)

    @property
    def numeric(self) -> bool:
        return not self.options


def correct(q: Question, guess: Any, answer: Answer) -> bool:
    """Whether `guess` (an option index, or a number) matches the computed answer."""
    if guess is None:
        return False
    if not q.numeric:
        return int(guess) == int(answer.value)
    truth = float(answer.value)
    return abs(float(guess) - truth) <= max(q.slack, q.tolerance * abs(truth))


def score(results: dict[str, bool]) -> tuple[int, int]:
    """(right, answered) over a session's committed answers."""
    return sum(bool(v) for v in results.values()), len(results)


def _closest(options: list[float], value: float) -> int:
    return min(range(len(options)), key=lambda i: abs(math.log(options[i]) - math.log(value)))


# ------------------------------------------------------------------ the questions
def _serial() -> Answer:
    rnn, attn = flops.sequential_steps("rnncell_loop", 512), flops.sequential_steps("sdpa", 512)
    return Answer(SERIAL_OPTIONS.index(f"{rnn} and {attn}"),
                  f"The RNN's h_t needs h_(t−1): {rnn} dependent steps. A self-attention layer computes all "
                  f"{512} positions as one batch of matrix products: {attn} step, however long the sequence.")


SERIAL_OPTIONS = ("1 and 512", "512 and 1", "512 and 512", "9 and 1")

GATE_OPTIONS = (0.66, 0.0066, 0.000066, 0.99)


def _gate() -> Answer:
    d = recurrence.gate.compute()
    v = d.values["f099"]
    return Answer(_closest(list(GATE_OPTIONS), v),
                  f"0.99^500 = {v:.4f}: a gate that keeps 99 % per step still lets only {v:.2%} of the gradient "
                  f"through 500 steps, while 0.999 keeps {d.values['f0999']:.0%}. That is why the LSTM's forget gate "
                  "must sit very close to 1 for long memories, and why a forget-gate bias near 1 is the usual start.",
                  d)


SEQ2SEQ_OPTIONS = ("Nothing: the vector grows with the source",
                   "Long sources: whole-answer accuracy falls as the source outgrows the vector",
                   "Only speed: decoding gets slower, accuracy stays",
                   "Short sources: it fails on sequences shorter than it was trained on")


def _seq2seq() -> Answer:
    d = memory.seq2seq_scene.compute()
    p, a = d.values["plain_half"], d.values["attention_half"]
    falls = p is not None and (a is None or a > p)
    return Answer(1 if falls else 2, memory.seq2seq_scene.sentence(d), d)


def _horizon() -> Answer:
    setup = GradientSetup(models=("tanh",), T=200, rho=0.9, n_seeds=3)
    d = recurrence._vanishing(setup, 3)
    h = d.values["tanh_horizon"]
    return Answer(h if h is not None else setup.T,
                  f"Measured: after {h} steps the tanh RNN's gradient to an input is below 10⁻³ (median of "
                  f"{setup.n_seeds} seeds, N = {setup.n_hidden}). The spectral radius alone would take "
                  f"{math.ceil(math.log(1e-3) / math.log(setup.rho))} steps (0.9^d < 10⁻³); tanh's slope, below 1 "
                  "wherever a unit is away from 0, shrinks every factor of the product further.", d)


EXPLODE_OPTIONS = ("It vanishes, as at ρ = 0.9, only more slowly", "It explodes: the gradient grows with distance",
                   "It stays exactly constant")


def _explode() -> Answer:
    setup = GradientSetup(models=("linear",), T=60, rho=1.5, n_seeds=1)
    d = recurrence._vanishing(setup, 3)
    band = d.frame[d.frame["model"] == "linear"].sort_values("distance")["median"].to_numpy()
    grows = band[-1] > band[0]
    return Answer(1 if grows else 0,
                  f"A linear RNN with ρ = 1.5: the gradient 60 steps back is {band[-1] / band[0]:.2g}× the one at "
                  "the output — each step multiplies it by about ρ. Above 1 it explodes; below 1 it vanishes.", d)


CLIP_OPTIONS = ("Yes: the loss stays finite", "No: it still blows up")


def _clip() -> Answer:
    d = recurrence.clipping.compute()
    ok = d.values["diverged_clipped"] is None
    return Answer(0 if ok else 1, recurrence.clipping.sentence(d), d)


SHARE_OPTIONS = ("under 25 %", "25–50 %", "50–75 %", "over 75 %")


def _share() -> Answer:
    d = recurrence.device_share.shipped()
    pct = d.values["loop_pct"]
    return Answer(min(int(pct // 25), 3), recurrence.device_share.sentence(d) + " (the shipped reference sweep)", d)


def _matrix_values() -> Answer:
    n = costs.matrix_size(4096).per_head
    return Answer(n, f"4,096 × 4,096 = {n:,} numbers for one head of one layer — "
                     f"{pnotes.size_text(4 * n)} in float32 — before multiplying by heads, layers and batch.")


BYTES_OPTIONS = ("37 MiB", "3.7 GiB", "37 GiB", "370 GiB")


def _matrix_bytes() -> Answer:
    b = costs.matrix_size(100_000).bytes
    sizes = [37 * 2**20, 3.7 * 2**30, 37 * 2**30, 370 * 2**30]
    return Answer(_closest(sizes, b), f"100,000² = {costs.matrix_size(100_000).per_head:,} values × 4 bytes = "
                                      f"{pnotes.size_text(b)} — for one head, one layer, one sequence.")


ORDER_OPTIONS = ("They are shuffled the same way, and nothing else changes",
                 "They change completely", "They stay exactly as they were")


def _order() -> Answer:
    d = attention.order.compute()
    return Answer(0 if d.values["no_pe"] < 1e-9 else 1, attention.order.sentence(d), d)


PATH_OPTIONS = ("Yes, geometrically, like the RNN's", "No: it shows no trend with distance")


def _path() -> Answer:
    d = attention.path.compute()
    flat = d.values["attn_spread"] < 1e3 < d.values["rnn_spread"]
    return Answer(1 if flat else 0, attention.path.sentence(d), d)


def _edge_params() -> Answer:
    n = costs.lstm_parameters(2, 256, 256)
    return Answer(n, f"4N(I + N) + 8N per layer: {costs.lstm_parameters(1, 256, 256):,} + "
                     f"{costs.lstm_parameters(2, 256, 256) - costs.lstm_parameters(1, 256, 256):,} = {n:,} — about "
                     f"{n / 500_000:.1f}× the ~500K the article states.")


def _kv_ratio() -> Answer:
    r = streaming.state_bytes("kv_cache", 1024, 128) / streaming.state_bytes("lstm", 1024, 128)
    return Answer(r, f"The LSTM keeps h and c: 2 × 128 numbers at any length. A KV cache keeps a key and a value "
                     f"per token: 2 × 1,024 × 128 — {r:,.0f}× more after 1,024 tokens, and growing.")


HEADS_OPTIONS = ("under 20 %", "20–40 %", "40–60 %", "over 60 %")


def _heads() -> Answer:
    d = attention.heads.compute()
    c = d.values["best_closeness"]
    return Answer(sum(c >= b for b in (0.2, 0.4, 0.6)), attention.heads.sentence(d), d)


QUESTIONS: list[Question] = [
    Question("serial", "An RNN reads a 512-token sequence. How many steps must run **one after another** — for the "
             "RNN, and for one self-attention layer?", _serial, "chain", "timing_lab", SERIAL_OPTIONS),
    Question("seq2seq", "An encoder–decoder passes the whole source to the decoder as **one fixed-size vector**. "
             "What does that cost it?", _seq2seq, "seq2seq", "memory", SEQ2SEQ_OPTIONS, live=True),
    Question("gate", "An LSTM's forget gate holds 0.99 at every step. What is **0.99⁵⁰⁰** — the share of the "
             "cell state's gradient left after 500 steps?", _gate, "gate", "gradients",
             tuple(f"≈ {v:g}" for v in GATE_OPTIONS), live=True),
    Question("horizon", "A tanh RNN with spectral radius **ρ = 0.9**: after how many steps does the gradient to an "
             "input fall **below 10⁻³**?", _horizon, "vanishing", "gradients", slack=3, tolerance=0.0, live=True),
    Question("explode", "Now **ρ = 1.5** in a linear RNN. What does the gradient do as it flows back through time?",
             _explode, "vanishing", "gradients", EXPLODE_OPTIONS, live=True),
    Question("clip", "A tanh RNN at ρ = 1.5 blows up in training. Clip the gradient norm at 1: does training stay "
             "finite?", _clip, "clipping", "gradients", CLIP_OPTIONS, live=True),
    Question("share", "Batch 32, width 128, T = 512 on a 2-core CPU: what share of the CPU's measured matmul peak "
             "does the RNNCell loop reach?", _share, "device", "timing_lab", SHARE_OPTIONS),
    Question("matrix", "How many numbers are in **one head's** attention matrix at T = 4,096?", _matrix_values,
             "matrix", "attention_price", tolerance=0.05),
    Question("bytes", "And at T = 100,000, in float32, for one head?", _matrix_bytes, "matrix", "attention_price",
             BYTES_OPTIONS),
    Question("order", "Feed attention **without positional encoding** the same tokens in a shuffled order. What "
             "happens to its outputs?", _order, "order", "attention_maps", ORDER_OPTIONS, live=True),
    Question("path", "From the last of 48 positions, does attention's gradient to an input **shrink with distance**?",
             _path, "path", "attention_maps", PATH_OPTIONS, live=True),
    Question("heads", "A tiny transformer trained to reverse digits: what share of its **best head's** attention "
             "lands on the keys the task needs?", _heads, "heads", "attention_maps", HEADS_OPTIONS, live=True),
    Question("edge", "“A 2-layer LSTM with 256 hidden units has ~500K parameters.” With 256 inputs, how many does it "
             "have?", _edge_params, "edge", "attention_price", tolerance=0.1),
    Question("kv", "Streaming at width 128: after 1,024 tokens, how many times more state does one layer's KV cache "
             "keep than an LSTM's h and c?", _kv_ratio, "streaming", "attention_price", tolerance=0.1),
]
BY_SLUG = {q.slug: q for q in QUESTIONS}
