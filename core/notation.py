"""Math as students write it: superscript powers, ·/×/÷/−, and juxtaposed names such as 2xy read as 2·x·y.

Everything here rewrites text or tokens into the plain syntax the whitelist parser reads; nothing evaluates.
A juxtaposed name is split only into known pieces (the function's variables, or single letters when they are
not given), in the one way that uses the fewest pieces; two equally short readings are an ambiguity, reported.
"""

from __future__ import annotations

import re
from collections.abc import Collection

Token = tuple[str, str, int]  # (kind, value, position in the text)

_SUPERSCRIPT = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿˣʸ", "0123456789+-()nxy", strict=True))
_SUPERSCRIPT_RUN = re.compile(f"[{''.join(_SUPERSCRIPT)}]+")
# Operators and symbols from keyboards and copied text; π and √ become the names the parser knows.
_SYMBOLS = {
    "−": "-",
    "–": "-",
    "×": "*",
    "·": "*",
    "⋅": "*",
    "∙": "*",
    "∗": "*",
    "÷": "/",
    "π": " pi ",
    "√": " sqrt",
}
GREEK = frozenset(
    [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "zeta",
        "eta",
        "theta",
        "iota",
        "kappa",
        "mu",
        "nu",
        "xi",
        "rho",
        "sigma",
        "tau",
        "phi",
        "chi",
        "psi",
        "omega",
    ]
)
MAX_PREFIX = 2  # without declared variables, at most two letters may stand before a function: 2xycos(x)


def superscripts(text: str) -> str:
    """Runs of superscript digits and signs become powers: x² → x^(2), x⁻¹ → x^(-1), e⁽ˣʸ⁾ → e^((xy)).

    >>> superscripts("3x²y + x⁻¹")
    '3x^(2)y + x^(-1)'
    """
    return _SUPERSCRIPT_RUN.sub(lambda m: "^(" + "".join(_SUPERSCRIPT[c] for c in m.group()) + ")", text)


def symbols(text: str) -> str:
    """Unicode operators as ASCII: · × ∗ ⋅ → *, ÷ → /, − – → -, π → pi, √ → sqrt.

    >>> symbols("2π·x ÷ y − √(x)")
    '2 pi *x / y -  sqrt(x)'
    """
    return "".join(_SYMBOLS.get(char, char) for char in text)


class AmbiguityError(ValueError):
    """A juxtaposed name with two equally plausible readings."""


def split_names(
    tokens: list[Token],
    keep: Collection[str],
    functions: Collection[str],
    constants: Collection[str],
    variables: Collection[str] | None,
) -> tuple[list[Token], list[str]]:
    """Split juxtaposed names into known pieces; return the new tokens and one note per split.

    ``keep`` are names that stand as they are. With ``variables`` the pieces are those variables and the
    constants; without, any single letter or Greek name. A name followed by ``(`` may end in a function.

    >>> split_names([("name", "xy", 0)], (), ("cos",), ("pi", "e"), ("x", "y"))
    ([('name', 'x', 0), ('name', 'y', 1)], ["'xy' read as x·y"])
    """
    out: list[Token] = []
    notes: list[str] = []
    for index, (kind, value, position) in enumerate(tokens):
        if kind != "name" or value in keep or (variables is None and _whole(value)):
            out.append((kind, value, position))
            continue
        called = index + 1 < len(tokens) and tokens[index + 1][1] == "("
        inner = [fn for fn in functions if fn in value and not (called and value.endswith(fn))]
        if inner:
            fn = max(inner, key=len)
            raise AmbiguityError(
                f"'{value}' at position {position + 1} contains the function {fn}: write {fn}(...) with "
                "parentheses, and * between factors."
            )
        pieces = _reading(value, position, functions, constants, variables, called)
        if pieces is None:
            out.append((kind, value, position))
            continue
        offset = 0
        for piece in pieces:
            out.append(("name", piece, position + offset))
            offset += len(piece)
        note = f"'{value}' read as {'·'.join(pieces)}"
        if note not in notes:
            notes.append(note)
    return out, notes


def _whole(name: str) -> bool:
    # Without declared variables, names with digits (w1, x0) and Greek names (theta) are single variables.
    return len(name) == 1 or any(c.isdigit() for c in name) or name.rstrip("0123456789") in GREEK


def _reading(
    name: str,
    position: int,
    functions: Collection[str],
    constants: Collection[str],
    variables: Collection[str] | None,
    called: bool,
) -> list[str] | None:
    """The shortest split of ``name`` into pieces, None if there is none, AmbiguityError if two tie."""
    letters = set(variables) if variables is not None else set(_letters(name)) | GREEK
    pieces = letters | set(constants)
    candidates: list[list[str]] = []
    if called:
        for fn in functions:
            if name.endswith(fn) and len(name) > len(fn):
                head = _shortest(name[: -len(fn)], pieces)
                candidates += [[*h, fn] for h in head if variables is not None or len(h) <= MAX_PREFIX]
        if variables is not None:
            candidates += _shortest(name, pieces)
    else:
        candidates = _shortest(name, pieces)
    if not candidates:
        return None
    fewest = min(len(c) for c in candidates)
    best = [c for c in candidates if len(c) == fewest]
    if len(best) > 1:
        readings = " or ".join("*".join(c) for c in best[:2])
        raise AmbiguityError(
            f"'{name}' at position {position + 1} can be read as {readings}: write the product with * to say which."
        )
    return best[0]


def _letters(name: str) -> list[str]:
    return [c for c in name if c.isalpha()]


def _shortest(name: str, pieces: set[str]) -> list[list[str]]:
    """Every split of ``name`` into ``pieces`` with the fewest pieces (at most two are kept: enough to see a tie)."""
    # best[i]: the shortest splits of name[:i]
    best: list[list[list[str]]] = [[[]]] + [[] for _ in name]
    longest = max((len(p) for p in pieces), default=0)
    for end in range(1, len(name) + 1):
        found: list[list[str]] = []
        for start in range(max(0, end - longest), end):
            piece = name[start:end]
            if piece in pieces:
                found += [[*head, piece] for head in best[start]]
        if found:
            fewest = min(len(f) for f in found)
            best[end] = [f for f in found if len(f) == fewest][:2]
    return best[len(name)]
