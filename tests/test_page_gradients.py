"""The gradient page through Streamlit's AppTest: the first screen, controls that change the output,
a sequence of interactions that keeps its settings across sections and pages, tampered links and
links past the per-request budget that give a message instead of a traceback."""
import json

from core.config import GRADMEM_BUDGET
from tests.conftest import app_test

PAGE = "chapters/gradients.py"
LIGHT = {"g_T": "40", "g_seeds": "2", "g_N": "16"}


def run_page(**query):
    return app_test(page=PAGE, timeout=180, **query)


def notice(at) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def claim(at) -> str:
    """The claim sentence (layout.claim: one h4 line), without its markup."""
    return next(m.value[5:] for m in at.markdown if m.value.startswith("#### "))


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in list(at.get("vega_lite_chart")) + list(at.get("arrow_vega_lite_chart"))]


def test_default_view_has_the_claim_the_main_chart_and_one_open_section():
    at = run_page()
    assert not at.exception
    assert at.title[0].value == "Vanishing gradients"
    assert not at.tabs                                   # sections are a URL-bound control, not st.tabs
    assert at.radio(key="g_sec").value == "jacobian"
    assert "At ρ = 0.9, the tanh RNN's gradient falls below 10⁻³ after" in claim(at)
    specs = charts(at)
    assert specs[0]["title"]["text"] == "Gradient vs distance" and len(specs) == 3   # main + the Jacobian pair
    text = notice(at)
    assert "falls below 10⁻³" in text and "$0.99^{500}$" not in text and "0.99^500 = 0.0066" in text
    assert "each step's Jacobian" in text
    assert at.session_state["_measured"]["path_length"].startswith("gradient below")
    keys = {b.key for b in at.get("download_button")}       # every chart's export menu; the per-seed curves
    assert keys == {f"{c}_{f}" for c in ("g_decay", "g_jac_product", "g_jac_step_norms") for f in ("png", "svg", "csv", "json")} \
        | {"g_dl_curves_csv", "g_dl_curves_json"}
    assert not at.warning and not at.error
    assert any("Next: Fixed-size memory" in str(p.proto) for p in at.get("page_link"))


def test_a_sequence_of_changes_keeps_every_setting_across_sections_and_pages():
    at = run_page(**LIGHT)
    before = claim(at)
    at.slider(key="g_rho").set_value(1.2).run()
    assert not at.exception and "At ρ = 1.2" in claim(at) and claim(at) != before
    at.radio(key="g_wrt").set_value("h").run()
    at.radio(key="g_sec").set_value("clipping").run()
    assert not at.exception and "adding problem" in notice(at)
    at.slider(key="g_clip").set_value(2.0).run()
    assert "clipped at 2" in notice(at)
    at.radio(key="g_sec").set_value("phase").run()
    at.selectbox(key="g_focus").set_value("gru").run()
    assert not at.exception and "Phase diagram (GRU)" in notice(at)
    at.switch_page("chapters/memory.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.slider(key="g_rho").value == 1.2 and at.radio(key="g_wrt").value == "h"
    assert at.radio(key="g_sec").value == "phase" and at.selectbox(key="g_focus").value == "gru"
    assert at.slider(key="g_T").value == 40


def test_tampered_link_gives_clear_messages_and_a_clamped_view():
    at = run_page(g_rho="abc", g_T="1000000000", g_cells="tanh,bogus", g_seeds="1", g_N="8", g_sec="nope")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "“abc”" in warnings and "not a number" in warnings
    assert "“1000000000”" in warnings and "using 1,000" in warnings
    assert "“bogus”" in warnings and "“nope”" in warnings
    assert at.slider(key="g_T").value == 1000 and at.slider(key="g_rho").value == 0.9
    assert "within T = 1000" in notice(at) or "steps for the tanh RNN" in notice(at)


def test_a_link_past_the_budget_is_refused_with_both_limits_named():
    """The config's limits together (T = 1000, N = 256, 8 seeds, every model) would take ~40 s: refused."""
    at = run_page(g_T="1000", g_N="256", g_seeds="8", g_sec="forget")
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "per\\-request budget" in errors or "per-request budget" in errors
    assert f"{GRADMEM_BUDGET.max_seconds:g} s" in errors and "1 GiB" in errors
    assert at.title[0].value == "Vanishing gradients"    # the rest of the page still renders


def test_the_claim_follows_the_models_and_goes_when_no_model_is_chosen():
    """The claim's slot keeps the last sentence only until the run writes its own: a new ρ gives a new
    sentence, no model gives none (a stale claim must not stand over 'Choose at least one model')."""
    at = run_page(**LIGHT)
    first = claim(at)
    at.slider(key="g_rho").set_value(1.2).run()
    assert not at.exception and claim(at) != first and "ρ = 1.2" in claim(at)
    at.multiselect(key="g_cells").set_value([]).run()
    assert not at.exception and not any(m.value.startswith("#### ") for m in at.markdown)
    assert any("Choose at least one model." in i.value for i in at.info)
    at.multiselect(key="g_cells").set_value(["tanh"]).run()
    assert "ρ = 1.2" in claim(at)
