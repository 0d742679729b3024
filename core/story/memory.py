"""Scenes of the memory chapter: the fixed-size state and seq2seq with and without attention (C5, C8)."""
from __future__ import annotations

import time

from core.config import SEQ2SEQ
from core.memory import charts as mcharts
from core.memory import probes, seq2seq
from core.memory import seq2seq_charts as scharts
from core.memory import seq2seq_notes
from core.story.scene import Scene, SceneData, run_meta, talk

PROBE = dict(n=64, rho=0.9, forget_bias=1.0, seed=0, kmax=40)


def _fixed_state() -> SceneData:
    started = time.monotonic()
    dec = probes.decodability(**PROBE)
    spans = probes.memory_span(dec.accuracy, dec.chance)
    v = {"chance": dec.chance, "N": PROBE["n"], "kmax": PROBE["kmax"],
         "spans": {str(k): (None if s is None else int(s)) for k, s in spans.items()}}
    return SceneData(dec.accuracy, v, run_meta(started))


def _fixed_sentence(d: SceneData) -> str:
    v, parts = d.values, []
    for name, k in v["spans"].items():
        name = "attention layer" if "attention" in name.lower() else name
        parts.append(f"the {name} forgets it after {k} steps" if k is not None
                     else f"the {name} still reads it {v['kmax']} steps back")
    return (f"A linear probe asks each {v['N']}-number state which token came k steps back: "
            + "; ".join(parts) + ".")


def _recurrent_span(d: SceneData):
    spans = [k for name, k in d.values["spans"].items() if "attention" not in name.lower() and k is not None]
    return max(spans) if spans else None


fixed_state = Scene(
    "fixed_state", "The fixed-size state", "Everything so far must fit in N numbers", "memory",
    compute=_fixed_state,
    chart=lambda d: talk(mcharts.accuracy_chart(d.frame, d.values["chance"],
                                                title="Probe: which token was k steps back?"), height=130),
    sentence=_fixed_sentence,
    figure=lambda d: ("longest recurrent memory (steps)", "—" if _recurrent_span(d) is None else f"{_recurrent_span(d)}"),
    notes=lambda d: (f"Random (untrained) cells with N = {d.values['N']} units read random tokens; a ridge probe "
                     "trained on the states tries to name the token k steps back. Chance is "
                     f"{d.values['chance']:.0%} (dashed). Attention keeps every token's vector (T × d numbers), "
                     "so it can read any of them back: its curve stays flat."),
    live_seconds=6, claims=("C5", "C8"))


def _seq2seq() -> SceneData:
    started = time.monotonic()
    plain, attn = (seq2seq.accuracy(seq2seq.load_variant(v)) for v in ("plain", "attention"))
    df = scharts.accuracy_frame({"plain": plain.by_length, "attention": attn.by_length})
    half = {k: seq2seq_notes.first_below(a.by_length) for k, a in (("plain", plain), ("attention", attn))}
    longest = int(plain.by_length["n"].max())
    at = {k: float(a.by_length.sort_values("n")["exact_match"].iloc[-1]) for k, a in
          (("plain", plain), ("attention", attn))}
    v = {"plain_half": half["plain"], "attention_half": half["attention"], "longest": longest,
         "plain_at_longest": at.get("plain"), "attention_at_longest": at.get("attention"),
         "train_lo": SEQ2SEQ.train_lo, "train_hi": SEQ2SEQ.train_hi, "hidden": plain.hidden}
    return SceneData(df, v, run_meta(started))


def _half(n) -> str:
    return "stays above half right at every length tested" if n is None else f"gets under half right from {n} digits"


seq2seq_scene = Scene(
    "seq2seq", "Seq2seq ± attention", "One vector for the whole source, or a look back at all of it",
    "memory", compute=_seq2seq,
    chart=lambda d: talk(scharts.accuracy_chart(d.frame, "exact_match", (d.values["train_lo"], d.values["train_hi"])),
                         height=160),
    sentence=lambda d: (f"Reversing digits, the encoder–decoder that passes one {d.values['hidden']}-number vector "
                        f"{_half(d.values['plain_half'])}; with attention over the encoder's states it "
                        f"{_half(d.values['attention_half'])}."),
    figure=lambda d: (f"whole answers right at {d.values['longest']} digits",
                      "—" if d.values["attention_at_longest"] is None else
                      f"{d.values['plain_at_longest']:.0%} → {d.values['attention_at_longest']:.0%}"),
    notes=lambda d: (f"Two shipped GRU seq2seq models of the same width, trained on {d.values['train_lo']}–"
                     f"{d.values['train_hi']} digits (shaded), evaluated on fixed random sources, greedy decoding. "
                     "The plain decoder sees only the last encoder state; Bahdanau attention (2015) lets every "
                     "decoding step read all of them."),
    live_seconds=4, claims=("C8",))

SCENES = [fixed_state, seq2seq_scene]
