"""The quiz through AppTest: every question shows, a committed guess is scored against the
computed answer, the score counts per session, and each answer links to its scene."""
from __future__ import annotations

from core.story import quiz
from tests.conftest import app_test

PAGE = "chapters/quiz.py"


def test_quiz_lists_every_question_and_scores_a_committed_guess():
    at = app_test(page=PAGE, timeout=120)
    assert not at.exception
    assert at.title[0].value.startswith("Quiz")
    assert len([b for b in at.button if b.key and b.key.startswith("quiz_go_")]) == len(quiz.QUESTIONS)
    at.number_input(key="quiz_in_matrix").set_value(16_777_216).run()
    at.button(key="quiz_go_matrix").click().run()
    assert not at.exception
    assert any("16,777,216" in s.value for s in at.success)
    assert at.metric[0].value == "1 of 1"
    at.radio(key="quiz_in_serial").set_value(0).run()
    at.button(key="quiz_go_serial").click().run()
    assert at.metric[0].value == "1 of 2"
    assert any("512 and 1" in w.value for w in at.warning)


def test_commit_without_a_guess_asks_for_one():
    at = app_test(page=PAGE, timeout=120)
    at.button(key="quiz_go_bytes").click().run()
    assert any("guess first" in i.value for i in at.info)
