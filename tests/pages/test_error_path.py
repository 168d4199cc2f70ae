"""The one error path (issue 26), generated: every page and tab × each kind of worker limit × the big-constant and
degenerate-path classes. A limit, data or math error becomes the page's message with its last good state — never
the last-resort error, and a formula that fails after parsing never becomes the function every page shares.

The limits are emulated by lowering the worker's settings (read at every job) for one page run; a fresh formula
each time, so no remembered failure answers in the worker's place.
"""

from __future__ import annotations

import itertools
import time

import pytest

from core import worker
from tests.pages.conftest import ROOT, assert_clean, open_page, texts

# Each kind of worker limit, lowered; every job of the page run then really exceeds it in the worker (``exhaust``).
LIMITS = {
    "memory": {"MEMORY_MB": 20},
    "cpu": {"CPU_SECONDS": 0.5},
    "wall clock": {"WALL_SECONDS": 0.3},
    "result size": {"RESULT_BYTES": 1000},
}


def exhaust(kind: str, fresh: int) -> object:
    """A job that goes past the lowered limit of its kind (runs in the worker, under the real limits)."""
    if kind == "memory":
        return len(bytearray(2**30))
    if kind == "cpu":
        while True:
            fresh += 1
    if kind == "wall clock":
        time.sleep(60)
    return b"\0" * 100_000


FORMULA_PAGES = {"partials", "gradient", "total_derivative", "descent", "curvature"}
BIG_CONSTANT = "x^2*cos(10^20)+y"
_fresh = itertools.count()


def views() -> list[tuple[str, str | None]]:
    """(page path, tab) for every page file and every tab of it, read from the pages themselves (their tab control)."""
    found = []
    for file in sorted((ROOT / "pages").glob("*.py")):
        path = f"pages/{file.name}"
        at = open_page(path)
        name = next((k[: -len("._controls")] for k in at.session_state if k.endswith("._controls")), "")
        tab = at.session_state[f"{name}._controls"].get("tab") if name else None
        found += [(path, option) for option in tab.options] if tab is not None else [(path, None)]
    return found


VIEWS = [
    ("pages/home.py", None),
    ("pages/partials.py", None),
    ("pages/gradient.py", None),
    ("pages/several_weights.py", None),
    ("pages/total_derivative.py", None),
    *(
        ("pages/descent.py", t)
        for t in ("Step by step", "Compare optimizers", "Learning-rate sweep", "Basins of attraction")
    ),
    *(("pages/curvature.py", t) for t in ("Hessian at P", "Condition number", "Newton's method", "Saddle escape")),
    *(("pages/regression.py", t) for t in ("The lesson's loss", "Fit a line to data")),
    ("pages/backprop.py", None),
    ("pages/practice.py", None),
    ("pages/classroom.py", None),
]


def test_the_views_under_test_are_every_page_and_tab():
    assert sorted(views()) == sorted(VIEWS, key=lambda v: (v[0], v[1] or ""))


def link(path: str, tab: str | None, **query: str) -> dict[str, str]:
    return ({"tab": tab} if tab else {}) | query


def page_name(path: str) -> str:
    return path.removeprefix("pages/").removesuffix(".py")


@pytest.fixture(scope="module", autouse=True)
def warm():
    """Every view opened once with the normal limits: its defaults are then the last good state to go back to."""
    for path, tab in VIEWS:
        assert_clean(open_page(path, link(path, tab)))
    yield
    worker.shutdown()


@pytest.mark.parametrize("kind", list(LIMITS))
@pytest.mark.parametrize(("path", "tab"), VIEWS)
def test_a_worker_limit_on_any_view_is_the_pages_message(monkeypatch, path, tab, kind):
    formula = f"x^2 + {next(_fresh) + 2}*x*y + sin(y)"  # fresh: not cached, so its work goes to the worker
    query = link(path, tab, f="custom", expr=formula, opt="newton" if "descent" in path else "gd", scene="picked")
    for name, value in LIMITS[kind].items():
        monkeypatch.setattr(worker, name, value)
    monkeypatch.setattr(worker, "BACKOFF_FIRST", 0.0)  # the back-off is tested in tests/core/test_worker.py
    real = worker.run

    def over_the_limit(func, *args, formula=None, **kwargs):
        # Each job fresh, so it reaches a worker instead of a remembered failure.
        return real(exhaust, kind, next(_fresh), formula=formula)

    monkeypatch.setattr(worker, "run", over_the_limit)
    at = open_page(path, query, timeout=120)
    if path == "pages/practice.py":
        at.text_input(key="practice.answer").input(formula)  # in a form: sent with its button
        at.button(key="practice.check").click().run(timeout=120)
    monkeypatch.undo()
    assert_clean(at)
    shown = texts(at)
    if page_name(path) in FORMULA_PAGES:
        assert "too complex to work with here" in shown, shown[:2000]
        # The last good state is back, and the link no longer carries the formula that failed.
        assert at.query_params.get("expr") != [formula]
    if path == "pages/practice.py":
        assert "too complex to work with here" in shown


@pytest.mark.parametrize(("path", "tab"), [v for v in VIEWS if page_name(v[0]) in FORMULA_PAGES])
def test_a_big_constant_works_on_every_formula_view(path, tab):
    """issue 26: cos(10²⁰) in the Hessian crashed the curvature page, the race (with Newton) and opt=newton."""
    at = open_page(path, link(path, tab, f="custom", expr=BIG_CONSTANT, opt="newton", scene="picked"), timeout=120)
    assert_clean(at)
    assert "Not used" not in texts(at)
    assert at.session_state["shared.text"] == BIG_CONSTANT  # it works, so it is the function every page shares
    if tab == "Hessian at P":
        assert r"\begin{pmatrix} 2 \cos{\left(100000000000000000000 \right)} & 0" in texts(at)


def test_a_formula_that_fails_after_parsing_never_becomes_the_shared_function(monkeypatch):
    at = open_page("pages/partials.py")
    good = at.session_state["shared.text"]
    formula = "x^3*y + 7*x*y^2"
    parsed = worker.run  # parsing works; the Hessian's job hits a limit

    def hessian_limited(func, *args, **kwargs):
        if func.__name__ == "hessian_parts":
            raise worker.too_complex(kwargs.get("formula"))
        return parsed(func, *args, **kwargs)

    monkeypatch.setattr(worker, "run", hessian_limited)
    at = open_page("pages/curvature.py", {"f": "custom", "expr": formula}, timeout=120)
    assert_clean(at)
    assert any("Not used" in w.value and "too complex" in w.value for w in at.warning)
    assert at.session_state["shared.text"] == good
    at.switch_page("pages/partials.py").run()
    assert_clean(at)
    assert at.session_state["shared.text"] == good


@pytest.mark.parametrize("g", ["0", "0*x", "x - x"])
def test_the_total_derivative_of_x_over_y_along_a_path_through_zero_is_undefined_not_a_crash(g):
    at = open_page("pages/total_derivative.py", {"f": "custom", "expr": "x/y", "g": g})
    assert_clean(at)
    assert any("undefined" in w.value for w in at.warning)


@pytest.mark.parametrize("second", ["", "a", " "])
def test_a_backprop_upload_whose_first_row_is_numeric_in_one_column_only_is_refused_plainly(second):
    at = open_page("pages/backprop.py")
    content = f"1,{second},0\n2,3,1\n3,4,0\n".encode()
    at.file_uploader(key="backprop.csv").upload("points.csv", content, "text/csv").run()
    assert_clean(at)
    assert any("not used" in e.value and "not a number" in e.value for e in at.error)
