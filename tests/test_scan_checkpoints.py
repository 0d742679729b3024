"""The shipped minGRU checkpoints load and reach the accuracy their record states."""
import pytest

from core.attention.training import evaluate
from core.scan import lm
from core.train_loop import param_count


@pytest.mark.parametrize("task", ["copy", "recall"])
def test_shipped_mingru_reaches_recorded_accuracy(task):
    rec = lm.recorded()[task]
    model = lm.load_task(task)
    assert param_count(model) == rec["parameters"] == lm.lm_params(rec["width"], rec["layers"])
    assert (lm.SCAN_ASSETS / rec["file"]).stat().st_size < 400_000          # small enough to ship
    ev = evaluate(model, task)
    assert ev.token_accuracy == pytest.approx(rec["token_accuracy"], abs=1e-9)
    assert ev.exact_match == pytest.approx(rec["exact_match"], abs=1e-9)
    ours = {r["n"]: r["token_accuracy"] for r in rec["by_length"] if r["model"] == "mingru"}
    assert ours == pytest.approx(dict(zip(ev.by_length["n"], ev.by_length["token_accuracy"])), abs=1e-9)
    assert rec["command"].startswith("nice -n 10 python -m core.scan train --task " + task)


def test_shipped_record_sets_mingru_beside_the_transformer():
    for task, rec in lm.recorded().items():
        models = {r["model"] for r in rec["by_length"]}
        assert models == {"mingru", "transformer"}
        assert rec["state_numbers"] == rec["width"] * rec["layers"]


def test_unknown_task_is_refused():
    with pytest.raises(ValueError, match="copy, recall"):
        lm.load_task("sort")
