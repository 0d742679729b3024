"""Scenes of attention's price: the T×T matrix, streaming, the edge, where each side wins (C13–C16, C18)."""
from __future__ import annotations

import time

import pandas as pd

from core.config import PRICE
from core.price import charts as pcharts
from core.price import costs, notes, streaming, sweep
from core.story.scene import Scene, SceneData, run_meta, spread, talk

T_SHOWN, HEADS, LAYERS = 4096, 8, 12
D = 128
CROSS_T = (256, 512, 1024, 2048)
CTX_T = (128, 256, 512, 1024)


def _matrix() -> SceneData:
    started = time.monotonic()
    size = costs.matrix_size(T_SHOWN, HEADS, LAYERS, 1, "float32")
    curve, seeds = costs.size_curve(size), costs.seed_check()
    frame = pd.concat([curve.assign(part="curve"), seeds.assign(part="seeds")], ignore_index=True)
    top = seeds.iloc[-1]
    v = {"T": T_SHOWN, "heads": HEADS, "layers": LAYERS, "bytes_per_value": size.bytes_per_value,
         "values_total": size.values, "bytes_total": size.bytes, "top_T": int(top["T"]), "top_values": int(top["exact"]),
         "top_bytes": int(top["exact"]) * size.bytes_per_value, "seed_512": int(seeds.iloc[0]["exact"])}
    return SceneData(frame, v, run_meta(started))


def _part(d: SceneData, part: str) -> pd.DataFrame:
    return d.frame[d.frame["part"] == part].drop(columns="part").dropna(axis=1, how="all")


matrix = Scene(
    "matrix", "The T×T price", "The attention matrix holds T² numbers per head", "attention_price",
    compute=_matrix,
    chart=lambda d: talk(pcharts.matrix_size(_part(d, "curve"), _part(d, "seeds"), d.values["T"],
                                             d.values["bytes_per_value"], None, "CPU")),
    sentence=lambda d: (f"At T = {d.values['top_T']:,} one head's attention matrix holds {d.values['top_values']:,} "
                        f"numbers ({notes.size_text(d.values['top_bytes'])} in float32); at T = {d.values['T']:,} "
                        f"with {d.values['heads']} heads × {d.values['layers']} layers a training pass keeps "
                        f"{notes.size_text(d.values['bytes_total'])}."),
    figure=lambda d: (f"one head at T = {d.values['top_T']:,}", notes.size_text(d.values["top_bytes"])),
    notes=lambda d: (f"Closed form: T² values per head per layer per sequence. 512 → {d.values['seed_512']:,}; the "
                     "seed's figures are checked as dots. Fused kernels (FlashAttention, SDPA) never hold the whole "
                     "matrix, but the work still grows as T²."),
    live_seconds=0.1, claims=("C13",))


def _doubling_sweep(kinds, grid, point, growth) -> pd.DataFrame:
    """The page's own doubling sweep (T ascending, each kind stopped before its next call passes the limit)."""
    jobs = [(k, T) for T in grid for k in kinds]
    return pd.DataFrame([e.row for e in sweep.doubling_sweep(jobs, point, growth) if isinstance(e, sweep.Row)])


def _streaming() -> SceneData:
    started = time.monotonic()
    df = _doubling_sweep(streaming.KINDS, CTX_T, lambda k, T: streaming.stream_point(k, T, D), {"recompute": 4})
    wide = df.pivot_table(index="T", columns="kind", values="median_s")
    T = int(wide.index.max())
    row = wide.loc[T]
    v = {"T": T, "d": D, "lstm_us": row["lstm"] * 1e6, "kv_us": row["kv_cache"] * 1e6,
         "recompute_us": None if pd.isna(row.get("recompute")) else row["recompute"] * 1e6,
         "lstm_state": streaming.state_bytes("lstm", T, D), "kv_state": streaming.state_bytes("kv_cache", T, D),
         "spread": spread(df)}
    return SceneData(df, v, run_meta(started))


stream = Scene(
    "streaming", "Streaming", "One more token: the RNN's cost stays flat, attention's grows", "attention_price",
    compute=_streaming, chart=lambda d: talk(pcharts.stream_latency(d.frame)),
    sentence=lambda d: (f"After {d.values['T']:,} tokens the next one costs the LSTM {d.values['lstm_us']:,.0f} µs and "
                        f"{notes.size_text(d.values['lstm_state'])} of state; a decoder layer with a KV cache "
                        f"{d.values['kv_us']:,.0f} µs and {notes.size_text(d.values['kv_state'])}"
                        + (f"; recomputing the prefix {d.values['recompute_us']:,.0f} µs." if d.values["recompute_us"]
                           else ".")),
    figure=lambda d: (f"state kept after {d.values['T']:,} tokens, KV ÷ LSTM",
                      f"{d.values['kv_state'] / d.values['lstm_state']:,.0f}×"),
    notes=lambda d: (f"Width d = {d.values['d']}, batch 1, one thread. The LSTM carries h and c, the same size at every "
                     "step; the KV cache grows by one key and one value per token per layer, and each new token reads "
                     "all of them. Without a cache every token re-runs the whole prefix."),
    timed=True, live_seconds=8, claims=("C15",))


def _edge() -> SceneData:
    started = time.monotonic()
    layers, hidden, inputs = PRICE.lstm_layers.default, PRICE.lstm_hidden.default, PRICE.lstm_input.default
    r = costs.lstm_step(layers, hidden, inputs)
    curve = costs.params_curve(layers, inputs, hidden)
    v = {"layers": layers, "hidden": hidden, "inputs": inputs, "params": r.params, "params_torch": r.params_torch,
         "step_ms": r.median_s * 1e3, "seed_params": PRICE.seed_params, "seed_step_ms": PRICE.seed_step_s * 1e3,
         "threads": r.threads, "spread": (r.p75_s - r.p25_s) / r.median_s}
    return SceneData(curve, v, run_meta(started))


edge = Scene(
    "edge", "The edge", "“A 2-layer LSTM with 256 units: ~500K parameters, ~1 ms a step”", "attention_price",
    compute=_edge,
    chart=lambda d: talk(pcharts.lstm_params(d.frame, d.values["hidden"], d.values["params"], d.values["seed_params"])),
    sentence=lambda d: (f"A {d.values['layers']}-layer LSTM with {d.values['hidden']} units and {d.values['inputs']} "
                        f"inputs has {d.values['params']:,} parameters — {d.values['params'] / d.values['seed_params']:.1f}× "
                        f"the seed's ~500K — and one step takes {d.values['step_ms']:.2f} ms here."),
    figure=lambda d: ("parameters (the seed: ~500K)", f"{d.values['params'] / 1e3:,.0f}K"),
    notes=lambda d: ("Parameters in closed form, 4N(I + N) + 8N per layer, checked against torch's count "
                     f"({d.values['params_torch']:,}). The step is timed at batch 1 with the state carried in, "
                     f"{d.values['threads']} thread; this is a server CPU, not a phone, so the ~1 ms comparison is loose."),
    timed=True, live_seconds=2, claims=("C16",))


def _wins() -> SceneData:
    started = time.monotonic()
    df = _doubling_sweep(("sdpa", "lstm_fused"), CROSS_T, lambda m, T: costs.crossover_point(m, T, D), {"sdpa": 4})
    c = costs.crossover(df)
    wide = df.pivot_table(index="T", columns="method", values="median_s")
    v = {"cross_T": c.T, "status": c.status, "d": D, "T_lo": int(wide.index.min()), "T_hi": int(wide.index.max()),
         "ratio_hi": float(wide["sdpa"].iloc[-1] / wide["lstm_fused"].iloc[-1]), "spread": spread(df)}
    return SceneData(df.drop(columns=["peak_bytes"], errors="ignore"), v, run_meta(started))


def _wins_sentence(d: SceneData) -> str:
    v = d.values
    if v["status"] == "crossed":
        where = f"attention is faster below T ≈ {v['cross_T']:,.0f} and the LSTM beyond"
    elif v["status"] == "attention_faster":
        where = f"attention is faster at every T from {v['T_lo']:,} to {v['T_hi']:,}"
    else:
        where = f"the LSTM is faster at every T from {v['T_lo']:,} to {v['T_hi']:,}"
    return (f"At batch 1 and width {v['d']} on this CPU, {where}; at T = {v['T_hi']:,} attention takes "
            f"{v['ratio_hi']:.1f}× the LSTM's time. Streaming and small devices favour the recurrent side.")


wins = Scene(
    "wins", "Where each side wins", "Short sequences and parallel training: attention. Streams, the edge: recurrence",
    "attention_price", compute=_wins,
    chart=lambda d: talk(pcharts.crossover_time(d.frame, d.values["cross_T"], costs.SEED_CROSSOVER)),
    sentence=_wins_sentence,
    figure=lambda d: ("crossover T (batch 1)", f"{d.values['cross_T']:,.0f}" if d.values["cross_T"] else "none in range"),
    notes=lambda d: ("Fused SDPA attention against fused nn.LSTM, one layer each, batch 1, one thread. The seed says "
                     "transformers win below ~2k tokens and the quadratic cost bites beyond ~32k (grey marks). A GPU "
                     "moves the crossover far to the right for attention, because its T² work is parallel; the "
                     "LSTM's T steps are not."),
    timed=True, live_seconds=10, claims=("C14", "C18"))

SCENES = [matrix, stream, edge, wins]
