"""The head-to-head page through AppTest: default view from the shipped results, a tampered link,
a control change, and a live run on the smallest setting."""
import re

from core.config import H2H
from tests.conftest import ROOT, app_test

PAGE = "chapters/head_to_head.py"


def run(**query):
    return app_test(page=PAGE, timeout=120, **query)


def claim(at) -> str:
    return next(m.value for m in at.markdown if " steps each" in m.value).strip("*# ")


def specs(at) -> list[str]:
    return [c.proto.spec for c in at.get("vega_lite_chart")]


def test_registered_with_a_url_path_equal_to_the_file_name():
    line = next(l for l in (ROOT / "app.py").read_text().splitlines() if "chapters/head_to_head.py" in l)
    assert 'url_path="head_to_head"' in line and ":material/sports_score:" in line


def test_default_view_paints_from_the_shipped_results():
    at = run()
    assert not at.exception and not at.error and not at.warning
    assert at.title[0].value == "Head to head"
    assert claim(at).startswith("First-token recall, ") and "≥ 95% up to D = " in claim(at)
    s = specs(at)
    assert any("accuracy vs distance D" in x for x in s) and any("Training curves at D = 16" in x for x in s)
    assert any("A MODEL of a parallel device" in x for x in s)
    assert "h2h_live" not in at.session_state
    notes = " ".join(m.value for m in at.markdown)
    assert "The articles say plain RNNs forget" in notes
    back = [l.proto for l in at.get("page_link") if l.proto.page == "memory"]
    assert back and back[0].query_string == "m_sec=seq2seq"          # the memory page's seq2seq section


def test_tampered_link_is_clamped_with_messages():
    at = run(h_task="sort", h_D="5", h_models="rnn,bogus", h_steps="99999", h_size="<b>x</b>")
    assert not at.exception and not at.error
    text = " ".join(w.value for w in at.warning)
    assert "“sort”" in text and "“bogus”" in text and "using 1,000" in text and "“5”" in text
    assert "\\<b\\>" in text                                   # echoed inert, never rendered
    assert at.session_state["h_steps"] == H2H.live_steps.hi and at.session_state["h_models"] == ["rnn"]
    assert claim(at).startswith("First-token recall")


def test_a_control_change_redraws_for_the_new_task():
    at = run()
    at.selectbox(key="h_task").set_value("copy").run()
    assert not at.exception
    assert claim(at).startswith("Selective copy")
    assert any("Selective copy: accuracy vs distance D" in x for x in specs(at))


def test_live_run_on_the_smallest_setting_stays_in_the_session():
    at = run(h_models="rnn,gru", h_D="4", h_steps="25")
    at.button(key="h_train").click().run()
    assert not at.exception and not at.error
    live = at.session_state["h2h_live"]
    assert live["status"] == "done" and [f["model"] for f in live["finals"]] == ["rnn", "gru"]
    assert all(f["steps"] == 25 for f in live["finals"])
    notes = " ".join(m.value for m in at.markdown)
    assert re.search(r"Live tanh RNN: \d+% after 25 steps", notes)
    assert any("big points: your live run" in x for x in specs(at))
    other = run()                                     # another visitor still sees only the shipped sweep
    assert "h2h_live" not in other.session_state
