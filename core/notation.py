"""Math as students write it: superscript powers, ·/×/÷/−, and juxtaposed names such as 2xy read as 2·x·y.

Everything here rewrites text or tokens into the plain syntax the whitelist parser reads; nothing evaluates.
A juxtaposed name is split only into known pieces (the function's variables, or single letters when they are
not given), in the one way that uses the fewest pieces; two equally short readings are an ambiguity, reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

Token = tuple[str, str, int]  # (kind, value, position in the text)


class AmbiguityError(ValueError):
    """Text with two plausible readings, or a notation to be written another way: the message says how."""


_RAISED_LETTERS = "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ"
_SUPERSCRIPT = dict(
    zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾" + _RAISED_LETTERS, "0123456789+-()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW", strict=True)
)
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
}
# Greek letters as the names the parser knows (θ is theta); λ is lamda, as in sympy, since lambda is Python's.
GREEK_LETTERS = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ϵ": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ϑ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lamda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "φ": "phi",
    "ϕ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
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
        "lamda",
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
WRITTEN_AS_SYMBOLS = GREEK | {"pi", "sqrt", "cbrt"}  # names that may stand for π, √, ∛ or a Greek letter
# Functions students know that are not here, with what to type instead.
UNSUPPORTED = {
    "sign": "for the sign of u write u/abs(u)",
    "sgn": "for the sign of u write u/abs(u)",
    "max": "for max(0, u) write relu(u); for max(a, b) write (a + b + abs(a - b))/2",
    "min": "for min(0, u) write -relu(-u); for min(a, b) write (a + b - abs(a - b))/2",
    "heaviside": "for the step θ(u) write relu(u)/u, or (1 + u/abs(u))/2",
    "sinc": "for sinc(u) write sin(u)/u",
    "sigma": "for the sigmoid σ(u) write sigmoid(u). To multiply, write sigma*(...)",
    "lg": "for the logarithm to base 10 write log10(u)",
    "pow": "for a power write u^v",
    "exp2": "for 2 to the power u write 2^u",
    "exp10": "for 10 to the power u write 10^u",
    "floor": "floor, ceil and round are not differentiable, so they are not supported",
    "ceil": "floor, ceil and round are not differentiable, so they are not supported",
    "round": "floor, ceil and round are not differentiable, so they are not supported",
    "erf": "special functions (erf, gamma, …) are not supported",
    "gamma": "special functions (erf, gamma, …) are not supported",
    "tg": "for the tangent write tan(u)",
    "ctg": "for the cotangent write cot(u)",
    "arctg": "for the inverse tangent write atan(u)",
}
MAX_PREFIX = 2  # without declared variables, at most two letters may stand before a function: 2xycos(x)


def superscripts(text: str) -> str:
    """Runs of superscript digits and signs become powers: x² → x^(2), x⁻¹ → x^(-1), e⁽ˣʸ⁾ → e^((xy)).

    >>> superscripts("3x²y + x⁻¹")
    '3x^(2)y + x^(-1)'
    """

    def one(match: re.Match[str]) -> str:
        raised = "".join(_SUPERSCRIPT[c] for c in match.group())
        fused = re.search(r"[A-Za-z]\d", raised)
        if fused:  # eˣ²: a square on the raised x, or a variable x2 in the exponent
            name = re.search(r"[A-Za-z]+\d+", raised).group()  # type: ignore[union-attr]
            letters = name.rstrip("0123456789")
            raise AmbiguityError(
                f"'{match.group()}' (raised {raised}) can be read as {letters}^{name[len(letters) :]} or as a variable "
                f"named {name}: write the exponent with ^ and parentheses, as ^({letters}^{name[len(letters) :]}) "
                f"or ^({name})."
            )
        return "^(" + raised + ")"

    text = _SUPERSCRIPT_RUN.sub(one, text)
    # A subscript belongs to the name it follows: x²₁ would read as x²·1 (x₁² is x1^2).
    stray = re.search(r"(?<![A-Za-z0-9\u2080-\u2089\u0370-\u03ff])[\u2080-\u2089]+", text)
    if stray:
        raise AmbiguityError(
            f"The subscript '{stray.group()}' at position {stray.start() + 1} does not follow a name: write the name "
            "with its digits first, then the power, as x1^2 for x₁²."
        )
    return text


def fractions(text: str) -> str:
    """Vulgar fractions as a quotient in parentheses, before NFKC (which would write ½ as 1⁄2 with a fraction slash).

    >>> fractions("½x + x^⅔ + 3⁄4")
    '(1/2)x + x^(2/3) + 3/4'
    """
    out = []
    for char in text:
        if unicodedata.name(char, "").startswith("VULGAR FRACTION"):
            out.append("(" + unicodedata.normalize("NFKC", char).replace("\u2044", "/") + ")")
        else:
            out.append("/" if char == "\u2044" else char)
    return "".join(out)


def symbols(text: str) -> str:
    """Unicode operators as ASCII: · × ∗ ⋅ → *, ÷ → /, − – → -, π → pi, θ → theta (each Greek letter its name).

    >>> symbols("2π·x ÷ y − θ")
    '2 pi *x / y -  theta'
    """
    # A Greek letter's name is set off before; after it too when a letter follows (θcos θ is θ·cos θ, not a
    # name "thetacos" holding acos), but not before digits, which are its subscript (θ₁ is theta1).
    return "".join(
        _SYMBOLS.get(char)
        or (
            " " + GREEK_LETTERS[char] + (" " if text[i + 1 : i + 2].isalpha() else "")
            if char in GREEK_LETTERS
            else char
        )
        for i, char in enumerate(text)
    )


_ROOTS = {"√": "sqrt", "∛": "cbrt"}
_RADICAL = re.compile(r"([√∛])\s*(\(|\d+\.?\d*|\.\d+|[A-Za-z][A-Za-z0-9]*)")


def radicals(text: str) -> str:
    """A radical applies to what follows it: √(…) → sqrt(…), √2 → sqrt(2), √x → sqrt(x), ∛x → cbrt(x).

    What follows may be a number, one name or a parenthesis; √2x and √xy have two readings and are refused.

    >>> radicals("√2 x + √(x + 1) + ∛y")
    ' sqrt(2) x +  sqrt(x + 1) +  cbrt(y)'
    """

    def one(match: re.Match[str]) -> str:
        root, operand = _ROOTS[match.group(1)], match.group(2)
        if operand == "(":
            return f" {root}("
        after = text[match.end() : match.end() + 1]
        glyph = match.group(1)
        if operand[0].isalpha() and len(operand.rstrip("0123456789")) > 1 and operand not in GREEK | {"pi", "e"}:
            raise AmbiguityError(
                f"'{glyph}{operand}' can be read as {root}({operand[0]})*{operand[1:]} or {root}({operand}): "
                "write the root's argument in parentheses."
            )
        if after == "^":  # √x² (arrives as √x^(2)): the bar over x² or only over x
            power = re.match(r"\^\(?(-?[\w.]+)\)?", text[match.end() :])
            shown = power.group(1) if power else "…"
            raise AmbiguityError(
                f"'{glyph}{operand}^{shown}' can be read as {root}({operand}^{shown}) or {root}({operand})^{shown}: "
                "write one of them with parentheses."
            )
        if after.isalpha() or after == "(":
            raise AmbiguityError(
                f"'{glyph}{operand}{after}…' can be read as {root}({operand})*{after}… or {root}({operand}{after}…): "
                f"write {root}({operand})*{after} or put the whole argument in parentheses."
            )
        return f" {root}({operand})"  # the space ends a name before it: x√2 is x·√2

    text = _RADICAL.sub(one, text)
    if "√" in text or "∛" in text:  # √ at the end, before a sign or before another root
        raise AmbiguityError("Write a root with its argument in parentheses: sqrt(…) for √, cbrt(…) for ∛.")
    return text


_BAR = re.compile(r"\|([^|]*)\|")


def bars(text: str, functions: Collection[str] = ()) -> tuple[str, list[str]]:
    """|u| is abs(u) when the bars pair up one way only; nested or odd bars are refused with how to write them.
    A function written just before the bars applies to them: ln|x| is ln(abs(x)).

    >>> bars("|x - y| + 1")
    ('abs(x - y) + 1', ["'|x - y|' read as abs(x - y)"])
    >>> bars("2ln|x|", ("ln",))
    ('2ln(abs(x))', ["'ln|x|' read as ln(abs(x))"])
    """
    if "|" not in text:
        return text, []
    pairs = [m.group(1).strip() for m in _BAR.finditer(text)]
    notes: list[str] = []

    def one(match: re.Match[str]) -> str:
        before = re.search(r"[A-Za-z][A-Za-z0-9]*\Z", text[: match.start()])
        fn = next((f for f in sorted(functions, key=len, reverse=True) if before and before.group().endswith(f)), None)
        if fn is not None:
            notes.append(f"'{fn}{match.group()}' read as {fn}(abs({match.group(1)}))")
            return f"(abs({match.group(1)}))"
        notes.append(f"'{match.group()}' read as abs({match.group(1)})")
        return f"abs({match.group(1)})"

    rewritten = _BAR.sub(one, text)
    # |x + |y|| pairs as |x + | and y||: a pair that starts or ends with an operator means the bars nest.
    if "|" in rewritten or any(not p or p[-1] in "+-*/^(" or p[0] in "+*/^)" for p in pairs):
        raise AmbiguityError("Bars |…| do not pair up in one clear way: write abs(…) for each absolute value.")
    return rewritten, notes


_LOG_BASE = re.compile(r"\blog_(?:\{(\d+|[A-Za-z])\}|\((\d+|[A-Za-z])\)|(\d+|[A-Za-z]))\s*")


def log_bases(text: str) -> tuple[str, list[str]]:
    """log_b(u), as written on paper, is log(u, b), the logarithm to base b.

    >>> log_bases("log_2(x) + 1")
    ('log(x, 2) + 1', ["'log_2(x)' read as log(x, 2), the logarithm to base 2"])
    """
    notes = []
    while match := _LOG_BASE.search(text):
        base, start = next(g for g in match.groups() if g), match.end()
        if text[start : start + 1] != "(":
            raise AmbiguityError(f"Write the logarithm to base {base} as log(u, {base}), with u in parentheses.")
        depth, end = 0, start
        for end in range(start, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        argument = text[start + 1 : end]
        notes.append(
            f"'{match.group().strip()}({argument})' read as log({argument}, {base}), the logarithm to base {base}"
        )
        text = f"{text[: match.start()]}log({argument}, {base}){text[end + 1 :]}"
    return text, notes


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
        if called and value.lower() in UNSUPPORTED:
            out.append((kind, value, position))  # the parser says what to type instead of sinc(…)
            continue
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


_FUSED_ARGUMENT = re.compile(r"\d+\.?\d*|\.\d+|[A-Za-z][A-Za-z0-9]*")
LOG_BASES = {"log2": "2", "log10": "10"}


def _end(token: Token) -> int:
    return token[2] + len(token[1])


def _touching(left: Token, right: Token) -> bool:
    """No space between the two tokens in the text."""
    return _end(left) == right[2]


def readings(
    tokens: list[Token], functions: Collection[str], keep: Collection[str], variables: Collection[str] | None
) -> tuple[list[Token], list[str]]:
    """Notation a teacher reads one way, rewritten into plain syntax, with a note for each; two readings refused.

    sin2x → sin(2x); sin²(x), sin^2(x) → sin(x)^2; PI, Pi → pi; w1w2 → w1·w2 (no declared variables).
    Refused with both readings: sin2x^2, sin2x y, sin^-1(x), e^2x, e^xy, e^x2, x^1/2, log2x; with what to type
    instead: a decimal comma 0,5 and x.5. Noted: 1/2x (read (1/2)·x), x^2/3, 2e-3 (scientific notation).

    >>> readings([("name", "sin2x", 0)], ("sin",), ("sin",), None)[1]
    ["'sin2x' read as sin(2x)"]
    """
    notes: list[str] = []
    out = _check_dots_and_commas(tokens, functions)
    out, found = _pi(out, keep)
    notes += found
    out, found = _function_powers(out, functions)
    notes += found
    out, found = _fused_functions(out, functions, keep)
    notes += found
    out, found = _digit_names(out, keep, variables)
    notes += found
    notes += _exponents(out, keep, variables)
    return out, notes


_LITERAL = re.compile(r"[xX][0-9A-Fa-f]+|[bB][01]+|[oO][0-7]+|[jJ]")


def _check_dots_and_commas(tokens: list[Token], functions: Collection[str]) -> list[Token]:
    calls: list[str | None] = []  # for each open parenthesis, the function it calls (None: grouping)
    for index, token in enumerate(tokens):
        kind, value, _ = token
        previous = tokens[index - 1] if index else None
        literal = previous is not None and previous[1] in ("0", "1") and _LITERAL.fullmatch(value) is not None
        if kind == "name" and literal and (previous[1] == "0") != (value in ("j", "J")) and _touching(previous, token):
            raise AmbiguityError(  # 0x10, 0b101, 0o7, 1j: Python's literals, read otherwise as 0·x10 = 0
                f"'{previous[1]}{value}' at position {previous[2] + 1} looks like a programming literal (a "
                f"number in another base, or an imaginary unit): write numbers in decimal, and "
                f"{previous[1]}*{value} for a product."
            )
        if value == "(":
            calls.append(previous[1] if previous and previous[1] in functions else None)
        elif value == ")" and calls:
            calls.pop()
        elif kind == "number" and value.startswith(".") and previous and _touching(previous, token):
            found = _function_in(previous[1], functions) if previous[0] == "name" else None
            if found is not None and found[0] + len(found[1]) < len(previous[1]):  # sin2.5x
                fn, start = found[1], found[0] + len(found[1])
                raise AmbiguityError(
                    f"'{previous[1]}{value}' at position {previous[2] + 1}: write the argument of {fn} in "
                    f"parentheses, as {fn}({previous[1][start:]}{value}…)."
                )
            if previous[0] == "name" or previous[1] == ")":
                raise AmbiguityError(
                    f"'{previous[1]}{value}' at position {previous[2] + 1}: a dot may only stand inside a number. "
                    f"For {previous[1]} times 0{value} write {previous[1]}*0{value}."
                )
        elif value == "," and previous and index + 1 < len(tokens):
            after = tokens[index + 1]
            decimal = previous[0] == "number" and after[0] == "number" and _touching(previous, token)
            decimal = decimal and _touching(token, after)
            if decimal and (not calls or calls[-1] != "log"):
                raise AmbiguityError(
                    f"'{previous[1]},{after[1]}' at position {previous[2] + 1} looks like a decimal comma: write "
                    f"{previous[1]}.{after[1]} with a point (a comma only separates a function's arguments, as "
                    "in log(x, 2))."
                )
    return tokens


def _pi(tokens: list[Token], keep: Collection[str]) -> tuple[list[Token], list[str]]:
    """PI and Pi are π, also fused with what follows (Pix is π·x, as pix is)."""
    out, notes = [], []
    for kind, value, position in tokens:
        if kind == "name" and value[:2] in ("PI", "Pi") and value not in keep:
            rest = value[2:]
            notes.append(f"'{value}' read as π" + (f"·{rest}" if rest else ""))
            out.append((kind, "pi", position))
            if rest:
                out.append((kind, rest, position + 2))
            continue
        out.append((kind, value, position))
    return out, notes


def _function_powers(tokens: list[Token], functions: Collection[str]) -> tuple[list[Token], list[str]]:
    """sin^2(x) and sin²(x) (which arrives as sin^(2)(x)) → (sin(x))^2; sin^-1(x) has two readings."""
    out: list[Token] = []
    notes: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token[0] == "name" and token[1] in functions and index + 1 < len(tokens) and tokens[index + 1][1] == "^":
            exponent, after = _exponent_at(tokens, index + 2)
            name, position = token[1], token[2]
            if exponent is None:
                index += 1
                out.append(token)
                continue
            if after >= len(tokens) or tokens[after][1] != "(":
                raise AmbiguityError(
                    f"'{name}^{exponent}' at position {position + 1}: write the power after the argument, as "
                    f"{name}(x)^{exponent}."
                )
            if exponent.startswith("-"):
                raise AmbiguityError(
                    f"'{name}^{exponent}(…)' at position {position + 1} can be read as the inverse function or as "
                    f"a power: write a{name}(…) for the inverse (if it exists) or "
                    f"1/{name}(…){'' if exponent == '-1' else '^' + exponent[1:]} for the power."
                )
            close = _matching(tokens, after)
            notes.append(f"'{name}^{exponent}(…)' read as {name}(…)^{exponent}")
            out += [("op", "(", position), token, *tokens[after : close + 1], ("op", ")", position)]
            out += [("op", "^", position), ("number", exponent, position)]
            index = close + 1
            continue
        out.append(token)
        index += 1
    return out, notes


def _exponent_at(tokens: list[Token], index: int) -> tuple[str | None, int]:
    """A plain integer exponent at ``index`` (2, -1, (2), (-1)) and the index after it; None if there is none."""
    values = [t[1] for t in tokens[index : index + 4]]
    if values[:1] and tokens[index][0] == "number" and values[0].isdigit():
        return values[0], index + 1
    if values[:2] and values[0] == "-" and tokens[index + 1][0] == "number" and values[1].isdigit():
        return "-" + values[1], index + 2
    if len(values) >= 3 and values[0] == "(" and values[1].isdigit() and values[2] == ")":
        return values[1], index + 3
    if len(values) >= 4 and values[0] == "(" and values[1] == "-" and values[2].isdigit() and values[3] == ")":
        return "-" + values[2], index + 4
    return None, index


def _matching(tokens: list[Token], start: int) -> int:
    depth = 0
    for index in range(start, len(tokens)):
        depth += {"(": 1, ")": -1}.get(tokens[index][1], 0)
        if depth == 0:
            return index
    return len(tokens) - 1  # unbalanced: the parser reports it


def _fused_functions(
    tokens: list[Token], functions: Collection[str], keep: Collection[str]
) -> tuple[list[Token], list[str]]:
    """A function name fused with what follows is that function applied: sin2x → sin(2x), xsinx → x·sin(x)."""
    out: list[Token] = []
    notes: list[str] = []
    for index, token in enumerate(tokens):
        kind, value, position = token
        if kind != "name" or value in keep or value.rstrip("0123456789") in GREEK:
            out.append(token)
            continue
        found = _function_in(value, functions)
        called = index + 1 < len(tokens) and tokens[index + 1][1] == "("
        if called and value.lower() in UNSUPPORTED:
            out.append(token)  # the parser says what to type instead of sinc(…), sign(…)
            continue
        if found is None or (called and found[0] + len(found[1]) == len(value)):
            out.append(token)  # no function inside, or head·fn( handled by split_names
            continue
        start, fn = found
        head, rest = value[:start], value[start + len(fn) :]
        if not rest:
            out.append(token)  # xsin alone: split_names says to write sin(...)
            continue
        second = _function_in(rest, functions)
        if second is not None:
            between, inner = rest[: second[0]], second[1]
            argument = rest[second[0] + len(inner) :] or "…"
            readings = (
                f"{fn}({between})*{inner}({argument}) or {fn}({between}*{inner}({argument}))"
                if between
                else f"{fn}({inner}({argument}))"
            )
            raise AmbiguityError(
                f"'{value}' at position {position + 1} holds more than one function: write each with parentheses, "
                f"as {readings}."
            )
        if fn in LOG_BASES or (fn == "log" and rest[:1].isdigit()):
            after_log = value[start + 3 :]
            base = re.match(r"\d+", after_log).group()  # type: ignore[union-attr]
            argument = after_log[len(base) :]
            raise AmbiguityError(
                f"'{value}' at position {position + 1} can be read as log({argument or '…'}, {base}) or "
                f"log({base}{argument}): write one of them with parentheses."
            )
        shown = f"{head}·{fn}({rest})" if head else f"{fn}({rest})"
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if called:
            raise AmbiguityError(
                f"'{value}(…)' at position {position + 1}: write {fn}(…) with the whole argument inside the "
                f"parentheses, as {fn}({rest}*(…)) or {fn}({rest})*(…)."
            )
        if following is not None and following[1] == "^":
            power = tokens[index + 2][1] if index + 2 < len(tokens) and tokens[index + 2][1] != "(" else "…"
            raise AmbiguityError(
                f"'{value}^{power}' at position {position + 1} can be read as {fn}({rest}^{power}) or "
                f"{fn}({rest})^{power}: write one of them with parentheses."
            )
        if following is not None and (following[0] in ("name", "number") or following[1] == "("):
            raise AmbiguityError(
                f"'{value} {following[1]}' at position {position + 1} can be read as {fn}({rest}*{following[1]}) "
                f"or {fn}({rest})*{following[1]} (the two are different): write one of them with parentheses."
            )
        if head:
            out.append(("name", head, position))
        out.append(("name", fn, position + start))
        out.append(("op", "(", position + start + len(fn)))
        at = position + start + len(fn)
        for match in _FUSED_ARGUMENT.finditer(rest):
            part = match.group()
            out.append(("number" if part[0] in "0123456789." else "name", part, at + match.start()))
        out.append(("op", ")", at + len(rest)))
        notes.append(f"'{value}' read as {shown}")
    return out, notes


def _function_in(name: str, functions: Collection[str]) -> tuple[int, str] | None:
    """The first (then longest) function name inside ``name``, with where it starts."""
    for start in range(len(name)):
        matches = [fn for fn in functions if name.startswith(fn, start)]
        if matches:
            return start, max(matches, key=len)
    return None


_SAME_SHAPE = re.compile(r"(?:[A-Za-z]+\d+){2,}")


def _digit_names(
    tokens: list[Token], keep: Collection[str], variables: Collection[str] | None
) -> tuple[list[Token], list[str]]:
    """w1w2 → w1·w2, x1x2x3 → x1·x2·x3: names with digits made of shorter names of the same shape."""
    if variables is not None:
        return tokens, []  # split_names splits into the declared variables
    out: list[Token] = []
    notes: list[str] = []
    for kind, value, position in tokens:
        pieces = re.findall(r"[A-Za-z]+\d+", value) if kind == "name" and value not in keep else []
        if _SAME_SHAPE.fullmatch(value) and len({len(p.rstrip("0123456789")) for p in pieces}) == 1:
            offset = 0
            for piece in pieces:
                out.append(("name", piece, position + offset))
                offset += len(piece)
            notes.append(f"'{value}' read as {'·'.join(pieces)}")
        else:
            out.append((kind, value, position))
    return out, notes


def _exponents(tokens: list[Token], keep: Collection[str], variables: Collection[str] | None) -> list[str]:
    """Exponents and fractions written without parentheses: refuse the ambiguous, note the rest."""
    notes: list[str] = []
    names = {value for kind, value, _ in tokens if kind == "name"}
    for index, (kind, value, _) in enumerate(tokens):
        if kind == "number" and "e" in value.lower():
            notes.append(f"'{value}' read as {_scientific(value)} (scientific notation); for Euler's e write e")
        elif value == "^" and index + 1 < len(tokens):
            notes += _power(tokens, index, keep, variables, names)
            notes += _stacked(tokens, index)
        elif value == "/" and index + 1 < len(tokens):
            notes += _division(tokens, index, keep, variables)
    return notes


def _power(
    tokens: list[Token], index: int, keep: Collection[str], variables: Collection[str] | None, names: set[str]
) -> list[str]:
    """The exponent after tokens[index] = '^': e^2x, e^xy, e^x2 and x^1/2 have two readings; x^2y, x^2/3 a note."""
    base = tokens[index - 1][1] if index else ""
    base = "(…)" if base == ")" else base
    where = f"at position {tokens[index - 1][2] + 1 if index else 1}"
    nxt = tokens[index + 1 : index + 5]
    first, sign = nxt[0], ""
    if first[1] == "-" and len(nxt) > 1:
        first, nxt, sign = nxt[1], nxt[1:], "-"
    exponent = first[1]
    if first[0] == "number" and len(nxt) > 1 and _touching(first, nxt[1]) and nxt[1][0] == "name":
        rest, power = nxt[1][1], sign + exponent
        if base == "e":
            raise AmbiguityError(
                f"'e^{power}{rest}' {where} can be read as e^({power}{rest}) or e^{power}·{rest}: "
                f"write e^({power}*{rest}) or e^({power})*{rest}."
            )
        return [f"'{base}^{power}{rest}' read as {base}^{power}·{rest}"]
    after = nxt[1] if len(nxt) > 1 else None
    if first[0] in ("name", "number") and after is not None and after[1] in WRITTEN_AS_SYMBOLS and after[1] != exponent:
        power, rest = sign + exponent, "π" if after[1] == "pi" else after[1]
        if base == "e":
            raise AmbiguityError(
                f"'e^{power}{rest}' {where} can be read as e^({power}{rest}) or e^{power}·{rest}: "
                f"write e^({power}*{after[1]}) or e^({power})*{after[1]}."
            )
        return [f"'{base}^{power}{rest}' read as {base}^{power}·{rest}"]
    if first[0] == "name" and exponent not in keep and re.fullmatch(r"[A-Za-z]+\d+", exponent):
        letters = exponent.rstrip("0123456789")
        squared = f"{letters}^{exponent[len(letters) :]}"
        others = any(n != exponent and re.fullmatch(rf"{letters}\d+", n) for n in names)
        plain = variables is None and (letters in names or not others)  # x elsewhere, or no x1 beside x2
        if plain or (variables is not None and exponent not in variables):
            raise AmbiguityError(
                f"'{base}^{exponent}' {where} can be read as {base}^({squared}) or as {base} to the power of a "
                f"variable named {exponent}: write {base}^({squared}) or {base}^({exponent})."
            )
    if first[0] == "name" and exponent not in keep and _split_later(exponent, variables):
        raise AmbiguityError(
            f"'{base}^{exponent}' {where} can be read as {base}^({exponent}) or with only {exponent[0]} in the "
            f"exponent: write the exponent in parentheses, as {base}^({exponent})."
        )
    if first[0] == "number" and len(nxt) > 2 and nxt[1][1] == "/" and nxt[2][0] == "number":
        over, power = nxt[2][1], sign + exponent
        if exponent == "1":
            plain = f"{base}/{over}" if not sign else f"1/({over}{base})"
            raise AmbiguityError(
                f"'{base}^{power}/{over}' {where} can be read as {base}^({power}/{over}) or {base}^{power}/{over} = "
                f"{plain}: write {base}^({power}/{over}) or {plain}."
            )
        shown = f"{base}^{power}"
        return [f"'{shown}/{over}' read as ({shown})/{over}; for {base}^({power}/{over}) write the parentheses"]
    return []


def _stacked(tokens: list[Token], index: int) -> list[str]:
    """a^b^c is a^(b^c), from the right, as in Python and most books; x^(1/2)^2 looks like (x^(1/2))^2: a note."""
    end = index + 1
    if end < len(tokens) and tokens[end][1] in "+-":
        end += 1
    if end < len(tokens) and tokens[end][1] == "(":
        end = _matching(tokens, end)
    if end + 1 >= len(tokens) or tokens[end + 1][1] != "^" or end + 2 >= len(tokens):
        return []
    if tokens[end + 2][1] == "(" and tokens[index + 1][1] != "(":
        return []  # e^x² (a superscript arrives as ^(2)) or e^x^(2): the raised part is plainly x's
    base = "(…)" if tokens[index - 1][1] == ")" else tokens[index - 1][1] if index else ""
    first = "".join(t[1] for t in tokens[index + 1 : end + 1])
    second = "(…)" if tokens[end + 2][1] == "(" else tokens[end + 2][1]
    return [
        f"'{base}^{first}^{second}' read as {base}^({first}^{second}), powers from the right; for "
        f"({base}^{first})^{second} write the parentheses"
    ]


def _division(tokens: list[Token], index: int, keep: Collection[str], variables: Collection[str] | None) -> list[str]:
    """1/2x and 1/xy are read with only the first factor dividing, as in Python and most calculators: a note."""
    first = tokens[index + 1]
    second = tokens[index + 2] if index + 2 < len(tokens) else None
    # π, √ and Greek letters arrive with a space before them (2πx is "2 pi x"): still written touching
    if second is not None and not _touching(first, second) and second[1] not in WRITTEN_AS_SYMBOLS:
        second = None
    if first[0] in ("number", "name") and second and (second[0] == "name" or second[1] == "("):
        after = {"pi": "π", "(": "(…)"}.get(second[1], second[1])
        term, divisor, shown = first[1] + after, first[1], f"{first[1]}·{after}"
    elif first[0] == "name" and first[1] not in keep and _split_later(first[1], variables):
        term, divisor, shown = first[1], first[1][0], f"{first[1][0]}·{first[1][1:]}"
    else:
        return []
    return [f"'/{term}' read as /{shown} with only {divisor} dividing; for /({term}) write the parentheses"]


def _split_later(name: str, variables: Collection[str] | None) -> bool:
    """Will split_names read ``name`` as a product of several names?"""
    if variables is not None:
        return name not in variables and len(name) > 1
    return not _whole(name)


def _scientific(value: str) -> str:
    mantissa, exponent = re.split("[eE]", value)
    return f"{mantissa}·10^{int(exponent)}"
