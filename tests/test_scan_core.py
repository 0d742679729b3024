"""The scan chapter's computations: associativity, the tree view, the comparison, two modes, gradients."""
import json
import math

import numpy as np
import pytest
import torch

from core.config import SCAN
from core.scan import assoc, charts, compare, grads, lm, modes, notes, results, tree_view


def test_affine_steps_associate_and_tanh_steps_do_not():
    for seed in range(3):
        c = assoc.check(seed)
        assert c.affine_grouping < 1e-12 and c.affine_vs_running < 1e-12
        assert c.tanh_combined_vs_running > 0.1          # far past rounding
    p = assoc.pair_check((0.5, 1.0), (0.5, 1.0), 0.7)
    assert p["affine_run"] == pytest.approx(p["affine_combined"], abs=1e-15)
    assert abs(p["tanh_run"] - p["tanh_combined"]) > 1e-3


@pytest.mark.parametrize("T", [8, 16])
@pytest.mark.parametrize("b_kind", SCAN.tree_b.options)
def test_tree_view_levels_and_result(T, b_kind):
    levels, res = tree_view.levels(T, 0.5, b_kind)
    assert levels["level"].max() == 2 * int(math.log2(T))
    assert res["diff"].max() < 1e-12
    up_last = levels[(levels["phase"] == "up")].sort_values("level").iloc[-1]
    assert up_last["a"] == pytest.approx(0.5 ** T)            # the root holds the whole product
    assert up_last["b"] == pytest.approx(res["loop"].iloc[-1])   # and h_T (h0 = 0)
    chart = charts.tree(levels, 3, T).to_dict()
    assert "Blelloch" in json.dumps(chart)


def test_tree_view_refuses_other_lengths():
    with pytest.raises(ValueError, match="8 or 16"):
        tree_view.levels(12, 0.5, "ones")


def test_work_span_counts():
    c = compare.work_span(1000).set_index("method")
    assert c.loc["loop", "span"] == 1000 and c.loc["tree", "span"] == 20 and c.loc["doubling", "span"] == 10
    assert c.loc["tree", "work"] == 2 * (1024 - 1)
    assert compare.work_span(1).set_index("method").loc["tree", "span"] == 0


def test_operator_calls_grow_like_T_for_the_loop_and_log_T_for_the_tree():
    loop = [compare.operator_calls("loop", T) for T in (64, 128)]
    tree = [compare.operator_calls("tree", T) for T in (64, 128)]
    assert loop[1] - loop[0] >= 2 * 64                      # at least a multiply and an add per step
    assert tree[1] - tree[0] < 30                           # one more level up and down
    assert compare.operator_calls("heinsen", 64) == compare.operator_calls("heinsen", 4096)


def test_three_ways_untimed_agrees_with_the_float64_loop():
    r = compare.three_ways(300, 8, timed=False)
    t = r.table.set_index("method")
    assert t.loc["tree", "max_abs_diff"] < 1e-4 and t.loc["heinsen", "max_abs_diff"] < 1e-3


def test_three_ways_timed_small():
    r = compare.three_ways(64, 4)
    assert set(r.table["method"]) == set(compare.METHODS)
    assert (r.table["median_s"] > 0).all() and r.table["unstable"].dtype == bool
    sentences = notes.three_ways(r.table, r.counts, 64, 1)
    assert "64 steps" in sentences[0] and "12 levels" in sentences[0]
    assert "into a tree of 12 levels" in notes.claim(r.table, 64, "live")


def test_limits_refuse_with_words():
    with pytest.raises(ValueError, match="sequence length T"):
        compare.check(0, 8)
    with pytest.raises(ValueError, match="width D"):
        compare.check(64, 1000)


def test_two_modes_agree_and_state_sizes():
    r = modes.two_modes(100, 16)
    assert r.max_abs_diff < 1e-5 and r.max_abs_diff_f64 < 1e-12
    assert r.state_numbers == 16 and r.kv_numbers == 2 * 100 * 16
    f = modes.state_frame(16, 16, 64)
    assert set(f["T"]) == {1, 2, 4, 8, 16, 32, 64}
    assert "0 numbers" not in " ".join(notes.modes_notes(r))


def test_gradient_closed_form_equals_autograd_and_is_set_by_the_gate():
    g = grads.profile(T=60, bias=-3.0)
    assert np.allclose(g.closed["autograd"], g.closed["closed_form"], rtol=1e-9, atol=1e-300)
    assert g.mean_a == pytest.approx(1 - 1 / (1 + math.exp(3)), abs=0.03)
    slow = grads.profile(T=60, bias=-7.0)
    # a gate nearer 1 keeps the state's gradient (∂L/∂x_k also carries z_k, which shrinks with it)
    assert slow.closed["closed_form"].iloc[-1] > 10 * g.closed["closed_form"].iloc[-1]
    assert "mean gate" in notes.gradient_notes(g)[0]
    assert charts.gradient_decay(g.band, g.closed).to_dict()


def test_lm_param_count_closed_form():
    for w, n in ((8, 1), (74, 2), (16, 3)):
        m = lm.MinGRULM(w, n)
        assert lm.lm_params(w, n) == sum(p.numel() for p in m.parameters())
        assert m.state_numbers() == w * n


def test_lm_parallel_equals_step():
    m = lm.make(0, 16, 2).double()
    tokens = torch.randint(0, 19, (3, 11))
    assert torch.allclose(m(tokens), m(tokens, mode="step"), atol=1e-10)


def test_result_parser_refuses_bad_files():
    with pytest.raises(ValueError, match="JSON"):
        results.parse("{nope")
    with pytest.raises(ValueError, match="meta"):
        results.parse("[]")
    meta = {k: 1 for k in results.META} | {"kind": "three_ways"}
    with pytest.raises(ValueError, match="median_s"):
        results.parse(json.dumps({"meta": meta, "rows": [{"T": 4, "method": "loop", "median_s": "x"}]}))


def test_step_notes_cite_the_paper_and_skip_unstable_points():
    import pandas as pd

    rows = [{"method": m, "T": T, "median_s": s * T, "p25_s": s * T, "p75_s": s * T, "unstable": u}
            for T in (64, 128) for m, s, u in (("mingru_scan", 1e-4, False), ("grucell_loop", 1e-3, False),
                                               ("gru_fused", 4e-4, T == 128), ("sdpa", 2e-4, False))]
    text = " ".join(notes.step_notes(pd.DataFrame(rows), None, 175.0, "a test CPU"))
    assert "At T = 64 (live here)" in text and "10.0×" in text          # T = 128's fused GRU was unstable
    assert "175×" in text and "fused nn.GRU" in text
    assert "1 live point stayed unstable" in text


def test_steptime_builds_every_method_and_stops_on_prediction():
    from core.scan import steptime

    for m in steptime.METHODS:
        steptime.make_step(m, 2, 8, 16)()
    assert steptime.stop_reason("sdpa", {"median_s": 1.0, "T": 512}, 3.0).startswith("sdpa stopped after T = 512")
    assert steptime.stop_reason("mingru", {"median_s": 1.0, "T": 512}, 3.0) is None
    assert steptime.grid(100) == [16, 32, 64]
