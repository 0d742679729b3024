"""Scenes of the recurrence half of the story: the sequential chain, the device left idle,
the seed's snippet, vanishing gradients, the forget gate's arithmetic, clipping (C1–C7, C17)."""
from __future__ import annotations

import os
import time

import pandas as pd

from core.gradients import charts as gcharts
from core.gradients.clipping import BASELINE_LOSS, clipping_run
from core.gradients.profile import GradientSetup, forget_arithmetic, gradient_profile, summary
from core.story.scene import Scene, SceneData, run_meta, spread, talk
from core.timing import charts as tcharts
from core.timing import notes as tnotes
from core.timing import seed_snippet
from core.timing import results as timing_io
from core.timing import fit, sweep
from core.assets import REFERENCE as REFERENCE_DIR
from core.gradients.notes import ten_to

THREADS = min(2, os.cpu_count() or 1)
# A short sweep at the seed's sizes (B 32, d 128): four lengths, ~10 s on a busy 2-core CPU.
# Live: a short sweep at the seed's sizes (B 32, d 128), three lengths. Shipped: the timing lab's
# reference sweep (assets/reference/timing_cpu_2core.json, measured on an idle machine).
SPEC = sweep.SweepSpec(methods=("rnncell_loop", "sdpa"), B=32, d=128, heads=4, t_min=16, t_max=256,
                       points=3, threads=THREADS, min_run_time=0.02, repeats=3)
REFERENCE = REFERENCE_DIR / "timing_cpu_2core.json"


def _sweep(with_peak: bool) -> SceneData:
    from core.device import matmul_peak

    started = time.monotonic()
    df = pd.DataFrame(list(sweep.iter_sweep(SPEC)))
    peak = matmul_peak("cpu", THREADS, 1024).flops_per_s if with_peak else None
    if peak:
        df = sweep.with_peak_share(df, peak)
    return _summarise(df, peak, run_meta(started, THREADS))


def _reference() -> SceneData:
    """The shipped reference sweep, cut to the two methods the scene compares."""
    meta, df = timing_io.load(REFERENCE)
    df = df[df["method"].isin(SPEC.methods)].assign(label=lambda f: f["method"].map(sweep.LABELS)).reset_index(drop=True)
    info = {"source": f"shipped reference {REFERENCE.name}", "device": meta.get("device_name"),
            "threads": meta.get("threads"), "torch": meta.get("torch_version")}
    return _summarise(df, meta.get("peak_flops_per_s"), info, B=meta.get("B", SPEC.B), d=meta.get("d", SPEC.d))


def _summarise(df: pd.DataFrame, peak: float | None, meta: dict, B: int = SPEC.B, d: int = SPEC.d) -> SceneData:
    last = df[df["T"] == df["T"].max()].set_index("method")
    slopes = fit.slopes(df, d, B).set_index("method")["measured_slope"]
    values = {"T": int(last["T"].iloc[0]), "loop_ms": last.loc["rnncell_loop", "median_s"] * 1e3,
              "attn_ms": last.loc["sdpa", "median_s"] * 1e3, "loop_steps": int(last.loc["rnncell_loop", "sequential_steps"]),
              "attn_steps": int(last.loc["sdpa", "sequential_steps"]), "loop_slope": slopes.get("rnncell_loop"),
              "attn_slope": slopes.get("sdpa"), "spread": spread(df), "B": B, "d": d}
    if peak:
        values |= {"peak_gflops": peak / 1e9, "loop_pct": last.loc["rnncell_loop", "pct_of_peak"],
                   "attn_pct": last.loc["sdpa", "pct_of_peak"]}
    return SceneData(df, values, meta)


def _time_chart(d: SceneData):
    """Live rows solid; the shipped reference dashed, as every chart of the app draws a reference."""
    if not str(d.meta.get("source", "")).startswith("shipped reference"):
        return tcharts.time_vs_T(d.frame)
    return tcharts.time_vs_T(None, {f"reference: {d.meta.get('device')}, {d.meta.get('threads')} threads": d.frame})


def _faster(v: dict) -> str:
    r = v["loop_ms"] / v["attn_ms"]
    return f"{r:.0f}× faster" if r >= 1.5 else f"{r:.1f}× faster" if r >= 1 else f"{1 / r:.1f}× slower"


chain = Scene(
    "chain", "The sequential chain", "h_t needs h_(t−1): T steps, one after another", "timing_lab",
    compute=lambda: _sweep(False), shipped=_reference,
    chart=lambda d: talk(_time_chart(d)),
    sentence=lambda d: (f"At T = {d.values['T']}, the RNN loop makes {d.values['loop_steps']} dependent steps "
                        f"({d.values['loop_ms']:.1f} ms); attention makes {d.values['attn_steps']} parallel step "
                        f"({d.values['attn_ms']:.1f} ms), {_faster(d.values)}."),
    figure=lambda d: (f"attention vs the loop at T = {d.values['T']}", _faster(d.values)),
    notes=lambda d: (f"Batch {d.values['B']}, width {d.values['d']}, {d.meta.get('threads', '?')} threads. The loop's "
                     f"time grows with slope {d.values['loop_slope']:.2f} on log–log axes (1 = linear in T): every "
                     "step waits for the previous one. Attention's slope is "
                     f"{d.values['attn_slope']:.2f}: its work grows as T², but it is one batched call. "
                     "Ask: what would a GPU do to each line? (The loop cannot use the extra cores.)"),
    timed=True, live_seconds=20, claims=("C1", "C12", "C17"))

device_share = Scene(
    "device", "% of the device used", "The loop leaves the device idle", "timing_lab",
    compute=lambda: _sweep(True), shipped=_reference,
    chart=lambda d: talk(tcharts.pct_of_peak(d.frame, d.values["peak_gflops"])),
    sentence=lambda d: (f"At T = {d.values['T']} the RNN loop reaches {d.values['loop_pct']:.1f} % of this CPU's "
                        f"measured matmul peak ({d.values['peak_gflops']:,.0f} GFLOP/s); attention reaches "
                        f"{d.values['attn_pct']:.1f} %."),
    figure=lambda d: ("the RNN loop's share of the peak", f"{d.values['loop_pct']:.1f} %"),
    notes=lambda d: ("The peak is a large float32 matmul timed on the same threads, so the percentage is of what "
                     "this machine can actually do. Each loop step multiplies a (B, d) by a (d, d) matrix — too small "
                     "to fill the vector units — and the next step cannot start early. On a GPU the gap is far larger."),
    timed=True, live_seconds=20, claims=("C2",))


def _snippet() -> SceneData:
    started = time.monotonic()
    s = seed_snippet.replay("cpu", THREADS, 0)
    v = {"proper_rnn_ms": s.proper_rnn.median_s * 1e3, "proper_attn_ms": s.proper_attn.median_s * 1e3,
         "one_rnn_ms": s.one_shot_rnn_s * 1e3, "one_attn_ms": s.one_shot_attn_s * 1e3,
         "fresh_rnn_ms": None if s.fresh_rnn_s is None else s.fresh_rnn_s * 1e3,
         "fresh_attn_ms": None if s.fresh_attn_s is None else s.fresh_attn_s * 1e3,
         "spread": max(s.proper_rnn.iqr_s / s.proper_rnn.median_s, s.proper_attn.iqr_s / s.proper_attn.median_s)}
    return SceneData(tnotes.snippet_frame(s), v, run_meta(started, THREADS))


def _first_reading(v: dict) -> float:
    return (v["fresh_attn_ms"] if v["fresh_attn_ms"] is not None else v["one_attn_ms"]) / v["proper_attn_ms"]


snippet = Scene(
    "snippet", "The seed's snippet", "One time.time() reading is not a measurement", "timing_lab",
    compute=_snippet,
    chart=lambda d: talk(tcharts.snippet_bars(d.frame).properties(height=80, width=520), height=None),
    sentence=lambda d: (f"The seed's one-shot timer read attention at {_first_reading(d.values):.1f}× its median of "
                        f"repeats; measured properly, the loop takes {d.values['proper_rnn_ms']:.0f} ms and attention "
                        f"{d.values['proper_attn_ms']:.0f} ms."),
    figure=lambda d: ("loop ÷ attention, measured properly", f"{d.values['proper_rnn_ms'] / d.values['proper_attn_ms']:.1f}×"),
    notes=lambda d: ("The article's code: batch 32, T 512, d 128, an RNNCell loop against nn.MultiheadAttention "
                     "with 4 heads, each timed once with time.time(). A first call pays allocation and kernel selection; "
                     "a single reading hides the spread; on a GPU the timer would stop before the kernels finish. "
                     "Proper: warm-up, synchronise, repeat, report the median and the spread."),
    timed=True, live_seconds=8, claims=("C3",))

GRAD_SETUP = GradientSetup(models=("tanh", "lstm", "gru", "attention"), T=200, n_seeds=3)


def _vanishing(setup: GradientSetup = GRAD_SETUP, k: int = 3) -> SceneData:
    started = time.monotonic()
    p = gradient_profile(setup)
    table = summary(p, k)
    band = p.band[p.band["wrt"] == "x"]
    hz = table[table["wrt"] == "x"].set_index("model")["horizon"]
    v = {f"{m}_horizon": (None if pd.isna(hz.get(m)) else int(hz.get(m))) for m in setup.models}
    v |= {"k": k, "rho": setup.rho, "T": setup.T, "seeds": setup.n_seeds}
    return SceneData(band.reset_index(drop=True), v, run_meta(started))


def _vanishing_chart(d: SceneData):
    marks = pd.DataFrame([{"model": m[:-8], "distance": h} for m, h in d.values.items()
                          if m.endswith("_horizon") and h is not None])
    marks = marks.merge(d.frame, on=["model", "distance"]) if len(marks) else None
    return talk(gcharts.decay(d.frame, "x", d.values["rho"], marks))


def _steps(n) -> str:
    return "never within the sequence" if n is None else f"after {n} step{'s' if n != 1 else ''}"


vanishing = Scene(
    "vanishing", "Vanishing gradients", "∂E_t/∂h_1 is a product of T Jacobians", "gradients",
    compute=_vanishing, chart=_vanishing_chart,
    sentence=lambda d: (f"At spectral radius ρ = {d.values['rho']:g}, the tanh RNN's gradient to an input falls "
                        f"below {ten_to(d.values['k'])} {_steps(d.values['tanh_horizon'])}; the LSTM's "
                        f"{_steps(d.values['lstm_horizon'])}; attention's {_steps(d.values['attention_horizon'])}."),
    figure=lambda d: (f"tanh RNN: steps to {ten_to(d.values['k'])}", "—" if d.values["tanh_horizon"] is None
                      else f"{d.values['tanh_horizon']}"),
    notes=lambda d: (f"‖∂L/∂x_k‖ against the distance from the output, median of {d.values['seeds']} seeds "
                     f"(band: min–max), T = {d.values['T']}. The product of Jacobians shrinks geometrically when "
                     "the recurrent matrix's spectral radius is below 1 and grows when it is above. Attention reads "
                     "every input in one step, so its line is flat in distance."),
    live_seconds=3, claims=("C4", "C5", "C9"))


def _gate(T: int = 500, bias: float = 1.0) -> SceneData:
    started = time.monotonic()
    arith = forget_arithmetic(T, bias)
    p = gradient_profile(GradientSetup(models=("lstm",), T=T, n_seeds=1, forget_bias=bias))
    measured = p.forget.assign(part="measured")
    lstm = p.band[(p.band["model"] == "lstm") & (p.band["wrt"] == "h")].assign(part="lstm")
    frame = pd.concat([arith.assign(part="arith"), measured, lstm], ignore_index=True)
    last = p.forget["measured"].iloc[-1] if len(p.forget) else None
    v = {"T": T, "bias": bias, "f099": 0.99 ** T, "f0999": 0.999 ** T, "f09": 0.9 ** T,
         "measured_at_T": None if last is None else float(last)}
    return SceneData(frame, v, run_meta(started))


def _part(d: SceneData, part: str) -> pd.DataFrame:
    return d.frame[d.frame["part"] == part].drop(columns="part").dropna(axis=1, how="all")


gate = Scene(
    "gate", "The LSTM's gate", "0.99^500: the forget gate decides how long a memory lasts", "gradients",
    compute=_gate,
    chart=lambda d: talk(gcharts.forget_gate(_part(d, "arith"), _part(d, "measured"), _part(d, "lstm"))),
    sentence=lambda d: (f"A forget gate of 0.99 kept for {d.values['T']} steps leaves 0.99^{d.values['T']} = "
                        f"{d.values['f099']:.4f} of the cell state's gradient; 0.999 leaves {d.values['f0999']:.2f}, "
                        f"0.9 leaves {d.values['f09']:.1e}."),
    figure=lambda d: (f"0.99^{d.values['T']}", f"{d.values['f099']:.4f}"),
    notes=lambda d: ("The cell state is additive: c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t, so along the cell path the "
                     "gradient is multiplied by the forget gate alone, step after step. "
                     + (f"Measured in a random LSTM with forget-gate bias {d.values['bias']:g}, the product of its "
                        f"gates over {d.values['T']} steps is {d.values['measured_at_T']:.1e}: "
                        "the gates are not constant, and a trained model learns to hold them near 1."
                        if d.values["measured_at_T"] is not None else "")),
    live_seconds=3, claims=("C6",))


def _clipping(rho: float = 1.5, clip: float = 1.0, seed: int = 0) -> SceneData:
    started = time.monotonic()
    run = clipping_run(rho, clip, seed)
    f = run.frame
    names = list(dict.fromkeys(f["run"]))
    peak = f.groupby("run")["grad_norm"].max()
    final = f.groupby("run")["loss"].last()
    v = {"rho": rho, "clip": clip, "baseline": BASELINE_LOSS, "diverged_plain": run.diverged.get(names[0]),
         "diverged_clipped": run.diverged.get(names[1]), "peak_norm_plain": peak[names[0]],
         "final_plain": final[names[0]], "final_clipped": final[names[1]], "steps": int(f["step"].max()) + 1}
    return SceneData(f, v, run_meta(started))


def _clip_sentence(d: SceneData) -> str:
    v = d.values
    plain = (f"diverges at step {v['diverged_plain']}" if v["diverged_plain"] is not None
             else f"ends at loss {v['final_plain']:.3g} after gradient norms up to {v['peak_norm_plain']:.3g}")
    than = "better" if v["final_clipped"] < v["baseline"] else "no better"
    return (f"A tanh RNN at ρ = {v['rho']:g} trained without clipping {plain}; clipped at {v['clip']:g} it stays "
            f"finite and ends at loss {v['final_clipped']:.3g}, {than} than always answering 1.0 "
            f"({v['baseline']:.3g}).")


clipping = Scene(
    "clipping", "Clipping", "Exploding gradients are patched by clipping", "gradients",
    compute=_clipping, chart=lambda d: talk(gcharts.clipping(d.frame, d.values["baseline"])[0]),
    sentence=_clip_sentence,
    figure=lambda d: ("loss with clipping, last step", f"{d.values['final_clipped']:.3g}"),
    notes=lambda d: (f"Same weights, same batches, {d.values['steps']} SGD steps on the adding problem, once without "
                     f"and once with the gradient norm clipped at {d.values['clip']:g}. Clipping caps the step size; it "
                     "does nothing for vanishing gradients, which is why gating (and later attention) was needed."),
    live_seconds=4, claims=("C7",))

SCENES = [chain, device_share, snippet, vanishing, gate, clipping]
