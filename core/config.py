"""Every limit and default of the app, in one place.

Sliders read their bounds from here and core functions reject values past
them with a message that names the limit (see `IntBound.check`).
"""
from __future__ import annotations

from dataclasses import dataclass

# The kinds of limit (their checks, clamps and refusal wording) live in core.bounds; re-exported here
# so every caller keeps reading limits and their kinds from one place.
from core.bounds import (BudgetError, Choice, FloatBound, IntBound, RequestBudget,  # noqa: F401
                         TextBound)


# ---------------------------------------------------------------- app-wide
SEED = IntBound("seed", 0, 2**31 - 1, 0)


# ---------------------------------------------------------------- the measuring queue (core.queue)
# A session holding the server's one measuring turn gives it up between chunks
# once it has held it this long and someone else waits (round-robin).
QUEUE_MAX_HOLD_S: float = 10.0


# ---------------------------------------------------------------- timing lab
TIMING_METHODS: tuple[str, ...] = (
    "rnncell_loop",
    "lstmcell_loop",
    "rnn_fused",
    "lstm_fused",
    "gru_fused",
    "mha",
    "sdpa",
)


@dataclass(frozen=True)
class TimingLimits:
    batch: IntBound = IntBound("batch B", 1, 128, 32)
    width: IntBound = IntBound("width d", 8, 1024, 128)
    heads: IntBound = IntBound("heads", 1, 16, 4)
    t_min: IntBound = IntBound("shortest T", 1, 16384, 16)
    t_max: IntBound = IntBound("longest T", 2, 16384, 512)
    points: IntBound = IntBound("points in the sweep", 2, 12, 6)
    threads: IntBound = IntBound("threads", 1, 64, 2)
    # One point is measured for at least this long (seconds), then the
    # median and interquartile range of the repeats are reported.
    min_run_time: FloatBound = FloatBound("seconds per point", 0.02, 2.0, 0.08)
    mode: Choice = Choice("mode", ("forward", "train"), "forward")
    # Refuse a sweep whose estimated peak memory or time would hurt the host.
    max_bytes: int = 2 * 1024**3
    max_seconds: float = 60.0
    # The seed article's snippet, verbatim sizes (seed 000).
    preset_batch: int = 32
    preset_t: int = 512
    preset_width: int = 128
    preset_heads: int = 4
    # Uploaded result files.
    max_upload_bytes: int = 1_000_000
    max_upload_rows: int = 2_000
    # Peak matmul measurement: re-read when the last reading is older than peak_ttl_s, and
    # up to peak_retries times when an achieved rate exceeds it (a load-depressed reading).
    peak_matmul_n: int = 1024  # warm, as fast per FLOP as 2048 here (173 vs 165 GFLOP/s) at a third of the time
    peak_ttl_s: float = 300.0
    peak_retries: int = 2
    # Honest timing on a shared host: blocks per point, the spread (IQR / median of the
    # blocks) above which a point is "unstable", and how often an unstable point is re-measured.
    repeats: int = 7
    max_spread: float = 0.20
    remeasure: int = 2
    # A request's own measuring time may run past its estimate on a busy host by this factor
    # (plus a few seconds) before it stops with what it has.
    overrun_factor: float = 3.0
    # The work–span model of a parallel device (a model, labelled as such on the page).
    model_tflops: FloatBound = FloatBound("modelled device TFLOP/s", 0.01, 2000.0, 50.0)
    model_step_us: FloatBound = FloatBound("modelled latency per dependent step (µs)", 0.1, 1000.0, 8.0)


TIMING = TimingLimits()


# ---------------------------------------------------------------- attention maps
@dataclass(frozen=True)
class AttentionLimits:
    task: Choice = Choice("task", ("copy", "reverse", "sort", "recall"), "reverse")
    # The reader's own input: characters in the text box, then tokens per task
    # (the shipped models were trained on these lengths; see core/tasks.py).
    max_chars: int = 120
    layer: IntBound = IntBound("layer", 1, 2, 2)
    head: IntBound = IntBound("head", 1, 8, 1)
    answer_step: IntBound = IntBound("answer step", 1, 10, 1)
    # The random-weights demo of the math: T rows of width D, H heads of D/H.
    demo_t: IntBound = IntBound("positions T", 2, 64, 32)
    demo_width: int = 64
    heads: IntBound = IntBound("heads", 1, 8, 4)
    heads_options: tuple[str, ...] = ("1", "2", "4", "8")
    # Positional encodings: a T × D matrix; heatmaps past `max_cells` per axis are block-averaged.
    encoding: Choice = Choice("positional encoding", ("sinusoidal", "learned", "none"), "sinusoidal")
    pe_t: IntBound = IntBound("positions", 2, 512, 64)
    pe_width: IntBound = IntBound("encoding width", 2, 512, 64)
    max_cells: int = 64
    max_grid_cells: int = 16_384     # heatmap cells drawn per head grid (mark_rect stays responsive)
    # Attention maps label every row and column up to this many positions; past it, blocks are averaged.
    max_label_rows: int = 32
    # Heatmap cell size (px) and the widest map (px) that still fits the page's main column at 1280 px.
    cell_px: int = 22
    max_map_px: int = 440
    # The page's views (a URL-bound control, so a shared link opens on the same one).
    view: Choice = Choice("view", ("heads", "step", "random", "order"), "heads")
    # The reader's own sequence: printable text, capped (the task's parser then names bad tokens).
    text: TextBound = TextBound("your sequence", 120, "", None, "printable characters")
    # Every computation on this page is bounded before it runs (estimate in core.attention.budget).
    max_bytes: int = 256 * 1024**2
    max_seconds: float = 5.0
    # Tiny models only: they train on a 2-core CPU in minutes and ship under 1 MB.
    model_width: IntBound = IntBound("model width", 8, 64, 64)
    model_layers: IntBound = IntBound("layers", 1, 2, 2)
    model_heads: IntBound = IntBound("model heads", 1, 4, 4)
    max_len: int = 24
    train_steps: IntBound = IntBound("training steps", 1, 50_000, 3_000)
    train_batch: IntBound = IntBound("batch size", 1, 1024, 64)
    learning_rate: FloatBound = FloatBound("learning rate", 1e-5, 1e-1, 3e-3)
    clip_norm: FloatBound = FloatBound("gradient clipping norm", 0.0, 100.0, 1.0)
    eval_seed: int = 1234
    eval_size: int = 512


ATTENTION = AttentionLimits()


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


# ---------------------------------------------------------------- gradients page
GRADIENT_MODELS: tuple[str, ...] = ("tanh", "relu", "linear", "lstm", "gru", "attention", "transformer")
GRADIENT_RECURRENT: tuple[str, ...] = ("tanh", "relu", "linear", "lstm", "gru")


@dataclass(frozen=True)
class GradientLimits:
    T: IntBound = IntBound("sequence length T", 2, 1000, 200)
    hidden: IntBound = IntBound("hidden size N", 4, 256, 64)
    rho: FloatBound = FloatBound("spectral radius ρ", 0.1, 2.0, 0.9)
    init: Choice = Choice("initialisation", ("orthogonal", "gaussian"), "orthogonal")
    input_scale: FloatBound = FloatBound("input scale", 0.0, 4.0, 1.0)
    forget_bias: FloatBound = FloatBound("LSTM forget-gate bias", -4.0, 8.0, 1.0)
    seeds: IntBound = IntBound("seeds", 1, 8, 5)
    threshold: IntBound = IntBound("threshold exponent (10^-k)", 1, 12, 3)
    focus: Choice = Choice("cell", GRADIENT_RECURRENT, "tanh")
    wrt: Choice = Choice("gradient with respect to", ("x", "h"), "x")
    n_in: int = 8                 # input width of the recurrent cells
    heads: int = 4                # attention heads (fewer if N is not divisible)
    # Seeds are stacked into one batched run; refuse a stack whose weights get too big.
    max_stack_floats: int = 40_000_000
    # Phase diagram: ρ grid × at most this many sampled distances (mark_rect stays small).
    phase_rho: tuple[float, float, int] = (0.5, 2.0, 16)
    phase_columns: int = 60
    # Exploding gradients and clipping: a tanh RNN on the adding problem (Hochreiter & Schmidhuber 1997).
    train_rho: FloatBound = FloatBound("ρ of the trained RNN", 0.5, 3.0, 1.5)
    clip: FloatBound = FloatBound("clip threshold", 0.1, 10.0, 1.0)
    train_T: int = 60
    train_hidden: int = 32
    train_batch: int = 32
    train_steps: int = 100
    train_lr: float = 0.2


GRADIENTS = GradientLimits()


# ---------------------------------------------------------------- attention's price (C13–C16, C18)
@dataclass(frozen=True)
class PriceLimits:
    # C13, closed form (nothing is allocated, so T may be huge).
    T: IntBound = IntBound("sequence length T", 1, 10_000_000, 4096)
    heads: IntBound = IntBound("heads H", 1, 128, 8)
    layers: IntBound = IntBound("layers", 1, 128, 12)
    batch: IntBound = IntBound("batch B", 1, 1024, 1)
    dtype: Choice = Choice("number format", ("float32", "bfloat16", "float16"), "float32")
    # C13, measured: one head (B = 1, H = 1) of width mem_head_dim, T doubling from mem_t_min.
    mem_t_max: IntBound = IntBound("longest measured T", 512, 8192, 2048)
    mem_t_min: int = 256
    mem_head_dim: int = 64
    mem_repeats: int = 3
    # Refuse any measured call whose estimated peak (float32) would pass this.
    max_bytes: int = 1024**3
    # C14: fused attention vs a fused recurrent layer, batch 1, T doubling from cross_t_min.
    recurrent: Choice = Choice("recurrent layer", ("lstm_fused", "gru_fused", "rnn_fused"), "lstm_fused")
    width: IntBound = IntBound("width d", 16, 512, 128)
    cross_t_max: IntBound = IntBound("longest T", 512, 16384, 1536)
    cross_t_min: int = 256
    attn_heads: int = 4
    # A sweep stops before a point whose predicted single call would pass this (seconds).
    max_call_s: float = 4.0
    # C15: per-new-token latency at context lengths doubling from ctx_min.
    ctx_max: IntBound = IntBound("longest context", 128, 16384, 1024)
    ctx_min: int = 128
    # C16: an LSTM's size and per-step latency at batch 1.
    lstm_layers: IntBound = IntBound("LSTM layers", 1, 8, 2)
    lstm_hidden: IntBound = IntBound("hidden units N", 1, 4096, 256)
    lstm_input: IntBound = IntBound("input size I", 1, 4096, 256)
    lstm_max_params: int = 20_000_000   # 80 MB in float32: already far past an edge model
    seed_params: int = 500_000
    seed_step_s: float = 1e-3
    # Every timed point: torch.utils.benchmark blocks (core.benchmark.measure). One thread by
    # default: batch-1 steps are tiny matmuls that a second thread slows down on a busy host.
    threads: IntBound = IntBound("threads", 1, 64, 1)
    min_run_time: float = 0.02
    repeats: int = 3
    # A point whose interquartile range passes this fraction of its median is flagged: the host's
    # load may have spoiled it; it is shown as such, never cached server-wide, never a finding.
    max_spread: float = 0.25
    # Before a live sweep runs, its time is estimated pessimistically (FLOPs at slow_flops, plus
    # step_s per dependent step and call_s per call) and refused past max_sweep_s.
    slow_flops: float = 1e10
    step_s: float = 20e-6
    call_s: float = 100e-6
    max_sweep_s: float = 60.0
    # The page's sections (a URL-bound control, so a shared link opens on the same one).
    view: Choice = Choice("section", ("matrix", "memory", "cross", "stream", "edge"), "cross")


PRICE = PriceLimits()


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


# ---------------------------------------------------------------- gradients and memory pages: budgets, texts, sections
GRADMEM_BUDGET = RequestBudget()

GRADIENT_SECTIONS = Choice("section", ("jacobian", "forget", "phase", "clipping"), "jacobian")
MEMORY_SECTIONS = Choice("section", ("forgetting", "size", "seq2seq"), "forgetting")
MEMORY_DEFAULT_TEXT = ("The hidden state accumulates information from the sequence so far, "
                       "but it has only N numbers to hold all of it, however long the input grows.")
MEMORY_TEXT = TextBound("text", MEMORY.max_chars, MEMORY_DEFAULT_TEXT)
SEQ2SEQ_DIGITS = TextBound("digits", SEQ2SEQ.max_chars, SEQ2SEQ.example, allowed="0123456789 ,",
                           alphabet="digits, spaces and commas")


# ---------------------------------------------------------------- recurrence strikes back (C21)
@dataclass(frozen=True)
class ScanLimits:
    sections: Choice = Choice("section", ("three ways", "the tree", "training step", "two modes",
                                          "what was given up", "gradients"), "three ways")
    # 1 · one recurrence three ways: h_t = a_t ⊙ h_{t-1} + b_t on (B, T, D), float32, one thread.
    T: IntBound = IntBound("sequence length T", 1, 16384, 1024)
    width: IntBound = IntBound("width D", 1, 256, 64)
    batch: int = 4
    min_run_time: float = 0.05       # seconds per timed method (torch.utils.benchmark blocks)
    repeats: int = 3
    max_live_s: float = 8.0          # refuse a live comparison whose estimate (calibrated now) passes this
    loop_step_s: float = 6e-6        # estimate: seconds per loop step at D = 64 (measured here, ×2 margin)
    max_elements: int = 8_000_000    # B·T·D per tensor
    unstable_iqr: float = 0.25       # IQR / median above this: flagged, re-measured
    remeasure: int = 2               # at most this many re-measurements of a flagged point
    a_lo: FloatBound = FloatBound("smallest a_t", 0.05, 1.0, 0.9)
    # 2 · the tree on the reader's numbers
    tree_T: Choice = Choice("steps in the tree", ("8", "16"), "8")
    tree_a: FloatBound = FloatBound("a_t (the decay)", 0.05, 1.0, 0.5)
    tree_b: Choice = Choice("b_t", ("ones", "counting 1, 2, 3, …", "one impulse", "random"), "ones")
    tree_level: IntBound = IntBound("level", 0, 8, 0)
    # 3 · one training step (forward + backward), B × T × D
    step_methods: tuple[str, ...] = ("mingru_scan", "mingru", "grucell_loop", "gru_fused", "sdpa")
    step_batch: int = 16
    step_width: int = 128
    step_heads: int = 4
    step_T: IntBound = IntBound("longest T timed live", 16, 1024, 128)
    step_max_call_s: float = 3.0     # a method stops before a T whose predicted call passes this
    paper_speedup: float = 175.0     # Feng et al. 2024: minGRU vs (unfused) GRU training step, T = 4,096, GPU
    # 4 · two modes
    modes_T: IntBound = IntBound("tokens", 1, 4096, 256)
    hidden: IntBound = IntBound("hidden size N", 1, 1024, 128)
    kv_layers: int = 1
    # 5 · what was given up: minGRU language models on the attention chapter's tasks
    tasks: tuple[str, ...] = ("copy", "recall")
    task: Choice = Choice("task", ("copy", "recall"), "copy")
    lm_width: int = 74              # 70,023 parameters, about the tiny transformer's 71,059
    lm_layers: int = 2
    train_steps: int = 1500
    # 6 · gradients through the scan
    grad_T: IntBound = IntBound("sequence length T", 2, 1000, 200)
    gate_bias: FloatBound = FloatBound("update-gate bias b_z", -8.0, 4.0, -3.0)
    grad_hidden: int = 32
    grad_seeds: int = 3


SCAN = ScanLimits()


# ---------------------------------------------------------------- head to head (C5, C19, C20)
H2H_MODELS: tuple[str, ...] = ("rnn", "lstm", "gru", "mingru", "transformer")


@dataclass(frozen=True)
class HeadToHeadLimits:
    task: Choice = Choice("task", ("recall", "copy", "assoc"), "recall")
    # The distance dial D: the shipped sweep's values (the live run picks one of them).
    distance: Choice = Choice("distance D", ("4", "8", "16", "32", "64"), "16")
    models: Choice = Choice("models", H2H_MODELS, "lstm")
    default_models: tuple[str, ...] = ("rnn", "lstm", "transformer")
    max_distance: int = 64
    symbols: int = 8                # values 0..7: chance is 1/8 per answer
    copy_k: int = 4                 # marked tokens to copy
    assoc_pairs: int = 4            # key–value pairs before the gap
    # Models: about `target_params` each (recurrent widths matched within `param_tolerance`).
    target_params: int = 40_000
    param_tolerance: float = 0.10
    transformer_width: int = 48
    transformer_layers: int = 2
    transformer_heads: int = 4
    mingru_layers: int = 2
    max_len: int = 72               # the longest stream (copy at D = 64): the transformer's positions
    # Training, the same for every model: AdamW, linear warm-up then cosine decay, clipping.
    steps: IntBound = IntBound("training steps", 20, 2000, 200)
    batch: int = 32
    warmup: int = 30
    clip: float = 1.0
    weight_decay: float = 0.01
    # Learning rate and gate bias per model before tuning; the shipped tuning run's picks
    # (assets/head_to_head/tuning.json) replace them, and the page shows everything tried.
    learning_rate: tuple[tuple[str, float], ...] = (("rnn", 3e-3), ("lstm", 3e-3), ("gru", 3e-3),
                                                   ("mingru", 3e-3), ("transformer", 3e-3))
    gate_bias: tuple[tuple[str, float], ...] = (("lstm", 1.0), ("gru", 1.0))
    tune_task: str = "recall"
    tune_distance: int = 16
    tune_steps: int = 200
    tune_lrs: tuple[float, ...] = (1e-3, 3e-3, 1e-2)
    tune_biases: tuple[float, ...] = (0.0, 1.0, 2.0)
    solved: float = 0.95            # "steps and seconds to 95 %"
    early_stop: float = 0.99        # a run that scores this on two evaluations in a row is done
    eval_size: int = 256
    eval_seed: int = 4242
    eval_every: int = 25            # training-curve resolution (steps)
    seeds: int = 3
    # The shipped sweep: task → distances (sized to finish in under 25 minutes on a busy 2-core CPU).
    sweep_plan: tuple[tuple[str, tuple[int, ...]], ...] = (("recall", (4, 8, 16, 32, 64)),
                                                          ("copy", (8, 32)), ("assoc", (8, 32)))
    # Live runs: side by side in chunks, on one thread, serialised across the server.
    live_seconds: float = 60.0      # the hard time bound for one live run, all models together
    live_chunk: int = 25
    curve_x: Choice = Choice("training curves against", ("step", "seconds"), "step")
    tp_size: Choice = Choice("models matched at", ("20000", "80000"), "80000")
    live_steps: IntBound = IntBound("training steps per model", 25, 1000, 200)
    # Throughput (tokens per second of one training step) over sequence length and width.
    tp_lengths: tuple[int, ...] = (64, 256, 1024)
    tp_widths: tuple[int, ...] = (20_000, 80_000)     # parameter counts the models are matched to
    tp_batch: int = 8
    tp_min_run_time: float = 0.2
    tp_repeats: int = 5
    tp_unstable: float = 0.15       # IQR / median above this: flagged and re-measured
    tp_retries: int = 2


H2H = HeadToHeadLimits()
