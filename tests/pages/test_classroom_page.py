"""AppTest for the live class page: a lecturer and students in one room (the embedded store this process shares),
each activity from start to reveal, and every link parameter as untrusted input."""

from __future__ import annotations

import time

import pytest

from classroom import store as stores
from classroom.store import Poll
from core import PRESETS, descend, parse
from tests.pages.conftest import assert_clean, figures, open_page, send_event, texts, trace
from ui import chart
from ui import classroom as classroom_ui

PAGE = "pages/classroom.py"


@pytest.fixture(autouse=True)
def empty_store(monkeypatch):
    """Each test gets its own embedded store (the process's one, replaced for the test; the page's cached handle
    to it dropped before and after)."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    fresh = stores.MemoryStore()
    monkeypatch.setattr(stores, "_embedded", fresh)
    classroom_ui.store.clear()
    classroom_ui.shared_poll.clear()
    yield fresh
    classroom_ui.store.clear()
    classroom_ui.shared_poll.clear()


def lecturer(query: dict[str, str] | None = None):
    at = open_page(PAGE, query)
    at.sidebar.button(key="classroom.start_room").click().run()
    assert_clean(at)
    return at


def start(at, **settings: str):
    """Choose the activity's settings in the sidebar (radio keys), then Start."""
    for key, value in settings.items():
        at.sidebar.radio(key=f"classroom.{key}").set_value(value).run()
    at.sidebar.button(key="classroom.go").click().run()
    assert_clean(at)
    return at


def student(at_lecturer, name: str = ""):
    at = open_page(PAGE, {"room": at_lecturer.query_params["room"]})
    assert_clean(at)
    if name:
        at.sidebar.text_input(key="classroom.name").input(name).run()
    return at


def sidebar_errors(at) -> str:
    """The sidebar's error messages as read (without the escapes that keep them plain text)."""
    return " ".join(e.value for e in at.sidebar.error).replace("\\", "")


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_starting_a_class_gives_a_code_a_join_link_and_a_qr_code_and_only_the_lecturers_link_has_the_key(empty_store):
    at = lecturer()
    assert at.query_params["room"] in empty_store._rooms  # the page uses the process's embedded store
    room, key = at.query_params["room"], at.query_params["key"]
    assert len(room) == 6 and len(key) >= 16
    assert any(f">{room}</div>" in m.value for m in at.markdown)  # the code, large
    assert [c.value for c in at.code if "classroom?room=" in c.value] == [
        f"http://localhost:8501/classroom?room={room}"
    ]
    assert len(at.get("image")) == 1  # the QR code
    pupil = student(at)
    assert pupil.query_params.get("key") is None and pupil.query_params["room"] == room
    assert len(pupil.query_params["me"]) == 16  # an anonymous id for this tab, kept in its link
    assert "You are in" in texts(pupil)
    at.run()
    assert metric(at, "Students") == "1"


def test_with_a_class_key_only_the_lecturer_who_types_it_opens_a_room(empty_store, monkeypatch):
    monkeypatch.setenv("CLASS_KEY", "pumpkin-seventeen")
    at = open_page(PAGE)
    at.sidebar.button(key="classroom.start_room").click().run()
    assert_clean(at)
    assert not empty_store._rooms and "room" not in at.query_params
    assert "not this server's lecturer key" in sidebar_errors(at)
    at.sidebar.text_input(key="classroom.class_key").input("pumpkin-seventeen").run()
    at.sidebar.button(key="classroom.start_room").click().run()
    assert list(empty_store._rooms) == [at.query_params["room"]]
    assert "pumpkin" not in str(dict(at.query_params))  # the key never enters the link


def test_one_browser_pressing_start_again_and_again_cannot_fill_the_server(empty_store):
    at = lecturer()
    for _ in range(5):
        at.query_params.clear()
        at = open_page(PAGE)
        at.sidebar.button(key="classroom.start_room").click().run()
    assert len(empty_store._rooms) <= stores.limits.MAX_ROOMS_PER_OPENER + 1
    assert "You already have 2 classes open" in sidebar_errors(at)


def test_a_prediction_is_counted_once_and_the_reveal_runs_the_optimizer_and_measures_each_answer():
    at = start(lecturer({"f": "lesson_quadratic"}), activity="predict", question="end")
    first, second = student(at, name="Ada"), student(at)
    assert "Click where you think the optimizer ends." in texts(first)
    send_event(first, "classroom.map", "pick", {"x": 0.5, "y": 0.25, "via": "click"})
    assert [s.value for s in first.success] == ["Your answer is in."]
    send_event(first, "classroom.map", "pick", {"x": 0.0, "y": 0.25, "via": "click"})  # changed: still one answer
    assert [s.value for s in first.success] == ["Your answer is changed: only the latest one counts."]
    send_event(second, "classroom.map", "pick", {"x": -1.0, "y": 1.0, "via": "click"})
    at.run()
    assert metric(at, "Answers") == "2"
    cloud = trace(figures(at)[0], "the class's answers (2)")
    assert sorted(zip(cloud["x"], cloud["y"], strict=True)) == [(-1.0, 1.0), (0.0, 0.25)]

    at.button(key="classroom.reveal").click().run()
    assert_clean(at)
    # Revealed: said in words where the button was (a disabled button's label was all but invisible).
    assert ":material/check_circle: **Revealed** on every screen" in texts(at)
    assert not [b for b in at.button if b.key == "classroom.reveal"]
    run = descend(parse(PRESETS["lesson_quadratic"].text), (2.0, -2.0), optimizer="gd", lr=0.1, steps=60)
    end = trace(figures(at)[0], "where it ends")
    assert (end["x"][0], end["y"][0]) == pytest.approx(tuple(run.points[-1]))
    path = trace(figures(at)[0], "Gradient descent: the path")
    assert (path["x"][0], path["y"][0]) == (2.0, -2.0)
    assert "**Closest:** Ada" in texts(at)
    first.run()
    assert_clean(first)
    mine = float(metric(first, "Your distance from the answer"))
    assert mine == pytest.approx(float(((0.0 - run.points[-1][0]) ** 2 + (0.25 - run.points[-1][1]) ** 2) ** 0.5), 1e-3)
    send_event(second, "classroom.map", "pick", {"x": 2.0, "y": 2.0, "via": "click"})
    at.run()
    assert metric(at, "Answers") == "2"  # after the reveal nothing more is taken


def test_the_minimum_question_reveals_every_global_minimum_of_the_preset():
    at = start(lecturer({"f": "himmelblau"}), activity="predict", question="minimum")
    pupil = student(at)
    send_event(pupil, "classroom.map", "pick", {"x": 3.0, "y": 2.5, "via": "click"})
    at.button(key="classroom.reveal").click().run()
    stars = trace(figures(at)[0], "the minimums")
    assert len(stars["x"]) == 4 and (3.0, 2.0) in zip(stars["x"], stars["y"], strict=True)
    assert metric(at, "Median distance") == "0.5"


def test_the_direction_question_reveals_minus_the_gradient_at_p():
    at = start(lecturer({"f": "lesson_quadratic", "x0": "1", "y0": "1"}), activity="predict", question="direction")
    pupil = student(at)
    send_event(pupil, "classroom.map", "pick", {"x": 0.0, "y": 0.0, "via": "click"})  # 45° off −∇f = −(8, 4)
    at.button(key="classroom.reveal").click().run()
    assert_clean(at)
    assert metric(at, "Median distance") == "18.43°"  # atan(1/2) = 26.57° below 180°, against 225°


def test_typed_answers_are_grouped_by_the_checkers_classes_with_the_hint_of_the_most_common_slip():
    """Also the regression of a sent answer whose confirmation waited for the next rerun."""
    at = start(lecturer({"f": "lesson_quadratic"}), activity="answer")
    for typed in ["6x", "3*2*x", "2(3x + y)", "6x +* 2y"]:
        pupil = student(at)
        pupil.text_input(key="classroom.typed").input(typed)
        pupil.button(key="classroom.send").click().run()
        assert_clean(pupil)
        if typed != "6x +* 2y":
            assert [s.value for s in pupil.success] == ["Your answer is in."]
            assert any(r"\text{your answer: }" in m.value for m in pupil.latex)
    assert any("Could not read your answer" in w.value for w in pupil.warning)  # the last one was refused
    at.run()
    assert metric(at, "Answers") == "3"
    assert metric(at, "Correct") == "33%" and metric(at, "Different answers") == "2"
    page = texts(at)
    assert "Most common wrong answer** (2×): ` 6x `" in page
    assert "You left out the term 2\\*y" in page
    at.button(key="classroom.reveal").click().run()
    pupil = student(at)
    assert "Your lecturer reveals" not in texts(pupil)


def test_a_vote_counts_each_option_and_the_reveal_names_the_sign_core_computes():
    at = start(lecturer({"f": "lesson_quadratic", "x0": "1", "y0": "1"}), activity="vote", vote="sign_0")
    choices = [0, 0, 2]
    for option in choices:
        pupil = student(at)
        pupil.radio(key="classroom.choice").set_value(option).run()
        assert_clean(pupil)
    at.run()
    bars = trace(figures(at)[0], "votes")
    assert bars["x"] == [2, 0, 1]
    at.button(key="classroom.reveal").click().run()
    assert "The answer: **positive**, chosen by 67%." in [s.value for s in at.success]  # ∂f/∂x(1, 1) = 8


def test_the_fate_vote_knows_a_run_that_diverges():
    at = start(lecturer({"f": "lesson_quadratic", "lr": "0.5"}), activity="vote", vote="fate")
    at.button(key="classroom.reveal").click().run()
    assert "The answer: **diverged or run off without bound**" in next(s.value for s in at.success)


def test_a_new_activity_clears_the_answers_and_students_follow_it():
    at = start(lecturer({"f": "lesson_quadratic"}), activity="predict", question="end")
    pupil = student(at)
    send_event(pupil, "classroom.map", "pick", {"x": 0.5, "y": 0.25, "via": "click"})
    start(at, activity="vote", vote="race")
    assert metric(at, "Answers") == "0"
    pupil.run()
    assert pupil.radio(key="classroom.choice").options == ["Gradient descent", "Momentum", "Nesterov momentum", "Adam"]


def test_the_lecturer_can_clear_and_close_and_students_are_told():
    at = start(lecturer({"f": "lesson_quadratic"}), activity="predict", question="end")
    pupil = student(at)
    send_event(pupil, "classroom.map", "pick", {"x": 0.5, "y": 0.25, "via": "click"})
    at.sidebar.button(key="classroom.clear").click().run()
    assert metric(at, "Answers") == "0"
    at.sidebar.button(key="classroom.close").click().run()
    assert_clean(at)
    assert at.query_params.get("room") is None and at.query_params.get("key") is None
    pupil.run()
    assert any("No class is open" in w.value for w in pupil.warning)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"room": "[Sign in](https://evil.example)"}, "room"),
        ({"room": "ABCDE0"}, "room"),
        ({"room": "ABCDEF", "me": "<img src=x onerror=alert(1)>"}, "me"),
        ({"room": "ABCDEF", "key": "' OR 1=1 --"}, "key"),
    ],
)
def test_bad_link_parameters_warn_and_name_themselves(query, name):
    at = open_page(PAGE, query)
    assert_clean(at)
    assert any(f"“{name}”" in w.value.replace("\\", "") for w in at.warning), [w.value for w in at.warning]
    assert not any("evil.example" in m.value and "](" in m.value for m in at.markdown)


def test_a_wrong_key_makes_a_student_never_a_lecturer():
    at = start(lecturer({"f": "lesson_quadratic"}), activity="predict", question="end")
    room = at.query_params["room"]
    intruder = open_page(PAGE, {"room": room, "key": "A" * 22})
    assert_clean(intruder)
    assert any("does not open this room" in w.value for w in intruder.warning)
    assert not [b for b in intruder.button if b.key == "classroom.reveal"]
    assert intruder.query_params.get("key") is None and len(intruder.query_params["me"]) == 16


def test_a_hostile_display_name_is_shown_as_text():
    at = start(lecturer({"f": "lesson_quadratic"}), activity="predict", question="minimum")
    pupil = student(at, name="[x](https://e.vil) **b**")  # at most NAME_CHARS
    send_event(pupil, "classroom.map", "pick", {"x": 0.0, "y": 0.0, "via": "click"})
    at.button(key="classroom.reveal").click().run()
    closest = next(m.value for m in at.markdown if m.value.startswith("**Closest:**"))
    assert "\\[x\\]\\(https\\:\u200b\\/\\/e\\.vil\\)" in closest and "\\*\\*b\\*\\*" in closest


def test_a_room_code_typed_in_the_box_joins_the_class():
    at = lecturer()
    room = at.query_params["room"]
    pupil = open_page(PAGE)
    pupil.text_input(key="classroom.code_box").input(room.lower()).run()
    assert_clean(pupil)
    assert pupil.query_params["room"] == room and "You are in" in texts(pupil)
    other = open_page(PAGE)
    other.text_input(key="classroom.code_box").input("ZZZZZZ").run()
    assert any("No class is open with the code" in w.value for w in other.warning)


def test_a_replicas_students_share_one_read_of_the_rooms_stage(empty_store, monkeypatch):
    """150 students on a replica check every 3 s: the store is asked once per SHARED_POLL, not 50 times a second."""
    room, secret = empty_store.open_room()
    reads: list[str] = []
    poll = empty_store.poll
    monkeypatch.setattr(empty_store, "poll", lambda code: reads.append(code) or poll(code))
    assert {classroom_ui.shared_poll(room).stage for _ in range(50)} == {0}
    assert reads == [room]
    empty_store.start(room, secret, {"kind": "vote", "question": "fate", "options": ["a", "b"]})
    time.sleep(classroom_ui.SHARED_POLL + 0.1)
    assert classroom_ui.shared_poll(room).stage == 1
    assert reads == [room, room]


@pytest.mark.parametrize(
    ("seen", "moved"),
    [(None, True), (3, True), (2, False), (1, False)],
    ids=["room gone", "a later stage", "the same stage", "a shared read older than the page"],
)
def test_the_page_reruns_only_when_the_room_moved_past_what_it_shows(seen, moved):
    """The page was drawn at stage 2; a shared read taken before that draw must not rerun it (with != it reran the
    whole page on every check until the shared read caught up)."""
    poll = None if seen is None else Poll(stage=seen, version=0, activity=1, answers=0, students=1)
    assert classroom_ui.moved_on(poll, 2) is moved


def test_a_click_on_the_class_map_reruns_only_the_answering_part(monkeypatch):
    """Regression: every chart's click asked for the whole page's run (ui.chart), so each of a class's answers cost
    a full page (12 ms of the server's CPU in bench.load --class) where the answering fragment alone takes 4 ms."""
    at = start(lecturer({"f": "lesson_quadratic"}), activity="predict", question="end")
    pupil = student(at)
    reruns: list[object] = []
    monkeypatch.setattr(chart.st, "rerun", lambda *args, **kwargs: reruns.append(kwargs))
    send_event(pupil, "classroom.map", "pick", {"x": 0.5, "y": 0.25, "via": "click"})
    assert [s.value for s in pupil.success] == ["Your answer is in."]
    assert reruns == []
