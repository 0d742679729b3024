"""The attention page through Streamlit's AppTest: default view, sections, sequences of interactions, tampered links."""
from tests.conftest import app_test

PAGE = "chapters/attention_maps.py"


def run(**query):
    return app_test(page=PAGE, **query)


def _text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def _answer_line(at):
    return next(m.value for m in at.markdown if "the model answers" in m.value)


def _notice(at):
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def test_default_view_has_the_claim_the_main_map_and_a_next_link():
    at = run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Attention maps"
    claim = next(m.value for m in at.markdown if m.value.startswith("#### "))
    assert "reverse model's layer" in claim and "6 of 6 answers right" in claim
    assert "`9 5 1 4 1 3`" in _answer_line(at)
    assert at.segmented_control(key="a_view").value == "heads"
    specs = " ".join(c.proto.spec for c in at.get("vega_lite_chart"))
    assert "Layer 2, head 1" in specs and "per layer and head" in specs
    assert "of its attention on the ideal keys" in _notice(at)
    assert any(p.proto.page == "attention_price" for p in at.get("page_link"))
    assert "core/" not in _text(at) and "C11" not in _text(at)


def test_every_section_opens_from_the_link():
    for view, needle in (("step", "Scale by"), ("random", "Positions $T$"), ("order", "Positional encoding")):
        at = run(a_view=view)
        assert not at.exception and not at.error, view
        labels = [w.label for w in at.toggle] + [w.label for w in at.slider] + [w.label for w in at.radio]
        assert any(needle in lab for lab in labels), (view, labels)


def test_typing_then_another_control_then_a_section_then_a_page_switch_and_back():
    """The crash: a typed sequence, then any other control, left a label string in a_step."""
    at = run(a_view="step")
    at.text_input(key="a_in").set_value("5 2 8 1").run()
    assert not at.exception
    assert "`1 8 2 5`" in _answer_line(at)
    at.toggle(key="a_causal").set_value(False).run()
    assert not at.exception and isinstance(at.session_state["a_step"], int)
    at.selectbox(key="a_step").set_value(4).run()
    assert not at.exception and "Answer 4 (it should be `5`)" in _text(at)
    at.text_input(key="a_in").set_value("7 7 1").run()                # fewer answers: step 4 → 3
    assert not at.exception and at.session_state["a_step"] == 3
    at.selectbox(key="a_task").set_value("recall").run()
    assert not at.exception and at.text_input(key="a_in").value == "a3 c7 e1 b5"
    at.segmented_control(key="a_view").set_value("order").run()
    assert not at.exception and "The permutation test" in _text(at)
    at.switch_page("chapters/overview.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="a_task").value == "recall" and at.segmented_control(key="a_view").value == "order"


def test_bad_tokens_are_named_and_the_page_still_renders():
    at = run(a_in="3 1 x 4 q")
    assert not at.exception
    assert any("'q', 'x' are not in the vocabulary of reverse" in e.value.replace("\\", "") for e in at.error)
    assert "6 of 6" in next(m.value for m in at.markdown if m.value.startswith("#### "))


def test_too_long_input_names_the_limit():
    at = run(a_task="sort", a_in="1 2 3 4 5 6 7 8 9 0 1 2")
    assert not at.exception
    errors = " ".join(e.value.replace("\\", "") for e in at.error)
    assert "sort takes 2 to 10 tokens" in errors and "got 12" in errors
    at = run(a_in="1 " * 100)
    warnings = " ".join(w.value for w in at.warning)
    assert "cut to the limit of 120 characters for your sequence" in warnings


def test_tampered_link_gets_messages_not_a_traceback():
    at = run(a_task="banana", a_head="99", a_T="1000", a_scale="maybe", a_pe="wavelet", a_view="tabs")
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "“banana”" in text and "“1000”" in text and "“maybe”" in text and "“wavelet”" in text and "“tabs”" in text
    assert "Head 8 does not exist here (there are 4)" in text


def test_scaling_toggle_and_heads_change_the_numbers():
    at = run(a_view="random")
    before = _notice(at)
    at.radio(key="a_H").set_value("1").run()
    assert not at.exception and _notice(at) != before
    assert "1 head of $D_h = 64$" in _notice(at)
    assert "uniform attention: the mean of $\\ln t$ over the rows" in _notice(at)


def test_url_controls_are_read():
    at = run(a_task="copy", a_layer="2", a_head="3", a_step="2", a_pe="learned", a_view="order")
    assert not at.exception
    assert "the copy model's" in next(m.value for m in at.markdown if m.value.startswith("#### "))
    assert "The learned encoding" in _notice(at)
    assert any("reads at most 20 of its 24 positions" in c.value for c in at.caption)


def test_big_demo_grid_is_capped_and_says_so():
    at = run(a_T="64", a_H="8", a_view="random")
    assert not at.exception
    assert any("Maps for heads 1–4 of 8" in c.value for c in at.caption)
    assert "from 1 to 63 steps back" in _notice(at)
