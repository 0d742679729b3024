"""The app-wide limits: the seed, the measuring queue's turn, the start-up warm-up and the cache of
converted charts."""
from __future__ import annotations

from core.bounds import IntBound

# ---------------------------------------------------------------- app-wide
SEED = IntBound("seed", 0, 2**31 - 1, 0)

# ---------------------------------------------------------------- the measuring queue (core.queue)
# A session holding the server's one measuring turn gives it up between chunks
# once it has held it this long and someone else waits (round-robin).
QUEUE_MAX_HOLD_S: float = 10.0
# Before each chunk, the holder waits (up to this long) while another viewer's page is being drawn:
# the page gets the CPU first, and the next timed chunk is not measured beside it.
QUEUE_YIELD_S: float = 2.0
# A queued computation's progress bar is redrawn at most this often. Every redraw is a message the
# browser renders; redrawn after every round of blocks, a default Timing-lab sweep spoiled its own
# measurement on two cores (16 of 30 points unstable, against 1 of 30 at one redraw per 0.5 s).
PROGRESS_EVERY_S: float = 0.5
# A timing measurement pauses this long after it redrew the page (its bar or its chart), so the
# browser's redraw and the server's sending are over before the next timed block (0 of 30 unstable).
TIMING_SETTLE_S: float = 0.1

# ---------------------------------------------------------------- the start-up warm-up (serve.py, ui.warm)
# `streamlit run serve.py` visits every page's default link once, in story order, as soon as the
# server listens: torch is imported and every default view's results are cached before the first
# real viewer arrives. Set this environment variable to 0 to start cold.
WARM_ENV = "RNN_WARM_UP"
WARM_LINKS: tuple[str, ...] = ("", "timing_lab", "gradients", "memory", "attention_maps", "attention_price",
                               "scan", "head_to_head", "quiz", "talk")
WARM_VISIT_LIMIT_S: float = 180.0     # one page's warm-up visit gives up after this long
WARM_YIELD_S: float = 30.0            # before each page, wait (at most this long) while a viewer's page is drawn
# Torch's import holds the GIL and a core for ~2 s: it starts only once no page has been drawn for
# this long, so a torch-free first view (the Overview) and its browser's painting of its charts
# (~1 s after the run, on two cores) do not share the CPU with it.
TORCH_GRACE_S: float = 1.0
# glibc gives every new thread its own heap (arena), up to 8 per core; Streamlit runs each session's
# script in its own thread, so eight viewers' page runs left eight heaps of freed pages. The server
# (serve.py) keeps this many, shared by all its threads (bench_load: see the README).
MALLOC_ARENAS: int = 2

# ---------------------------------------------------------------- converted charts (ui.spec_cache)
# The Vega-Lite of charts already built once (same builder, same arguments), kept for every session
# of this process: at most this many MiB of spec text and Arrow data, least recently used out first.
# Every page's default view together takes 0.8 MB (17 charts; the largest, gradients' main, 0.25 MB).
CHART_CACHE_MB: int = 16
