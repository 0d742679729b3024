"""The head-to-head page's parts: the shipped files (cached), this session's live run, and the
experiment and throughput fragments, each chart with its export menu."""
from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from core.chart_style import label
from core.config import H2H as L
from core.config import TIMING
from core.head_to_head import charts, experiment, models, notes, shipped, tasks, throughput, view
from core.story import snippets
from ui import layout, sidebar, vega
from ui import queue as q
from ui.export import show_chart
from ui.params import Param, push_to_url, slider
from ui.spec_cache import Lazy

KEY = "h2h_live"
SIZES = tuple(str(n) for n in L.tp_widths)
P = {p.key: p for p in [
    Param("h_task", L.task), Param("h_D", L.distance),
    Param("h_models", L.models, multi=True, default=list(L.default_models)),
    Param("h_steps", L.live_steps), Param("h_x", L.curve_x), Param("h_size", L.tp_size),
]}
ss = st.session_state


@st.cache_data(max_entries=1, show_spinner=False)
def load():
    meta, runs = shipped.sweep()
    tmeta, tp = shipped.throughput()
    tune = shipped.tuning()
    return meta, runs, shipped.curves(), tmeta, tp, pd.DataFrame(tune["rows"]), tune["picked"], tune.get("meta", {})


@st.cache_data(max_entries=1, show_spinner=False)
def modelled(kinds: tuple[str, ...]):
    return throughput.modelled(kinds, L.tp_widths, L.tp_lengths)


def shipped_steps(meta: dict) -> int:
    return int(next(iter(meta.get("runs", {}).values()), {}).get("steps", L.steps.default))


def task_runs(task: str) -> pd.DataFrame:
    runs = load()[1]
    return runs[runs.task == task] if len(runs) else runs


def live_frames() -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(final points, curve rows, the run's settings) of this session's live run, if any."""
    run = ss.get(KEY)
    if not run:
        return pd.DataFrame(), pd.DataFrame(), {}
    return pd.DataFrame(run["finals"]), pd.DataFrame(run["curves"]), run


def train_live(task, D, kinds, n, draw, where) -> None:
    trainers = experiment.contestants(task, D, kinds, n, seed=sidebar.seed() % 100_000)
    run = {"task": task, "distance": D, "steps": n, "models": kinds, "seed": sidebar.seed() % 100_000,
           "finals": [], "curves": [], "status": "running", "seconds": 0.0}
    ss[KEY] = run
    drawn = [0.0]

    def on_item(item) -> str:
        t, spent = item
        run["curves"] = [r for tr in trainers for r in tr.curve_rows()]
        run["finals"] = [view.final_row(tr) for tr in trainers if tr.done]
        run["seconds"] = spent
        if time.monotonic() - drawn[0] > 0.6:
            draw(False)
            drawn[0] = time.monotonic()
        return f"{label(t.spec.model)} at step {t.done} of {n} ({t.curve.accuracy[-1]:.0%})"

    out = q.run_queued(KEY, "Live training", view.estimate(load()[1], task, D, kinds, n),
                       experiment.chunks(trainers, L.live_seconds), on_item, where=where, time_limit_s=L.live_seconds)
    run["status"] = view.run_status(all(t.finished for t in trainers), out.status)
    run["message"] = out.message


def _controls(kinds_here: list[str]) -> tuple[bool, object]:
    st.selectbox("Task", L.task.options, key="h_task", format_func=tasks.NAMES.get)
    st.select_slider("Distance D", L.distance.options, key="h_D")
    st.pills("Models (two or more)", [k for k in L.models.options if k in kinds_here], key="h_models",
             selection_mode="multi", format_func=label, wrap=True)
    slider(P["h_steps"], "Training steps per model", step=25)
    if ss.h_task != ss.get("_h2h_task_drawn"):
        st.rerun()                          # the claim and the notes below belong to the task: redraw the page
    kinds = list(ss.h_models or [])
    est = view.estimate(load()[1], ss.h_task, int(ss.h_D), kinds, int(ss.h_steps)) if kinds else 0.0
    go = st.button("Train them live", key="h_train", type="primary", icon=":material/play_arrow:",
                   disabled=len(kinds) < 2, help=f"Trains the chosen models side by side here; stops at "
                   f"{L.live_seconds:.0f} s")
    st.caption((f"About {est:.0f} s on this server (limit {L.live_seconds:.0f} s), one thread; runs queue "
                "server-wide. Your run stays in your session only.") if len(kinds) >= 2
               else "Pick at least two models to race them.")
    return go, st.container()


@layout.fragment
def experiment_block(ctrl, chart, below) -> None:
    """Controls, the main chart and the training curves; writes into the page's columns (created outside,
    so the Stop button can sit in the controls column without being part of this fragment)."""
    meta, runs, curves = load()[:3]
    with ctrl:
        go, bar_slot = _controls(models.available())
    task, D, kinds, n = ss.h_task, int(ss.h_D), list(ss.h_models or []), int(ss.h_steps)
    push_to_url(list(P.values()))
    here = task_runs(task)
    live_go = go and len(kinds) >= 2
    # A container keeps the last run's chart (faded) until this run's replaces it; an empty slot,
    # needed only to redraw a live race in place, would blank it for the chart's build time.
    main_slot = chart.empty() if live_go else chart.container()
    sample, answer = tasks.example(task, D)
    chart.caption(f"One stream at D = {D}: `{sample}` → answer `{answer}` · chance {tasks.chance():.1%}")
    with below:
        st.radio("Training curves against", L.curve_x.options, key="h_x", horizontal=True,
                 format_func={"step": "training steps", "seconds": "training seconds"}.get)
        curve_slot = st.empty() if live_go else st.container()
    x = ss.h_x
    ship_curves = curves[(curves.task == task) & (curves.distance == D) & curves.model.isin(kinds)] if len(curves) else curves

    main_live = vega.Redraw("h_main_live", main_slot)

    def draw(export: bool = True) -> None:
        finals, live_curves, run = live_frames()
        same_task = run.get("task") == task
        main = charts.accuracy_vs_distance(here, finals if same_task else None, tasks.chance(),
                                           f"{tasks.NAMES[task].capitalize()}: accuracy vs distance D")
        lc = live_curves if same_task and run.get("distance") == D else None
        side = charts.curves_chart(ship_curves, lc, x, f"Training curves at D = {D}")
        if not export:
            main_live.draw(main)
            vega.draw(side, where=curve_slot, describe=False)
            return
        live_main = same_task and len(finals) > 0
        show_chart(main, pd.concat([here.assign(source="shipped"), finals.assign(source="live")], ignore_index=True)
                   if live_main else here, page="head_to_head", name="accuracy_vs_D", key="h_main", where=main_slot,
                   settings={"task": task}, snippet=None if live_main else snippets.h2h_runs(task),
                   meta={k: v for k, v in meta.items() if k != "rows"}, aspect=True)
        show_chart(side, ship_curves, page="head_to_head", name="curves", key="h_curves", where=curve_slot,
                   settings={"task": task, "D": D, "x": x}, snippet=snippets.h2h_curves(task, D, kinds))

    draw(export=not live_go)
    if live_go:
        try:
            train_live(task, D, kinds, n, draw, bar_slot)
        except ValueError as e:
            st.error(f"Not trained: {e}.", icon=":material/block:")
        draw()
    finals, live_curves, run = live_frames()
    if run:
        if run.get("status") == "running":     # an earlier script run was cut short by a click
            run["status"] = "stopped" if q.stopped(KEY) else "interrupted"
        steps = shipped_steps(meta)
        with below:
            if run.get("message"):
                st.info(run["message"], icon=":material/info:")
            layout.notice(notes.live_notes(finals, task_runs(run["task"]), run.get("status", "done"), steps)
                          + (notes.replay_note(live_curves, curves[(curves.task == run["task"])
                                                                   & (curves.distance == run["distance"])], run["seed"])
                             if run.get("steps") == steps else []))


def tuning() -> None:
    _, _, _, _, _, tune_rows, picked, tune_meta = load()
    st.markdown(view.tuning_text(tune_meta))
    if len(tune_rows):
        st.dataframe(tune_rows.assign(model=tune_rows.model.map(label))[
            ["model", "lr", "gate_bias", "accuracy", "steps", "steps_to_solved", "train_seconds"]],
            hide_index=True, column_config={"accuracy": st.column_config.NumberColumn(format="percent"),
                                            "train_seconds": st.column_config.NumberColumn(format="%.1f")})
    layout.notice(notes.tuning_notes(tune_rows, picked))


@layout.fragment
def throughput_block() -> None:
    tmeta, tp = load()[3:5]
    st.subheader("Scale: training throughput")
    sizes = tp.groupby("target_params").parameters.median() if len(tp) else pd.Series(dtype=float)
    st.radio("Models matched at", SIZES, key="h_size", horizontal=True,
             format_func=lambda s: f"about {sizes.get(int(s), int(s)):,.0f} parameters")
    push_to_url(list(P.values()))
    target = int(ss.h_size)
    if tp.empty:
        st.info("No shipped throughput measurement yet.")
        return
    m = tp[tp.target_params == target]
    kinds = tuple(dict.fromkeys(tp.model))
    model = modelled(kinds)
    mm = model[model.target_params == target]
    show_chart(Lazy(charts.throughput_chart, m), m, page="head_to_head", name="throughput", key="h_tp", aspect=True,
               settings={"params": target}, snippet=snippets.h2h_throughput(target), meta=tmeta)
    show_chart(Lazy(charts.model_chart, mm, TIMING.model_tflops.default, TIMING.model_step_us.default), mm,
               page="head_to_head", name="throughput_model", key="h_tpm", settings={"params": target},
               snippet=snippets.h2h_modelled(kinds, L.tp_widths, L.tp_lengths, target))
    st.caption(view.throughput_caption(tmeta))
    layout.notice(notes.throughput_notes(tp, model, target))
