"""Talk mode through AppTest: a scene paints from the shipped data with its sentence and big
number, the buttons write `?scene=`, bad links give a message, "shipped results only" holds."""
from __future__ import annotations

from core.story.scenes import SCENES
from tests.conftest import app_test

PAGE = "chapters/talk.py"
N = len(SCENES)


def run(**query):
    return app_test(page=PAGE, timeout=120, **query)


def test_default_scene_paints_from_shipped_data():
    at = run()
    assert not at.exception
    assert at.title[0].value == f"1 / {N} · The sequential chain"
    assert at.metric[0].value
    assert any(m.value.startswith("#### At T = ") for m in at.markdown)
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")


def test_next_button_writes_the_scene_into_the_address():
    at = run(scene=3)
    assert at.title[0].value.startswith(f"3 / {N}")
    at.button(key="talk_next").click().run()
    assert at.query_params["scene"] == ["4"] or at.query_params["scene"] == "4"
    assert at.title[0].value.startswith(f"4 / {N}")
    at.button(key="talk_prev").click().run()
    assert at.title[0].value.startswith(f"3 / {N}")


def test_tampered_scene_is_clamped_with_a_message():
    at = run(scene="banana")
    assert not at.exception and at.title[0].value.startswith(f"1 / {N}")
    assert any("not a whole number" in w.value for w in at.warning)
    at = run(scene=10_000)
    assert at.title[0].value.startswith(f"{N} / {N}")


def test_every_scene_renders_without_exception():
    at = run()
    for n in range(1, N + 1):
        at.query_params["scene"] = str(n)
        at.run()
        assert not at.exception, (n, at.exception)
        assert at.title[0].value.startswith(f"{n} / {N}")
        assert not [e for e in at.error], (n, [e.value for e in at.error])


def test_shipped_only_disables_live_measuring():
    at = run(scene=12, shipped=1)
    assert at.toggle(key="shipped").value is True
    assert at.button(key="talk_live_btn").disabled
