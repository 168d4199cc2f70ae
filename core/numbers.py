"""Numbers as a student reads them: a few significant digits, a true minus sign, powers of ten, no round-off noise.

Screens show 4 significant digits; CSV exports and hover text keep full precision. Below 10⁻⁴ and from 10⁵
up a value is written in scientific notation, 1.283 × 10⁻⁶ in text and 1.283 \\times 10^{-6} in LaTeX, so a
power of ten never reads as a subtraction. A value within 10⁻¹² of the size of the numbers it is computed
from is round-off, and shows as 0.
"""

from __future__ import annotations

import math

DIGITS = 4  # significant digits on screen
NOISE = 1e-12  # relative size below which a value is floating-point round-off
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def fmt(value: float, digits: int = 10) -> str:
    """A number as a student writes it: shortest form to ``digits`` significant digits, with a true minus sign.

    >>> fmt(1.4000000000000001), fmt(-4.0), fmt(1e-10), fmt(0.30000000000000004)
    ('1.4', '−4.0', '1e-10', '0.3')
    """
    value = float(value)
    if not math.isfinite(value):
        return "undefined"
    text = repr(float(f"{value:.{digits}g}"))
    return "−" + text[1:] if text.startswith("-") else text


def cleaned(value: float, scale: float = 0.0) -> float:
    """``value``, or 0.0 when it is round-off: smaller than 10⁻¹² times ``scale``, the size of its inputs.

    >>> cleaned(3.3306690738754696e-16, scale=2.0), cleaned(1e-9, scale=2.0)
    (0.0, 1e-09)
    """
    value = float(value)
    return 0.0 if abs(value) <= NOISE * abs(scale) else value


def _parts(value: float, digits: int) -> tuple[str, int | None]:
    """Mantissa text and exponent (None for plain notation) of ``value`` at ``digits`` significant digits."""
    rounded = float(f"{value:.{digits}g}")
    if rounded == 0 or 1e-4 <= abs(rounded) < 1e5:
        text = f"{rounded:.{digits}g}"
        return text, None
    mantissa, exponent = f"{rounded:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return mantissa, int(exponent)


def number(value: float, digits: int = DIGITS, scale: float = 0.0) -> str:
    """``value`` in text to ``digits`` significant digits: a true minus, ×10ⁿ for the very small and large.

    >>> number(-7.243197505), number(24.16609195), number(1.282508828e-06), number(120000.0)
    ('−7.243', '24.17', '1.283\\u202f×\\u202f10⁻⁶', '1.2\\u202f×\\u202f10⁵')
    >>> number(0.0003000000239), number(3.330669074e-16, scale=8.0), number(float("nan"))
    ('0.0003', '0', 'undefined')
    """
    value = float(value)
    if not math.isfinite(value):
        return "undefined"
    mantissa, exponent = _parts(cleaned(value, scale), digits)
    # Narrow no-break spaces: the number stays one word, as short as it can be.
    text = mantissa if exponent is None else f"{mantissa}\u202f×\u202f10{str(exponent).translate(SUPERSCRIPT)}"
    return text.replace("-", "−")


def latex(value: float, digits: int = DIGITS, scale: float = 0.0) -> str:
    """``value`` as LaTeX to ``digits`` significant digits, a power of ten written as one.

    >>> latex(3.330669074e-16), latex(-2.5), latex(3.330669074e-16, scale=1.0)
    ('3.331 \\\\times 10^{-16}', '-2.5', '0')
    """
    value = float(value)
    if not math.isfinite(value):
        return r"\text{undefined}"
    mantissa, exponent = _parts(cleaned(value, scale), digits)
    return mantissa if exponent is None else rf"{mantissa} \times 10^{{{exponent}}}"


def minus(name: str, value: float, digits: int = DIGITS) -> str:
    """``name − value`` in LaTeX with the sign folded in, so no "− −" appears.

    >>> minus("y", -2.0), minus("x", 1.5), minus("x", 0.0)
    ('y + 2', 'x - 1.5', 'x')
    """
    if float(value) == 0:
        return name
    sign = "+" if value < 0 else "-"
    return f"{name} {sign} {latex(abs(value), digits)}"


def plus(value: float, digits: int = DIGITS) -> str:
    """`` + value`` as the next term of a LaTeX sum, the sign folded in: " + 2", " - 2".

    >>> plus(-2.0), plus(3.0)
    (' - 2', ' + 3')
    """
    return f" - {latex(-value, digits)}" if value < 0 else f" + {latex(value, digits)}"


def signed(value: float, digits: int = DIGITS) -> str:
    """A LaTeX factor in parentheses when negative, so a product never reads as a subtraction: (−2), 3.

    >>> signed(-2.0), signed(3.0)
    ('(-2)', '3')
    """
    text = latex(value, digits)
    return f"({text})" if value < 0 else text


def delta(value: float, digits: int = DIGITS, scale: float = 0.0) -> str:
    """A change for st.metric: its direction read from an ASCII sign, its size as ``number`` writes it.

    >>> delta(-5.662e-14, scale=8.0), delta(-8.0), delta(0.25)
    ('0', '-8', '+0.25')
    """
    value = cleaned(value, scale)
    if value == 0:
        return "0"
    return ("-" if value < 0 else "+") + number(abs(value), digits)
