"""The head-to-head chapter's limits and defaults."""
from __future__ import annotations

from dataclasses import dataclass

from core.bounds import Choice, IntBound

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
