"""Speed of the attention page on this machine.

    python benchmarks/bench_attention.py [--repeats 3] [--retrain reverse]

Prints the median and range of wall-clock seconds for
  - loading every shipped checkpoint (goal < 0.5 s)
  - the default view's computations without Streamlit — greedy answers, the attention trace,
    two step-by-step traces, the random-weights demo, the path-length gradients, the
    sinusoidal encoding, the permutation test (the core entry points run on one intra-op
    thread: on a busy 2-core host a second thread made them 30× slower, measured), then
    building and converting its chart specs as st.altair_chart does (goal: all < 1 s)
  - the whole default page through Streamlit's AppTest, first run (cold caches) and reruns
and the shipped checkpoints' recorded training times (one thread; goal < 5 minutes each).
`--retrain TASK` retrains that checkpoint from scratch in a fresh process (to a temporary
file, so the shipped one is untouched) and prints its wall-clock time and accuracy.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec as to_vega_lite  # noqa: E402

from core.attention import multihead as attention
from core import frames  # noqa: E402
from core.attention import order, positional  # noqa: E402
from core.attention import tasks
from core.attention import transformer  # noqa: E402
from core.attention import charts  # noqa: E402
from core.config import ATTENTION as A  # noqa: E402
from core.attention.training import CHECKPOINTS, load_checkpoint, load_task_model, recorded  # noqa: E402
from functools import partial  # noqa: E402

from common import timed as _timed  # noqa: E402

timed = partial(_timed, warm=True)  # every figure here is taken after one untimed call




def load_all() -> None:
    for rec in recorded().values():
        load_checkpoint(CHECKPOINTS / rec["file"])


def default_compute() -> dict:
    """What the default page computes (reverse, its example, layer 2 head 1, T = 32, sinusoidal 64 × 64)."""
    task = A.task.default
    model = load_task_model(task)
    an = transformer.analyse(model, tasks.example(task, tasks.parse(task, tasks.spec(task).example)))
    ids = tasks.encode(an.predicted[:-1])
    steps = [transformer.trace(model, ids, True, s).layers[A.layer.default - 1] for s in (True, False)]
    demo = [attention.random_demo(A.demo_t.default, A.heads.default, True, s, 0) for s in (True, False)]
    grads = attention.gradient_by_distance(A.demo_t.default, A.heads.default, True, 0)
    enc = positional.encoding("sinusoidal", A.pe_t.default, A.pe_width.default)
    order.permutation_test(model, ids, 0)
    return dict(an=an, steps=steps, demo=demo, grads=grads, enc=enc)


def default_charts(r: dict) -> None:
    """The default view's frames and chart specs, converted exactly as st.altair_chart converts them."""
    an, steps = r["an"], r["steps"]
    layer_w = [s.weights for s in an.trace.layers]
    labels = attention.position_labels(an.predicted[:-1])
    grid = attention.grid_frame([r["demo"][0].weights], None, ["x"] * A.demo_t.default)
    specs = [
        charts.head_grid(attention.grid_frame(layer_w, an.example.ideal, an.predicted[:-1]), "grid"),
        charts.closeness_bars(attention.closeness_frame(layer_w, an.example.ideal)),
        charts.step_bars(attention.step_bars_frame(*steps, 0, an.example.slots[0] - 1, labels), "step"),
        charts.head_grid(grid[grid["head"] != "mean"], "demo"),
        charts.gradient_lines(r["grads"]),
        charts.side_by_side(
            charts.matrix_heatmap(frames.block_frame(r["enc"].matrix, "p", "d", A.max_cells)[0], "p", "d", "pe"),
            charts.matrix_heatmap(frames.block_frame(r["enc"].similarity, "p", "q", A.max_cells)[0], "p", "q", "s")),
    ]
    for c in specs:
        to_vega_lite(c)     # Streamlit's own conversion: spec via to_dict, data as Arrow


def app_test_runs(repeats: int) -> tuple[float, list[float]]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    t0 = time.perf_counter()
    at.switch_page("chapters/attention_maps.py").run()
    first = time.perf_counter() - t0
    assert not at.exception, at.exception
    reruns = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - t0)
    return first, reruns


def retrain(task: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "core.attention.training", "--task", task, "--out", f"{tmp}/{task}.pt"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
        wall = time.perf_counter() - t0
    print(f"retrained {task} from scratch in {wall:.1f} s wall (goal < 300 s): {out.strip().splitlines()[-1]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--retrain", choices=sorted(tasks.TASKS), default=None)
    a = ap.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op threads, {cores} cores visible; "
          f"load average before: {os.getloadavg()[0]:.2f}")
    cold = timed(load_all, 1, warm=False)
    rows = [("load all shipped checkpoints (first)", 0.5, cold),
            ("load all shipped checkpoints", 0.5, timed(load_all, a.repeats)),
            ("default view: computations", 1.0, timed(default_compute, a.repeats))]
    result = default_compute()
    rows.append(("default view: chart specs (as Streamlit)", 1.0, timed(lambda: default_charts(result), a.repeats)))
    for name, goal, (med, lo, hi) in rows:
        print(f"{name:40s} median {med:6.3f} s  (min {lo:.3f}, max {hi:.3f})  goal < {goal:g} s: "
              f"{'met' if med < goal else 'MISSED'}")
    first, reruns = app_test_runs(a.repeats)
    print(f"{'default page via AppTest, first run':40s} {first:6.3f} s (cold caches: loads the model, computes everything)")
    print(f"{'default page via AppTest, reruns':40s} median {statistics.median(reruns):6.3f} s  "
          f"(min {min(reruns):.3f}, max {max(reruns):.3f})  goal < 1 s: "
          f"{'met' if statistics.median(reruns) < 1 else 'MISSED'}")
    for task, rec in recorded().items():
        print(f"checkpoint {task:8s} trained in {rec['train_seconds']:6.1f} s on {rec['threads']} thread(s), "
              f"{rec['steps']} steps, {rec['parameters']} parameters, {os.path.getsize(CHECKPOINTS / rec['file'])} "
              f"bytes; token accuracy {rec['token_accuracy']:.4f}, exact {rec['exact_match']:.4f}")
    if a.retrain:
        retrain(a.retrain)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
