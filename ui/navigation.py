"""The page registry (one row per page: the navigation, the tests and the benchmark all read it), and the one small
guard that keeps every page inside the dashboard's frame.

The rows follow the source lesson in numbered steps — partial derivatives, the gradient, gradient descent with
several weights, partial vs total derivative — then the labs, then the live class. Adding a page is its file
and one row.

Streamlit runs a ``pages/`` folder beside the entry script in its legacy multipage mode until the first
``st.navigation`` call of the process (and AppTest resets that on every run). A share link that is the very
first request of a fresh server would then run its page file alone, without the frame. There is no supported
way to say otherwise: Streamlit 1.67 decides it from the folder's existence alone (``PagesManager`` at the first
session; no config option), and the layout keeps the folder. So ``ensure_framed`` notices a bare run and runs
the frame in its place, in the same script run, so no click is lost to an extra rerun. The end-to-end test
``test_a_deep_link_as_a_fresh_servers_first_request_runs_inside_the_frame`` pins it.
"""

from __future__ import annotations

import runpy
from contextvars import ContextVar
from pathlib import Path
from typing import NamedTuple

import streamlit as st

FRAMED: ContextVar[bool] = ContextVar("framed", default=False)
ROOT = Path(__file__).resolve().parents[1]
ENTRY = ROOT / "dashboard.py"

LESSON, LABS, CLASS = "The lesson", "Labs", "In class"


class PageRow(NamedTuple):
    """One page: its file, URL path, title, Material icon, place in the lesson, and what the student does there.

    ``prefix`` names the page's controls in the session and its link (``Page(prefix)``); ``step`` is the lesson
    step (1 …) or 0 for a lab; ``idea`` keys its check-yourself questions in ``core.practice.CHECK_YOURSELF``.
    """

    slug: str  # the URL path; "" for the welcome page
    title: str
    icon: str
    section: str
    step: int
    intro: str  # one sentence: what the student will see and do
    prefix: str = ""
    idea: str = ""
    link: bool = True  # shows 'Link to this view' (the live class has its own join link; its address holds a key)

    @property
    def path(self) -> str:
        return f"pages/{self.slug or 'home'}.py"

    @property
    def label(self) -> str:
        """The name in the navigation: numbered in the lesson."""
        return f"{self.step}. {self.title}" if self.step else self.title


PAGES: tuple[PageRow, ...] = (
    PageRow(
        "",
        "Welcome",
        ":material/home:",
        "",
        0,
        "Follow the lesson's four steps in order, then try the labs.",
        prefix="home",
    ),
    PageRow(
        "partials",
        "Partial derivatives",
        ":material/straighten:",
        LESSON,
        1,
        "You will slice a surface through a point P and read each partial derivative as the slope of a tangent "
        "line; move P and watch both slopes change.",
        prefix="partials",
        idea="partials",
    ),
    PageRow(
        "gradient",
        "The gradient",
        ":material/explore:",
        LESSON,
        2,
        "You will see the gradient as arrows over the contour map, each one perpendicular to its level curve; "
        "click the map to move P and turn the direction to find the steepest slope.",
        prefix="gradient",
        idea="gradient",
    ),
    PageRow(
        "several_weights",
        "Gradient descent with several weights",
        ":material/trending_down:",
        LESSON,
        3,
        "You will take the lesson's one step of gradient descent by hand, from (w₁, w₂) = (1, 1) to (1.4, 1.8), "
        "and see where it lands on the loss; change y or η and the step follows.",
        prefix="weights",
        idea="several_weights",
    ),
    PageRow(
        "total_derivative",
        "Partial vs total derivative",
        ":material/route:",
        LESSON,
        4,
        "You will walk along a path y = g(x) on the surface and see the total derivative add the partial in y, "
        "carried along by dy/dx, to the partial in x; type your own path.",
        prefix="total",
        idea="total_derivative",
    ),
    PageRow(
        "descent",
        "Gradient descent lab",
        ":material/downhill_skiing:",
        LABS,
        0,
        "You will play gradient descent with ▶ or step by step, race optimizers, sweep the learning rate and map "
        "basins of attraction; click the map or drag the ring to start elsewhere.",
        prefix="descent",
        idea="descent",
    ),
    PageRow(
        "curvature",
        "Curvature and Newton's method",
        ":material/landscape:",
        LABS,
        0,
        "You will read the Hessian's eigenvalues at P as curvatures, see how they set the speed of descent, and "
        "watch Newton's method jump and a saddle being escaped.",
        prefix="curvature",
        idea="curvature",
    ),
    PageRow(
        "backprop",
        "Backpropagation",
        ":material/account_tree:",
        LABS,
        0,
        "You will step through a network's forward and backward passes node by node and see each ∂L/∂w appear as "
        "a sum over paths, the chain rule at work.",
        prefix="backprop",
        idea="backprop",
    ),
    PageRow(
        "regression",
        "ML loss: linear regression",
        ":material/show_chart:",
        LABS,
        0,
        "You will train the lesson's loss on past its hand step and see what η does to every next step, then fit "
        "a line to data by full-batch and mini-batch descent and watch the weights approach least squares.",
        prefix="regression",
        idea="regression",
    ),
    PageRow(
        "practice",
        "Practice",
        ":material/edit_note:",
        LABS,
        0,
        "You will work out partial derivatives yourself and type them in: each answer is checked, and a slip "
        "gets a hint naming the rule.",
        prefix="practice",
    ),
    PageRow(
        "classroom",
        "Live class",
        ":material/school:",
        CLASS,
        0,
        "You will answer with the whole room at once — predict on the map, type a derivative or vote — and see "
        "everyone's answers together before the reveal.",
        prefix="classroom",
        link=False,
    ),
)
BY_PREFIX = {row.prefix: row for row in PAGES}
STEPS = sum(1 for row in PAGES if row.step)


def following(row: PageRow) -> PageRow | None:
    """The page after this one on the path (the live class is not on it)."""
    path = [r for r in PAGES if r.section != CLASS]
    index = path.index(row) if row in path else len(path)
    return path[index + 1] if index + 1 < len(path) else None


def pages() -> dict[str, list[st.Page]]:
    """Every page in its section, with URL paths equal to the file names so both modes resolve a link alike."""
    sections: dict[str, list[st.Page]] = {}
    for row in PAGES:
        where = ROOT / row.path  # from the repository, so any script (a test's, say) can build the navigation
        page = (
            st.Page(where, title=row.label, icon=row.icon, default=True)
            if not row.slug
            else st.Page(where, title=row.label, icon=row.icon, url_path=row.slug)
        )
        sections.setdefault(row.section, []).append(page)
    return sections


def ensure_framed() -> None:
    """Outside the frame, run the entry script (which draws this page inside it), then end this bare run."""
    if not FRAMED.get():
        runpy.run_path(str(ENTRY), run_name="__main__")
        st.stop()
