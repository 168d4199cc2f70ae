"""The learning-rate schedule table: η_k for every step k, each entry computed as torch.optim.lr_scheduler does.

A schedule is one entry like an optimizer's: its formula, its parameters with the ranges a student may set, the
rates themselves, the line of the written-out step and the code of "Show the code". Schedules that anneal do so
over the whole run (T = the number of steps), as OneCycleLR's ``total_steps``. The rates follow torch's own
arithmetic, recursive where torch is recursive (StepLR multiplies by γ, CosineAnnealingLR steps by a ratio of
cosines), so η_k equals torch's to the last bit: step k uses the rate torch's scheduler holds after k − 1 calls of
``scheduler.step()``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

from core.optimizers import Fmt, Hyper


class Schedule(NamedTuple):
    """An entry of the schedule table: everything the dashboard knows about one learning-rate schedule."""

    name: str
    label: str
    formula: str  # η_k in LaTeX, with η the learning rate set and T the number of steps; lines joined by \\
    params: tuple[Hyper, ...]
    rates: Callable[..., list[float]]  # (lr, steps, **params) -> [η_1, …, η_steps]
    about: str
    explain: Callable[[float, int, int, Mapping[str, float], Fmt], str]  # (lr, k, T, params, fmt) -> "η × …"
    code: tuple[str, ...]  # numpy lines giving lr from base_lr, the step k (from 1), steps and the parameters

    @property
    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}

    @property
    def formula_lines(self) -> list[str]:
        """The formula's lines, one LaTeX display each (a narrow sidebar shows them without cutting)."""
        return self.formula.split(r" \\ ")


def _constant(lr: float, steps: int) -> list[float]:
    return [lr] * steps


def _step(lr: float, steps: int, step_size: int, gamma: float) -> list[float]:
    """StepLR: η is multiplied by γ every ``step_size`` steps."""
    rates, now = [], lr
    for epoch in range(steps):
        if epoch > 0 and epoch % int(step_size) == 0:
            now = now * gamma
        rates.append(now)
    return rates


def _exponential(lr: float, steps: int, gamma: float) -> list[float]:
    """ExponentialLR: η is multiplied by γ after every step."""
    rates, now = [], lr
    for epoch in range(steps):
        if epoch > 0:
            now = now * gamma
        rates.append(now)
    return rates


def _cosine_from(now: float, base: float, eta_min: float, t_max: int, count: int) -> list[float]:
    """CosineAnnealingLR's recursive form from epoch 0 (rate ``now``): each rate is the last one moved by the
    ratio (1 + cos(πe/T)) / (1 + cos(π(e−1)/T)) towards η_min."""
    rates = []
    for epoch in range(count):
        if epoch > 0:
            if (epoch - 1 - t_max) % (2 * t_max) == 0:
                now = now + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
            else:
                ratio = (1 + math.cos(math.pi * epoch / t_max)) / (1 + math.cos(math.pi * (epoch - 1) / t_max))
                now = ratio * (now - eta_min) + eta_min
        rates.append(now)
    return rates


def _cosine(lr: float, steps: int, eta_min: float) -> list[float]:
    """CosineAnnealingLR with T_max = steps: η_min + (η − η_min)(1 + cos(π(k−1)/T))/2."""
    return _cosine_from(lr, lr, eta_min, steps, steps)


def warmup_length(warmup: float, steps: int) -> int:
    """The warmup actually used: at most steps − 1, so the cosine part has at least one step."""
    return max(0, min(int(warmup), steps - 1))


def _warmup_cosine(lr: float, steps: int, warmup: int, start_factor: float, eta_min: float) -> list[float]:
    """SequentialLR([LinearLR(start_factor, 1, W), CosineAnnealingLR(T − W, η_min)], milestones=[W])."""
    w = warmup_length(warmup, steps)
    if w == 0:
        return _cosine(lr, steps, eta_min)
    rates, now = [], lr * start_factor
    for epoch in range(w):
        if epoch > 0:
            now = now * (1.0 + (1.0 - start_factor) / (w * start_factor + (epoch - 1) * (1.0 - start_factor)))
        rates.append(now)
    # At the milestone torch restarts the cosine from its closed form at epoch 0.
    first = eta_min + (lr - eta_min) * (1 + math.cos(math.pi * 0 / (steps - w))) / 2
    return rates + _cosine_from(first, lr, eta_min, steps - w, steps - w)


def _anneal(start: float, end: float, pct: float) -> float:
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _one_cycle(lr: float, steps: int, pct_start: float, div_factor: float, final_div_factor: float) -> list[float]:
    """OneCycleLR(max_lr=η, total_steps=T), cosine annealing, η only (momentum is not cycled).

    Up from η/div to η over the first pct_start·T steps, then down to η/(div·final_div) at the last step.
    """
    initial = lr / div_factor
    phases = ((float(pct_start * steps) - 1, initial, lr), (steps - 1, lr, initial / final_div_factor))
    rates = []
    for epoch in range(steps):
        start_step = 0.0
        for i, (end_step, low, high) in enumerate(phases):
            if epoch <= end_step or i == len(phases) - 1:
                # A phase of no length (pct_start·T = 1) is already at its end (torch divides by zero there).
                pct = (epoch - start_step) / (end_step - start_step) if end_step != start_step else 1.0
                rates.append(_anneal(low, high, pct))
                break
            start_step = end_step
    return rates


def _explain_constant(lr: float, k: int, steps: int, p: Mapping[str, float], fmt: Fmt) -> str:
    return f"η_{k} = η = {fmt(lr)}"


def _explain_step(lr: float, k: int, steps: int, p: Mapping[str, float], fmt: Fmt) -> str:
    drops = (k - 1) // int(p["step_size"])
    return f"η_{k} = η × γ^⌊({k} − 1)/{int(p['step_size'])}⌋ = {fmt(lr)} × {fmt(p['gamma'])}^{drops}"


def _explain_exponential(lr: float, k: int, steps: int, p: Mapping[str, float], fmt: Fmt) -> str:
    return f"η_{k} = η × γ^({k} − 1) = {fmt(lr)} × {fmt(p['gamma'])}^{k - 1}"


def _cosine_line(lr: float, k: int, e: int, t: int, eta_min: float, fmt: Fmt) -> str:
    low = fmt(eta_min)
    return f"η_{k} = η_min + (η − η_min)(1 + cos(π·{e}/{t}))/2 = {low} + ({fmt(lr)} − {low}) × (1 + cos(π·{e}/{t}))/2"


def _explain_cosine(lr: float, k: int, steps: int, p: Mapping[str, float], fmt: Fmt) -> str:
    return _cosine_line(lr, k, k - 1, steps, p["eta_min"], fmt)


def _explain_warmup_cosine(lr: float, k: int, steps: int, p: Mapping[str, float], fmt: Fmt) -> str:
    w = warmup_length(p["warmup"], steps)
    if k - 1 < w:
        s = fmt(p["start_factor"])
        return f"η_{k} = η × (s + (1 − s)·{k - 1}/{w}) = {fmt(lr)} × ({s} + (1 − {s}) × {k - 1}/{w})"
    return _cosine_line(lr, k, k - 1 - w, steps - w, p["eta_min"], fmt)


def _explain_one_cycle(lr: float, k: int, steps: int, p: Mapping[str, float], fmt: Fmt) -> str:
    peak = float(p["pct_start"] * steps) - 1
    d, d_final = fmt(p["div_factor"]), fmt(p["final_div_factor"])
    if k - 1 <= peak:
        return f"η_{k}: up from η/{d} to η = {fmt(lr)} along half a cosine (step {k} of {peak + 1:g})"
    return f"η_{k}: down from η = {fmt(lr)} along half a cosine to η/({d} × {d_final}) at step {steps}"


_GAMMA = Hyper("gamma", "factor γ", 0.5, 0.01, 1.0, 0.01, "%.2f")
_ETA_MIN = Hyper("eta_min", "η_min (the rate at the end)", 0.0, 0.0, 10.0, 0.001, "%.4g", "number")
_COSINE_CODE = "lr = eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * {e} / {t})) / 2"

SCHEDULES: dict[str, Schedule] = {
    "constant": Schedule(
        "constant",
        "Constant",
        r"\eta_k = \eta",
        (),
        _constant,
        "The same learning rate at every step.",
        _explain_constant,
        ("lr = base_lr",),
    ),
    "step": Schedule(
        "step",
        "Step decay",
        r"\eta_k = \eta\, \gamma^{\lfloor (k-1)/s \rfloor}",
        (Hyper("step_size", "every s steps", 20, 1, 500, 1, "%d", integer=True), _GAMMA),
        _step,
        "Multiply η by γ every s steps (torch.optim.lr_scheduler.StepLR): big steps first, then finer ones.",
        _explain_step,
        ("lr = base_lr * gamma ** ((k - 1) // step_size)",),
    ),
    "exponential": Schedule(
        "exponential",
        "Exponential decay",
        r"\eta_k = \eta\, \gamma^{k-1}",
        (_GAMMA._replace(default=0.95, low=0.5, step=0.005, format="%.3f"),),
        _exponential,
        "Multiply η by γ after every step (ExponentialLR): a smooth decay that never stops shrinking.",
        _explain_exponential,
        ("lr = base_lr * gamma ** (k - 1)",),
    ),
    "cosine": Schedule(
        "cosine",
        "Cosine annealing",
        r"\eta_k = \eta_{min} + (\eta - \eta_{min}) \\ \quad \times \tfrac{1}{2}\big(1 + \cos\tfrac{\pi (k-1)}{T}\big)",
        (_ETA_MIN,),
        _cosine,
        "η falls along half a cosine from η to η_min over the run's T steps (CosineAnnealingLR with T_max = T): "
        "slow at first, fastest in the middle, gentle at the end. Under noisy gradients the small late steps "
        "average the noise out.",
        _explain_cosine,
        (_COSINE_CODE.format(e="(k - 1)", t="steps"),),
    ),
    "warmup_cosine": Schedule(
        "warmup_cosine",
        "Warmup, then cosine",
        r"\eta_k = \eta\,\big(s + (1-s)\tfrac{k-1}{W}\big),\ k \le W \\ \text{then cosine over } T - W \text{ steps}",
        (
            Hyper("warmup", "warmup W (steps)", 10, 0, 500, 1, "%d", integer=True),
            Hyper("start_factor", "start factor s", 0.1, 0.01, 1.0, 0.01, "%.2f"),
            _ETA_MIN,
        ),
        _warmup_cosine,
        "Start small and grow η linearly for W steps (LinearLR), then anneal it along a cosine (CosineAnnealingLR), "
        "joined by SequentialLR. Warmup keeps the first steps safe while Adam's averages are still young.",
        _explain_warmup_cosine,
        (
            "W = min(warmup, steps - 1)",
            "if k - 1 < W:",
            "    lr = base_lr * (start_factor + (1 - start_factor) * (k - 1) / W)",
            "else:",
            "    " + _COSINE_CODE.format(e="(k - 1 - W)", t="(steps - W)"),
        ),
    ),
    "one_cycle": Schedule(
        "one_cycle",
        "One-cycle",
        r"\tfrac{\eta}{d} \nearrow \eta \text{ over } pT \text{ steps} \\ "
        r"\text{then } \eta \searrow \tfrac{\eta}{d\,d_f} \text{ at } T",
        (
            Hyper("pct_start", "rising part p", 0.3, 0.05, 0.95, 0.05, "%.2f"),
            Hyper("div_factor", "start divisor d", 25.0, 1.0, 1000.0, 1.0, "%g", "number"),
            Hyper("final_div_factor", "final divisor d_f", 1e4, 1.0, 1e6, 10.0, "%g", "number"),
        ),
        _one_cycle,
        "Leslie Smith's one cycle (OneCycleLR with the learning rate η as max_lr, total_steps = T; η only, momentum "
        "is not cycled): up from η/d to η along half a cosine, then down far below the start.",
        _explain_one_cycle,
        (
            "peak = float(pct_start * steps) - 1  # η is highest after this many steps",
            "if k - 1 <= peak:",
            "    start, end, pct = base_lr / div_factor, base_lr, (k - 1) / peak if peak else 1.0",
            "else:",
            "    start, end = base_lr, base_lr / div_factor / final_div_factor",
            "    pct = (k - 1 - peak) / (steps - 1 - peak)",
            "lr = end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)",
        ),
    ),
}


def rates(name: str, lr: float, steps: int, **params: float) -> list[float]:
    """η_1 … η_steps of the named schedule, torch's defaults (the table's) for every parameter not given.

    >>> rates("step", 1.0, 5, step_size=2, gamma=0.5)
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    if name not in SCHEDULES:
        raise ValueError(f"Unknown learning-rate schedule {name!r}; choose one of {', '.join(SCHEDULES)}.")
    spec = SCHEDULES[name]
    unknown = set(params) - set(spec.defaults)
    if unknown:
        raise ValueError(f"The {spec.label.lower()} schedule has no parameter {', '.join(sorted(unknown))}.")
    return spec.rates(lr, int(steps), **{**spec.defaults, **params})
