"""The backpropagation walk-through as a recording for slides: one frame per step of the forward and backward
passes, the computation graph drawn as the page draws it, with the title, the example and the step burned in."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from PIL import Image, ImageColor, ImageDraw

from core.backprop import Step
from core.network import Network, Pass, text
from core.numbers import number
from viz.backprop import EDGE_GREY, KIND_COLORS, POSITIONS
from viz.recording import HEADER, HEIGHT, INK, PAPER, POINT, RGB, WIDTH, Texts, draw_header, encoded, font
from viz.style import GRADIENT, UPDATE

FPS = 1  # a step a second: the page's ▶ Play shows one for 0.7 s, a slide gives each a little longer


def _rgb(color: str) -> RGB:
    return ImageColor.getrgb(color)[:3]


INKS: tuple[RGB, ...] = tuple(
    dict.fromkeys(_rgb(c) for c in (*KIND_COLORS.values(), UPDATE, GRADIENT, EDGE_GREY, "#D55E00"))
)


def step_detail(net: Network, p: Pass, step: Step) -> str:
    """What step ``step`` works out, in words and one number."""
    if step.kind == "start":
        return "Known at the start: inputs and weights"
    if step.kind == "forward":
        return f"Forward pass: {text(step.node)} = {number(p.values[step.node], 3)}"
    return f"Backward pass: ∂L/∂{text(step.node)} = {number(p.adjoints[step.node], 3)}"


def step_counter(k: int, last: int) -> str:
    return f"step {k} / {last}"


def walkthrough_frames(net: Network, p: Pass, steps: Sequence[Step], texts: Texts) -> Iterator[Image.Image]:
    """One picture per step k: the graph with the values known so far under the nodes, the adjoints the backward
    pass has reached, and the edges step k uses drawn thick (blue forward, pink backward)."""
    pos = POSITIONS[net.arch]
    xs, ys = [x for x, _ in pos.values()], [y for _, y in pos.values()]
    # Room on the left for the weights' numbers, which a slide writes larger than the page's figure does.
    (x0, x1), (y0, y1) = (min(xs) - 2.6, max(xs) + 0.6), (min(ys) - 1.0, max(ys) + 0.5)
    # The 2-2-1 net stacks its weights one unit apart and puts two units 1.6 apart: smaller rings and numbers.
    radius, name_size, size = (15, 13, 12) if net.arch == "2-2-1" else (19, 17, 14)

    def at(name: str) -> tuple[float, float]:
        x, y = pos[name]
        return 20 + (x - x0) / (x1 - x0) * (WIDTH - 40), HEADER + 10 + (y1 - y) / (y1 - y0) * (HEIGHT - HEADER - 20)

    def edge(draw: ImageDraw.ImageDraw, source: str, target: str, color: RGB, width: int) -> None:
        (ax, ay), (bx, by) = at(source), at(target)
        length = max(1e-9, ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5)
        ux, uy = (bx - ax) / length * radius, (by - ay) / length * radius
        draw.line((ax + ux, ay + uy, bx - ux, by - uy), fill=color, width=width)

    base = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(base)
    for e in net.edges:
        edge(draw, e.source, e.target, _rgb(EDGE_GREY), 2)
    for k, current in enumerate(steps):
        frame = base.copy()
        draw = ImageDraw.Draw(frame)
        draw_header(frame, texts, step_counter(k, len(steps) - 1), step_detail(net, p, current))
        color = _rgb(UPDATE if current.kind == "forward" else GRADIENT)
        for e in current.edges:
            edge(draw, e.source, e.target, color, 6)
        done = steps[1 : k + 1]
        known = {n.name for n in net.nodes if n.kind in ("input", "weight")}
        known |= {s.node for s in done if s.kind == "forward"}
        reached = {s.node for s in done if s.kind == "backward"}
        for node in net.nodes:
            x, y = at(node.name)
            ring = POINT if node.name == current.node else _rgb(KIND_COLORS[node.kind])
            width = 5 if node.name == current.node else 3
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=PAPER, outline=ring, width=width)
            draw.text((x, y), text(node.name), font=font(name_size), fill=INK, anchor="mm")
            weight = node.kind == "weight"  # a weight's numbers sit to its left, clear of the weights below it
            tx, ty, anchor = (x - radius - 4, y, "rm") if weight else (x, y + radius + 3, "ma")
            value = f"= {number(p.values[node.name], 3)}" if node.name in known else ""
            draw.text((tx, ty), value, font=font(size), fill=INK, anchor=anchor)
            if node.name in reached:
                adjoint = f"∂L/∂{text(node.name)} = {number(p.adjoints[node.name], 3)}"
                # Below the value; a weight's on the same line, further left (the next weight sits below it).
                where = (tx - draw.textlength(value, font=font(size)) - 10, ty) if weight else (tx, ty + size + 3)
                draw.text(where, adjoint, font=font(size), fill=_rgb(GRADIENT), anchor=anchor)
        yield frame


def walkthrough_recording(net: Network, p: Pass, steps: Sequence[Step], texts: Texts, kind: str) -> bytes:
    """The walk-through as a "gif" or an "mp4", a step a second."""
    return encoded(lambda: walkthrough_frames(net, p, steps, texts), kind, fps=FPS, inks=INKS)
