"""The story as scenes, for talk mode and the quiz.

One scene per claim group, in story order (`scenes.SCENES`): each scene computes
a small tidy result with the chapter's own core functions, and from that result
builds its figure in talk-size type, the one sentence that states what the
numbers show, its key figure and the presenter's notes. Every scene's result is
shipped in `assets/story/scenes.json` (written by `python -m core.story`), so
talk mode paints at once and re-measures live only on request. `quiz` holds the
quiz's questions, whose correct answers are computed by the same functions.
"""
