"""The store's rules, the same tests against both back ends (the embedded store and a real redis-server)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from classroom import rooms
from classroom.rooms import Outcome, RoomError, new_student
from classroom.store import MemoryStore, RedisStore

PREDICT = {"kind": "predict", "question": "minimum"}
VOTE = {"kind": "vote", "options": ["a", "b", "c"]}


def opened(store, activity=PREDICT):
    code, secret = store.open_room()
    act = store.start(code, secret, activity)
    return code, secret, act


def test_a_room_opens_with_a_code_and_a_key_and_starts_empty(make_store):
    store = make_store()
    code, secret = store.open_room()
    assert rooms.parse_code(code) == code and len(secret) >= 16
    view = store.room(code)
    assert view.activity is None and view.solution is None
    assert (view.poll.stage, view.poll.version, view.poll.answers, view.poll.students) == (0, 0, 0, 0)
    assert store.is_lecturer(code, secret)
    assert not store.is_lecturer(code, secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    assert store.room("ZZZZZZ") is None and store.poll("ZZZZZZ") is None


def test_lecturer_actions_need_the_rooms_key(make_store):
    store = make_store()
    code, secret = store.open_room()
    other_code, other_secret = store.open_room()
    flipped = secret.swapcase() if secret.swapcase() != secret else secret[::-1]
    for wrong in ["", "x" * 22, other_secret, flipped, "a" * 500]:
        assert store.start(code, wrong, PREDICT) is None
        assert not store.reveal(code, wrong, {"x": 1})
        assert not store.clear(code, wrong)
        assert not store.close(code, wrong)
    assert store.room(code).activity is None  # nothing changed
    assert store.start(code, secret, PREDICT) == 1
    assert store.start(other_code, secret, PREDICT) is None  # one room's key opens no other room


def test_the_store_keeps_a_digest_of_the_key_never_the_key(make_store):
    store = make_store()
    _, secret = store.open_room()
    if isinstance(store, RedisStore):
        hashes = [key for key in store.redis.keys("*") if store.redis.type(key) == b"hash"]
        dump = b"".join(k + v for key in hashes for k, v in store.redis.hgetall(key).items())
        assert secret.encode() not in dump
    else:
        assert secret not in repr(store._rooms)


def test_each_student_is_counted_once_per_activity_and_may_change_the_answer(make_store):
    store = make_store()
    code, _, act = opened(store)
    students = [new_student() for _ in range(5)]
    assert [store.answer(code, act, s, {"x": 1.0, "y": 2.0}) for s in students] == [Outcome.NEW] * 5
    assert store.answer(code, act, students[0], {"x": 3.0, "y": 4.0}) is Outcome.CHANGED
    assert store.answer(code, act, students[0], {"x": 3.0, "y": 4.0}) is Outcome.CHANGED  # a resend: same count
    answers = store.answers(code)
    assert len(answers) == 5 and store.poll(code).answers == 5
    assert answers[students[0]] == {"x": 3.0, "y": 4.0} == store.mine(code, students[0])
    assert store.poll(code).version == 7  # every accepted answer moves the version the lecturer polls
    assert store.mine(code, new_student()) is None


def test_answers_from_many_replicas_at_once_are_each_counted_exactly_once(make_store):
    """300 students, each sending the same answer twice through two different store objects at the same time
    (two replicas): exactly 300 answers, each the one its student sent."""
    first = make_store()
    second = first if isinstance(first, MemoryStore) else RedisStore(_url(first))
    code, _, act = opened(first, VOTE)
    students = [new_student() for _ in range(300)]
    jobs = [(store, s, i % 3) for i, s in enumerate(students) for store in (first, second)]
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda job: job[0].answer(code, act, job[1], {"option": job[2]}), jobs))
    assert outcomes.count(Outcome.NEW) == 300 and outcomes.count(Outcome.CHANGED) == 300
    answers = second.answers(code)
    assert len(answers) == 300 == first.poll(code).answers
    assert all(answers[s] == {"option": i % 3} for i, s in enumerate(students))


def _url(store: RedisStore) -> str:
    kwargs = store.redis.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs.get('db', 0)}"


def test_an_answer_to_an_old_activity_or_after_the_reveal_is_refused(make_store):
    store = make_store()
    code, secret, act = opened(store)
    student = new_student()
    assert store.answer(code, act, student, {"x": 0.0, "y": 0.0}) is Outcome.NEW
    second = store.start(code, secret, VOTE)
    assert second == act + 1
    assert store.answers(code) == {}  # a new activity deletes the last one's answers
    assert store.answer(code, act, student, {"x": 0.0, "y": 0.0}) is Outcome.STALE
    assert store.answer(code, second, student, {"option": 1}) is Outcome.NEW
    assert store.reveal(code, secret, {"correct": 1})
    assert store.room(code).solution == {"correct": 1}
    assert store.answer(code, second, new_student(), {"option": 1}) is Outcome.REVEALED
    assert store.poll(code).answers == 1


def test_an_answer_before_any_activity_is_stale(make_store):
    store = make_store()
    code, _ = store.open_room()
    assert store.answer(code, 0, new_student(), {"option": 0}) is Outcome.STALE
    assert store.answer("ZZZZZZ", 1, new_student(), {"option": 0}) is Outcome.GONE


def test_clear_deletes_the_answers_and_the_reveal_and_moves_the_stage(make_store):
    store = make_store()
    code, secret, act = opened(store)
    store.answer(code, act, new_student(), {"x": 0.0, "y": 0.0})
    store.reveal(code, secret, {"x": 1})
    stage = store.poll(code).stage
    assert store.clear(code, secret)
    view = store.room(code)
    assert view.solution is None and view.poll.answers == 0 and view.poll.stage == stage + 1
    assert store.answer(code, act, new_student(), {"x": 0.0, "y": 0.0}) is Outcome.NEW  # open again


def test_closing_a_room_deletes_everything_it_held(make_store):
    store = make_store()
    code, secret, act = opened(store)
    student = new_student()
    store.join(code, student, "Ada")
    store.answer(code, act, student, {"x": 0.0, "y": 0.0})
    assert store.close(code, secret)
    assert store.room(code) is None and store.answers(code) == {} and store.names(code) == {}
    assert store.answer(code, act, student, {"x": 0.0, "y": 0.0}) is Outcome.GONE
    if isinstance(store, RedisStore):
        assert not [k for k in store.redis.keys("*") if code.encode() in k and b":rate:" not in k]
        assert store.redis.zscore(store._index, code) is None


def test_rooms_expire_with_their_answers_and_names(make_store):
    store = make_store(seconds=0.4)
    code, secret, act = opened(store)
    student = new_student()
    store.join(code, student, "Ada")
    store.answer(code, act, student, {"x": 0.0, "y": 0.0})
    time.sleep(0.6)
    assert store.room(code) is None and store.poll(code) is None
    assert store.answers(code) == {} and store.names(code) == {}
    assert store.answer(code, act, student, {"x": 0.0, "y": 0.0}) is Outcome.GONE
    assert store.start(code, secret, PREDICT) is None


def test_a_student_sending_too_fast_is_slowed_down(make_store, monkeypatch):
    monkeypatch.setattr(rooms, "RATE_LIMIT", 3)
    store = make_store()
    code, _, act = opened(store)
    student, other = new_student(), new_student()
    outcomes = [store.answer(code, act, student, {"x": float(i), "y": 0.0}) for i in range(5)]
    assert outcomes == [Outcome.NEW, Outcome.CHANGED, Outcome.CHANGED, Outcome.SLOW, Outcome.SLOW]
    assert store.mine(code, student) == {"x": 2.0, "y": 0.0}  # the refused ones changed nothing
    assert store.answer(code, act, other, {"x": 0.0, "y": 0.0}) is Outcome.NEW  # the limit is per student


def test_an_activity_takes_at_most_max_answers(make_store, monkeypatch):
    monkeypatch.setattr(rooms, "MAX_ANSWERS", 3)
    store = make_store()
    code, _, act = opened(store)
    students = [new_student() for _ in range(4)]
    outcomes = [store.answer(code, act, s, {"x": 0.0, "y": 0.0}) for s in students]
    assert outcomes == [Outcome.NEW] * 3 + [Outcome.FULL]
    assert store.answer(code, act, students[0], {"x": 1.0, "y": 0.0}) is Outcome.CHANGED  # a change still fits


def test_a_store_opens_at_most_max_rooms(make_store, monkeypatch):
    monkeypatch.setattr(rooms, "MAX_ROOMS", 2)
    store = make_store()
    first, secret = store.open_room()
    store.open_room()
    with pytest.raises(RoomError, match="2 open classes"):
        store.open_room()
    store.close(first, secret)
    store.open_room()  # a closed room frees its place


def test_one_opener_holds_at_most_max_rooms_per_opener_and_others_still_open(make_store, monkeypatch):
    """A visitor pressing "Start a class" in a loop once filled the whole store (30 rooms) for everyone."""
    monkeypatch.setattr(rooms, "MAX_ROOMS_PER_OPENER", 2)
    store = make_store()
    first, secret = store.open_room("tab-a")
    store.open_room("tab-a")
    with pytest.raises(RoomError, match="You already have 2 classes open"):
        store.open_room("tab-a")
    store.open_room("tab-b")  # another opener is not held back
    store.close(first, secret)
    store.open_room("tab-a")  # a closed room frees its opener's place


def test_a_room_nobody_joined_closes_early_and_a_joined_one_lives_on(make_store, monkeypatch):
    monkeypatch.setattr(rooms, "MAX_ROOMS_PER_OPENER", 1)
    store = make_store(seconds=30.0, empty_seconds=0.4)
    empty, _ = store.open_room("a")
    joined, _ = store.open_room("b")
    assert store.join(joined, new_student(), "")
    time.sleep(0.6)
    assert store.room(empty) is None and store.poll(empty) is None
    assert store.poll(joined).students == 1
    assert store.room(joined).expires > time.time() + 20  # the first join gave it the full lifetime
    store.open_room("a")  # the opener of the room that closed itself may open again
    with pytest.raises(RoomError, match="You already have 1 class open"):
        store.open_room("b")


def test_a_room_takes_at_most_max_students_and_keeps_their_names_only_inside(make_store, monkeypatch):
    monkeypatch.setattr(rooms, "MAX_STUDENTS", 2)
    store = make_store()
    code, _ = store.open_room()
    a, b, c = (new_student() for _ in range(3))
    assert store.join(code, a, "Ada") and store.join(code, b, "")
    assert not store.join(code, c, "Cy")
    assert store.join(code, a, "Ada L.")  # a student already in may rename
    assert store.names(code) == {a: "Ada L.", b: ""}
    assert store.poll(code).students == 2
    assert not store.join("ZZZZZZ", a, "Ada")
