"""What comes from a link or a student is checked before the store sees it."""

from __future__ import annotations

import pytest

from classroom import rooms
from classroom.rooms import check_answer, clean_name, parse_code, parse_secret, parse_student

HOSTILE = ["[x](https://evil.example)", "<script>alert(1)</script>", "__import__('os')", "1e999", "nan", "ABC 12"]


def test_codes_and_keys_have_one_shape():
    code = rooms.new_code()
    assert parse_code(code.lower()) == code and len(code) == 6
    assert parse_secret(rooms.new_secret())
    assert parse_student(rooms.new_student())
    for bad in [*HOSTILE, "ABCDE0", "ABCDEFG", ""]:
        with pytest.raises(ValueError):
            parse_code(bad)
        with pytest.raises(ValueError):
            parse_student(bad)
    for bad in ["short", "x" * 65, "has space in it!!", "<script>alert(1)</script>"]:
        with pytest.raises(ValueError):
            parse_secret(bad)


def test_a_display_name_is_one_short_line_of_printable_text():
    assert clean_name("\u202eevil\u200b name\t\n") == "evil name"
    assert len(clean_name("x" * 500)) == rooms.NAME_CHARS
    assert clean_name("\x00\x07") == ""


@pytest.mark.parametrize(
    ("activity", "answer"),
    [
        ({"kind": "predict"}, {"x": float("nan"), "y": 0.0}),
        ({"kind": "predict"}, {"x": 1e999, "y": 0.0}),
        ({"kind": "predict"}, {"x": True, "y": 0.0}),
        ({"kind": "predict"}, {"x": "1", "y": 0.0}),
        ({"kind": "vote", "options": ["a", "b"]}, {"option": 2}),
        ({"kind": "vote", "options": ["a", "b"]}, {"option": True}),
        ({"kind": "vote", "options": ["a", "b"]}, {"option": -1}),
        ({"kind": "answer"}, {"text": "x" * 201, "key": "correct"}),
        ({"kind": "answer"}, {"text": "", "key": "correct"}),
        ({"kind": "answer"}, {"text": "6x", "key": "I say it is right"}),
        ({"kind": "other"}, {"x": 0.0, "y": 0.0}),
    ],
)
def test_an_answer_of_the_wrong_shape_is_refused(activity, answer):
    with pytest.raises(ValueError):
        check_answer(activity, answer)


def test_an_answer_keeps_only_its_fields_and_the_mark_comes_from_the_class():
    kept = check_answer({"kind": "predict"}, {"x": 1, "y": 2.5, "extra": "x" * 10_000})
    assert kept == {"x": 1.0, "y": 2.5}
    typed = check_answer({"kind": "answer"}, {"text": "6x", "key": "0123456789abcdef", "correct": True})
    assert typed == {"text": "6x", "key": "0123456789abcdef", "correct": False}
    widest = check_answer({"kind": "answer"}, {"text": "𝑥" * 200, "key": "correct"})  # 4 bytes a character
    assert len(rooms.dumps(widest).encode()) <= rooms.ANSWER_BYTES
