"""Page: practice — derive a partial yourself; the answer is checked and a slip gets a hint naming the rule."""

from __future__ import annotations

import re

import streamlit as st

from core import ExpressionError
from core.function import to_latex
from core.practice import LESSON, LEVELS, answer_limits, check, generate, preset_exercises, read_answer
from ui import cache
from ui.page import begin, finish
from ui.render import derivation_steps
from ui.state import Param, choice, integer

PAGE = "practice"
SOURCES = {"lesson": "The lesson's examples", "generated": "Generated exercises", "preset": "Test functions"}
PARAMS = [
    Param("source", f"{PAGE}.source", choice(list(SOURCES))),
    Param("level", f"{PAGE}.level", choice(list(LEVELS))),
    Param("n", f"{PAGE}.n", integer(0, 10_000)),
]

slot = begin(
    PAGE,
    "✍️ Practice",
    "Work out the partial derivative yourself, type it in, and check it. Remember the key idea: **treat every "
    "other variable as a constant**. Equivalent forms count — `y*(2*x + cos(x*y))` is as right as "
    "`2*x*y + y*cos(x*y)`.",
    PARAMS,
)
st.session_state.setdefault(f"{PAGE}.source", "lesson")
st.session_state.setdefault(f"{PAGE}.level", "easy")
st.session_state.setdefault(f"{PAGE}.n", 0)
score = st.session_state.setdefault(f"{PAGE}.score", {"solved": 0, "attempts": 0, "done": []})


def escape_markdown(text: str) -> str:
    """Plain text for a markdown element: the answer's characters are echoed in parse messages."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)


def next_exercise() -> None:
    st.session_state[f"{PAGE}.n"] = st.session_state.get(f"{PAGE}.n", 0) + 1
    st.session_state[f"{PAGE}.answer"] = ""


with st.sidebar:
    source = st.radio("Exercises", list(SOURCES), key=f"{PAGE}.source", format_func=SOURCES.get)
    if source == "generated":
        st.radio("Difficulty", list(LEVELS), key=f"{PAGE}.level", horizontal=True)
    st.button("Next exercise ▶", key=f"{PAGE}.next", on_click=next_exercise)
    # Filled at the end of the run, after this run's answer has been scored.
    score_slot = st.container()

n = int(st.session_state[f"{PAGE}.n"])
if source == "lesson":
    exercise = LESSON[n % len(LESSON)]
elif source == "preset":
    pool = preset_exercises()
    exercise = pool[n % len(pool)]
else:
    exercise = generate(st.session_state[f"{PAGE}.level"], n)

f = cache.function(exercise.text)
st.subheader(f"Find ∂f/∂{exercise.var}")
st.latex(f"f({', '.join(f.names)}) = {to_latex(f.expr)}")
st.caption(f"Hold {', '.join(v for v in f.names if v != exercise.var) or 'nothing'} constant.")

st.session_state.setdefault(f"{PAGE}.answer", "")
max_chars, _ = answer_limits(exercise.text, exercise.var)
answer = st.text_input(
    f"∂f/∂{exercise.var} =", key=f"{PAGE}.answer", max_chars=max_chars, placeholder="e.g. 6x + 2y, or 6*x + 2*y"
)
if answer.strip():
    # How the answer was read, before it is checked: 2xy is 2·x·y, x² is x^2.
    try:
        reading = read_answer(exercise.text, exercise.var, answer)
    except ExpressionError:
        pass  # the message is shown when the answer is checked
    else:
        st.latex(rf"\text{{read as: }}\ {to_latex(reading.expr)}")
        if reading.notes:
            st.caption("; ".join(reading.notes))
checked = st.button("Check my answer", key=f"{PAGE}.check", type="primary")
if checked:
    if not answer.strip():
        st.warning("Type your answer first.")
    else:
        try:
            verdict = check(exercise, answer)
        except ExpressionError as error:
            st.warning("**Could not read your answer:** " + escape_markdown(str(error)), icon="✏️")
        else:
            score["attempts"] += 1
            tag = (exercise.text, exercise.var)
            if verdict.correct:
                if tag not in score["done"]:
                    score["done"].append(tag)
                    score["solved"] += 1
                st.success(verdict.message, icon="✅")
            else:
                st.error(verdict.message, icon="❌")
                if verdict.hint:
                    st.info(f"**Hint:** {verdict.hint}", icon="💡")

with score_slot:
    st.metric("Score this session", f"{score['solved']} solved", help="Exercises answered correctly")
    attempts = score["attempts"]
    st.caption(f"{attempts} answer{'' if attempts == 1 else 's'} checked")
derivation_steps(cache.derivation(f, exercise.var), "Show the steps (try it yourself first)", key=f"{PAGE}.steps")
finish(PAGE, PARAMS, slot)
