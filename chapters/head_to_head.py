"""Head to head: RNN, LSTM, GRU, minGRU and a transformer trained on the same tasks (claims C5, C19, C20)."""
import time

import pandas as pd
import streamlit as st

from core.chart_style import label
from core.config import H2H as L
from core.config import TIMING
from core.head_to_head import charts, experiment, models, notes, shipped, tasks, throughput
from ui import layout, measured, sidebar
from ui import queue as q
from ui.params import Param, push_to_url, show_messages, slider, sync_from_url

KEY = "h2h_live"
SIZES = tuple(str(n) for n in L.tp_widths)
P = {p.key: p for p in [
    Param("h_task", L.task), Param("h_D", L.distance),
    Param("h_models", L.models, multi=True, default=list(L.default_models)),
    Param("h_steps", L.live_steps), Param("h_x", L.curve_x), Param("h_size", L.tp_size),
]}


@st.cache_data(max_entries=1, show_spinner=False)
def load():
    meta, runs = shipped.sweep()
    tmeta, tp = shipped.throughput()
    tune = shipped.tuning()
    return meta, runs, shipped.curves(), tmeta, tp, pd.DataFrame(tune["rows"]), tune["picked"], tune.get("meta", {})


@st.cache_data(max_entries=1, show_spinner=False)
def modelled(kinds: tuple[str, ...]):
    return throughput.modelled(kinds, L.tp_widths, L.tp_lengths)


meta, runs, curves, tmeta, tp, tune_rows, picked, tune_meta = load()
steps = int(next(iter(meta.get("runs", {}).values()), {}).get("steps", L.steps.default))
ss = st.session_state
layout.header("Head to head", "head_to_head")
messages = sync_from_url(list(P.values()))
kinds_here = models.available()


def live_frames() -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(final points, curve rows, the run's settings) of this session's live run, if any."""
    run = ss.get(KEY)
    if not run:
        return pd.DataFrame(), pd.DataFrame(), {}
    return pd.DataFrame(run["finals"]), pd.DataFrame(run["curves"]), run


def estimate(task: str, D: int, kinds: list[str], n: int) -> float:
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


def train_live(task, D, kinds, n, draw, where) -> None:
    trainers = experiment.contestants(task, D, kinds, n, seed=sidebar.seed() % 100_000)
    run = {"task": task, "distance": D, "steps": n, "models": kinds, "seed": sidebar.seed() % 100_000,
           "finals": [], "curves": [], "status": "running", "seconds": 0.0}
    ss[KEY] = run
    drawn = [0.0]

    def on_item(item) -> str:
        t, spent = item
        run["curves"] = [r for tr in trainers for r in tr.curve_rows()]
        run["finals"] = [final_row(tr) for tr in trainers if tr.done]
        run["seconds"] = spent
        if time.monotonic() - drawn[0] > 0.6:
            draw()
            drawn[0] = time.monotonic()
        return f"{label(t.spec.model)} at step {t.done} of {n} ({t.curve.accuracy[-1]:.0%})"

    est = estimate(task, D, kinds, n)
    out = q.run_queued(KEY, "Live training", est, experiment.chunks(trainers, L.live_seconds), on_item,
                       where=where, time_limit_s=L.live_seconds)
    done = all(t.finished for t in trainers)
    run["status"] = "done" if done and out.status == "done" else (out.status if out.status != "done" else "time limit")
    run["message"] = out.message


def contestants_table(task_runs: pd.DataFrame) -> pd.DataFrame:
    """One row per model: width, parameters, tuned settings, shipped seconds per step and steps to 95 %."""
    per = (task_runs.groupby("model").agg(ms=("seconds_per_step", "median"), to95=("steps_to_solved", "median"))
           if len(task_runs) else pd.DataFrame(columns=["ms", "to95"]))
    rows = []
    for k in kinds_here:
        d, (lr, gb) = models.described(k), shipped.hyper(k)
        ms, to95 = (per.loc[k, "ms"], per.loc[k, "to95"]) if k in per.index else (None, None)
        rows.append({"model": label(k), "width": d["width"], "parameters": f"{d['parameters']:,}",
                     "vs transformer": f"{d['vs_transformer']:+.1%}", "learning rate": f"{lr:g}",
                     "gate bias": f"{gb:g}" if k in ("lstm", "gru") else "—",
                     "ms per step": f"{ms * 1e3:.0f}" if ms is not None else "—",
                     f"steps to {L.solved:.0%}": f"{to95:.0f}" if to95 is not None and to95 == to95 else "—"})
    return pd.DataFrame(rows).set_index("model")


@st.fragment
def experiment_block(ctrl, chart, below) -> None:
    """Controls, the main chart and the training curves; writes into the page's columns (created outside,
    so the Stop button can sit in the controls column without being part of this fragment)."""
    with ctrl:
        st.selectbox("Task", L.task.options, key="h_task", format_func=tasks.NAMES.get)
        st.select_slider("Distance D", L.distance.options, key="h_D")
        st.pills("Models (two or more)", [k for k in L.models.options if k in kinds_here], key="h_models",
                 selection_mode="multi", format_func=label, wrap=True)
        slider(P["h_steps"], "Training steps per model", step=25)
        task, D, kinds, n = ss.h_task, int(ss.h_D), list(ss.h_models or []), int(ss.h_steps)
        if task != ss.get("_h2h_task_drawn"):
            st.rerun()                          # the claim and the notes below belong to the task: redraw the page
        est = estimate(task, D, kinds, n) if kinds else 0.0
        go = st.button("Train them live", key="h_train", type="primary", icon=":material/play_arrow:",
                       disabled=len(kinds) < 2, help=f"Trains the chosen models side by side here; stops at "
                       f"{L.live_seconds:.0f} s")
        st.caption((f"About {est:.0f} s on this server (limit {L.live_seconds:.0f} s), one thread; runs queue "
                    "server-wide. Your run stays in your session only.") if len(kinds) >= 2
                   else "Pick at least two models to race them.")
        bar_slot = st.container()
    push_to_url(list(P.values()))
    task_runs = runs[runs.task == task] if len(runs) else runs
    main_slot = chart.empty()
    sample, answer = tasks.example(task, D)
    chart.caption(f"One stream at D = {D}: `{sample}` → answer `{answer}` · chance {tasks.chance():.1%}")
    with below:
        st.radio("Training curves against", L.curve_x.options, key="h_x", horizontal=True,
                 format_func={"step": "training steps", "seconds": "training seconds"}.get)
        curve_slot = st.empty()
    x = ss.h_x
    ship_curves = curves[(curves.task == task) & (curves.distance == D) & curves.model.isin(kinds)] if len(curves) else curves

    def draw() -> None:
        finals, live_curves, run = live_frames()
        same_task = run.get("task") == task
        main_slot.altair_chart(charts.accuracy_vs_distance(
            task_runs, finals if same_task else None, tasks.chance(),
            f"{tasks.NAMES[task].capitalize()}: accuracy vs distance D"), width="stretch")
        lc = live_curves if same_task and run.get("distance") == D else None
        curve_slot.altair_chart(charts.curves_chart(ship_curves, lc, x, f"Training curves at D = {D}"), width="stretch")

    draw()
    if go and len(kinds) >= 2:
        try:
            train_live(task, D, kinds, n, draw, bar_slot)
        except ValueError as e:
            st.error(f"Not trained: {e}.", icon=":material/block:")
        draw()
    finals, live_curves, run = live_frames()
    if run:
        if run.get("status") == "running":     # an earlier script run was cut short by a click
            run["status"] = "stopped" if q.stopped(KEY) else "interrupted"
        with below:
            if run.get("message"):
                st.info(run["message"], icon=":material/info:")
            layout.notice(notes.live_notes(finals, runs[runs.task == run["task"]] if len(runs) else runs,
                                           run.get("status", "done"), steps)
                          + (notes.replay_note(live_curves, curves[(curves.task == run["task"])
                                                                   & (curves.distance == run["distance"])], run["seed"])
                             if run.get("steps") == steps else []))


claim_slot = st.empty()
show_messages(messages)
ss["_h2h_task_drawn"] = ss.h_task
with layout.section("The experiment"):
    ctrl_col, chart_col = layout.main_columns(1.15, 2.6)
    below_box = st.container()
    experiment_block(ctrl_col, chart_col, below_box)
    q.stop_button(KEY, "Stop the live run", where=ctrl_col)
task = ss.h_task
task_runs = runs[runs.task == task] if len(runs) else runs
layout.claim(notes.claim(task_runs, task, steps), claim_slot)
if len(runs) and task == "recall":
    measured.record("trained_memory", notes.overview_row(task_runs, steps))

with layout.section("The contestants"):
    st.subheader("The contestants, matched in size")
    st.table(contestants_table(task_runs))
    layout.notice(notes.sweep_notes(task_runs, task, steps) + notes.timing_notes(task_runs))
    if meta.get("runs"):
        st.caption(" · ".join(f"sweep of {k}: {v['seconds'] / 60:.1f} min on one thread, load average "
                              f"{v['load_start'][0]:.1f} → {v['load_now'][0]:.1f}" for k, v in meta["runs"].items())
                   + f" · `{meta.get('command', '')}`")
    layout.downloads(runs, "head_to_head_runs", "h_dl_runs", {k: v for k, v in meta.items() if k != "rows"})

with layout.section("Tuning"), st.expander("How each model was tuned — everything tried"):
    st.markdown(f"Every model got the same grid on {tasks.NAMES[tune_meta.get('task', L.tune_task)]} at "
                f"D = {tune_meta.get('distance', L.tune_distance)}, {tune_meta.get('steps', L.tune_steps)} steps, "
                f"seed 0: learning rates {', '.join(f'{v:g}' for v in L.tune_lrs)}; for the LSTM (forget gate) and the "
                f"GRU (update gate) also gate biases {', '.join(f'{v:g}' for v in L.tune_biases)}; clipping at "
                f"{L.clip:g} for all. The best accuracy (then the fewest steps to {L.solved:.0%}) was kept.")
    if len(tune_rows):
        st.dataframe(tune_rows.assign(model=tune_rows.model.map(label))[
            ["model", "lr", "gate_bias", "accuracy", "steps", "steps_to_solved", "train_seconds"]],
            hide_index=True, column_config={"accuracy": st.column_config.NumberColumn(format="percent"),
                                            "train_seconds": st.column_config.NumberColumn(format="%.1f")})
    layout.notice(notes.tuning_notes(tune_rows, picked))


@st.fragment
def throughput_block() -> None:
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
    model = modelled(tuple(dict.fromkeys(tp.model)))
    mm = model[model.target_params == target]
    st.altair_chart(charts.throughput_chart(m), width="stretch")
    st.altair_chart(charts.model_chart(mm, TIMING.model_tflops.default, TIMING.model_step_us.default), width="stretch")
    st.caption(f"Measured: {tmeta.get('device_name', '?')}, {tmeta.get('threads', 1)} thread, batch {tmeta.get('batch')}, "
               f"load average {tmeta.get('load_start', ['?'])[0]} → {tmeta.get('load_end', ['?'])[0]} · "
               f"{tmeta.get('seconds', '?')} s · `{tmeta.get('command', '')}`. The model uses the timing lab's defaults.")
    layout.notice(notes.throughput_notes(tp, model, target))
    layout.downloads(tp, "head_to_head_throughput", "h_dl_tp", tmeta)


with layout.section("Throughput"):
    throughput_block()

st.page_link("chapters/memory.py", label="Back to the memory page: seq2seq squeezes the source into one vector",
             icon=":material/arrow_back:", query_params={"m_sec": "seq2seq"})
layout.how_computed("head_to_head_how")
layout.next_chapter("chapters/overview.py", "Back to the overview")
