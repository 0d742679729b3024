"""The head-to-head scene: five models, matched in size and training, learn first-token recall
over a growing distance D (C20). Drawn from the shipped sweep; recomputing it is a 47-minute
training run, so talk mode offers no "re-measure live" for it (the chapter races the models live)."""
from __future__ import annotations

import time

from core.config import H2H
from core.head_to_head import charts as hcharts
from core.head_to_head import notes, shipped, tasks
from core.story.scene import Scene, SceneData, run_meta, talk

TASK = "recall"


def _race() -> SceneData:
    started = time.monotonic()
    meta, runs = shipped.sweep()
    runs = runs[runs["task"] == TASK].reset_index(drop=True)
    reach = notes.reach(runs)
    far = int(runs["distance"].max())
    at_far = runs[runs["distance"] == far].groupby("model")["accuracy"].mean()
    v = {"task": TASK, "steps": int(runs["steps"].max()), "seeds": int(runs["seed"].nunique()),
         "far": far, "reach": {m: d for m, d in reach.items()}, "at_far": at_far.to_dict(),
         "params_lo": int(runs["parameters"].min()), "params_hi": int(runs["parameters"].max()),
         "chance": tasks.chance(), "solved": H2H.solved}
    out = run_meta(started)
    out["source"] = f"shipped sweep ({meta.get('command', 'python -m core.head_to_head sweep')})"
    return SceneData(runs[["model", "distance", "seed", "accuracy", "parameters", "steps"]], v, out)


def _figure(d: SceneData) -> tuple[str, str]:
    v = d.values
    best = max(v["reach"].items(), key=lambda kv: (kv[1] or 0))
    worst = min(v["reach"].items(), key=lambda kv: (kv[1] or 0))
    return (f"farthest D held ≥ {v['solved']:.0%}: best vs worst model",
            f"{best[1] or 0} vs {worst[1] or 0}")


race = Scene(
    "race", "Head to head", "Trained side by side: who learns to reach back D tokens?", "head_to_head",
    compute=_race,
    chart=lambda d: talk(hcharts.accuracy_vs_distance(d.frame, chance=d.values["chance"],
                                                      title="First-token recall vs distance D")),
    sentence=lambda d: notes.claim(d.frame, d.values["task"], d.values["steps"]),
    figure=_figure,
    notes=lambda d: (f"Five models at {d.values['params_lo']:,}–{d.values['params_hi']:,} parameters, the same "
                     f"optimiser, {d.values['steps']} steps, {d.values['seeds']} seeds each; the band is the worst "
                     "to the best seed. These are distances learnable in this training budget on a CPU, not memory "
                     "limits: gated recurrent models get further with more steps, and the tanh RNN's gradient "
                     "vanishes (scene on vanishing gradients). The chapter races them live in the browser."),
    live_seconds=0.2, claims=("C20",),
    live_elsewhere="Retraining all five models takes about 47 minutes here; the chapter races them live.")

SCENES = [race]
