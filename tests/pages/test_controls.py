"""Every control of every page, generated from the declarations the page drew: its minimum and maximum are
taken from a link; just past each end, garbage and hostile text are refused with a warning naming the parameter;
no page ever falls to the last-resort error."""

from __future__ import annotations

import math

import pytest

from tests.pages.conftest import assert_clean, open_page
from ui.controls import Control
from ui.navigation import PAGES as REGISTRY

PAGES = {row.path: row.prefix for row in REGISTRY if row.slug}  # every page with controls
# Text a stranger may put in a link: markdown and HTML that must not render, code that must not run, and junk.
HOSTILE = [
    "[Sign in here](https://evil.example/login)",
    "![a](https://evil.example/p.gif)",
    "__import__('os').system('true')",
    "1e999",
    "nan",
    "",
]


def drawn(at, prefix: str) -> dict[str, Control]:
    return dict(at.session_state[f"{prefix}._controls"])


def contexts(path: str, prefix: str) -> list[tuple[dict[str, str], dict[str, Control]]]:
    """Links that make a different set of controls appear: every option of every choice the page draws."""
    at = open_page(path)
    assert_clean(at)
    base = drawn(at, prefix)
    found = [({}, base)]
    seen = {frozenset(base)}
    for control in base.values():
        if control.kind not in ("select", "radio", "select_slider") or len(control.options) > 16:
            continue
        for option in control.options:
            query = {control.name: control.dump(option)}
            at = open_page(path, query)
            assert_clean(at)
            controls = drawn(at, prefix)
            if frozenset(controls) not in seen:
                seen.add(frozenset(controls))
                found.append((query, controls))
    return found


def edges(control: Control) -> dict[str, list[tuple[str, object]]]:
    """Link values a control must take (its ends) and must refuse (past its ends, garbage, hostile text)."""
    good: list[tuple[str, object]] = []
    bad = ["garbage≠", *HOSTILE]
    if control.kind in ("slider", "number"):
        step = control.step or 1
        good = [(control.dump(control.low), control.low), (control.dump(control.high), control.high)]
        bad += [control.dump(control.low - step), control.dump(control.high + step)]
        if control.integer:
            bad.append(f"{control.low + 0.5}")
    elif control.kind == "toggle":
        good = [("0", False), ("1", True)]
        bad += ["2", "yes"]
    elif control.kind == "text":
        bad = [b for b in bad if b not in ("nan", "")]  # "nan" is a formula: n·a·n
        bad += ["x" * (control.max_chars + 1)]
    elif control.kind == "multiselect":
        good = [(control.dump(list(control.options)), list(control.options)), ("", [])]
        bad = [b for b in bad if b != ""]
    else:
        good = [(control.dump(o), o) for o in (control.options[0], control.options[-1])]
    return {"good": good, "bad": bad}


def named(messages: list[str], name: str) -> bool:
    # Messages are escaped markdown; the name is compared with the escapes taken out.
    return any(f"“{name}”" in m.replace("\\", "") for m in messages)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_control_takes_its_ends_and_refuses_the_rest(path):
    prefix = PAGES[path]
    for base, controls in contexts(path, prefix):
        others = {n: c for n, c in controls.items() if n not in base}
        cases = {n: edges(c) for n, c in others.items()}
        # One link per kind of value: every control at once, each read on its own.
        for index in range(2):
            query = {n: case["good"][index][0] for n, case in cases.items() if len(case["good"]) > index}
            if not query:
                continue
            at = open_page(path, {**base, **query})
            assert_clean(at)
            warnings = [w.value for w in at.warning]
            now = drawn(at, prefix)
            for name, raw in query.items():
                if now.get(name) != others[name]:
                    continue  # another control at its end moved this one's range (the domain's ± range moves P's)
                assert not named(warnings, name), (path, base, name, raw, warnings)
                want = cases[name]["good"][index][1]
                got = at.session_state[f"{prefix}.{name}"]
                assert got == want or (isinstance(want, float) and math.isclose(got, want)), (path, name, got, want)
        rounds = max(len(case["bad"]) for case in cases.values())
        for index in range(rounds):
            query = {n: case["bad"][index] for n, case in cases.items() if len(case["bad"]) > index}
            at = open_page(path, {**base, **query})
            assert_clean(at)
            warnings = [w.value for w in at.warning]
            for name, raw in query.items():
                assert named(warnings, name), (path, base, name, raw, warnings)
                control = others[name]
                assert control.accepts(at.session_state[f"{prefix}.{name}"]), (path, name)


def test_a_link_beyond_a_widgets_range_warns_instead_of_crashing():
    """Regression: descent?opt=momentum&momentum=0.995 passed the old link reader (≤ 0.999) and broke the slider."""
    for path, query in [
        ("pages/descent.py", {"opt": "momentum", "momentum": "0.995"}),
        ("pages/descent.py", {"opt": "adam", "beta1": "0.9999"}),
        ("pages/regression.py", {"opt": "momentum", "momentum": "0.995", "tab": "Fit a line to data"}),
    ]:
        at = open_page(path, query)
        assert_clean(at)
        name = next(n for n in query if n not in ("opt", "tab"))
        assert named([w.value for w in at.warning], name), at.warning
