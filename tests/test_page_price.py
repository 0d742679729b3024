"""Attention's price through AppTest: the shipped first view, sections, a sequence of interactions,
tampered, huge and refused links."""
import json

from tests.conftest import app_test

PAGE = "chapters/attention_price.py"
QUICK = dict(p_live="0")                      # the shipped reference only: no live sweep
SMALL = dict(p_mem=512, p_cross=512, p_ctx=128, p_hidden=64, p_in=32)


def price_page(**query):
    return app_test(page=PAGE, timeout=240, **query)


def notes(at) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def specs(at) -> str:
    return " ".join(str(json.loads(c.proto.spec)) for c in at.get("vega_lite_chart"))


def test_first_view_paints_the_punchline_and_the_crossover_from_shipped_results():
    at = price_page(**QUICK)
    assert not at.exception and not at.error
    claim = next(m.value for m in at.markdown if m.value.startswith("#### "))
    assert claim.startswith("#### Where each side wins on this CPU at batch 1: attention") and "stream" in claim
    summary = at.dataframe[0].value
    winners = summary.loc[~summary["situation"].str.startswith("where the time lines cross"), "wins here"]
    assert len(summary) == 6 and set(winners) <= {"recurrence", "attention", "about even (within 20 %)"}
    assert "Batch 1: time per call" in specs(at) and "shipped reference" in specs(at)
    assert any("Dashed: the shipped reference" in c.value and "load average" in c.value for c in at.caption)
    assert any(p.proto.label.startswith("Next: ") for p in at.get("page_link"))


def test_default_view_measures_live_without_errors():
    at = price_page(**SMALL)
    assert not at.exception and not at.error
    assert "'live'" in specs(at)
    assert "Fused attention" in notes(at)


def test_every_section_with_a_sequence_of_interactions_and_a_page_switch():
    at = price_page(p_view="matrix", **QUICK)
    assert "At T = 4,096 one head's attention matrix holds 16,777,216 values" in notes(at)
    at.number_input(key="p_T").set_value(512).run()
    assert not at.exception and "At T = 512 one head's attention matrix holds 262,144 values" in notes(at)
    at.number_input(key="p_H").set_value(2).run()
    assert "2 heads" in notes(at)
    at.segmented_control(key="p_view").set_value("memory").run()
    assert not at.exception and "Peak memory of one head" in specs(at)
    at.segmented_control(key="p_view").set_value("stream").run()
    assert not at.exception and "time for one new token" in specs(at)
    at.segmented_control(key="p_view").set_value("edge").run()
    assert not at.exception and "nn.LSTM(I = 256, N = 256, layers = 2) has 1,052,672 parameters" in notes(at)
    at.switch_page("chapters/overview.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception and at.segmented_control(key="p_view").value == "edge"
    at.segmented_control(key="p_view").set_value("matrix").run()
    assert at.number_input(key="p_T").value == 512


def test_huge_numbers_from_a_link_are_formatted_not_a_traceback():
    at = price_page(p_view="matrix", p_T="10000000", p_H="128", p_L="128", p_B="3", **QUICK)
    assert not at.exception and not at.error
    assert "At T = 10,000,000 one head's attention matrix holds 100,000,000,000,000 values" in notes(at)
    assert "hold 4,915,200,000,000,000,000" in notes(at)


def test_tampered_url_values_get_messages_and_are_clamped():
    at = price_page(**{**QUICK, "p_T": "abc", "p_hidden": "999999", "p_dtype": "float8", "p_rec": "mamba",
                       "p_ctx": "-3", "p_view": "edge"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "“abc”" in warnings and "not a whole number" in warnings
    assert "hidden units N" in warnings and "using 4,096" in warnings
    assert "“float8”" in warnings and "“mamba”" in warnings and "using 128" in warnings
    errors = " ".join(e.value for e in at.error)
    assert "parameters" in errors and "the limit is 20,000,000" in errors.replace("\\", "")


def test_refused_width_names_the_reason_not_a_traceback():
    at = price_page(**{**SMALL, "p_d": "50"})
    assert not at.exception
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "divisible" in errors
    assert at.dataframe[0].value is not None            # the rest of the page still renders
