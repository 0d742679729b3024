"""Every scene of the story, in the order a talk tells it."""
from __future__ import annotations

from core.story import attention, head_to_head, memory, price, recurrence, scan
from core.story.scene import Scene

SCENES: list[Scene] = [*recurrence.SCENES, *memory.SCENES, *attention.SCENES, *price.SCENES, *scan.SCENES,
                      *head_to_head.SCENES]
BY_SLUG: dict[str, Scene] = {s.slug: s for s in SCENES}


def number(slug: str) -> int:
    """The 1-based scene number of `slug` (what `?scene=` takes)."""
    return [s.slug for s in SCENES].index(slug) + 1
