"""Timing lab core: the loop equals torch's fused RNN, sweeps are tidy, files validate strictly."""
import json

import pandas as pd
import pytest
import torch

from core.timing import sweep as timing
from core.timing import results as timing_io
from core.timing import notes as timing_notes
from core.config import TIMING_METHODS
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
    with pytest.raises(ValueError, match=r"would take about \d+ s"):
        validate(SweepSpec(methods=("lstmcell_loop",), B=32, d=256, t_max=8192, t_min=4096), peak_flops=1e9)
    with pytest.raises(ValueError, match="at least one method"):
        validate(SweepSpec(methods=()))


def small_sweep():
    spec = SweepSpec(methods=("rnncell_loop", "sdpa"), B=2, d=16, heads=2, t_min=4, t_max=16, points=3,
                     threads=1, min_run_time=0.02)
    return spec, timing.with_peak_share(pd.DataFrame(list(timing.iter_sweep(spec))), peak_flops=1e10)


def test_sweep_rows_are_tidy_and_consistent():
    spec, df = small_sweep()
    assert len(df) == 6 and set(df["T"]) == {4, 8, 16}
    assert (df["p25_s"] <= df["median_s"]).all() and (df["median_s"] <= df["p75_s"]).all()
    assert (df.loc[df.method == "rnncell_loop", "sequential_steps"] == df.loc[df.method == "rnncell_loop", "T"]).all()
    assert (df.loc[df.method == "sdpa", "sequential_steps"] == 1).all()
    assert df["pct_of_peak"].round(9).equals((100 * df["flops"] / df["median_s"] / 1e10).round(9))
    notes = timing_notes.notes(df, timing.slopes(df, spec.d, spec.B), spec.B, spec.d, 1, "CPU")
    assert any(n.startswith("At T = 16, the RNNCell loop took") for n in notes)


def test_slope_fit_recovers_known_exponents():
    rows = [{"method": m, "T": t, "median_s": c * t ** k}
            for m, c, k in (("rnncell_loop", 1e-5, 1.0), ("mha", 1e-7, 2.0)) for t in (64, 128, 256, 512)]
    s = timing.slopes(pd.DataFrame(rows), spec_d=64).set_index("method")
    assert s.loc["rnncell_loop", "measured_slope"] == pytest.approx(1.0)
    assert s.loc["mha", "measured_slope"] == pytest.approx(2.0)
    assert s.loc["rnncell_loop", "flop_model_slope"] == pytest.approx(1.0)
    assert 1.0 < s.loc["mha", "flop_model_slope"] < 2.0


def test_work_span_model_closed_form():
    m = timing.work_span([100], ("rnncell_loop", "sdpa"), B=1, d=10, mode="forward",
                         parallel_flops=1e9, step_latency_s=1e-5).set_index("method")
    assert m.loc["rnncell_loop", "model_s"] == pytest.approx(4 * 100 * 100 / 1e9 + 100 * 3 * 1e-5)
    assert m.loc["sdpa", "model_s"] == pytest.approx((8 * 100 * 100 + 4 * 100 * 100 * 10) / 1e9 + 8 * 1e-5)


def test_result_file_round_trip():
    spec, df = small_sweep()
    text = timing_io.to_json(df, timing.meta(spec, 1e10, "test CPU"))
    meta, back = timing_io.parse(text.encode())
    assert meta["threads"] == 1 and meta["device_name"] == "test CPU"
    assert list(back["T"]) == list(df["T"]) and back["median_s"].tolist() == pytest.approx(df["median_s"].tolist())


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
