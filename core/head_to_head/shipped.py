"""The shipped results: tuning, the accuracy-vs-D sweep, its curves, checkpoints, throughput.

Everything lives in `assets/head_to_head/`, written by `python -m core.head_to_head …`
(the README there lists the commands) and loaded by the page and the tests.

    tuning.json      every (model, learning rate, gate bias) tried, its accuracy, and the pick
    sweep.json       meta (commands, seconds, load average, settings) + one row per run
    curves.csv       step, loss, accuracy, seconds per run (the training curves)
    throughput.json  meta + tokens per second of one training step, per model, T and size
    <model>.pt       seed-0 models on the checkpoint setting, reloaded by a test
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from core.assets import ASSETS
from core.config import H2H

DIR = ASSETS / "head_to_head"
TUNING, SWEEP, CURVES, THROUGHPUT = DIR / "tuning.json", DIR / "sweep.json", DIR / "curves.csv", DIR / "throughput.json"
CHECKPOINT_SETTING = ("recall", 16, 0)      # task, D, seed of the shipped checkpoints


@lru_cache(maxsize=1)
def tuning() -> dict:
    return json.loads(TUNING.read_text()) if TUNING.exists() else {"meta": {}, "rows": [], "picked": {}}


def hyper(model: str) -> tuple[float, float]:
    """(learning rate, gate bias) for `model`: the tuning run's pick, else the config's default."""
    pick = tuning().get("picked", {}).get(model)
    if pick:
        return float(pick["lr"]), float(pick["gate_bias"])
    return dict(H2H.learning_rate)[model], dict(H2H.gate_bias).get(model, 0.0)


def read(path: Path) -> tuple[dict, pd.DataFrame]:
    """(meta, rows) of a shipped JSON result; empty when it is not there."""
    if not path.exists():
        return {}, pd.DataFrame()
    blob = json.loads(path.read_text())
    return blob.get("meta", {}), pd.DataFrame(blob.get("rows", []))


def write(path: Path, meta: dict, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1, default=float) + "\n")
    tmp.replace(path)


def sweep() -> tuple[dict, pd.DataFrame]:
    return read(SWEEP)


def curves() -> pd.DataFrame:
    return pd.read_csv(CURVES) if CURVES.exists() else pd.DataFrame(
        columns=["task", "distance", "model", "seed", "step", "loss", "accuracy", "seconds"])


def throughput() -> tuple[dict, pd.DataFrame]:
    return read(THROUGHPUT)


def checkpoint_path(model: str) -> Path:
    return DIR / f"{model}.pt"
