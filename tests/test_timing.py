"""Timing lab core: the loop equals torch's fused RNN, sweeps are tidy, files validate strictly."""
import json

import pandas as pd
import pytest
import torch

from core.timing import fit
from core.timing import sweep as timing
from core.timing import results as timing_io
from core.timing import notes as timing_notes
from core.config import TIMING, TIMING_METHODS
from core.timing.sweep import SweepSpec, build_module, make_work, validate


def test_rnncell_loop_equals_fused_rnn_with_copied_weights():
    torch.manual_seed(0)
    loop = build_module("rnncell_loop", 16, 4)
    fused = build_module("rnn_fused", 16, 4)
    with torch.no_grad():
        fused.weight_ih_l0.copy_(loop.cell.weight_ih)
        fused.weight_hh_l0.copy_(loop.cell.weight_hh)
        fused.bias_ih_l0.copy_(loop.cell.bias_ih)
        fused.bias_hh_l0.copy_(loop.cell.bias_hh)
    x = torch.randn(3, 20, 16)
    torch.testing.assert_close(loop(x), fused(x)[0][:, -1], rtol=1e-5, atol=1e-6)


def test_lstmcell_loop_equals_fused_lstm():
    torch.manual_seed(1)
    loop, fused = build_module("lstmcell_loop", 8, 2), build_module("lstm_fused", 8, 2)
    with torch.no_grad():
        for a, b in (("weight_ih", "weight_ih_l0"), ("weight_hh", "weight_hh_l0"),
                     ("bias_ih", "bias_ih_l0"), ("bias_hh", "bias_hh_l0")):
            getattr(fused, b).copy_(getattr(loop.cell, a))
    x = torch.randn(2, 9, 8)
    torch.testing.assert_close(loop(x), fused(x)[0][:, -1], rtol=1e-5, atol=1e-6)


def test_sdpa_module_equals_multihead_attention():
    torch.manual_seed(2)
    ours, mha = build_module("sdpa", 16, 4), build_module("mha", 16, 4)
    with torch.no_grad():
        ours.qkv.weight.copy_(mha.in_proj_weight)
        ours.qkv.bias.copy_(mha.in_proj_bias)
        ours.out.weight.copy_(mha.out_proj.weight)
        ours.out.bias.copy_(mha.out_proj.bias)
    x = torch.randn(2, 7, 16)
    torch.testing.assert_close(ours(x), mha(x, x, x)[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["forward", "train"])
@pytest.mark.parametrize("method", TIMING_METHODS)
def test_every_method_runs_in_both_modes(method, mode):
    make_work(method, 2, 5, 8, 2, mode)()


def test_grid_is_geometric_ascending_unique():
    assert SweepSpec(t_min=16, t_max=512, points=6).grid() == [16, 32, 64, 128, 256, 512]
    assert SweepSpec(t_min=1, t_max=3, points=12).grid() == [1, 2, 3]


def test_validate_names_the_limits():
    with pytest.raises(ValueError, match="longest T must be between"):
        validate(SweepSpec(t_max=10**6))
    with pytest.raises(ValueError, match="divisible by heads"):
        validate(SweepSpec(d=40, heads=3))
    with pytest.raises(ValueError, match="GiB"):
        validate(SweepSpec(methods=("mha",), B=128, d=1024, t_max=16384))
    with pytest.raises(ValueError, match=r"would take about \d+ s .*time limit per request is 60 s"):
        validate(SweepSpec(methods=("lstmcell_loop",), B=32, d=256, t_max=8192, t_min=4096), peak_flops=1e9)
    with pytest.raises(ValueError, match="at least one method"):
        validate(SweepSpec(methods=()))


def small_sweep():
    spec = SweepSpec(methods=("rnncell_loop", "sdpa"), B=2, d=16, heads=2, t_min=4, t_max=16, points=3,
                     threads=1, min_run_time=0.02)
    return spec, timing.with_peak_share(pd.DataFrame(list(timing.iter_sweep(spec))), peak_flops=1e12)


def test_sweep_rows_are_tidy_and_consistent():
    spec, df = small_sweep()
    assert len(df) == 6 and set(df["T"]) == {4, 8, 16}
    assert (df["p25_s"] <= df["median_s"]).all() and (df["median_s"] <= df["p75_s"]).all()
    assert (df.loc[df.method == "rnncell_loop", "sequential_steps"] == df.loc[df.method == "rnncell_loop", "T"]).all()
    assert (df.loc[df.method == "sdpa", "sequential_steps"] == 1).all()
    assert df["pct_of_peak"].round(9).equals((100 * df["flops"] / df["median_s"] / 1e12).round(9))
    assert set(df["attempts"]) <= set(range(1, TIMING.remeasure + 2))
    assert (df["stable"] == (df["spread"] <= TIMING.max_spread)).all()
    notes = timing_notes.notes(df, fit.slopes(df, spec.d, spec.B), spec.B, spec.d, 1, "CPU")
    if df["stable"].all():   # a busy host may spoil a point; then that sentence is withheld
        assert any(n.startswith("At T = 16, the RNNCell loop took") for n in notes)


def test_slope_fit_recovers_known_exponents():
    rows = [{"method": m, "T": t, "median_s": c * t ** k}
            for m, c, k in (("rnncell_loop", 1e-5, 1.0), ("mha", 1e-7, 2.0)) for t in (64, 128, 256, 512)]
    s = fit.slopes(pd.DataFrame(rows), spec_d=64).set_index("method")
    assert s.loc["rnncell_loop", "measured_slope"] == pytest.approx(1.0)
    assert s.loc["mha", "measured_slope"] == pytest.approx(2.0)
    assert s.loc["rnncell_loop", "flop_model_slope"] == pytest.approx(1.0)
    assert 1.0 < s.loc["mha", "flop_model_slope"] < 2.0


def test_work_span_model_closed_form():
    m = fit.work_span([100], ("rnncell_loop", "sdpa"), B=1, d=10, mode="forward",
                         parallel_flops=1e9, step_latency_s=1e-5).set_index("method")
    assert m.loc["rnncell_loop", "model_s"] == pytest.approx(4 * 100 * 100 / 1e9 + 100 * 3 * 1e-5)
    assert m.loc["sdpa", "model_s"] == pytest.approx((8 * 100 * 100 + 4 * 100 * 100 * 10) / 1e9 + 8 * 1e-5)


def test_result_file_round_trip():
    spec, df = small_sweep()
    text = timing_io.to_json(df, timing.meta(spec, 1e12, "test CPU"))
    meta, back = timing_io.parse(text.encode())
    assert meta["threads"] == 1 and meta["device_name"] == "test CPU" and len(meta["loadavg"]) == 3
    assert list(back["T"]) == list(df["T"]) and back["median_s"].tolist() == df["median_s"].tolist()   # exact
    tiny = df.assign(median_s=4.12150434847032e-05, p25_s=1.23456789012345e-09, p75_s=1.0e-3)
    _, back = timing_io.parse(timing_io.to_json(tiny, timing.meta(spec, 1e12, "test CPU")).encode())
    assert back["median_s"].tolist() == tiny["median_s"].tolist() and back["p25_s"].tolist() == tiny["p25_s"].tolist()


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG not json", "not valid JSON"),
    (b"[1, 2]", "not a timing result"),
    (json.dumps({"schema": "timing-result/1", "meta": {}, "rows": []}).encode(), 'missing "device"'),
    (b" " * 2_000_001, "limited to"),
])
def test_bad_files_are_refused_clearly(data, message):
    with pytest.raises(ValueError, match=message):
        timing_io.parse(data)


def test_bad_row_values_are_refused():
    spec, df = small_sweep()
    doc = json.loads(timing_io.to_json(df, timing.meta(spec, 1e10, "x")))
    doc["rows"][0]["median_s"] = "fast"
    with pytest.raises(ValueError, match="row 0 median_s must be a number"):
        timing_io.parse(json.dumps(doc).encode())
    doc["rows"][0]["median_s"] = float("nan")
    with pytest.raises(ValueError, match="not valid JSON|finite"):
        timing_io.parse(json.dumps(doc).encode())
    doc["rows"][0].update(median_s=0.1, method="rm -rf")
    with pytest.raises(ValueError, match="unknown method"):
        timing_io.parse(json.dumps(doc).encode())


def test_seed_snippet_replays_three_ways():
    from core.timing import seed_snippet

    s = seed_snippet.replay("cpu", threads=1, repeats=3)
    assert s.fresh_rnn_s > 0 and s.fresh_attn_s > 0      # the article's code ran in its own process
    assert s.one_shot_rnn_s > 0 and s.proper_rnn.repeats == 3
    frame = timing_notes.snippet_frame(s)
    assert len(frame) == 6 and set(frame["model"]) == {"RNNCell loop", "nn.MultiheadAttention"}
    notes = timing_notes.snippet_notes(s)
    assert any("new process printed" in n for n in notes)


def test_seed_code_is_the_articles_benchmark():
    from core.timing import seed_snippet

    code = seed_snippet.SEED_CODE
    for line in ("self.rnn_cell = nn.RNNCell(dim, dim)", "attn_out, _ = self.mha(x, x, x)",
                 "rnn_time = time.time() - start", "nn.MultiheadAttention(dim, self.num_heads, batch_first=True)"):
        assert line in code


def test_time_refusal_is_its_own_kind_so_the_page_can_retry_the_peak():
    slow = SweepSpec(methods=("lstmcell_loop",), B=32, d=256, t_max=8192, t_min=4096)
    with pytest.raises(timing.SweepTooSlow):
        validate(slow, peak_flops=1e9)
    with pytest.raises(ValueError) as err:
        validate(SweepSpec(d=40, heads=3), peak_flops=1e9)
    assert not isinstance(err.value, timing.SweepTooSlow)


# ------------------------------------------------------------------ honest timing on a shared host
def test_spec_is_built_by_keyword_and_keys_a_cache_whole():
    with pytest.raises(TypeError):
        SweepSpec(("rnncell_loop",), "forward")               # no positional construction
    a, b = SweepSpec(B=4), SweepSpec(B=4)
    assert a == b and hash(a) == hash(b) and a.repeats == TIMING.repeats
    assert a.request(True) == (a, SweepSpec(B=4, threads=1)) and SweepSpec(threads=1).request(True) == (SweepSpec(threads=1),)


def test_methods_are_interleaved_round_robin_per_point_and_across_repeats():
    from core.benchmark import interleaved_order, measure_interleaved

    seen = []
    fns = {n: (lambda n=n: seen.append(n)) for n in "abc"}
    measure_interleaved(fns, threads=1, min_run_time=1e-9, repeats=3)
    timed = seen[6:]                                        # after two warm-up calls each
    assert timed == interleaved_order(list("abc"), 3) == list("abcbcacab")


def _fake_stats(spread: float):
    from core.benchmark import Stats
    return Stats(1e-3, 1e-3 * (1 - spread / 2), 1e-3 * (1 + spread / 2), 7, 1, 2e-3)


def test_a_noisy_workload_is_flagged_and_a_steady_one_is_not():
    import itertools
    import time

    from core.benchmark import measure_interleaved

    load = itertools.cycle([0.004, 0.012, 0.004, 0.004, 0.012])   # a load spike every few calls
    stats = measure_interleaved({"noisy": lambda: time.sleep(next(load)), "steady": lambda: time.sleep(0.004)},
                                threads=1, min_run_time=0.001, repeats=7)      # one call per block
    assert stats["noisy"].calls_per_block == 1
    assert not stats["noisy"].stable(TIMING.max_spread)
    assert stats["steady"].stable(TIMING.max_spread)


def test_unstable_points_are_remeasured_a_bounded_number_of_times(monkeypatch):
    calls = []

    def fake_steps(fns, threads, min_run_time, repeats):
        calls.append(sorted(fns))
        yield "round"
        return {m: _fake_stats(0.9 if m == "rnncell_loop" else 0.01) for m in fns}

    monkeypatch.setattr(timing, "interleaved_steps", fake_steps)
    rows = {r["method"]: r for r in timing.measure_point(16, SweepSpec(methods=("rnncell_loop", "sdpa")))}
    assert calls == [["rnncell_loop", "sdpa"]] + [["rnncell_loop"]] * TIMING.remeasure   # only the shaky one again
    assert rows["rnncell_loop"]["stable"] is False and rows["rnncell_loop"]["attempts"] == TIMING.remeasure + 1
    assert rows["sdpa"]["stable"] is True and rows["sdpa"]["attempts"] == 1


def _rows(spread_of):
    return [{"method": m, "label": timing.LABELS[m], "T": t, "threads": 2, "median_s": c * t, "p25_s": c * t,
             "p75_s": c * t, "spread": spread_of(m, t), "stable": spread_of(m, t) <= TIMING.max_spread,
             "flops": 1.0, "flops_per_s": 1.0 / (c * t), "sequential_steps": t if m == "rnncell_loop" else 1,
             "pct_of_peak": 1.0, "attempts": 1}
            for m, c in (("rnncell_loop", 1e-4), ("sdpa", 1e-5)) for t in (16, 32, 64)]


def test_conclusions_are_withheld_on_unstable_data():
    from core.timing.live import LiveRequest

    spec = SweepSpec(methods=("rnncell_loop", "sdpa"), t_min=16, t_max=64, points=3)
    noisy = pd.DataFrame(_rows(lambda m, t: 0.5 if t == 64 else 0.01))
    busy = timing_notes.busy_note(noisy)
    assert busy and "too busy to tell for 2 of 6 points" in busy
    said = " ".join(timing_notes.notes(noisy, fit.slopes(noisy, 64, 1), 1, 64, 2, "CPU"))
    assert "T = 64" not in said                              # nothing rests on the spoiled points
    assert "At T = 32" in timing_notes.claim(noisy, "CPU", 2)
    all_bad = pd.DataFrame(_rows(lambda m, t: 0.5))
    assert timing_notes.claim(all_bad, "CPU", 2) is None and timing_notes.notes(all_bad, fit.slopes(all_bad, 64), 1, 64, 2, "CPU") == []
    assert timing_notes.overview_rows(all_bad, fit.slopes(all_bad, 64)) == {}
    live = LiveRequest((spec,), rows={spec: _rows(lambda m, t: 0.5 if t == 64 else 0.01)}, status="done")
    assert live.complete() and not live.stable() and not live.shareable()     # never cached server-wide
    steady = LiveRequest((spec,), rows={spec: _rows(lambda m, t: 0.01)}, status="done")
    assert steady.shareable()
    assert not LiveRequest((spec,), rows={spec: _rows(lambda m, t: 0.01)[:4]}, status="done").shareable()


def test_share_of_peak_never_reads_above_100_percent(monkeypatch):
    from core import device

    df = pd.DataFrame(_rows(lambda m, t: 0.01))
    assert timing.with_peak_share(df, peak_flops=1.0)["pct_of_peak"].max() <= 100.0
    readings = iter([50.0, 60.0, 70.0])
    monkeypatch.setattr(device, "fresh_peak", lambda name, threads, readings_=1: next(readings))
    monkeypatch.setattr(device, "known_peak", lambda name, threads: 40.0)
    peak, overruled = device.covering_peak("cpu", 2, achieved=100.0)   # re-read, then raised to the achieved rate
    assert (peak, overruled) == (100.0, True)
    monkeypatch.setattr(device, "fresh_peak", lambda name, threads, readings_=1: 120.0)
    assert device.covering_peak("cpu", 2, achieved=100.0) == (120.0, False)


def test_a_time_refusal_takes_fresh_peak_readings_first(monkeypatch):
    readings = iter([1e9, 1e9, 1e12])
    monkeypatch.setattr(timing, "current_peak", lambda d, t: next(readings))
    monkeypatch.setattr(timing, "fresh_peak", lambda d, t: next(readings))
    slow = SweepSpec(methods=("lstmcell_loop",), B=32, d=128, t_min=2048, t_max=4096, points=2)
    secs, peak = timing.check_request((slow,))
    assert peak == 1e12 and secs < TIMING.max_seconds
    monkeypatch.setattr(timing, "current_peak", lambda d, t: 1e9)
    monkeypatch.setattr(timing, "fresh_peak", lambda d, t: 1e9)
    with pytest.raises(timing.SweepTooSlow, match="time limit per request"):
        timing.check_request((slow,))
    assert timing.check_request((slow,), prior_peak=1e12)[1] == 1e12   # the shipped reading of this device counts


def test_the_whole_request_is_estimated_including_the_one_thread_overlay():
    spec = SweepSpec()
    one = timing.estimate_request(spec.request(False), 1e11)
    both = timing.estimate_request(spec.request(True), 1e11)
    assert both > 2 * one - 2 * timing.PEAK_READING_S       # the 1-thread sweep is the slower half
    assert timing.estimate_request((spec,), 1.74e11) <= 15   # the default on this 2-core CPU at its peak


def test_live_request_runs_in_chunks_and_resumes(monkeypatch):
    from core.timing import live as live_mod

    spec = SweepSpec(methods=("rnncell_loop", "sdpa"), t_min=16, t_max=64, points=3)
    monkeypatch.setattr(live_mod, "check_request", lambda specs, prior=0.0: (1.0, 1e11))
    monkeypatch.setattr(live_mod, "final_peak", lambda d, t, df: (2e11, False))

    def fake_point(T, s, remeasure=None):
        yield "round 1"
        yield "round 2"
        return [r for r in _rows(lambda m, t: 0.01) if r["T"] == T]

    monkeypatch.setattr(live_mod, "point_steps", fake_point)
    req = live_mod.LiveRequest((spec,))
    steps = req.work()
    assert next(steps) == "matmul peak read"
    assert [next(steps) for _ in range(3)] == ["T = 16, round 1", "T = 16, round 2", "T = 32, round 1"]
    assert req.measured_T(spec) == {16}
    rest = list(req.work())                                   # a new turn resumes after T = 16
    assert "T = 16, round 1" not in rest and req.status == "done" and req.peak == 2e11 and req.shareable()
