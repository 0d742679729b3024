"""'What to notice' on attention's price, written from the computed rows (never from fixed prose)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.config import PRICE
from core.price.costs import SEED_CROSSOVER, Crossover, EdgeResult, MatrixSize, lstm_parameters
from core.price.streaming import KINDS, decoder_parameters, token_flops
from core.price.sweep import time_text


def size_text(b: float) -> str:
    """Bytes in binary units: 1.0 KiB, 16.0 MiB, 37.3 GiB, 2.1 TiB."""
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if b >= scale:
            return f"{b / scale:,.1f} {unit}"
    return f"{b:,.0f} B"


def unstable_note(df: pd.DataFrame) -> list[str]:
    """A warning when some points' spread passed the limit: the host's load may have spoiled them."""
    if "stable" not in df or df["stable"].all():
        return []
    bad = int((~df["stable"].astype(bool)).sum())
    return [f"**The host was busy:** {bad} of {len(df)} point{'s' if len(df) != 1 else ''} spread more than "
            f"{PRICE.max_spread:.0%} of their median between repeats, so the figures here are rough; trust the "
            f"shipped reference's conclusion over them."]


def _slope(ts, ys) -> float:
    return float(np.polyfit(np.log(np.asarray(ts, float)), np.log(np.asarray(ys, float)), 1)[0])


def calculator_notes(size: MatrixSize, seeds: pd.DataFrame, dtype: str, memory: int | None, device: str) -> list[str]:
    out = [f"At T = {size.T:,} one head's attention matrix holds {size.per_head:,} values "
           f"({size_text(size.per_head * size.bytes_per_value)} in {dtype}); {size.heads} heads × {size.layers} "
           f"layers × batch {size.batch} hold {size.values:,} ({size_text(size.bytes)})."]
    parts = []
    for r in seeds.itertuples():
        off = abs(r.exact_over_seed - 1)
        verdict = "exact" if off == 0 else f"{r.exact:,} exactly, rounded" if off < 0.01 else f"{r.exact:,}, off by {off:.0%}"
        parts.append(f"{r.T:,} → {r.seed_says} ({verdict})")
    right = bool((abs(seeds["exact_over_seed"] - 1) < 0.01).all())
    out.append(f"The seed's figures{' are right' if right else ''} per head, per layer, per sequence: "
               + "; ".join(parts) + ".")
    big = seeds.iloc[-1]
    one, whole = int(big["exact"]) * size.bytes_per_value, int(big["exact"]) * size.bytes_per_value * size.heads * size.layers
    if memory:
        fits = "fits" if one <= memory else "does not fit"
        out.append(f"One head at T = {int(big['T']):,} takes {size_text(one)} in {dtype}, which {fits} in this "
                   f"{device}'s {size_text(memory)}; {size.heads} heads × {size.layers} layers take {size_text(whole)}"
                   f" ({whole / memory:,.0f}× the device) — the seed's \"impossible to fit\" is about storing the matrix, "
                   f"which fused attention never does (measured below).")
    return out


def memory_notes(df: pd.DataFrame) -> list[str]:
    """df: rows of core.price.attention_memory_point with peak_bytes measured."""
    wide = df.pivot_table(index="T", columns="kind", values="peak_bytes")
    T = int(wide.index.max())
    mat, fused = wide.loc[T, "materialised"], wide.loc[T, "fused"]
    matrix = 4 * T * T
    out = [f"At T = {T:,} the written-out attention peaked at {size_text(mat)} — {mat / matrix:.1f}× one "
           f"{size_text(matrix)} T×T matrix (the scores and the softmax weights are both alive while softmax "
           f"runs); fused attention peaked at {size_text(fused)}, {mat / max(fused, 4096):,.0f}× less."]
    big = wide[wide["materialised"] >= 4 * 2**20]  # smaller points sit near the counter's noise
    if len(big) >= 2:
        out.append(f"Written out, peak memory grew as T^{_slope(big.index, big['materialised']):.2f} "
                   f"(T² predicts 2.00); fused, it grew from {size_text(wide['fused'].iloc[0])} to "
                   f"{size_text(fused)} over the same range — the T×T matrix is never stored.")
    return out


def crossover_notes(df: pd.DataFrame, cross: Crossover, d: int, device: str, threads: int, stopped: list[str]) -> list[str]:
    wide = df.pivot_table(index="T", columns="method", values="median_s")
    rec = next(m for m in wide.columns if m != "sdpa")
    label = df.loc[df["method"] == rec, "label"].iloc[0]
    where = f"on this {device} ({threads} thread{'s' if threads > 1 else ''}), batch 1, d = {d}"
    if cross.status == "crossed":
        ratio = cross.T / SEED_CROSSOVER[0]
        verdict = ("about right" if 0.5 <= ratio <= 2 else f"{ratio:.1f}× too low" if ratio > 1
                   else f"{1 / ratio:.1f}× too high")
        out = [f"Fused attention is faster than {label} up to T ≈ {cross.T:,.0f} {where}, slower beyond; for this "
               f"device the seed's \"transformers win below ~2k\" is {verdict}."]
    elif cross.status == "attention_faster":
        T = int(wide.index.max())
        out = [f"Fused attention stayed faster than {label} up to T = {T:,} {where} ({time_text(wide.loc[T, 'sdpa'])} "
               f"vs {time_text(wide.loc[T, rec])}): the lines cross later, if at all — raise the longest T."]
    else:
        T = int(wide.index.min())
        out = [f"Even at T = {T:,} fused attention ({time_text(wide.loc[T, 'sdpa'])}) was slower than {label} "
               f"({time_text(wide.loc[T, rec])}) {where}."]
    both = wide.dropna()
    if len(both) >= 2:
        out.append(f"Time grew as T^{_slope(both.index, both['sdpa']):.2f} for attention and "
                   f"T^{_slope(both.index, both[rec]):.2f} for {label} over T = {int(both.index.min()):,}–"
                   f"{int(both.index.max()):,}; the seed's ~{SEED_CROSSOVER[1]:,} where \"the quadratic cost bites\" "
                   f"is {'inside' if both.index.max() >= SEED_CROSSOVER[1] else 'beyond'} this range.")
    mem = df.pivot_table(index="T", columns="method", values="peak_bytes").dropna()
    if len(mem):
        T = int(mem.index.max())
        out.append(f"Memory at T = {T:,}: attention {size_text(mem.loc[T, 'sdpa'])}, {label} "
                   f"{size_text(mem.loc[T, rec])} — with a fused kernel both grow linearly in T.")
    return out + stopped


def stream_notes(df: pd.DataFrame, d: int) -> list[str]:
    wide = df.pivot_table(index="T", columns="kind", values="median_s")
    T0, T = int(wide.index.min()), int(wide.index.max())
    row = wide.loc[T]
    out = [f"After {T:,} tokens the next token cost {time_text(row['lstm'])} for the LSTM step, "
           f"{time_text(row['kv_cache'])} with a KV cache and "
           + (f"{time_text(row['recompute'])} recomputing the prefix." if pd.notna(row.get("recompute")) else
              "— recomputing the prefix was stopped earlier (too slow).")]
    if T > T0:
        parts, lag = [], []
        for kind in ("lstm", "kv_cache", "recompute"):
            s = wide[kind].dropna()
            if len(s) > 1:
                t0, t1 = int(s.index[0]), int(s.index[-1])
                model = token_flops(kind, t1, d) / token_flops(kind, t0, d)
                parts.append(f"{KINDS[kind]} ×{s.iloc[-1] / s.iloc[0]:.1f} (FLOP count ×{model:.1f})")
                if kind != "lstm" and s.iloc[-1] / s.iloc[0] < model / 2:
                    lag.append(KINDS[kind])
        out.append(f"From {T0:,} to {T:,} tokens of context the time per token changed: " + ", ".join(parts)
                   + f". The LSTM step's work is the same at every T, so its change is timing noise; the cached "
                   f"step's O(T) read outweighs its fixed 24·d² only past T ≈ 6d = {6 * d:,}. The seed's \"O(T) per "
                   f"token\" for the transformer assumes a KV cache; without one each token re-runs the prefix.")
        if lag:
            out.append(f"Measured time grew much less than the FLOP count for {' and '.join(lag)}: at these sizes "
                       f"a token's time is mostly fixed per-call overhead (dispatch, small kernels), which the "
                       f"arithmetic only outgrows at longer contexts.")
    kv = 2 * T * d * 4
    out.append(f"State kept between tokens: the LSTM's h and c are 2·N = {2 * d} floats ({size_text(8 * d)}) at any T; "
               f"the KV cache is 2·layers·T·d = {2 * T * d:,} floats ({size_text(kv)}) after {T:,} tokens, "
               f"{kv / (8 * d):,.0f}× more, growing by {size_text(8 * d)} per token per layer.")
    return out


def edge_notes(r: EdgeResult, device: str) -> list[str]:
    seed = PRICE.seed_params
    ratio = r.params / seed
    verdict = "close to" if 0.8 <= ratio <= 1.25 else f"{ratio:.1f}× "
    out = [f"nn.LSTM(I = {r.inputs}, N = {r.hidden}, layers = {r.layers}) has {r.params:,} parameters "
           f"(torch counts {r.params_torch:,}) — {verdict}the seed's ~{seed // 1000}K."]
    two = lstm_parameters(2, 256, 256)
    smallest = lstm_parameters(2, 256, 1)
    out.append(f"The seed's 2-layer, 256-unit LSTM has {two:,} parameters with 256 inputs ({two / seed:.1f}× ~500K), "
               f"and no input size brings it to ~500K: even I = 1 gives {smallest:,}. ~500K is one such layer "
               f"({lstm_parameters(1, 256, 256):,}).")
    step = r.median_s / PRICE.seed_step_s
    verdict = "close to" if 0.5 <= step <= 2 else f"{1 / step:.0f}× under" if step < 1 else f"{step:.1f}× over"
    out.append(f"One step at batch 1 took {time_text(r.median_s)} (median; quartiles {time_text(r.p25_s)}–"
               f"{time_text(r.p75_s)}) on this {device} with {r.threads} thread{'s' if r.threads > 1 else ''}: "
               f"{verdict} the seed's ~1 ms \"on a phone CPU\" (this is not a phone, so the comparison is loose).")
    out.append(f"For scale: {r.layers} decoder layer{'s' if r.layers > 1 else ''} of width {r.hidden} hold "
               f"{decoder_parameters(r.hidden, r.layers):,} parameters (12·d² + 13·d each): a transformer "
               f"of the same width and depth is {decoder_parameters(r.hidden, r.layers) / r.params:.1f}× "
               f"the LSTM's size.")
    return out


def _winner(rec: float, attn: float, smaller_wins: bool = True) -> str:
    if max(rec, attn) <= 1.2 * min(rec, attn):
        return "about even (within 20 %)"
    return "recurrence" if (rec < attn) == smaller_wins else "attention"


def summary(cross: pd.DataFrame, crossing: Crossover, stream: pd.DataFrame, d: int, edge: EdgeResult) -> pd.DataFrame:
    """Where each side wins, from the rows just measured."""
    rows = []
    c = cross.pivot_table(index="T", columns="method", values="median_s").dropna()
    rec = next((m for m in c.columns if m != "sdpa"), None)
    if rec is not None:
        for T in sorted({int(c.index.min()), int(c.index.max())}):
            rows.append((f"whole sequence at once, batch 1, T = {T:,}", time_text(c.loc[T, rec]),
                         time_text(c.loc[T, "sdpa"]), _winner(c.loc[T, rec], c.loc[T, "sdpa"])))
        where = f"T ≈ {crossing.T:,.0f}" if crossing.T else {"attention_faster": "not within the sweep (attention faster)",
                                                            "attention_slower": "below the sweep (recurrence faster)"}[crossing.status]
        rows.append(("where the time lines cross (the seed says ~2k)", "faster above", "faster below", where))
    s = stream.pivot_table(index="T", columns="kind", values="median_s")
    T = int(s.index.max())
    rows.append((f"next token of a stream, after {T:,} tokens", time_text(s.loc[T, "lstm"]),
                 f"{time_text(s.loc[T, 'kv_cache'])} (KV cache)", _winner(s.loc[T, "lstm"], s.loc[T, "kv_cache"])))
    rows.append((f"state kept between tokens, after {T:,}", size_text(8 * d), size_text(8 * T * d),
                 _winner(8 * d, 8 * T * d)))
    dec = decoder_parameters(edge.hidden, edge.layers)
    rows.append((f"parameters, {edge.layers} layers of width {edge.hidden}", f"{edge.params:,}", f"{dec:,}",
                 _winner(edge.params, dec)))
    return pd.DataFrame(rows, columns=["situation", "recurrence (measured)", "attention (measured)", "wins here"])


def claim(crossing: Crossover, cross: pd.DataFrame, stream: pd.DataFrame, device: str) -> str:
    """The page's punchline in one sentence: where each side wins, from the crossover and streaming rows."""
    rec = cross.loc[cross["method"] != "sdpa", "label"].iloc[0]
    s = stream.pivot_table(index="T", columns="kind", values="median_s")
    T = int(s.index.max())
    tail = (f"recurrence on the next token of a stream ({time_text(s.loc[T, 'lstm'])} vs "
            f"{time_text(s.loc[T, 'kv_cache'])} after {T:,} tokens) and on the state it keeps")
    if crossing.status == "crossed":
        head = f"attention on whole sequences up to T ≈ {crossing.T:,.0f} tokens, {rec} beyond; "
    elif crossing.status == "attention_faster":
        head = f"attention on whole sequences up to T = {int(cross['T'].max()):,} (the longest measured); "
    else:
        head = f"{rec} on whole sequences at every T measured; "
    return f"Where each side wins on this {device} at batch 1: {head}{tail}."
