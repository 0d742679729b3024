"""The quiz: enough questions across the claims, the article's own three, scoring, and
answers that equal core's computations (never typed-in constants)."""
from __future__ import annotations

import pytest

from core.gradients.profile import GradientSetup, gradient_profile, summary
from core.price import costs, streaming
from core.story import quiz
from core.story.scenes import BY_SLUG as SCENES
from tests.conftest import ROOT


def test_at_least_twelve_questions_including_the_articles_three():
    assert len(quiz.QUESTIONS) >= 12
    assert {"serial", "seq2seq", "gate"} <= set(quiz.BY_SLUG)
    assert sum(q.live for q in quiz.QUESTIONS) >= 4
    app = (ROOT / "app.py").read_text()
    for q in quiz.QUESTIONS:
        assert q.scene in SCENES, q.slug
        assert (ROOT / "chapters" / f"{q.page}.py").exists() and f'url_path="{q.page}"' in app
        assert q.numeric or len(q.options) >= 2


def test_scoring_options_numbers_and_the_session_total():
    q = quiz.BY_SLUG["matrix"]
    a = quiz.Answer(16_777_216, "")
    assert quiz.correct(q, 16_000_000, a) and not quiz.correct(q, 10_000_000, a)
    assert not quiz.correct(q, None, a)
    h = quiz.BY_SLUG["horizon"]
    assert quiz.correct(h, 17, quiz.Answer(14, "")) and not quiz.correct(h, 18, quiz.Answer(14, ""))
    c = quiz.BY_SLUG["serial"]
    assert quiz.correct(c, 1, quiz.Answer(1, "")) and not quiz.correct(c, 0, quiz.Answer(1, ""))
    assert quiz.score({"a": True, "b": False, "c": True}) == (2, 3)
    assert quiz.score({}) == (0, 0)


def test_live_horizon_equals_cores_gradient_profile():
    setup = GradientSetup(models=("tanh",), T=200, rho=0.9, n_seeds=3)
    table = summary(gradient_profile(setup), 3)
    want = int(table[(table["model"] == "tanh") & (table["wrt"] == "x")]["horizon"].iloc[0])
    answer = quiz.BY_SLUG["horizon"].solve()
    assert answer.value == want and answer.data is not None
    assert f"after {want} steps" in answer.text


def test_closed_form_answers_equal_core():
    assert quiz.BY_SLUG["matrix"].solve().value == costs.matrix_size(4096).per_head == 4096 ** 2
    assert quiz.BY_SLUG["edge"].solve().value == costs.lstm_parameters(2, 256, 256)
    kv = streaming.state_bytes("kv_cache", 1024, 128) / streaming.state_bytes("lstm", 1024, 128)
    assert quiz.BY_SLUG["kv"].solve().value == kv
    gate = quiz.BY_SLUG["gate"]
    a = gate.solve()
    assert gate.options[a.value] == "≈ 0.0066" and f"{0.99 ** 500:.4f}" in a.text
    assert quiz.BY_SLUG["serial"].options[quiz.BY_SLUG["serial"].solve().value] == "512 and 1"
    assert quiz.BY_SLUG["bytes"].options[quiz.BY_SLUG["bytes"].solve().value] == "37 GiB"


@pytest.mark.parametrize("slug", ["order", "path", "heads", "explode", "share"])
def test_computed_choice_answers_are_valid_options(slug):
    q = quiz.BY_SLUG[slug]
    a = q.solve()
    assert 0 <= a.value < len(q.options) and a.text
