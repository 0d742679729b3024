"""The attention page through Streamlit's AppTest: default view, controls, bad input, tampered links."""
from tests.conftest import app_test

PAGE = "chapters/attention_maps.py"


def run(**query):
    return app_test(page=PAGE, **query)


def _answer_line(at):
    return next(m.value for m in at.markdown if "model's answer" in m.value)


def _notice(at):
    return next(m.value for m in at.markdown if "of its attention on the ideal keys" in m.value)


def test_default_view_renders_with_numbers():
    at = run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Attention maps"
    assert "**reverse**" in _answer_line(at) and "6 of 6" in _answer_line(at)
    assert len(at.tabs) == 4
    assert "causal mask alone breaks" in _notice(at)
    assert len(at.dataframe) == 3   # query vector, step table, permutation test


def test_task_switch_and_own_input_change_the_output():
    at = run()
    at.selectbox(key="a_task").set_value("recall").run()
    assert not at.exception
    assert at.text_input(key="a_in").value == "a3 c7 e1 b5"
    assert "**recall**" in _answer_line(at)
    at.text_input(key="a_in").set_value("b2 d9 f4").run()
    assert "`b 2 d 9 f 4`" in _answer_line(at) and " of 3** answer tokens" in _answer_line(at)


def test_bad_tokens_are_named_and_the_page_still_renders():
    at = run(a_in="3 1 x 4 q")
    assert not at.exception
    assert any("'q', 'x' are not in the vocabulary of reverse" in e.value for e in at.error)
    assert "6 of 6" in _answer_line(at)          # falls back to the example


def test_too_long_input_names_the_limit():
    at = run(a_task="sort", a_in="1 2 3 4 5 6 7 8 9 0 1 2")
    assert not at.exception
    assert any("sort takes 2 to 10 tokens" in e.value and "got 12" in e.value for e in at.error)


def test_tampered_link_gets_messages_not_a_traceback():
    at = run(a_task="banana", a_head="99", a_T="1000", a_scale="maybe", a_pe="wavelet")
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "“banana”" in text and "“1000”" in text and "“maybe”" in text and "“wavelet”" in text
    assert "head 8 does not exist here (there are 4)" in text


def test_scaling_toggle_and_heads_change_the_numbers():
    at = run()
    before = _notice(at)
    at.toggle(key="a_scale").set_value(False).run()
    assert not at.exception and _notice(at) != before
    at.radio(key="a_H").set_value("1").run()
    assert "1 head(s) of Dh = 64" in _notice(at)


def test_url_controls_are_read():
    at = run(a_task="copy", a_layer="2", a_head="3", a_step="2", a_pe="learned")
    assert not at.exception
    assert "**copy**" in _answer_line(at)
    assert "layer 2, head 3" in " ".join(m.value for m in at.markdown)
    assert "The learned encoding" in _notice(at)
    assert any("reads at most 20 of its 24 positions" in c.value for c in at.caption)


def test_big_demo_grid_is_capped_and_says_so():
    at = run(a_T="64", a_H="8", a_peT="512", a_peD="512")
    assert not at.exception
    assert any("Maps for heads 1–4 of 8" in c.value for c in at.caption)
    assert "from 1 to 63 steps back" in _notice(at)
