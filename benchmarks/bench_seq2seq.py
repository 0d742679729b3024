"""Speed of the memory page's seq2seq section (claim C8) on this machine.

    python benchmarks/bench_seq2seq.py [--repeats N]

Prints: loading both shipped checkpoints; the live evaluation (both variants, every
length 2–30, 200 fixed sources per length, one thread) — the figure the page pays once
per server, cached afterwards; decoding the reader's default sequence and building the
section's chart specs; and each checkpoint's recorded training time and accuracy by
length (from assets/checkpoints/seq2seq.json). Goal: evaluation < 1 s in total.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from core.memory import seq2seq  # noqa: E402
from core.memory import seq2seq_charts as charts  # noqa: E402
from core.chart_style import style  # noqa: E402
from core.config import SEQ2SEQ as L  # noqa: E402
from core.device import describe  # noqa: E402
from common import timed  # noqa: E402




def line(label: str, t: tuple[float, float, float]) -> None:
    print(f"{label:<58} median {t[0]:.3f} s  (min {t[1]:.3f}, max {t[2]:.3f})")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    a = p.parse_args()
    info = describe("cpu")
    print(f"{info.name}, {info.cores} cores, torch {info.torch_version}; evaluation on 1 intra-op thread\n")
    line("load both checkpoints", timed(lambda: [seq2seq.load_variant(v) for v in L.variants], a.repeats))
    models = {v: seq2seq.load_variant(v) for v in L.variants}
    for v, m in models.items():
        line(f"evaluate {v}: lengths {L.eval_lo}–{L.eval_hi} × {L.eval_per_length.default}",
             timed(lambda: seq2seq.accuracy(m), a.repeats))
    line("evaluate both (what the page's first visit pays)",
         timed(lambda: [seq2seq.accuracy(m) for m in models.values()], a.repeats))
    source = seq2seq.parse_digits(L.example)
    line(f"decode the default {len(source)} digits with both",
         timed(lambda: [seq2seq.translate(m, source) for m in models.values()], a.repeats))
    accs = {v: seq2seq.accuracy(m) for v, m in models.items()}
    df = charts.accuracy_frame({v: acc.by_length for v, acc in accs.items()})
    tr = seq2seq.translate(models["attention"], seq2seq.parse_digits("1" * L.source_len.hi))
    line("chart specs: 2 accuracy + a 30 × 30 alignment", timed(lambda: [
        style(charts.accuracy_chart(df, m, (L.train_lo, L.train_hi))).to_dict() for m in charts.MEASURES] +
        [style(charts.alignment_chart(charts.alignment_frame(tr), "t")).to_dict()], a.repeats))
    print()
    rec = seq2seq.recorded()
    for v in L.variants:
        r = rec[v]
        print(f"{v}: {r['parameters']:,} parameters, trained {r['steps']} steps in {r['train_seconds']} s "
              f"on {r['threads']} thread(s) — `{r['command']}`")
    table = pd.DataFrame({"n": accs["plain"].by_length.n})
    for v, acc in accs.items():
        table[f"{v} exact"] = acc.by_length.exact_match.map("{:.1%}".format)
        table[f"{v} per-token"] = acc.by_length.token_accuracy.map("{:.1%}".format)
    print("\nAccuracy by source length (live, greedy decoding):")
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
