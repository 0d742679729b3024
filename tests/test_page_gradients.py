"""The gradient page through Streamlit's AppTest: default view, controls that change the output,
tampered links that give a message instead of a traceback."""
import json

from tests.conftest import app_test

PAGE = "chapters/gradients.py"


def run_page(**query):
    return app_test(page=PAGE, timeout=120, **query)


def notice(at) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("arrow_vega_lite_chart")]


def test_default_view_renders_every_chart_and_a_notice_from_the_numbers():
    at = run_page()
    assert not at.exception
    assert at.title[0].value == "Vanishing gradients"
    assert len(at.tabs) == 5
    text = notice(at)
    assert "falls below 10⁻³" in text and "0.99^500 = 0.0066" in text and "clipping" in text.lower()
    assert at.session_state["_measured"]["path_length"].startswith("gradient below")
    assert len(at.get("download_button")) == 10
    assert not at.warning


def test_changing_the_cell_and_rho_changes_the_output():
    at = run_page(g_T="40", g_cells="tanh,lstm,attention", g_seeds="2")
    assert not at.exception
    before = notice(at)
    at.selectbox(key="g_focus").set_value("lstm").run()
    assert not at.exception
    assert "LSTM: each step's Jacobian" in notice(at)
    at.slider(key="g_rho").set_value(1.2).run()
    assert not at.exception
    after = notice(at)
    assert "With ρ = 1.2" in after and after != before


def test_tampered_link_gives_clear_messages_and_a_clamped_view():
    at = run_page(g_rho="abc", g_T="1000000000", g_cells="tanh,bogus", g_seeds="1", g_N="8")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "“abc”" in warnings and "not a number" in warnings
    assert "“1000000000”" in warnings and "using 1000" in warnings
    assert "“bogus”" in warnings
    assert at.slider(key="g_T").value == 1000 and at.slider(key="g_rho").value == 0.9
    assert "within T = 1000" in notice(at) or "steps for the tanh RNN" in notice(at)
