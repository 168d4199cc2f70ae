"""The lesson's functions and the standard optimization test functions, with domains and known minima."""

from __future__ import annotations

from typing import NamedTuple

Point = tuple[float, float]


class Preset(NamedTuple):
    """A function to explore: its formula, a domain ((xmin, xmax), (ymin, ymax)) and its minima [(point, value)]."""

    name: str
    text: str
    domain: tuple[Point, Point]
    minima: list[tuple[Point, float]]
    about: str
    start: Point = (1.0, 1.0)
    lr: float = 0.1


_RASTRIGIN_A = 0.994958637652  # the local minima of x² − 10cos(2πx) next to ±1
_RASTRIGIN_AXIS = 0.994959057093
_RASTRIGIN_DIAGONAL = 1.989918114187

PRESETS: dict[str, Preset] = {
    "lesson_quadratic": Preset(
        "Lesson: 3x² + 2xy + y²",
        "3*x**2 + 2*x*y + y**2",
        ((-3.0, 3.0), (-3.0, 3.0)),
        [((0.0, 0.0), 0.0)],
        "The lesson's first example. Holding y constant, 2xy behaves like 2·(constant)·x, so ∂f/∂x = 6x + 2y; "
        "holding x constant gives ∂f/∂y = 2x + 2y. It is a tilted bowl with its single minimum at the origin.",
        start=(2.0, -2.0),
        lr=0.1,
    ),
    "lesson_sin": Preset(
        "Lesson: x²y + sin(xy)",
        "x**2*y + sin(x*y)",
        ((-2.0, 2.0), (-2.0, 2.0)),
        [],
        "The lesson's second example, where the chain rule appears: ∂/∂x sin(xy) = y·cos(xy) because y is a "
        "constant multiplying x inside the sine. The surface has no minimum: it falls away without bound.",
        start=(1.0, 1.0),
        lr=0.05,
    ),
    "lesson_loss": Preset(
        "Lesson: loss (w1 + 2w2 − 5)²",
        "(w1 + 2*w2 - 5)**2",
        ((-1.0, 4.0), (-1.0, 4.0)),
        [((1.4, 1.8), 0.0)],
        "The lesson's squared-error loss for one example with inputs (1, 2) and target y = 5. Its gradient is "
        "[2w1 + 4w2 − 10, 4w1 + 8w2 − 20]. Every point on the line w1 + 2w2 = 5 has zero loss; one step of "
        "gradient descent with η = 0.1 from (1, 1) lands exactly on it, at (1.4, 1.8).",
        start=(1.0, 1.0),
        lr=0.1,
    ),
    "rosenbrock": Preset(
        "Rosenbrock",
        "(1 - x)**2 + 100*(y - x**2)**2",
        ((-2.0, 2.0), (-1.0, 3.0)),
        [((1.0, 1.0), 0.0)],
        "A long, curved, flat-bottomed valley (the 'banana'). Finding the valley is easy; following it to the "
        "minimum at (1, 1) is hard, which is why it is the classic test of an optimizer.",
        start=(-1.5, 2.0),
        lr=0.001,
    ),
    "himmelblau": Preset(
        "Himmelblau",
        "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
        ((-5.0, 5.0), (-5.0, 5.0)),
        [
            ((3.0, 2.0), 0.0),
            ((-2.805118086953, 3.131312518251), 0.0),
            ((-3.779310253378, -3.283185991286), 0.0),
            ((3.584428340330, -1.848126526964), 0.0),
        ],
        "Four equally deep minima. Which one descent finds depends on where it starts: the basins of "
        "attraction split the plane into four regions.",
        start=(0.0, 0.0),
        lr=0.01,
    ),
    "beale": Preset(
        "Beale",
        "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
        ((-4.5, 4.5), (-4.5, 4.5)),
        [((3.0, 0.5), 0.0)],
        "Flat plateaus and sharp ridges: the gradient is tiny in some places and huge in others, so a single "
        "learning rate is either too slow or unstable. Minimum at (3, 0.5).",
        start=(1.0, 1.5),
        lr=0.001,
    ),
    "booth": Preset(
        "Booth",
        "(x + 2*y - 7)**2 + (2*x + y - 5)**2",
        ((-10.0, 10.0), (-10.0, 10.0)),
        [((1.0, 3.0), 0.0)],
        "A plain quadratic bowl with its minimum at (1, 3): the easy case every optimizer should solve.",
        start=(-6.0, -6.0),
        lr=0.05,
    ),
    "matyas": Preset(
        "Matyas",
        "0.26*(x**2 + y**2) - 0.48*x*y",
        ((-10.0, 10.0), (-10.0, 10.0)),
        [((0.0, 0.0), 0.0)],
        "A very flat bowl stretched along the diagonal y = x: gradients are small, so progress is slow. "
        "Minimum at the origin.",
        start=(8.0, -4.0),
        lr=0.5,
    ),
    "three_hump_camel": Preset(
        "Three-hump camel",
        "2*x**2 - 1.05*x**4 + x**6/6 + x*y + y**2",
        ((-5.0, 5.0), (-5.0, 5.0)),
        [
            ((0.0, 0.0), 0.0),
            ((1.747552345830, -0.873776172915), 0.298638442237),
            ((-1.747552345830, 0.873776172915), 0.298638442237),
        ],
        "A global minimum at the origin between two shallower local minima: descent can get stuck in a hump "
        "that is not the lowest.",
        start=(2.0, 1.0),
        lr=0.01,
    ),
    "six_hump_camel": Preset(
        "Six-hump camel",
        "(4 - 2.1*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2",
        ((-3.0, 3.0), (-2.0, 2.0)),
        [
            ((0.089842013100, -0.712656403021), -1.031628453490),
            ((-0.089842013100, 0.712656403021), -1.031628453490),
            ((-1.703606714970, 0.796083568673), -0.215463824384),
            ((1.703606714970, -0.796083568673), -0.215463824384),
            ((-1.607104752920, -0.568651454884), 2.104250310311),
            ((1.607104752920, 0.568651454884), 2.104250310311),
        ],
        "Six local minima, two of them global (f ≈ −1.0316). A map of which start ends where shows how "
        "much the answer of gradient descent depends on initialisation.",
        start=(-1.0, -1.0),
        lr=0.01,
    ),
    "goldstein_price": Preset(
        "Goldstein–Price",
        "(1 + (x + y + 1)**2*(19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2))"
        "*(30 + (2*x - 3*y)**2*(18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2))",
        ((-2.0, 2.0), (-2.0, 2.0)),
        [((0.0, -1.0), 3.0), ((-0.6, -0.4), 30.0), ((1.8, 0.2), 84.0), ((1.2, 0.8), 840.0)],
        "Values span six orders of magnitude, with several local minima; the global one is f(0, −1) = 3. "
        "Use a log-scale loss curve and a small learning rate.",
        start=(-0.5, 0.5),
        lr=1e-5,
    ),
    "rastrigin": Preset(
        "Rastrigin",
        "20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
        ((-5.12, 5.12), (-5.12, 5.12)),
        [
            ((0.0, 0.0), 0.0),
            ((_RASTRIGIN_A, 0.0), _RASTRIGIN_AXIS),
            ((-_RASTRIGIN_A, 0.0), _RASTRIGIN_AXIS),
            ((0.0, _RASTRIGIN_A), _RASTRIGIN_AXIS),
            ((0.0, -_RASTRIGIN_A), _RASTRIGIN_AXIS),
            ((_RASTRIGIN_A, _RASTRIGIN_A), _RASTRIGIN_DIAGONAL),
            ((-_RASTRIGIN_A, _RASTRIGIN_A), _RASTRIGIN_DIAGONAL),
            ((_RASTRIGIN_A, -_RASTRIGIN_A), _RASTRIGIN_DIAGONAL),
            ((-_RASTRIGIN_A, -_RASTRIGIN_A), _RASTRIGIN_DIAGONAL),
        ],
        "An egg-crate: a bowl covered in ripples, with a local minimum near every integer point. Gradient "
        "descent stops in whichever dimple it starts in; only the one at the origin is global. The nine "
        "minima nearest the origin are listed.",
        start=(2.2, 1.7),
        lr=0.002,
    ),
    "ackley": Preset(
        "Ackley",
        "-20*exp(-0.2*sqrt(0.5*(x**2 + y**2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
        ((-5.0, 5.0), (-5.0, 5.0)),
        [((0.0, 0.0), 0.0)],
        "A nearly flat outer region full of small dimples around one deep, sharp hole at the origin. The "
        "minimum is a cusp: the gradient is undefined exactly there, as at the bottom of |x|.",
        start=(1.5, 1.2),
        lr=0.01,
    ),
    "saddle": Preset(
        "Saddle x² − y²",
        "x**2 - y**2",
        ((-2.0, 2.0), (-2.0, 2.0)),
        [],
        "A saddle: the origin is a stationary point (∇f = 0) but not a minimum — up along x, down along y. "
        "Descent started exactly on the x-axis walks into it and stalls; any tiny y sends it away.",
        start=(1.5, 0.01),
        lr=0.1,
    ),
    "ill_conditioned": Preset(
        "Ill-conditioned bowl x² + 10y²",
        "x**2 + 10*y**2",
        ((-3.0, 3.0), (-3.0, 3.0)),
        [((0.0, 0.0), 0.0)],
        "A bowl ten times steeper in y than in x. The learning rate must stay below 0.1 for y, and near that "
        "limit gradient descent overshoots in y at every step: it zig-zags across the valley while it moves "
        "steadily along x. Momentum averages the zig-zag out and Adam scales each direction on its own: compare "
        "their paths in the race.",
        start=(-2.5, 1.0),
        lr=0.09,
    ),
}
