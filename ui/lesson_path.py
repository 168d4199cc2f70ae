"""Where a page sits on the lesson's path: its opening sentence, and at its end the check-yourself questions
(answered in place, checked by the practice checker) and the link to the next page."""

from __future__ import annotations

import functools

import streamlit as st

from core import ExpressionError, worker
from core.practice import CHECK_YOURSELF, Question, answer_limits, check
from ui import guard
from ui.navigation import CLASS, LABS, STEPS, PageRow, following
from ui.text import plain

BADGES = {LABS: "Lab", CLASS: "Live class"}


def opening(row: PageRow) -> None:
    """The page's title and its one sentence on what the student will see and do (with its step in the lesson)."""
    st.title(row.title)
    where = f"Step {row.step} of {STEPS}" if row.step else BADGES.get(row.section, row.section)
    st.markdown(f":primary-badge[{where}] {row.intro}")


def check_yourself(row: PageRow) -> None:
    """Two or three questions on the page's idea, each a small form: Enter or the button checks the answer."""
    questions = CHECK_YOURSELF.get(row.idea, ())
    if not questions:
        return
    st.subheader("Check yourself", anchor="check-yourself")
    for number, question in enumerate(questions, start=1):
        key = f"{row.prefix}.check{number}"
        # A part of its own (ui.parts): checking an answer reruns its question only, not the page's charts.
        st.fragment(guard.shielded, key=f"{row.prefix}.part.check{number}")(
            functools.partial(ask, question, key, number), key
        )


def ask(question: Question, key: str, number: int) -> None:
    """One question: its prompt, an answer box and the checker's verdict (with its hint for a slip). The verdict
    stays while the answer it judged stays, so checking another question leaves this one's in place."""
    exercise = question.exercise
    limit, _ = answer_limits(exercise.text, exercise.var)
    with st.form(key, border=False, enter_to_submit=True):
        st.markdown(f"**{number}.** {question.prompt}")
        box, button = st.columns([5, 1], vertical_alignment="bottom")
        answer = box.text_input(
            f"Answer {number}", key=f"{key}.answer", max_chars=limit, label_visibility="collapsed", placeholder="…"
        )
        checked = button.form_submit_button("Check", width="stretch")
    judged = f"{key}.verdict"
    if checked:
        st.session_state[judged] = (answer, judge(question, answer))
    kept = st.session_state.get(judged)
    if kept is None or kept[0] != answer:
        return
    for kind, text in kept[1]:
        getattr(st, kind)(text, icon=ICONS[kind])


ICONS = {
    "success": ":material/check_circle:",
    "error": ":material/cancel:",
    "info": ":material/lightbulb:",
    "warning": ":material/edit:",
}


def judge(question: Question, answer: str) -> tuple[tuple[str, str], ...]:
    """The checker's verdict on an answer as messages to show: (kind, markdown) pairs."""
    if not answer.strip():
        return (("warning", "Type your answer first."),)
    try:
        verdict = worker.run(check, question.exercise, answer, formula=answer)
    except ExpressionError as error:
        return (("warning", f"**Could not read your answer:** {plain(error)}"),)
    if verdict.correct:
        return (("success", verdict.message),)
    hint = (("info", f"**Hint:** {verdict.hint}"),) if verdict.hint else ()
    return (("error", verdict.message), *hint)


def next_link(row: PageRow) -> None:
    """The link to the next page on the path."""
    after = following(row)
    if after is not None:
        what = f"step {after.step}" if after.step else BADGES.get(after.section, after.section).lower()
        st.page_link(after.path, label=f"Next, {what}: {after.title}", icon=":material/arrow_forward:")
