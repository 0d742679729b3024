"""The shipped timing results of the scan chapter load, validate and carry their provenance."""
import pytest

from core.scan import results


@pytest.mark.parametrize("path, kind", [(results.THREE_WAYS, "three_ways"), (results.STEP_CPU, "train_step")])
def test_shipped_result_loads_and_validates(path, kind):
    meta, df = results.load(path)
    assert meta["kind"] == kind and meta["command"].startswith("python -m core.scan")
    assert len(meta["loadavg_before"]) == 3 and len(meta["loadavg_after"]) == 3
    assert meta["unstable_points"] == int(df["unstable"].sum())
    assert (df["median_s"] > 0).all() and (df["p25_s"] <= df["p75_s"]).all()
    if kind == "three_ways":
        assert set(df["method"]) == {"loop", "tree", "heinsen"}
        assert df["T"].max() == 16384
        assert (df["max_abs_diff"] < 1e-2).all()
    else:
        assert {"mingru_scan", "grucell_loop", "gru_fused", "sdpa"} <= set(df["method"])


def test_a_gpu_reference_is_optional():
    if results.STEP_CUDA.exists():
        meta, _ = results.load(results.STEP_CUDA)
        assert meta["device_kind"] == "cuda"
