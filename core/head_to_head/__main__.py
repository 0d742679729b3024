"""Produce the head-to-head chapter's shipped results (all on one thread, niced by the caller).

    python -m core.head_to_head tune                 # learning rate × gate bias per model → tuning.json
    python -m core.head_to_head sweep                # accuracy vs D, 3 seeds → sweep.json, curves.csv, *.pt
    python -m core.head_to_head sweep --models mingru   # add one model's runs to the shipped sweep
    python -m core.head_to_head throughput           # tokens/s of one training step → throughput.json
    python -m core.head_to_head throughput --device cuda --out assets/head_to_head/throughput_cuda.json
"""
from __future__ import annotations

import argparse
import os
import time

import pandas as pd
import torch

from core.config import H2H
from core.head_to_head import models, shipped
from core.head_to_head.experiment import RunSpec, train_one


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def tune(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="python -m core.head_to_head tune")
    p.add_argument("--models", default=",".join(models.available()))
    a = p.parse_args(argv)
    old = shipped.tuning()
    rows = [r for r in old["rows"] if r["model"] not in a.models.split(",")]
    start, load0 = time.perf_counter(), _load()
    for kind in a.models.split(","):
        biases = H2H.tune_biases if kind in ("lstm", "gru") else (0.0,)
        for lr in H2H.tune_lrs:
            for gb in biases:
                t = train_one(RunSpec(H2H.tune_task, H2H.tune_distance, kind, 0, H2H.tune_steps, lr, gb))
                r = t.record()
                rows.append({k: r[k] for k in ("model", "lr", "gate_bias", "accuracy", "steps", "steps_to_solved",
                                               "train_seconds", "max_grad_norm")})
                print(f"tune {kind:11s} lr {lr:g} bias {gb:g}: accuracy {r['accuracy']:.3f} "
                      f"({r['steps']} steps, {r['train_seconds']:.1f} s)", flush=True)
    df = pd.DataFrame(rows)
    # The pick: the best accuracy, then the fewest steps to 95 %, then the smaller learning rate.
    df["_s"] = df["steps_to_solved"].fillna(10**9)
    picked = {m: {"lr": float(g.iloc[0]["lr"]), "gate_bias": float(g.iloc[0]["gate_bias"])}
              for m, g in df.sort_values(["accuracy", "_s", "lr"], ascending=[False, True, True]).groupby("model")}
    meta = {**old.get("meta", {}), "task": H2H.tune_task, "distance": H2H.tune_distance, "steps": H2H.tune_steps,
            "seed": 0, "threads": 1, "command": "python -m core.head_to_head tune",
            f"seconds_{a.models}": round(time.perf_counter() - start, 1), f"load_{a.models}": [load0, _load()]}
    import json
    shipped.TUNING.parent.mkdir(parents=True, exist_ok=True)
    shipped.TUNING.write_text(json.dumps({"meta": meta, "rows": df.drop(columns="_s").to_dict("records"),
                                          "picked": {**old.get("picked", {}), **picked}}, indent=1) + "\n")
    shipped.tuning.cache_clear()
    print(f"picked {picked}")


def sweep(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="python -m core.head_to_head sweep")
    p.add_argument("--models", default=",".join(models.available()))
    p.add_argument("--seeds", type=int, default=H2H.seeds)
    p.add_argument("--steps", type=int, default=H2H.steps.default)
    a = p.parse_args(argv)
    kinds = a.models.split(",")
    meta, old = shipped.sweep()
    rows = [] if old.empty else old[~old["model"].isin(kinds)].to_dict("records")
    curves = shipped.curves()
    curves = curves[~curves["model"].isin(kinds)].to_dict("records")
    start, load0 = time.perf_counter(), _load()
    for seed in range(a.seeds):
        for task, distances in H2H.sweep_plan:
            for D in distances:
                for kind in kinds:
                    t = train_one(RunSpec(task, D, kind, seed, a.steps))
                    rows.append(t.record())
                    curves.extend(t.curve_rows())
                    if (task, D, seed) == shipped.CHECKPOINT_SETTING:
                        save_checkpoint(t)
                    r = rows[-1]
                    print(f"{task:6s} D={D:3d} {kind:11s} seed {seed}: accuracy {r['accuracy']:.3f} "
                          f"in {r['steps']} steps, {r['train_seconds']:.1f} s  "
                          f"[{time.perf_counter() - start:.0f} s, load {os.getloadavg()[0]:.1f}]", flush=True)
                    _save(meta, rows, curves, kinds, a, start, load0)
    print(f"sweep of {', '.join(kinds)} took {time.perf_counter() - start:.0f} s")


def _save(meta: dict, rows, curves, kinds, a, start, load0) -> None:
    runs = dict(meta.get("runs", {}))
    runs[",".join(kinds)] = {"seconds": round(time.perf_counter() - start, 1), "load_start": load0,
                             "load_now": _load(), "seeds": a.seeds, "steps": a.steps,
                             "command": f"nice -n 10 python -m core.head_to_head sweep --models {','.join(kinds)}"}
    meta = {**meta, "runs": runs, "plan": [[t, list(d)] for t, d in H2H.sweep_plan], "batch": H2H.batch,
            "clip": H2H.clip, "optimizer": "AdamW, linear warm-up then cosine decay to 10 %",
            "early_stop": H2H.early_stop, "eval_size": H2H.eval_size, "eval_seed": H2H.eval_seed,
            "threads": 1, "torch_version": torch.__version__, "device": "cpu",
            "command": "nice -n 10 python -m core.head_to_head sweep"}
    shipped.write(shipped.SWEEP, meta, rows)
    pd.DataFrame(curves).to_csv(shipped.CURVES, index=False, float_format="%.5g")


def save_checkpoint(t) -> None:
    state = {k: v.detach().clone() for k, v in t.model.state_dict().items()}
    torch.save({"kind": t.spec.model, "width": t.width, "task": t.spec.task, "distance": t.spec.distance,
                "seed": t.spec.seed, "steps": t.done, "state_dict": state}, shipped.checkpoint_path(t.spec.model))


def throughput_cmd(argv: list[str]) -> None:
    from core.head_to_head import throughput

    throughput.main(argv)


COMMANDS = {"tune": tune, "sweep": sweep, "throughput": throughput_cmd}


def main(argv: list[str] | None = None) -> None:
    import sys

    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        raise SystemExit(__doc__)
    torch.set_num_threads(1)
    COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    main()
