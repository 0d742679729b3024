"""'Reproduce in Python' snippets: code that calls `core` with a view's settings and prints
the chart's data as CSV. Each is run by a test in a fresh process and compared with the page."""
from __future__ import annotations


def scene(slug: str) -> str:
    """A talk scene: recompute it live and print its figure's data."""
    return (f"from core.story.scenes import BY_SLUG\n\n"
            f"scene = BY_SLUG[{slug!r}]\n"
            f"data = scene.compute()\n"
            f"print(scene.sentence(data))\n"
            f"print(data.frame.to_csv(index=False))\n")


def gradient_band(setup_kwargs: dict, wrt: str) -> str:
    """The gradient page's main chart: median and min–max of ‖∂L/∂·‖ per distance."""
    args = ", ".join(f"{k}={v!r}" for k, v in setup_kwargs.items())
    return ("from core.gradients.profile import GradientSetup, gradient_profile\n\n"
            f"profile = gradient_profile(GradientSetup({args}))\n"
            f"band = profile.band[profile.band['wrt'] == {wrt!r}]\n"
            "print(band.to_csv(index=False))\n")


def attention_grid(task: str, text: str, layer: int | None = None, head: int | None = None) -> str:
    """Attention maps: a shipped model's weights for your sequence, every head (or one `layer`/`head`)."""
    pick = ("layers = [layers[{l} - 1]]\n".format(l=layer) if layer else "")
    keep = (f"grid = grid[grid['head'] == {str(head)!r}]\n" if head else "")
    return ("from core.attention import multihead, tasks, training, transformer\n"
            "from core.config import ATTENTION\n\n"
            f"task, text = {task!r}, {text!r}\n"
            "items = tasks.parse(task, text, ATTENTION.text.max_len)\n"
            "an = transformer.analyse(training.load_task_model(task), tasks.example(task, items))\n"
            "layers = [s.weights for s in an.trace.layers]\n"
            + pick +
            "grid = multihead.grid_frame(layers, an.example.ideal, an.predicted[:-1])\n"
            + keep +
            "print(grid.to_csv(index=False))\n")


def matrix_size(T: int, heads: int, layers: int, batch: int, dtype: str) -> str:
    """Attention's price, the closed-form T × T curve."""
    return ("from core.price import costs\n\n"
            f"size = costs.matrix_size({T!r}, {heads!r}, {layers!r}, {batch!r}, {dtype!r})\n"
            "print(costs.size_curve(size).to_csv(index=False))\n")
