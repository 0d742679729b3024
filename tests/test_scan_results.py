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


def test_the_reference_host_line_is_written_from_its_own_record():
    from core.scan import notes

    meta = results.load(results.THREE_WAYS)[0]
    quiet = {"loadavg_before": [0.64], "loadavg_after": [0.7], "cpu_count": 2, "unstable_points": 0}
    assert notes.reference_host(quiet) == "load average 0.6 → 0.7 on 2 cores, 0 unstable points"
    busy = {**quiet, "loadavg_after": [2.4], "unstable_points": 1}
    assert notes.reference_host(busy) == "load average 0.6 → 2.4 on 2 cores — a busy host, 1 unstable point"
    assert notes.reference_host({}) == "host load not recorded"
    line = notes.reference_host(meta)
    assert (" — a busy host" in line) == (max(meta["loadavg_before"][0], meta["loadavg_after"][0]) >= meta["cpu_count"])
