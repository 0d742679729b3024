"""Every shipped reference result loads through the same strict validator as an upload,
and is internally consistent (FLOPs recomputed from the formulas, sequential steps, quartiles)."""
from pathlib import Path

import pytest

from core import flops as fl
from core.timing import results as timing_io

REFS = sorted((Path(__file__).resolve().parent.parent / "assets" / "reference").glob("timing_*.json"))


def test_a_reference_is_shipped():
    assert REFS, "assets/reference/ should hold at least the CPU reference sweep"


@pytest.mark.parametrize("path", REFS, ids=lambda p: p.name)
def test_reference_loads_and_is_consistent(path):
    meta, df = timing_io.load(path)
    assert meta["threads"] >= 1 and meta["mode"] in ("forward", "train")
    for r in df.itertuples():
        assert r.flops == fl.flops(r.method, meta["B"], r.T, meta["d"], meta["mode"])
        assert r.sequential_steps == fl.sequential_steps(r.method, r.T)
        assert r.p25_s <= r.median_s <= r.p75_s
    assert df.groupby("method")["T"].nunique().min() >= 3


@pytest.mark.parametrize("mode", ["forward", "train"])
def test_each_mode_has_its_shipped_reference_with_derived_stability(mode):
    from core.config import TIMING
    from core.timing import reference

    meta, df = reference.load(mode)
    assert meta["mode"] == mode and meta["peak_flops_per_s"] > 0
    assert ((df["spread"] <= TIMING.max_spread) == df["stable"]).all()
    assert df["stable"].mean() > 0.8                   # measured on an idle host: most points steady
