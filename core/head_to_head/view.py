"""What the head-to-head page shows, decided without Streamlit: a live run's estimate, its final rows,
the contestants table and the captions written from the shipped files' metadata."""
from __future__ import annotations

import pandas as pd

from core.chart_style import label
from core.config import H2H as L
from core.head_to_head import experiment, models, shipped, tasks


def estimate(runs: pd.DataFrame, task: str, D: int, kinds: list[str], n: int) -> float:
    """Seconds, from the shipped per-step times at this (task, D) (scaled by length elsewhere)."""
    here = runs[(runs.task == task) & (runs.distance == D)] if len(runs) else runs
    per = {} if here.empty else here.groupby("model")["seconds_per_step"].median().to_dict()
    if len(runs):
        scale = tasks.length(task, D) / runs.assign(T=[tasks.length(t, d) for t, d in zip(runs.task, runs.distance)]) \
            .groupby("model")["T"].median()
        for k, s in runs.groupby("model")["seconds_per_step"].median().items():
            per.setdefault(k, s * float(scale.get(k, 1.0)))
    return min(L.live_seconds, experiment.estimate_seconds(task, D, kinds, n, per))


def final_row(t) -> dict:
    return {"model": t.spec.model, "distance": t.spec.distance, "accuracy": t.curve.accuracy[-1] if t.curve.accuracy else 0.0,
            "steps": t.done, "seconds": t.train_seconds}


def run_status(done: bool, outcome: str) -> str:
    """A live run's status from whether every trainer finished and how the queued turn ended."""
    return "done" if done and outcome == "done" else (outcome if outcome != "done" else "time limit")


def contestants_table(task_runs: pd.DataFrame, kinds: list[str]) -> pd.DataFrame:
    """One row per model: width, parameters, tuned settings, shipped seconds per step and steps to 95 %."""
    per = (task_runs.groupby("model").agg(ms=("seconds_per_step", "median"), to95=("steps_to_solved", "median"))
           if len(task_runs) else pd.DataFrame(columns=["ms", "to95"]))
    rows = []
    for k in kinds:
        d, (lr, gb) = models.described(k), shipped.hyper(k)
        ms, to95 = (per.loc[k, "ms"], per.loc[k, "to95"]) if k in per.index else (None, None)
        rows.append({"model": label(k), "width": d["width"], "parameters": f"{d['parameters']:,}",
                     "vs transformer": f"{d['vs_transformer']:+.1%}", "learning rate": f"{lr:g}",
                     "gate bias": f"{gb:g}" if k in ("lstm", "gru") else "—",
                     "ms per step": f"{ms * 1e3:.0f}" if ms is not None else "—",
                     f"steps to {L.solved:.0%}": f"{to95:.0f}" if to95 is not None and to95 == to95 else "—"})
    return pd.DataFrame(rows).set_index("model")


def sweep_caption(meta: dict) -> str:
    return (" · ".join(f"sweep of {k}: {v['seconds'] / 60:.1f} min on one thread, load average "
                       f"{v['load_start'][0]:.1f} → {v['load_now'][0]:.1f}" for k, v in meta["runs"].items())
            + f" · `{meta.get('command', '')}`")


def tuning_text(tune_meta: dict) -> str:
    return (f"Every model got the same grid on {tasks.NAMES[tune_meta.get('task', L.tune_task)]} at "
            f"D = {tune_meta.get('distance', L.tune_distance)}, {tune_meta.get('steps', L.tune_steps)} steps, "
            f"seed 0: learning rates {', '.join(f'{v:g}' for v in L.tune_lrs)}; for the LSTM (forget gate) and the "
            f"GRU (update gate) also gate biases {', '.join(f'{v:g}' for v in L.tune_biases)}; clipping at "
            f"{L.clip:g} for all. The best accuracy (then the fewest steps to {L.solved:.0%}) was kept.")


def throughput_caption(tmeta: dict) -> str:
    return (f"Measured: {tmeta.get('device_name', '?')}, {tmeta.get('threads', 1)} thread, batch {tmeta.get('batch')}, "
            f"load average {tmeta.get('load_start', ['?'])[0]} → {tmeta.get('load_end', ['?'])[0]} · "
            f"{tmeta.get('seconds', '?')} s · `{tmeta.get('command', '')}`. The model uses the timing lab's defaults.")
