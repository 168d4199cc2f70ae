"""The one store every session of a class shares: in this process (the default), or in Redis (``REDIS_URL``).

Both back ends keep the same things with the same rules, and the same tests run against both:
- a room: its key's digest, the current activity (JSON), whether it was revealed and with what, and two
  counters a page polls cheaply: ``stage`` (a new activity, a reveal, a clear) and ``version`` (any answer);
- the students who joined (id → display name), and the current activity's answers (id → JSON).
An answer is counted exactly once per student and activity: the answers are a map keyed by the student's id,
written in one atomic step with the checks before it (a Lua script in Redis, a lock here). A room, its students
and its answers are deleted together when it is closed or ROOM_SECONDS after it was opened, or already
EMPTY_ROOM_SECONDS after it was opened if no student has joined by then. One opener holds at most
MAX_ROOMS_PER_OPENER rooms at once, so a visitor pressing "Start a class" in a loop cannot fill the store.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from classroom import rooms as limits  # read at each call, so a test can lower a limit
from classroom.rooms import (
    EMPTY_ROOM_SECONDS,
    ROOM_SECONDS,
    Outcome,
    RoomError,
    digest,
    dumps,
    new_code,
    new_secret,
    same_key,
)


@dataclass(frozen=True)
class Poll:
    """What a page polls: the room's stage and answer version, the current activity's id and answer count."""

    stage: int
    version: int
    activity: int
    answers: int
    students: int


@dataclass(frozen=True)
class RoomView:
    """The room as a page shows it: the current activity (None before the first) and its revealed solution."""

    code: str
    poll: Poll
    activity: dict | None
    solution: dict | None
    expires: float  # Unix time


class Store(Protocol):
    """The operations both back ends offer. Lecturer-only ones take the room's key and return False without it."""

    def open_room(self, opener: str = "") -> tuple[str, str]: ...
    def poll(self, code: str) -> Poll | None: ...
    def room(self, code: str) -> RoomView | None: ...
    def is_lecturer(self, code: str, secret: str) -> bool: ...
    def join(self, code: str, student: str, name: str = "") -> bool: ...
    def names(self, code: str) -> dict[str, str]: ...
    def start(self, code: str, secret: str, activity: dict) -> int | None: ...
    def reveal(self, code: str, secret: str, solution: dict) -> bool: ...
    def clear(self, code: str, secret: str) -> bool: ...
    def close(self, code: str, secret: str) -> bool: ...
    def answer(self, code: str, activity: int, student: str, answer: dict) -> Outcome: ...
    def answers(self, code: str) -> dict[str, dict]: ...
    def mine(self, code: str, student: str) -> dict | None: ...


FULL = "This server already has {} open classes; close one or try again later."
MINE = (
    "You already have {} open. Close one with its Close button (its link is in your browser's history), "
    "or wait: a class nobody joined closes itself after 20 minutes."
)


def classes(n: int) -> str:
    """ "1 class", "2 classes"."""
    return f"{n} class" if n == 1 else f"{n} classes"


# --- in this process ---------------------------------------------------------------------------------------


@dataclass
class _Room:
    key: str  # the key's digest
    opened: float
    opener: str = ""
    stage: int = 0
    version: int = 0
    activity_id: int = 0
    activity: str | None = None
    solution: str | None = None
    students: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    rates: dict[str, list[float]] = field(default_factory=dict)  # student -> [window start, count]


class MemoryStore:
    """Rooms in a dict of this process, behind one lock: every session of one `streamlit run` shares them."""

    def __init__(
        self, seconds: float = ROOM_SECONDS, clock: Callable[[], float] = time.time, empty_seconds: float | None = None
    ) -> None:
        self.seconds = seconds
        self.empty_seconds = min(seconds, EMPTY_ROOM_SECONDS if empty_seconds is None else empty_seconds)
        self.clock = clock
        self._rooms: dict[str, _Room] = {}
        self._lock = threading.Lock()

    def _live(self, code: str) -> _Room | None:
        """The room, or None when there is none or it expired (then it is deleted with all it holds)."""
        now = self.clock()
        for stale in [c for c, r in self._rooms.items() if now >= r.opened + self._lifetime(r)]:
            del self._rooms[stale]
        return self._rooms.get(code)

    def _lifetime(self, room: _Room) -> float:
        return self.seconds if room.students else self.empty_seconds

    def open_room(self, opener: str = "") -> tuple[str, str]:
        secret = new_secret()
        with self._lock:
            self._live("")
            if len(self._rooms) >= limits.MAX_ROOMS:
                raise RoomError(FULL.format(limits.MAX_ROOMS))
            if opener and sum(r.opener == opener for r in self._rooms.values()) >= limits.MAX_ROOMS_PER_OPENER:
                raise RoomError(MINE.format(classes(limits.MAX_ROOMS_PER_OPENER)))
            code = new_code()
            while code in self._rooms:
                code = new_code()
            self._rooms[code] = _Room(digest(secret), self.clock(), opener)
        return code, secret

    def _poll(self, room: _Room) -> Poll:
        return Poll(room.stage, room.version, room.activity_id, len(room.answers), len(room.students))

    def poll(self, code: str) -> Poll | None:
        with self._lock:
            room = self._live(code)
            return None if room is None else self._poll(room)

    def room(self, code: str) -> RoomView | None:
        with self._lock:
            room = self._live(code)
            if room is None:
                return None
            return RoomView(
                code,
                self._poll(room),
                _loads(room.activity),
                _loads(room.solution),
                room.opened + self._lifetime(room),
            )

    def _lecturer(self, code: str, secret: str) -> _Room | None:
        room = self._live(code)
        return room if room is not None and same_key(secret, room.key) else None

    def is_lecturer(self, code: str, secret: str) -> bool:
        with self._lock:
            return self._lecturer(code, secret) is not None

    def join(self, code: str, student: str, name: str = "") -> bool:
        with self._lock:
            room = self._live(code)
            if room is None or (student not in room.students and len(room.students) >= limits.MAX_STUDENTS):
                return False
            room.students[student] = name
            return True

    def names(self, code: str) -> dict[str, str]:
        with self._lock:
            room = self._live(code)
            return {} if room is None else dict(room.students)

    def start(self, code: str, secret: str, activity: dict) -> int | None:
        text = dumps(activity)
        with self._lock:
            room = self._lecturer(code, secret)
            if room is None:
                return None
            room.activity_id += 1
            room.activity, room.solution = text, None
            room.answers.clear()
            room.stage += 1
            return room.activity_id

    def reveal(self, code: str, secret: str, solution: dict) -> bool:
        text = dumps(solution)
        with self._lock:
            room = self._lecturer(code, secret)
            if room is None or room.activity is None:
                return False
            room.solution = text
            room.stage += 1
            return True

    def clear(self, code: str, secret: str) -> bool:
        with self._lock:
            room = self._lecturer(code, secret)
            if room is None:
                return False
            room.answers.clear()
            room.solution = None
            room.stage += 1
            return True

    def close(self, code: str, secret: str) -> bool:
        with self._lock:
            if self._lecturer(code, secret) is None:
                return False
            del self._rooms[code]
            return True

    def answer(self, code: str, activity: int, student: str, answer: dict) -> Outcome:
        text = dumps(answer)
        with self._lock:
            room = self._live(code)
            if room is None:
                return Outcome.GONE
            if room.activity is None or activity != room.activity_id:
                return Outcome.STALE
            if room.solution is not None:
                return Outcome.REVEALED
            now = self.clock()
            window = room.rates.setdefault(student, [now, 0])
            if now >= window[0] + limits.RATE_WINDOW:
                window[:] = [now, 0]
            window[1] += 1
            if window[1] > limits.RATE_LIMIT:
                return Outcome.SLOW
            if student not in room.answers and len(room.answers) >= limits.MAX_ANSWERS:
                return Outcome.FULL
            new = student not in room.answers
            room.answers[student] = text
            room.version += 1
            return Outcome.NEW if new else Outcome.CHANGED

    def answers(self, code: str) -> dict[str, dict]:
        with self._lock:
            room = self._live(code)
            return {} if room is None else {s: json.loads(a) for s, a in room.answers.items()}

    def mine(self, code: str, student: str) -> dict | None:
        with self._lock:
            room = self._live(code)
            return None if room is None else _loads(room.answers.get(student))


def _loads(text: str | bytes | None) -> Any:
    return None if text is None else json.loads(text)


# --- in Redis ----------------------------------------------------------------------------------------------

# Each script checks and writes in one step: Redis runs a script atomically, so two replicas answering for the
# same student at the same instant still leave one answer. Keys share a {hash tag}, so a cluster keeps a room
# in one slot. KEYS[1] is always the room's hash.

# The index (KEYS[2]) and the opener's set (KEYS[3]) score each room by when it goes: EMPTY_ROOM_SECONDS after
# opening until the first student joins (_JOIN then moves it to the room's full lifetime).
# ARGV: 1 digest, 2 lifetime, 3 now, 4 MAX_ROOMS, 5 code, 6 empty lifetime, 7 MAX_ROOMS_PER_OPENER.
_OPEN = """
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 'full' end
if KEYS[3] ~= '' then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[7]) then return 'mine' end
end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'taken' end
local empty = now + tonumber(ARGV[6])
redis.call('HSET', KEYS[1], 'key', ARGV[1], 'stage', 0, 'version', 0, 'act', 0, 'expires', empty,
  'closes', now + tonumber(ARGV[2]), 'opener', KEYS[3])
redis.call('PEXPIRE', KEYS[1], math.floor(tonumber(ARGV[6]) * 1000))
redis.call('ZADD', KEYS[2], empty, ARGV[5])
if KEYS[3] ~= '' then
  redis.call('ZADD', KEYS[3], empty, ARGV[5])
  redis.call('PEXPIRE', KEYS[3], math.floor(tonumber(ARGV[2]) * 1000))
end
return 'ok'
"""

_ANSWER = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
local room = redis.call('HMGET', KEYS[1], 'act', 'activity', 'solution')
if not room[2] or room[1] ~= ARGV[1] then return 'stale' end
if room[3] then return 'revealed' end
local sent = redis.call('INCR', KEYS[3])
if sent == 1 then redis.call('EXPIRE', KEYS[3], tonumber(ARGV[5])) end
if sent > tonumber(ARGV[4]) then return 'slow' end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[6]) then
  return 'full'
end
local new = redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
redis.call('HINCRBY', KEYS[1], 'version', 1)
if new == 1 then return 'new' end
return 'changed'
"""

# The first student to join gives the room its full lifetime (ARGV[4]: the room's code, KEYS[3]: the index).
_JOIN = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) then
  return 0
end
if redis.call('HLEN', KEYS[2]) == 0 then
  local room = redis.call('HMGET', KEYS[1], 'closes', 'opener')
  local closes = tonumber(room[1])
  if closes then
    redis.call('PEXPIREAT', KEYS[1], math.floor(closes * 1000))
    redis.call('HSET', KEYS[1], 'expires', closes)
    redis.call('ZADD', KEYS[3], 'XX', closes, ARGV[4])
    if room[2] and room[2] ~= '' then redis.call('ZADD', room[2], 'XX', closes, ARGV[4]) end
  end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
return 1
"""

# Lecturer-only changes: the key's digest is compared inside the script, on the value it then changes.
# ARGV[1] the digest, ARGV[2] the action, ARGV[3] its JSON.
_LECTURER = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'key') ~= ARGV[1] then return -1 end
local action = ARGV[2]
if action == 'start' then
  redis.call('DEL', KEYS[2])
  redis.call('HDEL', KEYS[1], 'solution')
  redis.call('HSET', KEYS[1], 'activity', ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'stage', 1)
  return redis.call('HINCRBY', KEYS[1], 'act', 1)
elseif action == 'reveal' then
  if redis.call('HEXISTS', KEYS[1], 'activity') == 0 then return -1 end
  redis.call('HSET', KEYS[1], 'solution', ARGV[3])
elseif action == 'clear' then
  redis.call('DEL', KEYS[2])
  redis.call('HDEL', KEYS[1], 'solution')
elseif action == 'close' then
  local opener = redis.call('HGET', KEYS[1], 'opener')
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  redis.call('ZREM', KEYS[4], ARGV[4])
  if opener and opener ~= '' then redis.call('ZREM', opener, ARGV[4]) end
  return 0
end
redis.call('HINCRBY', KEYS[1], 'stage', 1)
return 0
"""


class RedisStore:
    """Rooms in Redis, so every replica behind the proxy sees the same room (``REDIS_URL``)."""

    PREFIX = "gradient-lab"

    def __init__(
        self,
        url: str,
        seconds: float = ROOM_SECONDS,
        clock: Callable[[], float] = time.time,
        empty_seconds: float | None = None,
    ) -> None:
        import redis  # only needed when REDIS_URL is set

        self.seconds = seconds
        self.empty_seconds = min(seconds, EMPTY_ROOM_SECONDS if empty_seconds is None else empty_seconds)
        self.clock = clock
        # Short timeouts: a page waiting on a lost Redis says so rather than hanging on stage.
        self.redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30)
        self._open = self.redis.register_script(_OPEN)
        self._answer = self.redis.register_script(_ANSWER)
        self._join = self.redis.register_script(_JOIN)
        self._lecturer = self.redis.register_script(_LECTURER)

    def _keys(self, code: str) -> tuple[str, str, str]:
        tag = f"{self.PREFIX}:{{{code}}}"
        return f"{tag}:room", f"{tag}:answers", f"{tag}:students"

    @property
    def _index(self) -> str:
        return f"{self.PREFIX}:rooms"

    def open_room(self, opener: str = "") -> tuple[str, str]:
        secret = new_secret()
        mine = f"{self.PREFIX}:opener:{digest(opener)}" if opener else ""
        for _ in range(20):
            code = new_code()
            room, _, _ = self._keys(code)
            args = [digest(secret), self.seconds, self.clock(), limits.MAX_ROOMS, code, self.empty_seconds]
            args.append(limits.MAX_ROOMS_PER_OPENER)
            result = _text(self._open(keys=[room, self._index, mine], args=args))
            if result == "ok":
                return code, secret
            if result == "full":
                raise RoomError(FULL.format(limits.MAX_ROOMS))
            if result == "mine":
                raise RoomError(MINE.format(classes(limits.MAX_ROOMS_PER_OPENER)))
        raise RoomError("No free room code was found; try again.")

    def poll(self, code: str) -> Poll | None:
        room, answers, students = self._keys(code)
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(room, "stage", "version", "act")
            pipe.hlen(answers)
            pipe.hlen(students)
            (stage, version, act), count, joined = pipe.execute()
        if stage is None:
            return None
        return Poll(int(stage), int(version), int(act), count, joined)

    def room(self, code: str) -> RoomView | None:
        room, answers, students = self._keys(code)
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(room, "stage", "version", "act", "activity", "solution", "expires")
            pipe.hlen(answers)
            pipe.hlen(students)
            (stage, version, act, activity, solution, expires), count, joined = pipe.execute()
        if stage is None:
            return None
        poll = Poll(int(stage), int(version), int(act), count, joined)
        return RoomView(code, poll, _loads(activity), _loads(solution), float(expires))

    def is_lecturer(self, code: str, secret: str) -> bool:
        room, _, _ = self._keys(code)
        return same_key(secret, _text(self.redis.hget(room, "key")))

    def join(self, code: str, student: str, name: str = "") -> bool:
        room, _, students = self._keys(code)
        return bool(self._join(keys=[room, students, self._index], args=[student, name, limits.MAX_STUDENTS, code]))

    def names(self, code: str) -> dict[str, str]:
        _, _, students = self._keys(code)
        return {_text(k): _text(v) for k, v in self.redis.hgetall(students).items()}

    def _as_lecturer(self, code: str, secret: str, action: str, value: dict | None = None) -> int | None:
        if not isinstance(secret, str) or len(secret) > 100:
            return None
        room, answers, students = self._keys(code)
        keys = [room, answers, students, self._index]
        result = int(self._lecturer(keys=keys, args=[digest(secret), action, dumps(value or {}), code]))
        return None if result < 0 else result

    def start(self, code: str, secret: str, activity: dict) -> int | None:
        return self._as_lecturer(code, secret, "start", activity)

    def reveal(self, code: str, secret: str, solution: dict) -> bool:
        return self._as_lecturer(code, secret, "reveal", solution) is not None

    def clear(self, code: str, secret: str) -> bool:
        return self._as_lecturer(code, secret, "clear") is not None

    def close(self, code: str, secret: str) -> bool:
        return self._as_lecturer(code, secret, "close") is not None

    def answer(self, code: str, activity: int, student: str, answer: dict) -> Outcome:
        room, answers, _ = self._keys(code)
        rate = f"{self.PREFIX}:{{{code}}}:rate:{student}"
        args = [str(activity), student, dumps(answer), limits.RATE_LIMIT, limits.RATE_WINDOW, limits.MAX_ANSWERS]
        return Outcome(_text(self._answer(keys=[room, answers, rate], args=args)))

    def answers(self, code: str) -> dict[str, dict]:
        _, answers, _ = self._keys(code)
        return {_text(k): json.loads(v) for k, v in self.redis.hgetall(answers).items()}

    def mine(self, code: str, student: str) -> dict | None:
        _, answers, _ = self._keys(code)
        return _loads(self.redis.hget(answers, student))


def _text(value: str | bytes | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def _unavailable() -> tuple[type[Exception], ...]:
    try:
        import redis
    except ImportError:  # pragma: no cover - requirements.txt installs it
        return (OSError,)
    return (OSError, redis.RedisError)


# What a page catches when the store cannot be reached (Redis down, a timeout): it says so and keeps working.
UNAVAILABLE = _unavailable()

_embedded: MemoryStore | None = None
_embedded_lock = threading.Lock()


def connect(url: str | None = None) -> Store:
    """The store for this process: Redis at ``url`` (default: the REDIS_URL environment variable), else the
    process's own embedded store, shared by all its sessions."""
    global _embedded  # noqa: PLW0603 - one embedded store per process is the point
    url = url if url is not None else os.environ.get("REDIS_URL", "")
    if url:
        return RedisStore(url)
    with _embedded_lock:
        if _embedded is None:
            _embedded = MemoryStore()
        return _embedded
