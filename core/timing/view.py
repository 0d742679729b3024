"""What the timing lab shows, decided without Streamlit or torch: the request to time (validated and
estimated before it queues), and which frame, claim, caption, notes and overview rows the page draws
from a live sweep or the shipped reference."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from core.timing import fit, notes, reference
from core.timing.spec import SweepSpec, check_time, estimate_request, validate

NO_PAIR = "Choose the RNNCell loop and an attention method to compare them."


@dataclass(frozen=True)
class Plan:
    """The sweeps to time (None when refused), their estimated seconds, the refusal, the prior peak."""

    request: tuple[SweepSpec, ...] | None
    estimate: float = 0.0
    error: str | None = None
    prior: float = 0.0


def prior_peak(ref_meta: dict, device_name: str | None, threads: int) -> float:
    """The shipped reference's peak when it was read on this very device with these threads, else 0."""
    same = device_name is not None and ref_meta["device_name"] == device_name and ref_meta["threads"] == threads
    return ref_meta["peak_flops_per_s"] if same else 0.0


def plan(spec: SweepSpec, one_thread: bool, ref_meta: dict, device_name: str | None, known_peak: float) -> Plan:
    """Validate and estimate the request; refuse it (naming the limit) before it is queued."""
    request, prior = spec.request(one_thread), prior_peak(ref_meta, device_name, spec.threads)
    try:
        for s in request:
            validate(s)
        guess = max(known_peak or 0.0, prior)
        estimate = estimate_request(request, guess or ref_meta["peak_flops_per_s"])
        if guess:
            check_time(request, guess)   # refused before queueing; without any reading, after one
    except ValueError as e:
        return Plan(None, 0.0, f"Not timed: {e}.", prior)
    return Plan(request, estimate, None, prior)


@dataclass
class Shown:
    """What the page states: the frame drawn, whether it is a steady live sweep, and the words."""

    df: pd.DataFrame
    from_ref: bool
    stable_live: bool
    claim: str
    caption: str
    notices: list[str] = field(default_factory=list)
    overview: dict[str, str] = field(default_factory=dict)
    source: str = ""
    peak_gflops: float = 1.0


def shown(live, spec: SweepSpec, ref_meta: dict, ref_df: pd.DataFrame, device_name: str | None) -> Shown:
    """Only a complete, stable live sweep is stated as a finding; anything else keeps the reference's words."""
    ref_label = f"shipped reference: {reference.name(ref_meta)}"
    stable_live = live is not None and live.status == "done" and live.stable()
    df = live.frame() if live is not None and live.complete() else ref_df
    from_ref = df is ref_df
    claim = notes.claim(df if stable_live else ref_df, spec.device.upper() if stable_live else "CPU",
                        spec.threads if stable_live else ref_meta["threads"]) or NO_PAIR
    caption = ("Measured live on this server just now." if stable_live else
               f"From the {ref_label} until a steady live sweep on this server arrives.")
    busy = None if from_ref else notes.busy_note(df)
    ref_slopes = fit.slopes(ref_df, ref_meta["d"], ref_meta["B"], spec.mode)
    slopes = ref_slopes if from_ref or busy else fit.slopes(df, spec.d, spec.B, spec.mode)
    if from_ref or busy:
        lines = ([busy] if busy else []) + [
            f"Shipped reference ({reference.name(ref_meta)}): {n}"
            for n in notes.notes(ref_df, ref_slopes, ref_meta["B"], ref_meta["d"], ref_meta["threads"], "CPU")]
    else:
        lines = notes.notes(df, slopes, spec.B, spec.d, spec.threads, spec.device.upper()) + (
            notes.thread_notes(df, live.frame(live.specs[1]), spec.threads) if len(live.specs) > 1 else [])
    overview = {row: (f"{text} — {device_name}, {spec.threads} threads" if stable_live else
                      f"{text} — shipped reference: {reference.name(ref_meta)}"
                      + (" (this host was too busy to tell live)" if busy else ""))
                for row, text in notes.overview_rows(ref_df if from_ref or busy else df, slopes).items()}
    peak = (live.peak if not from_ref else ref_meta["peak_flops_per_s"]) or 1.0
    return Shown(df, from_ref, stable_live, claim, caption, lines, overview,
                 "live" if not from_ref else ref_label, peak / 1e9)
