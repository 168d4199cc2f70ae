"""What a class room is: its code and key, the limits that keep it small, and the checks on what students send.

A room is named by a short code (the join link) and controlled by a secret key (only in the lecturer's link).
The store keeps a hash of the key, never the key itself, and compares with ``hmac.compare_digest``. Everything a
student sends (an id, a display name, an answer) is checked here before the store sees it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
import unicodedata
from enum import StrEnum
from typing import Any

# A code is read aloud and typed from a projector: no 0/O, 1/I/L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
STUDENT_ID_LENGTH = 16  # hex digits of a browser tab's anonymous id

# Limits: together they bound what one store holds (MAX_ROOMS × MAX_ANSWERS × ANSWER_BYTES ≈ 30 MB at most).
ROOM_SECONDS = 4 * 3600  # a room and everything in it is deleted this long after it was opened
MAX_ROOMS = 30  # open rooms at once
# Rooms are opened without an account, so one visitor must not be able to hold them all: an opener (a digest of
# the client's address, or of the browser session where the address is unknown) keeps at most this many open ...
MAX_ROOMS_PER_OPENER = 2
# ... and a room no student has joined is deleted this long after it was opened (a real class joins within minutes).
EMPTY_ROOM_SECONDS = 20 * 60
MAX_STUDENTS = 1000  # students who joined one room
MAX_ANSWERS = 1000  # answers to one activity (one per student; a new activity deletes the last one's)
ANSWER_BYTES = 1024  # an answer as stored (JSON, UTF-8): a typed answer of ANSWER_CHARS fits
NAME_CHARS = 24  # a display name
RATE_LIMIT = 20  # answers one student may send to one room ...
RATE_WINDOW = 60  # ... per this many seconds
KINDS = ("predict", "answer", "vote")
QUESTIONS = ("end", "minimum", "direction")  # what a prediction on the map is about
ANSWER_CHARS = 200  # a typed derivative (the practice page's own limit is larger only for big derivatives)
MAX_OPTIONS = 6


class Outcome(StrEnum):
    """What the store did with an answer."""

    NEW = "new"  # counted
    CHANGED = "changed"  # the student's earlier answer to this activity was replaced; still counted once
    STALE = "stale"  # the activity is no longer the room's current one
    REVEALED = "revealed"  # answers are closed: the lecturer revealed the answer
    FULL = "full"  # the activity has MAX_ANSWERS answers
    SLOW = "slow"  # the student sent more than RATE_LIMIT answers in RATE_WINDOW seconds
    GONE = "gone"  # no such room (closed or expired)

    @property
    def accepted(self) -> bool:
        return self in (Outcome.NEW, Outcome.CHANGED)


class RoomError(Exception):
    """A room cannot be opened (the store is full) or used."""


def new_code() -> str:
    """A fresh room code: six characters from an alphabet without look-alikes."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_secret() -> str:
    """The room's key: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


def new_student() -> str:
    """An anonymous id for one browser tab: random, tied to nothing about the student."""
    return secrets.token_hex(STUDENT_ID_LENGTH // 2)


def digest(secret: str) -> str:
    """What the store keeps of a key: its SHA-256, so a copy of the store does not hold the key itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same_key(secret: str, stored_digest: str | None) -> bool:
    """Whether ``secret`` is the room's key, compared in constant time."""
    if not stored_digest or not isinstance(secret, str) or len(secret) > 100:
        return False
    return hmac.compare_digest(digest(secret), stored_digest)


def parse_code(raw: str) -> str:
    """A room code from a link or a box: case and spaces forgiven, anything else refused with the reason.

    >>> parse_code(" ab cd 23 ")
    'ABCD23'
    """
    code = "".join(str(raw).split()).upper()
    if len(code) != CODE_LENGTH:
        raise ValueError(f"a room code has {CODE_LENGTH} characters")
    if not all(c in ALPHABET for c in code):
        raise ValueError("a room code has only letters and the digits 2–9")
    return code


def parse_student(raw: str) -> str:
    """A tab's anonymous id from its link: exactly 16 lower-case hex digits."""
    if not re.fullmatch(rf"[0-9a-f]{{{STUDENT_ID_LENGTH}}}", str(raw)):
        raise ValueError(f"it is not an id of {STUDENT_ID_LENGTH} hex digits")
    return str(raw)


def parse_secret(raw: str) -> str:
    """A room key from the lecturer's link: the shape new_secret makes (its value is checked by the store)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", str(raw)):
        raise ValueError("it is not a room key")
    return str(raw)


def clean_name(raw: str) -> str:
    """A display name as shown to the room: printable characters only, one line, at most NAME_CHARS.

    >>> clean_name("  Ada\\n\\u202eLovelace ")
    'Ada Lovelace'
    """
    words = " ".join(str(raw).split())
    kept = "".join(c for c in words if unicodedata.category(c)[0] != "C")  # no controls, no bidi overrides
    return kept.strip()[:NAME_CHARS]


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_answer(activity: dict, answer: dict) -> dict:
    """The answer as the store keeps it, or ValueError: a point for a prediction, an option for a vote, a marked
    text for an exercise (its mark comes from the checker, never from the student)."""
    kind = activity.get("kind")
    if kind == "predict":
        if not (_finite(answer.get("x")) and _finite(answer.get("y"))):
            raise ValueError("a prediction is a point (x, y)")
        kept = {"x": float(answer["x"]), "y": float(answer["y"])}
    elif kind == "vote":
        option = answer.get("option")
        if not isinstance(option, int) or isinstance(option, bool) or not 0 <= option < len(activity["options"]):
            raise ValueError("a vote is one of the options")
        kept = {"option": option}
    elif kind == "answer":
        text, key = answer.get("text"), answer.get("key")
        if not isinstance(text, str) or not 0 < len(text) <= ANSWER_CHARS:
            raise ValueError(f"an answer has 1 to {ANSWER_CHARS} characters")
        if not isinstance(key, str) or not re.fullmatch(r"correct|[0-9a-f]{16}", key):
            raise ValueError("an answer carries the checker's class")
        kept = {"text": text, "key": key, "correct": key == "correct"}
    else:
        raise ValueError("no activity is running")
    if len(dumps(kept).encode()) > ANSWER_BYTES:
        raise ValueError(f"an answer is at most {ANSWER_BYTES} bytes")
    return kept


def dumps(value: Any) -> str:
    """Compact JSON, as the store keeps every value."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
