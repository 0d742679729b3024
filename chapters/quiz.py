"""The quiz: predict, commit your guess, then see the computed answer and where the story shows it."""
import streamlit as st

from ui import warmup

warmup.wait()  # torch is being imported on a background thread; importing it here at the same time races
from core.story import quiz
from core.story.scenes import BY_SLUG as SCENES, number
from ui import layout, vega
from ui.spec_cache import Lazy

KEY = "quiz_answers"   # slug → {"guess": …, "right": bool}


@st.cache_data(max_entries=32, show_spinner=False)
def solve(slug: str) -> quiz.Answer:
    """Every answer is deterministic (closed forms, shipped models, fixed seeds), so it is shared."""
    return quiz.BY_SLUG[slug].solve()


def commit(q: quiz.Question) -> None:
    guess = st.session_state.get(f"quiz_in_{q.slug}")
    if guess is None:
        st.session_state[f"quiz_msg_{q.slug}"] = "Choose or type a guess first."
        return
    st.session_state.pop(f"quiz_msg_{q.slug}", None)
    st.session_state[KEY][q.slug] = {"guess": guess, "right": None}


def number_text(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.4g}"


def guess_text(q: quiz.Question, guess) -> str:
    return q.options[int(guess)] if q.options else number_text(guess)


def reveal(q: quiz.Question, i: int) -> None:
    entry = st.session_state[KEY][q.slug]
    with layout.section("This answer"):
        with st.spinner("Computing the answer…" if q.live else "Working it out…"):
            answer = solve(q.slug)
        entry["right"] = quiz.correct(q, entry["guess"], answer)
        truth = q.options[int(answer.value)] if q.options else number_text(answer.value)
        icon = ":material/check_circle:" if entry["right"] else ":material/cancel:"
        (st.success if entry["right"] else st.warning)(
            f"You said **{guess_text(q, entry['guess'])}**; computed: **{truth}**.", icon=icon)
        st.markdown(answer.text)
        scene = SCENES[q.scene]
        if answer.data is not None:
            vega.draw(Lazy(scene.chart, answer.data, named=f"scene {scene.slug}"), answer.data.frame,
                      key=f"quiz_chart_{q.slug}")
        c1, c2 = st.columns(2)
        c1.page_link(f"chapters/{q.page}.py", label="See it in the chapter", icon=":material/arrow_forward:")
        c2.page_link("chapters/talk.py", label=f"Talk mode, scene {number(q.scene)}: {scene.group}",
                     icon=":material/co_present:", query_params={"scene": str(number(q.scene))})


layout.header("Quiz: predict, then see it computed")
answers = st.session_state.setdefault(KEY, {})
guesses = st.session_state.setdefault("_quiz_guesses", {})   # uncommitted guesses survive a page switch
score_box = st.empty()
st.caption("Commit a guess, then the app computes the answer — several of them live, with the chart that shows it.")
for i, q in enumerate(quiz.QUESTIONS, start=1):
    with st.container(border=True):
        st.markdown(f"**{i}.** {q.prompt}")
        if q.slug in answers:
            reveal(q, i)
            continue
        if q.options:
            guesses[q.slug] = st.radio("Your guess", range(len(q.options)), index=guesses.get(q.slug),
                                       key=f"quiz_in_{q.slug}", format_func=lambda k, q=q: q.options[k])
        else:
            guesses[q.slug] = st.number_input("Your guess", min_value=0.0, value=guesses.get(q.slug),
                                              key=f"quiz_in_{q.slug}", placeholder="a number", format="%g")
        st.button("Commit my guess", key=f"quiz_go_{q.slug}", on_click=commit, args=(q,), icon=":material/lock:")
        if st.session_state.get(f"quiz_msg_{q.slug}"):
            st.info(st.session_state[f"quiz_msg_{q.slug}"])
right, answered = quiz.score({k: v["right"] for k, v in answers.items() if v["right"] is not None})
score_box.metric("Your score this session", f"{right} of {answered}" if answered else "—",
                 help=f"{len(quiz.QUESTIONS)} questions")
if answers and st.button("Start again", icon=":material/restart_alt:"):
    st.session_state[KEY] = {}
    st.rerun()
layout.next_chapter("chapters/talk.py", "Talk mode", "the whole story, one claim per scene")
