"""core/price.py against closed forms, torch's own modules and a known allocation."""
import math

import pandas as pd
import pytest
import torch
import torch.nn.functional as F

from core.config import PRICE
from core.price import costs as price
from core.price import notes, plan, streaming, sweep
from core.price.peak_memory import memory_probe

MIB = 2**20


# ------------------------------------------------------------------ C13 closed form
@pytest.mark.parametrize("T, seed_value", [(512, 262_144), (4_096, 16_800_000), (100_000, 10_000_000_000)])
def test_seed_figures_are_t_squared_per_head(T, seed_value):
    size = price.matrix_size(T)
    assert size.per_head == T * T
    assert size.values == T * T and size.bytes == 4 * T * T
    assert size.per_head == pytest.approx(seed_value, rel=0.01)  # 16.8 M is 16,777,216 rounded


def test_seed_check_table():
    table = price.seed_check().set_index("T")
    assert table.loc[512, "exact"] == 262_144 and table.loc[512, "exact_over_seed"] == 1
    assert table.loc[4096, "exact"] == 16_777_216
    assert table.loc[100_000, "exact"] == 10**10


def test_matrix_size_scales_with_heads_layers_batch_and_format():
    s = price.matrix_size(1000, heads=8, layers=12, batch=2, dtype="bfloat16")
    assert s.values == 1000 * 1000 * 8 * 12 * 2
    assert s.bytes == 2 * s.values


def test_matrix_size_refuses_past_the_limit_and_names_it():
    with pytest.raises(ValueError, match=r"sequence length T must be between 1 and 10000000 \(the app's limit\)"):
        price.matrix_size(PRICE.T.hi + 1)
    with pytest.raises(ValueError, match="number format"):
        price.matrix_size(10, dtype="float8")


def test_size_curve_contains_the_seed_points_and_the_readers_T():
    curve = price.size_curve(price.matrix_size(777, heads=2, layers=3))
    assert {512, 4096, 100_000, 777} <= set(curve["T"])
    one = curve[(curve["T"] == 777) & curve["scope"].str.startswith("one head")].iloc[0]
    whole = curve[(curve["T"] == 777) & ~curve["scope"].str.startswith("one head")].iloc[0]
    assert one["bytes"] == 4 * 777**2 and whole["bytes"] == 6 * one["bytes"]


def test_device_memory_is_known_on_cpu():
    assert price.device_memory_bytes("cpu") > 100 * MIB


# ------------------------------------------------------------------ attention, written out vs fused
@pytest.mark.parametrize("causal", [False, True])
def test_materialised_attention_equals_sdpa(causal):
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, 17, 8, generator=g) for _ in range(3))  # (B, H, T, Dh)
    ours = price.materialised_attention(q, k, v, causal=causal)
    assert torch.allclose(ours, F.scaled_dot_product_attention(q, k, v, is_causal=causal), atol=1e-5)


probe_needed = pytest.mark.skipif(not memory_probe("cpu").available,
                                  reason="/proc/self/clear_refs is not usable on this machine")


@probe_needed
def test_measured_memory_grows_as_t_squared_written_out_and_barely_fused():
    rows = {(k, T): price.attention_memory_point(k, T)["peak_bytes"]
            for k in price.ATTENTION_KINDS for T in (256, 1024)}
    grew_mat = rows["materialised", 1024] - rows["materialised", 256]
    grew_fused = rows["fused", 1024] - rows["fused", 256]
    # Two T×T float32 matrices: 8 MiB at T = 1024, 0.5 MiB at 256; allow noise of a few pages.
    assert 5 * MIB < grew_mat < 12 * MIB
    assert grew_fused < grew_mat / 4


def test_memory_point_refuses_past_the_limit():
    with pytest.raises(ValueError, match="longest measured T.*limit"):
        price.attention_memory_point("materialised", PRICE.mem_t_max.hi + 1)
    with pytest.raises(ValueError, match="kind must be"):
        price.attention_memory_point("sparse", 64)


# ------------------------------------------------------------------ C14 crossover
def test_doubling_and_the_time_limit():
    assert sweep.doubling(256, 2048) == [256, 512, 1024, 2048]
    assert sweep.doubling(256, 3000) == [256, 512, 1024, 2048, 3000]
    assert not sweep.too_slow(None, 4)
    assert sweep.too_slow(PRICE.max_call_s / 3, 4) and not sweep.too_slow(PRICE.max_call_s / 3, 2)
    slow = {"label": "nn.LSTM (fused)", "T": 8192, "median_s": PRICE.max_call_s}
    assert "not measured past T = 8,192" in sweep.stop_reason(slow, 2) and sweep.stop_reason(None, 4) is None


def test_the_doubling_sweep_yields_rows_and_one_stop_per_slow_method():
    """Quadratic "a" passes the per-call limit after T = 1024 (next doubling ×4); linear "b" never does."""
    calls = []

    def point(name, T):
        calls.append((name, T))
        secs = PRICE.max_call_s * (T / 1800) ** 2 if name == "a" else 1e-3 * T / 256
        return {"label": name, "T": T, "median_s": secs}

    jobs = [(m, T) for T in sweep.doubling(256, 4096) for m in ("a", "b")]
    events = list(sweep.doubling_sweep(jobs, point, {"a": 4}))
    rows = [e.row for e in events if isinstance(e, sweep.Row)]
    stops = [e for e in events if isinstance(e, sweep.Stop)]
    starts = [e for e in events if isinstance(e, sweep.Start)]
    assert [r["T"] for r in rows if r["label"] == "a"] == [256, 512, 1024]
    assert [r["T"] for r in rows if r["label"] == "b"] == [256, 512, 1024, 2048, 4096]
    assert len(stops) == 1 and stops[0].name == "a" and "not measured past T = 1,024" in stops[0].reason
    assert len(starts) == len(rows) == len(calls) and all(e.total == len(jobs) for e in starts)
    assert ("a", 2048) not in calls                                  # never measured: the point of stopping


def test_sweeps_are_estimated_and_refused_before_they_run():
    p = plan.default_params()
    assert 0 < p.memory.check() < PRICE.max_sweep_s and 0 < p.crossover.check() < PRICE.max_sweep_s
    assert 0 < p.stream.check() < PRICE.max_sweep_s and 0 < p.edge.check() < PRICE.max_sweep_s
    with pytest.raises(ValueError, match=f"past the limit of {PRICE.max_sweep_s:g} s for one live sweep"):
        price.check_sweep("x", [(0, PRICE.max_sweep_s / 2)] * 3)
    with pytest.raises(ValueError, match="past the memory limit of 1,024 MiB per measurement"):
        price.check_sweep("x", [(2 * PRICE.max_bytes, 1.0)])
    with pytest.raises(ValueError, match="divisible"):
        plan.CrossoverSpec("lstm_fused", 50, 512, "cpu", 1, 0).check()
    big = plan.StreamSpec(512, PRICE.ctx_max.hi, "cpu", 1, 0)
    est = big.check() if sum(s for _, s in (streaming.estimate_point(k, T, 512) for k, T in big.jobs())) \
        <= PRICE.max_sweep_s else None
    assert est is None or est <= PRICE.max_sweep_s


def test_huge_configurations_stay_python_numbers_not_int64():
    """T² · H · L · B · 4 bytes at the limits is ~1.6·10²² — past int64; the frame holds floats."""
    size = price.matrix_size(PRICE.T.hi, PRICE.heads.hi, PRICE.layers.hi, PRICE.batch.hi)
    assert size.bytes == 10_000_000**2 * 128 * 128 * 1024 * 4 and size.bytes > 2**63
    curve = price.size_curve(size)
    assert curve["bytes"].dtype == float and curve["bytes"].max() == pytest.approx(size.bytes)
    import pyarrow as pa
    pa.Table.from_pandas(curve)                                     # what st.dataframe / st.altair_chart do
    text = " ".join(notes.calculator_notes(size, price.seed_check(), "float32", 8 * 2**30, "CPU"))
    assert f"hold {size.values:,} (" in text and "TiB" in text


def _times(attn, rec, ts=(256, 512, 1024)):
    return pd.DataFrame([{"method": m, "T": t, "median_s": s} for m, col in (("sdpa", attn), ("lstm_fused", rec))
                         for t, s in zip(ts, col)])


def test_crossover_is_interpolated_on_log_axes():
    # log(attn / rec) goes −log 2 → +log 2 between 256 and 512: the crossing is their geometric mean.
    c = price.crossover(_times([1, 4, 16], [2, 2, 2]))
    assert c.status == "crossed" and c.T == pytest.approx(math.sqrt(256 * 512))
    assert price.crossover(_times([1, 1, 1], [2, 3, 4])).status == "attention_faster"
    assert price.crossover(_times([3, 4, 9], [2, 3, 4])).status == "attention_slower"


def test_crossover_point_measures_both_layers():
    for m in ("sdpa", "lstm_fused"):
        row = price.crossover_point(m, 64, 32)
        assert row["T"] == 64 and 0 < row["p25_s"] <= row["median_s"] <= row["p75_s"]
        assert row["family"] == ("attention" if m == "sdpa" else "recurrent")
    with pytest.raises(ValueError, match="divisible"):
        price.crossover_point("sdpa", 64, 50)
    with pytest.raises(ValueError, match="longest T"):
        price.crossover_point("sdpa", PRICE.cross_t_max.hi * 2, 32)


# ------------------------------------------------------------------ C16 the edge LSTM
@pytest.mark.parametrize("layers, hidden, inputs", [(2, 256, 256), (2, 256, 1), (1, 7, 3), (3, 16, 40)])
def test_lstm_parameters_match_torch(layers, hidden, inputs):
    lstm = torch.nn.LSTM(inputs, hidden, layers)
    assert price.lstm_parameters(layers, hidden, inputs) == sum(p.numel() for p in lstm.parameters())


def test_the_seeds_lstm_is_twice_its_500k():
    assert price.lstm_parameters(2, 256, 256) == 1_052_672
    assert price.lstm_parameters(2, 256, 1) == 791_552       # the smallest input still passes 500K
    assert price.lstm_parameters(1, 256, 256) == 526_336     # one layer is the seed's ~500K


def test_lstm_step_is_timed_and_counted():
    r = price.lstm_step(1, 16, 8)
    assert r.params == r.params_torch == price.lstm_parameters(1, 16, 8)
    assert 0 < r.p25_s <= r.median_s <= r.p75_s
    with pytest.raises(ValueError, match=r"the limit is 20,000,000"):
        price.lstm_step(8, 4096, 4096)
    with pytest.raises(ValueError, match="hidden units N"):
        price.lstm_step(2, 0, 8)


# ------------------------------------------------------------------ notes and charts from numbers
def test_notes_are_written_from_the_numbers():
    seeds = price.seed_check()
    text = " ".join(notes.calculator_notes(price.matrix_size(512), seeds, "float32", 8 * 2**30, "CPU"))
    assert "262,144 values" in text and "16,777,216 exactly, rounded" in text and "does not fit" in text
    cross = _times([1e-3, 4e-3, 16e-3], [2e-3, 2e-3, 2e-3]).assign(label="x", peak_bytes=1.0)
    text = " ".join(notes.crossover_notes(cross, price.crossover(cross), 64, "CPU", 1, []))
    assert "T ≈ 362" in text and "5.7× too high" in text


def _stream(times: dict[str, list[float]], ts=(64, 1024), d=128) -> pd.DataFrame:
    return pd.DataFrame([{"kind": k, "label": streaming.KINDS[k], "T": t, "median_s": s,
                          "state_bytes": streaming.state_bytes(k, t, d)} for k, col in times.items() for t, s in zip(ts, col)])


def test_stream_notes_compare_measured_growth_with_the_flop_count():
    # cached step: 24·d² + 4·(T+1)·d FLOPs → ×2.2 from T = 64 to 1,024 at d = 128; measured flat here
    flat = _stream({"lstm": [1e-4, 1e-4], "kv_cache": [2e-4, 2e-4], "recompute": [1e-3, 5e-2]})
    text = " ".join(notes.stream_notes(flat, 128))
    assert "KV cache ×1.0 (FLOP count ×2.2)" in text
    assert "grew much less than the FLOP count for KV cache:" in text and "no cache" not in text.split("much less")[1][:40]
    assert "262,144 floats (1.0 MiB) after 1,024 tokens" in text


def test_summary_names_the_winner_from_the_numbers():
    cross = _times([1e-3, 4e-3, 16e-3], [2e-3, 2e-3, 2e-3]).assign(label="x", peak_bytes=1.0)
    stream = _stream({"lstm": [1e-4, 1e-4], "kv_cache": [2e-4, 5e-4], "recompute": [1e-3, 5e-2]})
    edge = price.EdgeResult(2, 256, 256, 1_052_672, 1_052_672, 1e-4, 9e-5, 2e-4, 1)
    table = notes.summary(cross, price.crossover(cross), stream, 128, edge).set_index("situation")
    assert table.loc["whole sequence at once, batch 1, T = 256", "wins here"] == "attention"
    assert table.loc["whole sequence at once, batch 1, T = 1,024", "wins here"] == "recurrence"
    assert table.loc["where the time lines cross (the seed says ~2k)", "wins here"] == "T ≈ 362"
    assert table.loc["next token of a stream, after 1,024 tokens", "wins here"] == "recurrence"
    assert table.loc["parameters, 2 layers of width 256", "attention (measured)"] == "1,579,520"
    assert not any("C1" in s for s in table.index)                   # no claim codes the reader cannot see
    assert notes.claim(price.crossover(cross), cross, stream, "CPU").startswith(
        "Where each side wins on this CPU at batch 1: attention on whole sequences up to T ≈ 362 tokens, x beyond")


def test_unstable_points_are_flagged_not_stated():
    assert price.stable(0.9, 1.0, 1.1) and not price.stable(0.5, 1.0, 1.5)
    rows = pd.DataFrame({"stable": [True, False, False]})
    assert "2 of 3 points spread more than 25%" in notes.unstable_note(rows)[0]
    assert notes.unstable_note(rows.assign(stable=True)) == []


# ------------------------------------------------------------------ the shipped first view
def test_the_shipped_results_load_and_match_the_page_defaults():
    from core.price import shipped

    s = shipped.load()
    p = plan.default_params()
    assert s.meta["command"].startswith("python -m core.price --out assets/price/")
    assert len(s.meta["loadavg_before"]) == 3 and len(s.meta["loadavg_after"]) == 3
    assert s.meta["unstable_points"] == int((~pd.concat([s.memory, s.crossover, s.stream])["stable"]).sum()) \
        + (not s.edge.stable)
    assert s.matches("crossover", plan.spec_dict(p.crossover), ("recurrent", "d", "threads"))
    assert s.matches("memory", plan.spec_dict(p.memory), ("t_max",))
    assert set(s.memory["kind"]) == set(price.ATTENTION_KINDS) and s.memory["T"].max() == p.mem_t_max
    assert {"sdpa", p.recurrent} == set(s.crossover["method"])
    assert set(s.stream["kind"]) == set(streaming.KINDS) and s.stream["T"].max() == p.ctx_max
    assert s.edge.params == price.lstm_parameters(p.lstm_layers, p.lstm_hidden, p.lstm_input)
    assert "load average" in s.where
