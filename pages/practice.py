"""Page: practice — derive a partial yourself; the answer is checked and a slip gets a hint naming the rule."""

from __future__ import annotations

import streamlit as st

from core import ExpressionError, worker
from core.function import to_latex
from core.practice import (
    LESSON,
    LEVELS,
    answer_limits,
    check,
    generate,
    placeholder,
    preset_exercises,
    read_answer,
)
from ui import cache
from ui.controls import Page, choice, number_box
from ui.page import begin, finish
from ui.render import derivation_steps
from ui.text import plain

PAGE = Page("practice")
SOURCES = {"lesson": "The lesson's examples", "generated": "Generated exercises", "preset": "Test functions"}
SOURCE = choice("source", "Exercises", list(SOURCES), "lesson", kind="radio", labels=SOURCES.get)
LEVEL = choice("level", "Difficulty", list(LEVELS), "easy", kind="radio", horizontal=True)
EXERCISE = number_box("n", "Exercise number", 0, 10_000, 1, 0, integer=True)

slot = begin(
    PAGE,
    "Work out the partial derivative yourself, type it in, and check it. Remember the key idea: **treat every "
    "other variable as a constant**. Equivalent forms count — `y*(2*x + cos(x*y))` is as right as "
    "`2*x*y + y*cos(x*y)`. Write it as on paper (`2xy`, `x²`, `sin2x`, `√x`, `|x|`): the preview says how it was "
    "read. An answer is checked exactly, or in 50-digit arithmetic at points drawn afresh for every check.",
)
score = st.session_state.setdefault("practice_score", {"solved": 0, "attempts": 0, "done": []})


def next_exercise() -> None:
    # A counter at its maximum stops there, so the link it writes stays readable.
    st.session_state[PAGE.key(EXERCISE)] = min(st.session_state.get(PAGE.key(EXERCISE), 0) + 1, EXERCISE.high)
    st.session_state[PAGE.key("answer")] = ""


source = PAGE.draw(SOURCE)
level = PAGE.draw(LEVEL) if source == "generated" else PAGE.value(LEVEL)
n = int(PAGE.value(EXERCISE))
st.sidebar.button("Next exercise ▶", key=PAGE.key("next"), on_click=next_exercise)
# Filled at the end of the run, after this run's answer has been scored.
score_slot = st.sidebar.container()

if source == "lesson":
    exercise = LESSON[n % len(LESSON)]
elif source == "preset":
    pool = preset_exercises()
    exercise = pool[n % len(pool)]
else:
    exercise = generate(level, n)

f = cache.function(exercise.text)
st.subheader(f"Find ∂f/∂{exercise.var}")
st.latex(f"f({', '.join(f.names)}) = {to_latex(f.expr)}")
st.caption(f"Hold {', '.join(v for v in f.names if v != exercise.var) or 'nothing'} constant.")

st.session_state.setdefault(PAGE.key("answer"), "")
max_chars, _ = answer_limits(exercise.text, exercise.var)
# A form, so Enter in the box checks the answer as the button does.
with st.form(PAGE.key("form"), border=False):
    answer = st.text_input(
        f"∂f/∂{exercise.var} =",
        key=PAGE.key("answer"),
        max_chars=max_chars,
        placeholder=placeholder(f.names),
        persist_state="session",  # an answer not yet checked survives a visit to another page
    )
    checked = st.form_submit_button("Check my answer", key=PAGE.key("check"), type="primary")
if answer.strip():
    # How the answer was read: 2xy is 2·x·y, x² is x^2.
    try:
        reading = read_answer(exercise.text, exercise.var, answer)
    except ExpressionError:
        pass  # the message is shown when the answer is checked
    else:
        st.latex(rf"\text{{read as: }}\ {to_latex(reading.expr)}")
        if reading.notes:
            st.caption("; ".join(reading.notes))
if checked:
    if not answer.strip():
        st.warning("Type your answer first.")
    else:
        try:
            verdict = worker.run(check, exercise, answer, formula=answer)
        except ExpressionError as error:
            st.warning(f"**Could not read your answer:** {plain(error)}", icon=":material/edit:")
        else:
            score["attempts"] += 1
            tag = (exercise.text, exercise.var)
            if verdict.correct:
                if tag not in score["done"]:
                    score["done"].append(tag)
                    score["solved"] += 1
                st.success(verdict.message, icon=":material/check_circle:")
            else:
                st.error(verdict.message, icon=":material/cancel:")
                if verdict.hint:
                    st.info(f"**Hint:** {verdict.hint}", icon=":material/lightbulb:")

with score_slot:
    st.metric("Score in this browser tab", f"{score['solved']} solved", help="Exercises answered correctly")
    attempts = score["attempts"]
    st.caption(f"{attempts} answer{'' if attempts == 1 else 's'} checked")
    st.caption("The score belongs to this tab: kept while you visit other pages; a reload or a new tab starts at 0.")
derivation_steps(
    lambda: cache.derivation(f, exercise.var), "Show the steps (try it yourself first)", key=PAGE.key("steps")
)
finish(PAGE, slot)
