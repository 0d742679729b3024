"""Attention's price through AppTest: the default view, a control change, tampered and refused links."""
import json

from tests.conftest import app_test

PAGE = "chapters/attention_price.py"
SMALL = dict(p_mem=512, p_cross=512, p_ctx=128, p_hidden=64, p_in=32)


def price_page(**query):
    return app_test(page=PAGE, timeout=180, **query)


def notes(at) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def test_default_view_measures_everything_without_errors():
    at = price_page()
    assert not at.exception and not at.error
    text = notes(at)
    assert "At T = 4,096 one head's attention matrix holds 16,777,216 values" in text
    assert "the written-out attention peaked at" in text or any("not measured here" in i.value for i in at.info)
    assert "nn.LSTM(I = 256, N = 256, layers = 2) has 1,052,672 parameters" in text
    assert "After 1,024 tokens the next token cost" in text
    specs = " ".join(str(json.loads(c.proto.spec)) for c in at.get("vega_lite_chart"))
    for title in ("The T × T matrix", "Measured peak memory", "Batch 1: time per call", "time for one new token",
                  "LSTM parameters"):
        assert title in specs
    summary = at.dataframe[0].value
    winners = summary.loc[~summary["situation"].str.startswith("lines cross"), "wins here"]
    assert len(summary) == 6 and set(winners) <= {"recurrence", "attention", "about even (within 20 %)"}


def test_changing_a_control_changes_the_output():
    at = price_page(**SMALL)
    assert "holds 16,777,216 values" in notes(at)
    at.number_input(key="p_T").set_value(512).run()
    assert not at.exception
    assert "At T = 512 one head's attention matrix holds 262,144 values" in notes(at)
    at.number_input(key="p_layers").set_value(1).run()
    assert "layers = 1) has" in notes(at)


def test_tampered_url_values_get_messages_and_are_clamped():
    at = price_page(**{**SMALL, "p_T": "abc", "p_hidden": "999999", "p_dtype": "float8", "p_rec": "mamba",
                       "p_ctx": "-3"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "“abc”" in warnings and "not a whole number" in warnings
    assert "hidden units N" in warnings and "using 4,096" in warnings
    assert "“float8”" in warnings and "“mamba”" in warnings
    assert "using 128" in warnings
    assert at.number_input(key="p_T").value == 4096
    assert any("Not timed" in e.value and "parameters" in e.value for e in at.error)  # 4096 units: past the cap


def test_refused_width_names_the_reason_not_a_traceback():
    at = price_page(**{**SMALL, "p_d": "50"})
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "Not timed" in errors and "divisible" in errors
    assert any("summary needs every measurement" in i.value for i in at.info)
