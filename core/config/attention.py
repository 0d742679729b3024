"""The attention-maps chapter's limits and defaults."""
from __future__ import annotations

from dataclasses import dataclass

from core.bounds import Choice, FloatBound, IntBound, TextBound

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
