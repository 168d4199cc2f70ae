"""What the lecturer's view shows of the answers: the count, and after the reveal how far each one was.

Plain Python over the store's JSON: predictions are points, a direction is the angle from P to the clicked
point, votes are option numbers, typed answers carry the checker's class (classroom.checking).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import NamedTuple

Point = tuple[float, float]


class Group(NamedTuple):
    """Equal answers (the checker's class): how many, whether right, and the form most of them typed."""

    key: str
    count: int
    correct: bool
    text: str


def points(answers: Mapping[str, dict]) -> list[Point]:
    """The predicted points, in the order the store gave them."""
    return [(a["x"], a["y"]) for a in answers.values() if "x" in a]


def distance(point: Point, targets: Sequence[Point]) -> float:
    """The distance from ``point`` to the nearest target (any of several equal minima counts).

    >>> distance((3.0, 4.0), [(0.0, 0.0), (3.0, 5.0)])
    1.0
    """
    return min(math.dist(point, t) for t in targets)


def angle(point: Point, toward: Point) -> float | None:
    """The direction from ``point`` to ``toward`` in degrees in [0, 360), None when they coincide.

    >>> angle((1.0, 1.0), (1.0, 3.0))
    90.0
    """
    dx, dy = toward[0] - point[0], toward[1] - point[1]
    if dx == 0 and dy == 0:
        return None
    return math.degrees(math.atan2(dy, dx)) % 360.0


def angle_error(a: float, b: float) -> float:
    """How far apart two directions are, in degrees, 0 … 180.

    >>> angle_error(350.0, 10.0), angle_error(90.0, 270.0)
    (20.0, 180.0)
    """
    gap = abs(a - b) % 360.0
    return min(gap, 360.0 - gap)


def errors(activity: dict, answers: Mapping[str, dict], solution: dict) -> list[float]:
    """Each prediction's error after the reveal: its distance to the nearest true point, or for a direction the
    angle between the clicked direction and −∇f(P) in degrees (a click on P itself counts as 180°)."""
    found = []
    for x, y in points(answers):
        if activity["question"] == "direction":
            direction = angle(tuple(solution["point"]), (x, y))
            found.append(180.0 if direction is None else angle_error(direction, solution["angle"]))
        elif solution.get("targets"):
            found.append(distance((x, y), [tuple(t) for t in solution["targets"]]))
    return found


def close_enough(activity: dict, error: float) -> bool:
    """A prediction counts as close within 15° for a direction, within 5 % of the map's width for a point."""
    if activity["question"] == "direction":
        return error <= 15.0
    (x0, x1), (y0, y1) = activity["domain"]
    return error <= 0.05 * max(x1 - x0, y1 - y0)


def median(values: Sequence[float]) -> float:
    """The middle value (the mean of the two middle ones for an even count).

    >>> median([3.0, 1.0, 2.0, 10.0])
    2.5
    """
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def votes(activity: dict, answers: Mapping[str, dict]) -> list[int]:
    """How many chose each option, in the options' order."""
    counts = Counter(a["option"] for a in answers.values() if "option" in a)
    return [counts.get(i, 0) for i in range(len(activity["options"]))]


def groups(answers: Mapping[str, dict]) -> list[Group]:
    """The typed answers grouped by the checker's class, largest first; each shows its most common form."""
    forms: dict[str, Counter] = {}
    correct: dict[str, bool] = {}
    for a in answers.values():
        if "key" in a:
            forms.setdefault(a["key"], Counter())[" ".join(a["text"].split())] += 1
            correct[a["key"]] = bool(a["correct"])
    found = [Group(key, sum(c.values()), correct[key], c.most_common(1)[0][0]) for key, c in forms.items()]
    return sorted(found, key=lambda g: (-g.count, not g.correct, g.text))


def share_correct(found: Sequence[Group]) -> float:
    """The share of answers in the correct class (0 with no answers)."""
    total = sum(g.count for g in found)
    return sum(g.count for g in found if g.correct) / total if total else 0.0


def most_common_wrong(found: Sequence[Group]) -> Group | None:
    """The largest class of wrong answers, None when every answer is right."""
    return next((g for g in found if not g.correct), None)
