"""Recurrence strikes back through AppTest: default view, a control change, a tampered link, section switches."""
import json
import re

from tests.conftest import ROOT, app_test

PAGE = "chapters/scan.py"


def scan_page(**query):
    return app_test(page=PAGE, timeout=180, **query)


def notes(at) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def specs(at) -> str:
    return " ".join(str(json.loads(c.proto.spec)) for c in at.get("vega_lite_chart"))


def test_registered_after_attentions_price_with_url_path_equal_to_file_name():
    app = (ROOT / "app.py").read_text()
    line = next(line for line in app.splitlines() if "chapters/scan.py" in line)
    assert 'url_path="scan"' in line and 'title="Recurrence strikes back"' in line
    assert app.index("attention_price.py") < app.index("chapters/scan.py")


def test_default_view_times_three_ways_without_errors():
    at = scan_page(s_T="256", s_D="16")
    assert not at.exception and not at.error
    text = notes(at)
    assert "The loop made" in text and "256 steps" in text and "16 levels" in text
    assert "Solving h_t" in specs(at) and "float32 error" in specs(at)
    assert at.query_params["s_T"] == ["256"] if isinstance(at.query_params["s_T"], list) else True
    titles = [t.value for t in at.title]
    assert "Recurrence strikes back" in titles


def test_changing_T_changes_the_notes():
    at = scan_page(s_T="256", s_D="16")
    at.number_input(key="s_T").set_value(100).run()
    assert not at.exception
    assert "100 steps" in notes(at) and "14 levels" in notes(at)


def test_tampered_url_is_clamped_with_messages():
    at = scan_page(s_T="999999", s_D="abc", s_sec="sideways", s_a="-4")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "sequence length T" in warnings and "16,384" in warnings
    assert "“abc”" in warnings and "not a whole number" in warnings
    assert "“sideways”" in warnings
    assert at.number_input(key="s_T").value == 16384


def test_section_switch_tree_steps_through_levels():
    at = scan_page(s_sec="the tree", s_tT="8", s_b="ones")
    assert not at.exception and not at.error
    assert "Blelloch's tree over 8 steps" in specs(at)
    assert at.slider(key="s_lvl").value == 0
    at.button(key="s_next").click().run()
    assert at.slider(key="s_lvl").value == 1
    assert any("Associativity, measured" in m.value for m in at.markdown)
    at.segmented_control(key="s_tT").set_value("16").run()
    assert "over 16 steps" in specs(at)


def test_other_sections_render():
    for section, needle in (("two modes", "State carried"), ("gradients", "How far back"),
                            ("what was given up", "accuracy against length"),
                            ("training step", "One training step")):
        at = scan_page(s_sec=section, s_gT="50", s_mT="32", s_N="8")
        assert not at.exception and not at.error, section
        assert needle in specs(at) or any("No minGRU checkpoint" in i.value for i in at.info), section
    assert re.search(r"175×", notes(at))
