"""The fixed-size-memory chapter's limits: hidden-state trajectories, the text box, seq2seq."""
from __future__ import annotations

from dataclasses import dataclass

from core.bounds import Choice, FloatBound, IntBound, TextBound

# ---------------------------------------------------------------- memory (hidden-state trajectories)
@dataclass(frozen=True)
class MemoryLimits:
    source: Choice = Choice("input", ("text", "synthetic"), "text")
    tokens: Choice = Choice("tokens", ("chars", "words"), "chars")
    max_chars: int = 2000          # raw text typed or in a link
    max_tokens: int = 200          # T for typed text; the default view stays under 1 s
    length: IntBound = IntBound("synthetic length T", 2, 200, 120)
    vocab: IntBound = IntBound("vocabulary V", 2, 26, 10)
    cell: Choice = Choice("cell", ("tanh", "lstm", "gru"), "lstm")
    hidden: IntBound = IntBound("hidden units N", 8, 256, 64)
    rho: FloatBound = FloatBound("spectral radius ρ", 0.1, 2.0, 1.0)
    forget_bias: FloatBound = FloatBound("forget-gate bias", -3.0, 6.0, 1.0)
    # How hard each token drives the state: std of the input weights × √I.
    input_scale: FloatBound = FloatBound("input scale", 0.05, 2.0, 0.3)
    lag: IntBound = IntBound("cosine lag k", 1, 50, 1)
    step: IntBound = IntBound("step t", 1, 200, 200)
    quantity: Choice = Choice("heatmap", ("h", "c", "i", "f", "g", "o", "r", "z", "n"), "f")
    plane: Choice = Choice("plane", ("PC1–PC2", "PC1–PC3", "PC2–PC3"), "PC1–PC2")
    embed: int = 16                # width I of the fixed seeded token embedding
    saturation: float = 0.95       # |h| above this counts as a saturated tanh unit
    heatmap_cells: int = 64        # at most this many rects per axis; more are averaged in blocks
    # Forgetting: sensitivity to the first token and linear probes k steps back.
    sens_seqs: int = 256
    sens_length: IntBound = IntBound("sensitivity length", 2, 400, 100)
    probe_seqs: IntBound = IntBound("probe sequences", 100, 2000, 2000)
    probe_kmax: IntBound = IntBound("largest distance k", 1, 120, 40)
    probe_vocab: int = 10          # chance accuracy = 1 / probe_vocab
    probe_positions: int = 16      # probe positions per sequence, all at t ≥ k_max
    probe_sizes: tuple[int, ...] = (16, 32, 64, 128, 256)
    size_seqs: int = 500           # sequences per size in the N sweep
    ridge: float = 1e-3            # λ as a fraction of the mean feature variance
    span_margin: float = 0.05      # "still remembers": probe accuracy ≥ chance + this
    attn_sharpness: float = 100.0  # β of the positional attention read (peak weight ≈ 0.98)


MEMORY = MemoryLimits()

# ---------------------------------------------------------------- memory: seq2seq with and without attention (C8)
@dataclass(frozen=True)
class Seq2SeqLimits:
    variants: tuple[str, ...] = ("plain", "attention")
    # Both variants: embedding E and GRU width N (small enough to train in minutes on one thread).
    embed: int = 32
    hidden: int = 64
    attn_width: int = 32           # A, the width of Bahdanau's tanh layer (its cost is B·S²·A per source)
    digits: int = 10               # source and answer vocabulary: 0–9
    # Trained on lengths train_lo..train_hi; evaluated on eval_lo..eval_hi, past the training range too.
    train_lo: int = 3
    train_hi: int = 20
    eval_lo: int = 2
    eval_hi: int = 30
    eval_per_length: IntBound = IntBound("evaluation sequences per length", 10, 2000, 200)
    eval_seed: int = 2015
    steps: IntBound = IntBound("training steps", 1, 50_000, 4000)
    batch: IntBound = IntBound("batch size", 1, 1024, 64)
    learning_rate: FloatBound = FloatBound("learning rate", 1e-5, 1e-1, 3e-3)
    clip_norm: FloatBound = FloatBound("gradient clipping norm", 0.0, 100.0, 1.0)
    # The reader's own sequence: digits 0–9, spaces and commas between them allowed.
    source_len: IntBound = IntBound("digits in the sequence", 1, 30, 12)
    max_chars: int = 200
    example: str = "3 1 4 1 5 9 2 6 5 3 5 8"
    half: float = 0.5              # "what to notice" looks for where exact match falls below this


SEQ2SEQ = Seq2SeqLimits()

# the page's sections and text boxes

MEMORY_SECTIONS = Choice("section", ("forgetting", "size", "seq2seq"), "forgetting")
MEMORY_DEFAULT_TEXT = ("The hidden state accumulates information from the sequence so far, "
                       "but it has only N numbers to hold all of it, however long the input grows.")
MEMORY_TEXT = TextBound("text", MEMORY.max_chars, MEMORY_DEFAULT_TEXT)
SEQ2SEQ_DIGITS = TextBound("digits", SEQ2SEQ.max_chars, SEQ2SEQ.example, allowed="0123456789 ,",
                           alphabet="digits, spaces and commas")
