"""ui.params: the pure `parse` of one link value, and the URL ↔ session round trip through AppTest.

The round-trip tests use a two-page app (tests/params_app/) with one control of every kind,
so they exercise ui.params alone, not any chapter.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from core.config import Choice, FloatBound, IntBound, TextBound
from ui.params import Param, encode, parse

N = Param("n", IntBound("count n", 1, 1000, 10))
X = Param("x", FloatBound("scale x", 0.0, 2.0, 1.0))
C = Param("c", Choice("cell", ("tanh", "lstm"), "tanh"))
MS = Param("ms", Choice("models", ("a", "b", "c"), "a"), multi=True, default=("a", "b"))
F = Param("f", flag=True, default=False)
TXT = Param("txt", TextBound("your text", 50, "hello"))
DIGITS = Param("d", TextBound("digits", 8, "", allowed="0123456789", alphabet="the digits 0–9"))

APP = Path(__file__).parent / "params_app" / "app.py"


def no_markup(message: str) -> None:
    html = MarkdownIt("commonmark").render(message)
    assert "<a " not in html and "<img" not in html and "<code" not in html, (message, html)


# ------------------------------------------------------------------ pure parse
@pytest.mark.parametrize("raw, value", [("7", 7), (" 7 ", 7), ("7.0", 7), ("1e2", 100), ("1000", 1000)])
def test_int_accepts_whole_numbers(raw, value):
    assert parse(N, raw) == (value, None)


@pytest.mark.parametrize("raw", ["abc", "", "   ", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "0x10",
                                 "7;drop", "½", "--1"])
def test_int_not_a_number_gives_default_and_a_message(raw):
    value, msg = parse(N, raw)
    assert value == 10
    assert "not a whole number" in msg and "default 10" in msg
    no_markup(msg)


@pytest.mark.parametrize("raw, value", [("0", 1), ("-5", 1), ("-inf0", 10), ("1001", 1000), ("99999999999999999999", 1000)])
def test_int_out_of_range_is_clamped_and_the_limit_named(raw, value):
    v, msg = parse(N, raw)
    assert v == value and msg
    if raw != "-inf0":
        assert "outside its limit (1 to 1,000)" in msg and f"using {value:,}" in msg


def test_int_message_never_uses_exponent_notation():
    big = Param("seed", IntBound("seed", 0, 2**31 - 1, 0))
    v, msg = parse(big, "9" * 30)
    assert v == 2**31 - 1
    assert "2,147,483,647" in msg and "e+" not in msg


@pytest.mark.parametrize("raw, value", [("7.5", 8), ("7.4", 7), ("-0.5", 1), ("5000.5", 1000)])
def test_int_fraction_is_rounded_with_a_message(raw, value):
    v, msg = parse(N, raw)
    assert v == value and "not a whole number" in msg and "rounded to" in msg


@pytest.mark.parametrize("raw, value, says", [
    ("0.5", 0.5, None), ("2", 2.0, None), ("-1", 0.0, "outside its limit (0 to 2)"),
    ("3.5", 2.0, "outside its limit"), ("nan", 1.0, "not a number"), ("inf", 1.0, "not a number"),
    ("-inf", 1.0, "not a number"), ("1e308", 2.0, "outside its limit"), ("", 1.0, "not a number"),
])
def test_float(raw, value, says):
    v, msg = parse(X, raw)
    assert v == value and math.isfinite(v)
    assert (msg is None) if says is None else (says in msg)


def test_choice():
    assert parse(C, "lstm") == ("lstm", None)
    v, msg = parse(C, "LSTM")
    assert v == "tanh" and "not one of tanh, lstm" in msg
    v, msg = parse(C, "")
    assert v == "tanh" and msg


@pytest.mark.parametrize("raw, value, says", [
    ("a,c", ["a", "c"], None),
    (" c , a ", ["c", "a"], None),
    ("", ["a", "b"], "is empty"),
    (",,,", ["a", "b"], "is empty"),
    ("z", ["a", "b"], "unknown “z” ignored"),
    ("a,z", ["a"], "unknown “z” ignored"),
    ("a,a,b", ["a", "b"], "more than once"),
    ("z,z,z,z,z,z,z,z", ["a", "b"], "unknown “z” ignored"),
])
def test_multi(raw, value, says):
    v, msg = parse(MS, raw)
    assert v == value
    assert (msg is None) if says is None else (says in msg)
    if msg:
        assert "allowed: a, b, c" in msg or "default" in msg or "more than once" in msg


def test_multi_many_unknown_are_listed_with_an_ellipsis():
    v, msg = parse(MS, ",".join(f"u{i}" for i in range(20)))
    assert v == ["a", "b"] and "…" in msg and "u7" not in msg


@pytest.mark.parametrize("raw, value", [("1", True), ("true", True), ("ON", True), ("yes", True),
                                        ("0", False), ("false", False), ("off", False), ("no", False)])
def test_flag(raw, value):
    assert parse(F, raw) == (value, None)


@pytest.mark.parametrize("raw", ["", "2", "maybe", "1,0"])
def test_flag_bad_values_give_a_message(raw):
    v, msg = parse(F, raw)
    assert v is False and "not 1 or 0" in msg and "using off" in msg


def test_text_is_trimmed_to_its_limit_with_a_message_naming_it():
    v, msg = parse(TXT, "x" * 100_000)
    assert v == "x" * 50
    assert "limit of 50 characters" in msg and "your text" in msg


def test_text_outside_its_alphabet():
    v, msg = parse(DIGITS, "12a3b")
    assert v == "123" and "2 characters outside the digits 0–9 removed" in msg
    v, msg = parse(DIGITS, "abc")
    assert v == "" and msg
    v, msg = parse(TXT, "")
    assert v == "hello" and "empty" in msg


def test_echoed_values_are_inert_and_short():
    for p in (N, X, C, MS, F):
        v, msg = parse(p, "`![p](http://127.0.0.1:1/p.png) [fix](http://evil.example/) " + "y" * 500)
        assert msg and len(msg) < 400, msg
        no_markup(msg)


@pytest.mark.parametrize("p, value", [(N, 7), (N, 7.0), (X, 0.9000000000000001), (X, 1e-7), (C, "lstm"),
                                      (MS, ["c", "a"]), (F, True), (F, False), (TXT, "hi there")])
def test_encode_parse_round_trip(p, value):
    text = encode(p, value)
    back, msg = parse(p, text)
    assert msg is None
    if isinstance(value, float):
        assert back == pytest.approx(value, rel=1e-11)
        assert len(text) <= 18
    else:
        assert back == value


def test_encode_cuts_text_to_its_limit():
    assert encode(TXT, "x" * 100_000) == "x" * 50


# ------------------------------------------------------------------ through AppTest
def run(timeout: float = 20, **query):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def qp(at, key: str) -> list[str]:
    """The bar's values for `key` (AppTest keeps a single value as a plain string)."""
    v = at.query_params.get(key, [])
    return list(v) if isinstance(v, list) else [v]


def warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def test_link_values_reach_the_widgets_and_the_bar_reproduces_them():
    at = run(n="7", x="0.5", c="lstm", ms="c,a", f="1", txt="abc")
    assert not at.exception and warnings(at) == []
    assert at.number_input(key="n").value == 7 and at.slider(key="x").value == 0.5
    assert at.selectbox(key="c").value == "lstm" and at.multiselect(key="ms").value == ["c", "a"]
    assert at.toggle(key="f").value is True and at.text_input(key="txt").value == "abc"
    assert {k: qp(at, k) for k in ("n", "x", "c", "ms", "f", "txt")} == {
        "n": ["7"], "x": ["0.5"], "c": ["lstm"], "ms": ["c,a"], "f": ["1"], "txt": ["abc"]}


def test_a_corrected_value_gets_a_message_that_stays_until_the_reader_changes_it():
    at = run(n="5000")
    assert any("outside its limit (1 to 1,000)" in w for w in warnings(at))
    assert qp(at, "n") == ["1000"]
    at.slider(key="x").set_value(0.3).run()                     # another control: the message stays
    assert any("outside its limit" in w for w in warnings(at))
    at.number_input(key="n").set_value(20).run()                 # the reader changes n: it goes
    assert not any("outside its limit" in w for w in warnings(at))


def test_repeated_key_last_wins_with_a_message():
    at = run(n=["3", "4"])
    assert at.number_input(key="n").value == 4
    assert any("more than once; the last value counts" in w for w in warnings(at))
    assert qp(at, "n") == ["4"]


def test_unknown_keys_are_ignored():
    at = run(zzz="1", n="8")
    assert not at.exception and warnings(at) == [] and at.number_input(key="n").value == 8


def test_over_limit_text_is_never_written_into_the_url():
    at = run(txt="y" * 100_000)
    assert at.text_input(key="txt").value == "y" * 50
    assert any("limit of 50 characters" in w for w in warnings(at))
    assert qp(at, "txt") == ["y" * 50]
    at.text_input(key="txt").input("z" * 100_000).run()          # typed, not linked
    assert all(len(v) <= 50 for v in qp(at, "txt"))
    assert any("limit of 50" in w for w in warnings(at))


def test_settings_survive_a_page_switch_and_come_back():
    at = run(n="7")
    at.slider(key="x").set_value(1.5).run()
    at.multiselect(key="ms").set_value(["b"]).run()
    at.query_params.clear()                                      # a real page switch clears the bar
    at.switch_page("two.py").run()
    assert not at.exception and at.number_input(key="k").value == 3
    at.number_input(key="k").set_value(5).run()
    at.query_params.clear()
    at.switch_page("one.py").run()
    assert not at.exception
    assert at.number_input(key="n").value == 7 and at.slider(key="x").value == 1.5
    assert at.multiselect(key="ms").value == ["b"]
    assert qp(at, "n") == ["7"] and qp(at, "x") == ["1.5"]
    at.query_params.clear()
    at.switch_page("two.py").run()
    assert at.number_input(key="k").value == 5


def test_page_switch_without_clearing_the_bar_also_keeps_settings():
    at = run()
    at.number_input(key="n").set_value(9).run()
    at.switch_page("two.py").run()
    at.switch_page("one.py").run()
    assert at.number_input(key="n").value == 9


def test_back_button_restores_the_older_link_value():
    at = run(n="7")
    at.number_input(key="n").set_value(8).run()
    assert qp(at, "n") == ["8"]
    at.query_params["n"] = "7"                                   # Back: the bar holds the older URL
    at.run()
    assert at.number_input(key="n").value == 7 and warnings(at) == []


def test_back_to_a_bad_value_shows_its_message_again():
    at = run(n="5000")
    at.number_input(key="n").set_value(20).run()
    assert not any("outside its limit" in w for w in warnings(at))
    at.query_params["n"] = "5000"                                # Back to the tampered link
    at.run()
    assert at.number_input(key="n").value == 1000
    assert any("outside its limit" in w for w in warnings(at))


def test_back_to_a_clean_value_drops_the_old_message():
    at = run(n="5000")
    at.query_params["n"] = "12"
    at.run()
    assert at.number_input(key="n").value == 12 and warnings(at) == []


def test_widget_change_wins_over_a_stale_link_value_even_without_a_push():
    at = run(n="7")
    at.session_state["skip_push"] = True                         # a run that stopped before push_to_url
    at.number_input(key="n").set_value(8).run()
    assert at.number_input(key="n").value == 8
    at.number_input(key="n").set_value(9).run()                  # the bar still says 7
    assert at.number_input(key="n").value == 9
    at.session_state["skip_push"] = False
    at.run()
    assert at.number_input(key="n").value == 9 and qp(at, "n") == ["9"]


def test_shared_link_after_in_session_changes_reproduces_the_view():
    at = run(n="7")
    at.slider(key="x").set_value(1.25).run()
    at.selectbox(key="c").set_value("lstm").run()
    at.toggle(key="f").set_value(True).run()
    link = {k: qp(at, k) for k in ("n", "x", "c", "ms", "f", "txt")}
    other = run(**{k: v[-1] for k, v in link.items()})         # a new visitor opens the copied link
    assert warnings(other) == []
    for key in ("n", "x", "c", "ms", "f", "txt"):
        assert other.session_state[key] == at.session_state[key], key


def test_one_history_entry_per_rerun():
    """All changed keys go into the bar in one update (one browser history entry), not key by key."""
    from unittest import mock

    from streamlit.runtime.state.query_params import QueryParams

    calls = []
    real = QueryParams._send_query_param_msg

    def spy(self):
        calls.append(1)
        return real(self)

    with mock.patch.object(QueryParams, "_send_query_param_msg", spy):
        run()
    assert len(calls) == 1


SEGMENTED = """
import streamlit as st
from core.config import Choice
from ui.params import Param, push_to_url, sync_from_url
P = [Param("v", Choice("view", ("a", "b", "c"), "a"))]
sync_from_url(P)
st.segmented_control("View", ["a", "b", "c"], key="v", required=True)
push_to_url(P)
"""


def test_a_control_reporting_none_gets_its_last_value_back():
    """A segmented control the browser remounted reports None with the next interaction elsewhere
    (the attention page fell back to its first view): the session's last value comes back."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(SEGMENTED, default_timeout=20).run()
    at.session_state["v"] = "c"
    at.run()
    at.session_state["v"] = None            # what the remounted widget reports
    at.run()
    assert not at.exception
    assert at.session_state["v"] == "c" and qp(at, "v") == ["c"]
