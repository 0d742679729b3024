"""Attention maps' "reproduce in Python" snippets: run in a fresh process, they print exactly the
frame the page's map and head grid draw for the reader's sequence."""
from __future__ import annotations

import pytest

from core.attention import multihead, tasks, training, transformer
from core.config import ATTENTION
from core.story import snippets
from tests.test_export import _run, _same


def _page_grid(task: str, text: str, layer: int | None = None, head: int | None = None):
    """What ui.attention_views draws: the same calls the page makes through its cache."""
    an = transformer.analyse(training.load_task_model(task),
                             tasks.example(task, tasks.parse(task, text, ATTENTION.text.max_len)))
    layers = [s.weights for s in an.trace.layers]
    grid = multihead.grid_frame([layers[layer - 1]] if layer else layers, an.example.ideal, an.predicted[:-1])
    return grid[grid["head"] == str(head)] if head else grid


@pytest.mark.parametrize("task, text, layer, head", [("reverse", "3 1 4 1 5 9", None, None),
                                                     ("sort", "5 2 8 1", 2, 1)])
def test_attention_snippet_reproduces_the_pages_frame(task, text, layer, head):
    _same(_run(snippets.attention_grid(task, text, layer, head)), _page_grid(task, text, layer, head))
