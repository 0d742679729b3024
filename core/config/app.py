"""The app-wide limits: the seed, and the measuring queue's turn."""
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
