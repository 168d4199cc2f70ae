"""Live class mode in Streamlit: the lecturer opens a room and starts activities from the picture on screen;
students join by link or QR code and answer on their own screens; the lecturer's view follows them live.

Everything shared goes through ``classroom.store`` (this process, or Redis when REDIS_URL is set). A page's
own session holds only who it is: the room code, the lecturer's key or the tab's anonymous id, all three read
from the link like every other control (``ui.controls``), so a reload or a replica restart finds them again.
"""

from __future__ import annotations

import hmac
import io
import math
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

from classroom import summary
from classroom.checking import Mark, mark
from classroom.rooms import (
    ANSWER_CHARS,
    NAME_CHARS,
    Outcome,
    RoomError,
    check_answer,
    clean_name,
    digest,
    new_student,
    parse_code,
    parse_secret,
    parse_student,
)
from classroom.store import UNAVAILABLE, Poll, RoomView, Store, connect
from classroom.truth import FATES, RACERS, SIGNS, global_minima, lowest_inside, solve
from core import OPTIMIZERS, ExpressionError, Function, worker
from core.function import to_latex
from core.grid import Grid
from core.numbers import number
from core.practice import check_answer as check_typed
from ui import cache
from ui.controls import Page, choice, text
from ui.render import show
from ui.text import code, plain
from ui.widgets import Picked, function_picker, lecture, optimizer_controls, point_controls
from viz.classroom import errors_figure, prediction_figure, votes_figure

LECTURER_POLL = 1.0  # seconds between refreshes of the lecturer's live view
STUDENT_POLL = 3.0  # seconds between a student's checks for a new activity or a reveal (a tiny rerun each)
SHARED_POLL = 0.5  # seconds one read of a room's stage serves every student of this replica
GRID = 41  # the class map's grid per side: every student's page sends it, and 41 draws the contours smoothly


def _optional(parse: Callable[[str], str]) -> Callable[[str], str]:
    def check(raw: str) -> str:
        return parse(raw) if raw else raw

    return check


# Who this tab is, from the link: untrusted, so each is parsed like any control (a bad value warns, names itself).
ROOM = text("room", "Room code", "", check=_optional(parse_code), max_chars=12)
KEY = text("key", "Room key", "", check=_optional(parse_secret), max_chars=64)
ME = text("me", "Student id", "", check=_optional(parse_student), max_chars=16)

KINDS = {
    "predict": ":material/location_on: Predict on the map",
    "answer": ":material/edit_note: Answer: find a partial derivative",
    "vote": ":material/how_to_vote: Vote",
}
KIND = choice("activity", "Activity", list(KINDS), "predict", kind="radio", labels=KINDS.get)
QUESTIONS = {
    "end": "Where does the optimizer end?",
    "minimum": "Where is the minimum?",
    "direction": "Which way does −∇f point at P?",
}
QUESTION = choice("question", "Question", list(QUESTIONS), "end", kind="radio", labels=QUESTIONS.get)
VOTES = {
    "fate": "What will the optimizer do?",
    "sign_0": "The sign of the first partial at P",
    "sign_1": "The sign of the second partial at P",
    "race": "Which optimizer ends lowest?",
}
VOTE = choice("vote", "Question", list(VOTES), "fate", kind="radio", labels=VOTES.get)
VARIABLE = choice("var", "Find the partial in", ["x", "y"], "x", kind="radio", horizontal=True)


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The process's store: one Redis client, or the embedded store all sessions share."""
    return connect()


@st.cache_data(max_entries=64, show_spinner=False)
def qr_png(link: str) -> bytes:
    """The join link as a QR code (PNG, black on white with the standard quiet zone, readable across a hall)."""
    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=12, border=4, dark="#000000", light="#ffffff")
    return buffer.getvalue()


@st.cache_data(max_entries=256, show_spinner=False)
def marked(text_: str, var: str, answer: str) -> Mark:
    """core.practice's verdict and the answer's class, worked out in the limited worker (cached: a class types the
    same answers)."""
    return worker.run(mark, text_, var, answer, formula=answer)


@st.cache_data(max_entries=64, show_spinner=False)
def hint_for(text_: str, var: str, answer: str) -> str | None:
    """The hint core.practice's checker gives for this answer."""
    return worker.run(check_typed, text_, var, answer, formula=answer).hint


# --- who is this tab ---------------------------------------------------------------------------------------


def base_url() -> str:
    """The app's address as the browser sees it, without the page's path (behind a proxy: the proxy's)."""
    url = st.context.url or "http://localhost:8501/classroom"
    return url.split("?")[0].rstrip("/").removesuffix("/classroom")


def join_link(room: str) -> str:
    return f"{base_url()}/classroom?room={room}"


def identity(page: Page) -> tuple[str, str, str]:
    """(room, key, student) from the link; a student without an id gets a fresh one, kept in the tab's link."""
    room = page.value(ROOM)
    key = page.value(KEY)
    me = page.value(ME)
    if not me and room and not key:
        me = new_student()
        page.set(ME, me)
        page.drawn[ME.name] = me
    for control, value in ((ROOM, room), (KEY, key), (ME, me)):
        if not value:
            page.drawn.pop(control.name, None)  # an empty value stays out of the link
    return room, key, me


# A public deployment sets CLASS_KEY so that only lecturers who know it can open rooms (rooms need no account).
CLASS_KEY_ENV = "CLASS_KEY"


def opener() -> str:
    """Who is opening a room, as far as the server can tell: the client's address, else this browser session.

    Only a digest is passed on. The address can be forged through a proxy header, so this bounds careless
    repetition, not a determined attacker; CLASS_KEY is the lock for a public deployment."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    address = st.context.ip_address
    who = address if isinstance(address, str) and address else getattr(context, "session_id", "")
    return digest(who) if isinstance(who, str) and who else ""


def may_open(page: Page) -> bool:
    """True without CLASS_KEY; with it, only when the lecturer typed the same key."""
    expected = os.environ.get(CLASS_KEY_ENV, "")
    typed = st.session_state.get(page.key("class_key"), "")
    return not expected or (isinstance(typed, str) and hmac.compare_digest(typed.encode(), expected.encode()))


def open_room(page: Page) -> None:
    """ "Start a class": a new room; its code and key go into this (the lecturer's) link."""
    if not may_open(page):
        st.session_state[page.key("_notice")] = "That is not this server's lecturer key; ask whoever runs it."
        return
    try:
        code_, secret = store().open_room(opener())
    except RoomError as error:
        st.session_state[page.key("_notice")] = str(error)
        return
    except UNAVAILABLE:
        st.session_state[page.key("_notice")] = UNREACHABLE
        return
    page.set(ROOM, code_)
    page.set(KEY, secret)
    page.set(ME, "")


UNREACHABLE = "The class's shared store is not reachable right now; answers cannot be collected. Try again shortly."


# --- the lecturer ------------------------------------------------------------------------------------------


def lecturer_sidebar_start(page: Page) -> None:
    """The sidebar before a class: one button."""
    st.sidebar.subheader(":material/school: Live class")
    st.sidebar.caption("Students join with a code or a QR code, on their own screens: no account, no names kept.")
    if os.environ.get(CLASS_KEY_ENV):
        st.sidebar.text_input("Lecturer key", type="password", key=page.key("class_key"), max_chars=200)
    st.sidebar.button(
        "Start a class", key=page.key("start_room"), type="primary", on_click=open_room, args=(page,), width="stretch"
    )
    notice = st.session_state.pop(page.key("_notice"), None)
    if notice:
        st.sidebar.error(plain(notice), icon=":material/warning:")


def join_panel(room: str) -> None:
    """The room code, the join link and its QR code, large enough to read and scan from the back of the hall."""
    link = join_link(room)
    size = "5.5rem" if lecture() else "2.6rem"  # six characters fill the panel's width, on one line
    # The code is six characters of the room alphabet (parse_code), so it is safe inside our own markup.
    st.markdown(
        f'<div class="gl-room-code" style="font-size:{size};font-weight:700;letter-spacing:0.12em;'
        f'line-height:1.1;font-family:monospace;white-space:nowrap">{room}</div>',
        unsafe_allow_html=True,
    )
    st.image(qr_png(link), width=440 if lecture() else 260, caption="Scan to join")
    st.caption("Join link:")
    st.code(link, language=None, wrap_lines=True)


def lecturer(page: Page, room: str, secret: str, view: RoomView) -> None:
    """The lecturer's page: the join panel, the activity set up from the picture, and the live answers."""
    st.sidebar.subheader(f":material/school: Class {room}")
    activity = setup(page, room, secret, view)
    st.sidebar.button(
        ":material/mop: Clear the answers",
        key=page.key("clear"),
        on_click=_as_lecturer,
        args=("clear", room, secret),
        disabled=view.activity is None,
        width="stretch",
    )
    st.sidebar.button(
        "✖ Close the class",
        key=page.key("close"),
        on_click=close_room,
        args=(page, room, secret),
        width="stretch",
        help="Ends the room for everyone and deletes its answers.",
    )
    st.sidebar.caption(
        "This page's address holds the room's key: whoever has it runs the room. Share only the join link."
    )
    panel, live = st.columns([2, 3], gap="large")
    with panel:
        join_panel(room)
    with live:
        live_view(page, room, secret, activity)


def _as_lecturer(action: str, room: str, secret: str) -> None:
    getattr(store(), action)(room, secret)


def close_room(page: Page, room: str, secret: str) -> None:
    store().close(room, secret)
    for control in (ROOM, KEY, ME):
        page.set(control, "")


def setup(page: Page, room: str, secret: str, view: RoomView) -> dict | None:
    """The sidebar's activity: built from the function on screen (the picker keeps the other pages' choice), then
    Start; the room's current activity (or None) is returned."""
    st.sidebar.markdown("**Next activity**")
    kind = page.draw(KIND)
    picked = function_picker(page)
    try:
        planned = plan(page, kind, picked)
    except ValueError as error:
        st.sidebar.warning(plain(str(error)), icon=":material/warning:")
        planned = None
    st.sidebar.button(
        "▶ Start this activity",
        key=page.key("go"),
        type="primary",
        disabled=planned is None,
        on_click=start_activity,
        args=(room, secret, planned),
        width="stretch",
    )
    return view.activity


def start_activity(room: str, secret: str, activity: dict | None) -> None:
    if activity is not None:
        store().start(room, secret, activity)


def plan(page: Page, kind: str, picked: Picked) -> dict:
    """The activity the sidebar describes, as the JSON the store keeps (ValueError: it cannot be asked here)."""
    f = picked.f
    base = {"kind": kind, "f": f.text, "names": list(f.names), "domain": [list(r) for r in picked.domain]}
    if kind == "answer":
        variables = cache.function(f.text).names  # the formula's own variables (the map may pad one)
        var = page.draw(VARIABLE.replace(options=tuple(variables), default=variables[0]))
        return {**base, "var": var, "title": f"Find ∂f/∂{var}"}
    if kind == "predict":
        question = page.draw(QUESTION)
        if question == "end":
            return {**base, "question": question, **descent_settings(page, picked)}
        if question == "minimum":
            # The minimum is decided now (ValueError when the view holds none), so the reveal shows what was asked.
            return {**base, "question": question, "minima": minimum(f, picked)}
        point = point_controls(page, picked)
        grad = f.grad(*point)
        if not np.isfinite(grad).all() or math.hypot(*grad) == 0:
            raise ValueError("∇f is zero or undefined at P, so −∇f points nowhere: move P.")
        return {**base, "question": question, "point": list(point)}
    question = page.draw(VOTE)
    if question.startswith("sign"):
        index = int(question[-1])
        point = point_controls(page, picked)
        var = f.names[index]
        options = list(SIGNS)
        title = f"At P = ({number(point[0])}, {number(point[1])}), what is the sign of ∂f/∂{var}?"
        return {**base, "question": question, "point": list(point), "title": title, "options": options}
    settings = descent_settings(page, picked)
    start = ", ".join(number(v) for v in settings["start"])
    if question == "fate":
        label = OPTIMIZERS[settings["optimizer"]].label
        title = (
            f"{label} with η = {number(settings['lr'])} starts at ({start}). "
            f"After {settings['steps']} steps, what has it done?"
        )
        options = list(FATES)
    else:
        title = (
            f"From ({start}) with η = {number(settings['lr'])}, which optimizer has the lowest f after "
            f"{settings['steps']} steps?"
        )
        options = [OPTIMIZERS[o].label for o in RACERS]
    return {**base, "question": question, **settings, "title": title, "options": options}


def descent_settings(page: Page, picked: Picked) -> dict:
    """Start, optimizer, η, steps and hyperparameters, as the descent page has them in this session (the picture
    on the lecturer's screen), changeable here."""
    for name in ("x0", "y0", "opt", "lr", "steps"):
        kept = st.session_state.get(f"descent.{name}")
        if kept is not None and page.key(name) not in st.session_state:
            st.session_state[page.key(name)] = kept
    start = point_controls(page, picked, labels=("start", "start"))
    default_lr = picked.preset.lr if picked.preset else 0.05
    name, lr, steps, hyper = optimizer_controls(page, default_lr, notation=("θ", "f"))
    return {"start": list(start), "optimizer": name, "lr": lr, "steps": steps, "hyper": hyper}


def _preset_minima(picked: Picked) -> list[list[float]]:
    return global_minima(picked.preset.minima) if picked.preset is not None else []


def minimum(f: Function, picked: Picked) -> list[list[float]]:
    """Where f is lowest in view: a preset's known global minima, else the lowest point of the drawn grid (ValueError
    when it lies at the view's edge)."""
    return _preset_minima(picked) or lowest_inside(cache.grid(f, picked.domain, GRID))


def _function(activity: dict) -> Function:
    return cache.function(activity["f"], tuple(activity["names"]))


def _grid(activity: dict) -> Grid:
    return cache.grid(_function(activity), tuple(tuple(r) for r in activity["domain"]), GRID)


def reveal(room: str, secret: str) -> None:
    view = store().room(room)
    if view is not None and view.activity is not None:
        try:
            solution = solve(view.activity, _function(view.activity), _grid(view.activity))
        except (ValueError, ExpressionError) as error:
            solution = {"error": str(error)}
        store().reveal(room, secret, solution)


def live_view(page: Page, room: str, secret: str, activity: dict | None) -> None:
    """The live half of the lecturer's page, refreshed every LECTURER_POLL seconds (only this part reruns)."""

    @st.fragment(run_every=LECTURER_POLL)
    def refresh() -> None:
        try:
            view = store().room(room)
        except UNAVAILABLE:
            st.error(UNREACHABLE, icon=":material/wifi_off:")
            return
        if view is None:
            st.warning("This class has ended: its room was closed or expired.", icon=":material/event_busy:")
            return
        if view.activity is None:
            st.info(
                "Start an activity from the sidebar: its question appears on every student's screen.",
                icon=":material/arrow_back:",
            )
            st.metric("Students", view.poll.students)
            return
        left, middle, right = st.columns([2, 2, 3], vertical_alignment="bottom")
        left.metric("Answers", view.poll.answers)
        middle.metric("Students", view.poll.students)
        if view.solution is None:
            right.button(
                "Reveal",
                icon=":material/visibility:",
                key=page.key("reveal"),
                type="primary",
                on_click=reveal,
                args=(room, secret),
                width="stretch",
            )
        else:  # said in words: a disabled button's grey label was all but invisible on a projector
            right.markdown(":material/check_circle: **Revealed** on every screen")
        answers = _answers(room, view)
        st.subheader(title(view.activity))
        results(page, view, answers, lecturer=True)

    refresh()


@st.cache_data(max_entries=32, show_spinner=False, ttl=3600)
def _answers_at(room: str, activity: int, version: int) -> dict[str, dict]:
    return store().answers(room)


def _answers(room: str, view: RoomView) -> dict[str, dict]:
    """The current answers, read again only when the room's version moved (the live view polls every second)."""
    return _answers_at(room, view.poll.activity, view.poll.version)


def title(activity: dict) -> str:
    if activity["kind"] == "predict":
        if activity["question"] == "end":
            label = OPTIMIZERS[activity["optimizer"]].label
            return f"Where does {label} end after {activity['steps']} steps with η = {number(activity['lr'])}?"
        return QUESTIONS[activity["question"]]
    return activity["title"]


def results(page: Page, view: RoomView, answers: dict[str, dict], lecturer: bool) -> None:
    """What the answers show: the cloud on the map, the vote's bars or the classes of typed answers; after the
    reveal the true answer and how far each answer was."""
    activity, solution = view.activity, view.solution
    if solution is not None and "error" in solution:
        st.warning(plain(f"The answer could not be worked out: {solution['error']}"), icon=":material/warning:")
        solution = None
    kind = activity["kind"]
    if kind == "predict":
        fig = prediction_figure(
            _grid(activity), activity["names"], activity, summary.points(answers), solution=solution, lecture=lecture()
        )
        show(fig, key=page.key("cloud"), export=False)
        if solution is not None:
            distances(page, activity, answers, solution, store().names(view.code) if lecturer else {})
    elif kind == "vote":
        counts = summary.votes(activity, answers)
        correct = solution.get("correct") if solution else None
        show(votes_figure(activity["options"], counts, correct, lecture=lecture()), key=page.key("votes"), export=False)
        if correct is not None:
            share = counts[correct] / max(1, sum(counts))
            st.success(
                f"The answer: **{plain(activity['options'][correct])}**, chosen by {share:.0%}.",
                icon=":material/check_circle:",
            )
    else:
        typed(activity, answers, reveal_hint=lecturer)


def distances(page: Page, activity: dict, answers: dict[str, dict], solution: dict, names: dict[str, str]) -> None:
    """After the reveal: how far the answers were, as two numbers and a histogram, and the closest named answers
    (a display name is optional and lives only in the room)."""
    errors = summary.errors(activity, answers, solution)
    if not errors:
        if activity["question"] == "end" and not solution.get("targets"):
            st.warning("The run diverged: it has no end point to measure the answers against.", icon=":material/error:")
        return
    direction = activity["question"] == "direction"
    (x0, x1), (y0, y1) = activity["domain"]
    close = 15.0 if direction else 0.05 * max(x1 - x0, y1 - y0)
    near = sum(summary.close_enough(activity, e) for e in errors)
    unit = "°" if direction else ""
    a, b = st.columns(2)
    a.metric("Median distance", f"{number(summary.median(errors))}{unit}")
    b.metric("Close to the answer", f"{near / len(errors):.0%}")
    axis = "angle from −∇f(P) (degrees)" if direction else "distance from the true answer"
    label = f"close: within {number(close)}{unit}"
    show(errors_figure(errors, axis, close, label, lecture=lecture()), key=page.key("errors"), export=False)
    named = sorted(
        (error, names[student]) for student, error in zip(answers, errors, strict=True) if names.get(student)
    )
    if named:
        best = " · ".join(f"{plain(name)} ({number(error)}{unit})" for error, name in named[:5])
        st.markdown(f"**Closest:** {best}")


def typed(activity: dict, answers: dict[str, dict], reveal_hint: bool) -> None:
    """Typed answers by the checker's classes: the share correct, each class with how many typed it, and the most
    common wrong answer with the hint the checker gives for it."""
    f = cache.function(activity["f"])
    st.latex(f"f({', '.join(f.names)}) = {to_latex(f.expr)}")
    groups = summary.groups(answers)
    if not groups:
        st.caption("No answers yet.")
        return
    a, b = st.columns(2)
    a.metric("Correct", f"{summary.share_correct(groups):.0%}")
    b.metric("Different answers", len(groups))
    wrong = summary.most_common_wrong(groups)
    if wrong is not None and reveal_hint:
        hint = hint_for(activity["f"], activity["var"], wrong.text)
        st.markdown(f"**Most common wrong answer** ({wrong.count}×): {code(wrong.text, ANSWER_CHARS)}")
        if hint:
            st.info(f"**Hint it gets:** {plain(hint)}", icon=":material/lightbulb:")
    total = sum(g.count for g in groups)
    marks = {True: ":material/check:", False: ":material/close:"}
    rows = [
        f"| {marks[g.correct]} | {g.count} | {100 * g.count / total:.0f} % | {code(g.text, 60)} |" for g in groups[:12]
    ]
    more = f"\n\n{len(groups) - 12} more classes of answers." if len(groups) > 12 else ""
    head = "|  | answers | share | typed as (the most common form) |\n|---|---|---|---|\n"
    st.markdown(head + "\n".join(rows) + more)


# --- the student -------------------------------------------------------------------------------------------


def student(page: Page, room: str, me: str, view: RoomView) -> None:
    """A student's page: the question, the map or box to answer in, their answer, and after the reveal the truth."""
    st.sidebar.subheader(f":material/school: Class {room}")
    name_box(page, room, me)
    watch(room, view.poll.stage)
    if view.activity is None:
        st.info("You are in. The question appears here when your lecturer starts it.", icon=":material/hourglass_top:")
        return
    st.subheader(title(view.activity))
    answering(page, room, me, view)


@st.fragment
def answering(page: Page, room: str, me: str, view: RoomView) -> None:
    """The part a student answers in: a click, a vote or a sent answer reruns only this part, not the whole page."""
    activity, act = view.activity, view.poll.activity
    try:
        mine = store().mine(room, me)
    except UNAVAILABLE:
        st.error(UNREACHABLE, icon=":material/wifi_off:")
        return
    outcome = st.session_state.pop(page.key("_outcome"), None)
    if outcome is not None:
        say(outcome)
    kind = activity["kind"]
    if kind == "predict":
        predict(page, room, me, act, view, mine)
    elif kind == "vote":
        vote(page, room, me, act, view, mine)
    else:
        answer_box(page, room, me, act, view, mine)


def name_box(page: Page, room: str, me: str) -> None:
    """An optional display name, kept only inside this room (it goes when the room does)."""
    st.sidebar.text_input(
        "Your name (optional)",
        key=page.key("name"),
        max_chars=NAME_CHARS,
        on_change=_rename,
        args=(page, room, me),
        help="Seen only by this room's lecturer, and deleted with the room. Leave it empty to stay anonymous.",
    )
    joined = page.key(f"_joined_{room}")
    if not st.session_state.get(joined):
        st.session_state[joined] = store().join(room, me, clean_name(st.session_state.get(page.key("name"), "")))


def _rename(page: Page, room: str, me: str) -> None:
    store().join(room, me, clean_name(st.session_state.get(page.key("name"), "")))


@st.cache_data(ttl=SHARED_POLL, max_entries=256, show_spinner=False)
def shared_poll(room: str) -> Poll | None:
    """The room's poll as this replica's students see it: read from the store at most every SHARED_POLL seconds
    (a class of 150 on a replica checks 50 times a second; the store is asked twice)."""
    return store().poll(room)


def moved_on(poll: Poll | None, stage: int) -> bool:
    """Whether the room is past the page drawn at ``stage``: it is gone, or the lecturer started, revealed or
    cleared something since. A stage only grows, so a shared poll older than the page never counts as a change
    (with ``!=`` it would rerun the page until the shared read caught up)."""
    return poll is None or poll.stage > stage


def watch(room: str, stage: int) -> None:
    """Every STUDENT_POLL seconds a tiny rerun reads the room's stage (shared by the replica's students); only when
    the lecturer started, revealed or cleared something does the whole page run again."""

    @st.fragment(run_every=STUDENT_POLL)
    def check() -> None:
        try:
            poll = shared_poll(room)
        except UNAVAILABLE:
            return
        if moved_on(poll, stage):
            st.rerun()

    check()


MESSAGES = {
    Outcome.NEW: ("Your answer is in.", ":material/check_circle:"),
    Outcome.CHANGED: ("Your answer is changed: only the latest one counts.", ":material/check_circle:"),
    Outcome.STALE: ("That question is over; here is the current one.", ":material/skip_next:"),
    Outcome.REVEALED: ("Answers are closed: the answer has been revealed.", ":material/lock:"),
    Outcome.FULL: ("This question has all the answers it can take.", ":material/block:"),
    Outcome.SLOW: ("Slow down a little: too many answers in a minute. Try again shortly.", ":material/timer:"),
    Outcome.GONE: ("This class has ended.", ":material/event_busy:"),
}


def say(outcome: str) -> None:
    text_, icon = MESSAGES.get(Outcome(outcome), (outcome, ":material/info:"))
    (st.success if Outcome(outcome).accepted else st.warning)(text_, icon=icon)


def send(page: Page, room: str, me: str, act: int, activity: dict, answer: dict) -> None:
    """Check the answer's shape and send it; the outcome is shown on the next run."""
    try:
        kept = check_answer(activity, answer)
        outcome = store().answer(room, act, me, kept)
    except ValueError as error:
        st.session_state[page.key("_problem")] = str(error)
        return
    except UNAVAILABLE:
        st.session_state[page.key("_problem")] = UNREACHABLE
        return
    st.session_state[page.key("_outcome")] = outcome.value


@dataclass(frozen=True)
class MarkThenSend:
    """The class map's pick handler: a click sends the answer at once; the arrow keys only move a mark, and Enter
    sends it (ui/a11y.js, ``confirm``), so a keyboard-only student answers once, not at every press."""

    send: Callable[[dict], None]
    answer: tuple[float, float] | None  # the student's answer so far, where the keys start
    domain: list[list[float]]

    def __call__(self, event: dict) -> None:
        self.send(event)

    def keys(self) -> dict:
        (x0, x1), (y0, y1) = self.domain
        start = self.answer or ((x0 + x1) / 2, (y0 + y1) / 2)
        return {
            "point": [float(start[0]), float(start[1])],
            "step": [(x1 - x0) / 40, (y1 - y0) / 40],
            "low": [float(x0), float(y0)],
            "high": [float(x1), float(y1)],
            "confirm": True,
        }


def predict(page: Page, room: str, me: str, act: int, view: RoomView, mine: dict | None) -> None:
    activity, solution = view.activity, view.solution
    hint = {
        "end": "Click where you think the optimizer ends.",
        "minimum": "Click where you think f is lowest.",
        "direction": "Click a point in the direction −∇f points from P.",
    }[activity["question"]]
    if solution is None:
        st.caption(
            f"{hint} Click again to change your answer until the reveal. By keyboard: Tab to the map, mark your "
            "answer with the arrow keys, then press Enter to send it."
        )
    grid = _grid(activity)
    point = (mine["x"], mine["y"]) if mine else None
    shown = solution if solution is not None and "error" not in solution else None
    fig = prediction_figure(grid, activity["names"], activity, mine=point, solution=shown, lecture=lecture())

    def on_pick(event: dict) -> None:
        send(page, room, me, act, activity, {"x": float(event["x"]), "y": float(event["y"])})

    answer = MarkThenSend(on_pick, point, activity["domain"])
    # A click changes only this fragment (the answer and its confirmation): it reruns alone, a few ms of the server's
    # CPU for each of a class's answers rather than the whole page's run.
    show(fig, key=page.key("map"), export=False, on_pick=answer if solution is None else None, whole_page=False)
    problem = st.session_state.pop(page.key("_problem"), None)
    if problem:
        st.warning(plain(problem), icon=":material/warning:")
    if shown is not None and point is not None:
        errors = summary.errors(activity, {me: mine}, shown)
        if errors:
            unit = "°" if activity["question"] == "direction" else ""
            st.metric("Your distance from the answer", f"{number(errors[0])}{unit}")


def vote(page: Page, room: str, me: str, act: int, view: RoomView, mine: dict | None) -> None:
    activity, solution = view.activity, view.solution
    key = page.key("choice")
    if st.session_state.get(page.key("_choice_for")) != (room, act):
        st.session_state[page.key("_choice_for")] = (room, act)
        st.session_state[key] = mine["option"] if mine else None
    options = list(range(len(activity["options"])))

    def on_change() -> None:
        chosen = st.session_state.get(key)
        if chosen is not None:
            send(page, room, me, act, activity, {"option": int(chosen)})

    st.radio(
        "Your answer",
        options,
        format_func=lambda i: activity["options"][i],
        key=key,
        on_change=on_change,
        disabled=solution is not None,
    )
    if solution is not None and "correct" in solution:
        right = solution["correct"]
        verdict = "You were right." if mine and mine["option"] == right else "Compare with your answer above."
        st.success(f"The answer: **{plain(activity['options'][right])}**. {verdict}", icon=":material/check_circle:")


def answer_box(page: Page, room: str, me: str, act: int, view: RoomView, mine: dict | None) -> None:
    activity, solution = view.activity, view.solution
    f = cache.function(activity["f"])
    st.latex(f"f({', '.join(f.names)}) = {to_latex(f.expr)}")
    key = page.key("typed")
    if st.session_state.get(page.key("_typed_for")) != (room, act):
        st.session_state[page.key("_typed_for")] = (room, act)
        st.session_state[key] = mine["text"] if mine else ""
    var = activity["var"]
    st.text_input(
        f"∂f/∂{var} =",
        key=key,
        max_chars=ANSWER_CHARS,
        placeholder="e.g. 6x + 2y",
        disabled=solution is not None,
    )
    if solution is None:
        # A callback, as for a click or a vote: the answer is sent before this part is drawn again, so the
        # confirmation and "your answer" show at once (regression: they waited for the next rerun).
        st.button(
            "Send my answer",
            key=page.key("send"),
            type="primary",
            on_click=submit_typed,
            args=(page, room, me, act, activity, key),
        )
    problem = st.session_state.pop(page.key("_problem"), None)
    if problem:
        st.warning(f"**Could not read your answer:** {plain(problem)}", icon=":material/edit:")
    if mine:
        try:
            verdict = marked(activity["f"], var, mine["text"]).verdict
        except ExpressionError:
            return
        st.latex(rf"\text{{your answer: }}\ {verdict.latex}")
        if solution is not None:
            if verdict.correct:
                st.success(plain(verdict.message), icon=":material/check_circle:")
            else:
                st.error(plain(verdict.message), icon=":material/cancel:")
            if verdict.hint:
                st.info(f"**Hint:** {plain(verdict.hint)}", icon=":material/lightbulb:")
        else:
            st.caption("Your lecturer reveals whether it is right; you can change it until then.")


def submit_typed(page: Page, room: str, me: str, act: int, activity: dict, box: str) -> None:
    """Read and mark the answer typed in ``box`` with the practice page's checker (in the limited worker), then send
    its class."""
    answer = str(st.session_state.get(box, ""))
    if not answer.strip():
        st.session_state[page.key("_problem")] = "Type your answer first."
        return
    try:
        result = marked(activity["f"], activity["var"], answer)
    except ExpressionError as error:
        st.session_state[page.key("_problem")] = str(error)
        return
    send(page, room, me, act, activity, {"text": answer.strip(), "key": result.key})


# --- the page ----------------------------------------------------------------------------------------------


def join_by_code(page: Page) -> None:
    """Without a room in the link: a box for the code on the screen, and the lecturer's Start button."""
    st.markdown("Your lecturer shows a **room code** and a QR code. Scan it, or type the code here:")
    typed_code = st.text_input("Room code", key=page.key("code_box"), max_chars=12, placeholder="e.g. K7MP2Q")
    if typed_code.strip():
        try:
            found = parse_code(typed_code)
        except ValueError as error:
            st.warning(f"{code(typed_code, 12)} {plain(f'is not a room code: {error}.')}", icon=":material/warning:")
            return
        if store().poll(found) is None:
            st.warning(f"No class is open with the code {code(found, 12)}.", icon=":material/search:")
            return
        page.set(ROOM, found)
        st.rerun()
    lecturer_sidebar_start(page)


def class_page(page: Page) -> None:
    """The whole page under one guard: a store that cannot be reached gives a message, never a traceback."""
    room, secret, me = identity(page)
    try:
        if not room:
            join_by_code(page)
            return
        view = store().room(room)
        if view is None:
            ended = f"No class is open with the code {code(room, 12)}: it has ended or the code is wrong."
            st.warning(ended, icon=":material/event_busy:")
            page.drawn.pop(ROOM.name, None)
            page.drawn.pop(KEY.name, None)
            join_by_code(page)
            return
        if secret:
            if store().is_lecturer(room, secret):
                lecturer(page, room, secret, view)
                return
            page.warn(plain("This link's key does not open this room; you take part as a student."))
            page.drawn.pop(KEY.name, None)
            if not me:
                me = new_student()
                page.set(ME, me)
                page.drawn[ME.name] = me
        student(page, room, me, view)
    except UNAVAILABLE:
        st.error(UNREACHABLE, icon=":material/wifi_off:")
