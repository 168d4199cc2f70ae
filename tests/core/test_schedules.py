"""Every learning-rate schedule against torch.optim.lr_scheduler itself: η_k equal to the last bit, step by step,
and a whole descent with a schedule equal to torch's optimizer driven by torch's scheduler."""

import math
import warnings

import numpy as np
import pytest

from core import descend, parse
from core.schedules import SCHEDULES, rates, warmup_length

F = parse("x**2 + 3*y**2")


def torch_scheduler(torch, opt, name, steps, **p):
    """The torch scheduler the table's entry stands for, on ``opt``."""
    sched = torch.optim.lr_scheduler
    if name == "constant":
        return sched.LambdaLR(opt, lambda e: 1.0)
    if name == "step":
        return sched.StepLR(opt, step_size=int(p["step_size"]), gamma=p["gamma"])
    if name == "exponential":
        return sched.ExponentialLR(opt, gamma=p["gamma"])
    if name == "cosine":
        return sched.CosineAnnealingLR(opt, T_max=steps, eta_min=p["eta_min"])
    if name == "warmup_cosine":
        w = warmup_length(p["warmup"], steps)
        warm = sched.LinearLR(opt, start_factor=p["start_factor"], end_factor=1.0, total_iters=w)
        cosine = sched.CosineAnnealingLR(opt, T_max=steps - w, eta_min=p["eta_min"])
        return sched.SequentialLR(opt, [warm, cosine], milestones=[w])
    if name == "one_cycle":
        return sched.OneCycleLR(
            opt,
            max_lr=opt.param_groups[0]["lr"],
            total_steps=steps,
            pct_start=float(p["pct_start"]),
            div_factor=p["div_factor"],
            final_div_factor=p["final_div_factor"],
            cycle_momentum=False,
        )
    raise AssertionError(name)


def torch_rates(name, lr, steps, optimizer="SGD", **p):
    """The rate torch's optimizer holds at each of ``steps`` optimizer steps, scheduler stepped after each."""
    torch = pytest.importorskip("torch")
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, optimizer)([w], lr=lr)
    scheduler = torch_scheduler(torch, opt, name, steps, **{**SCHEDULES[name].defaults, **p})
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "optimizer.step() before lr_scheduler.step()": nothing is trained here
        for _ in range(steps):
            out.append(opt.param_groups[0]["lr"])
            opt.step()
            if len(out) < steps:  # OneCycleLR refuses a step past T
                scheduler.step()
    return out


CASES = [
    ("constant", 0.1, 30, {}),
    ("step", 0.1, 60, {}),
    ("step", 0.3, 47, {"step_size": 7, "gamma": 0.3}),
    ("exponential", 0.1, 60, {}),
    ("exponential", 0.7, 200, {"gamma": 0.97}),
    ("cosine", 0.1, 60, {}),
    ("cosine", 0.05, 500, {"eta_min": 0.001}),
    ("cosine", 1.0, 1, {}),
    ("warmup_cosine", 0.1, 60, {}),
    ("warmup_cosine", 0.2, 100, {"warmup": 25, "start_factor": 0.3, "eta_min": 0.002}),
    ("warmup_cosine", 0.2, 40, {"warmup": 0}),
    ("warmup_cosine", 0.2, 2, {"warmup": 1}),
    ("one_cycle", 0.1, 60, {}),
    ("one_cycle", 0.5, 333, {"pct_start": 0.45, "div_factor": 10.0, "final_div_factor": 100.0}),
    ("one_cycle", 0.5, 1, {}),
]


def test_the_table_holds_the_six_schedules_of_the_issue():
    assert list(SCHEDULES) == ["constant", "step", "exponential", "cosine", "warmup_cosine", "one_cycle"]


@pytest.mark.parametrize(("name", "lr", "steps", "params"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_every_rate_equals_torchs_scheduler_to_the_last_bit(name, lr, steps, params):
    ours = rates(name, lr, steps, **params)
    assert len(ours) == steps
    assert ours == torch_rates(name, lr, steps, **params)


def test_rates_worked_by_hand():
    assert rates("step", 1.0, 7, step_size=3, gamma=0.1) == pytest.approx([1, 1, 1, 0.1, 0.1, 0.1, 0.01], rel=1e-15)
    assert rates("exponential", 2.0, 3, gamma=0.5) == [2.0, 1.0, 0.5]
    # Cosine over T = 4: (1 + cos(πe/4))/2 = 1, 0.8536, 0.5, 0.1464.
    assert rates("cosine", 1.0, 4) == pytest.approx([1, (1 + math.sqrt(0.5)) / 2, 0.5, (1 - math.sqrt(0.5)) / 2])
    # Warmup W = 4 from s = 0.2: 0.2, 0.4, 0.6, 0.8, then the cosine over T − W = 2 from η: 1, 0.5.
    assert rates("warmup_cosine", 1.0, 6, warmup=4, start_factor=0.2) == pytest.approx([0.2, 0.4, 0.6, 0.8, 1, 0.5])
    # One cycle over 10 steps, p = 0.3: η/25 at k = 1, η at k = 3 (epoch pT − 1 = 2), η/25/10⁴ at the last step.
    cycle = rates("one_cycle", 1.0, 10)
    assert cycle[0] == pytest.approx(0.04) and cycle[2] == 1.0 and cycle[-1] == pytest.approx(4e-6)
    assert max(cycle) == cycle[2]


def test_a_warmup_longer_than_the_run_leaves_one_cosine_step():
    assert warmup_length(50, 10) == 9 and warmup_length(3, 10) == 3 and warmup_length(5, 1) == 0
    assert rates("warmup_cosine", 1.0, 10, warmup=50) == rates("warmup_cosine", 1.0, 10, warmup=9)


def test_a_one_cycle_whose_rise_is_one_step_long_starts_at_its_peak():
    """torch divides 0 by 0 when p·T = 1; the rise of no length is already at its end, η."""
    assert rates("one_cycle", 1.0, 10, pct_start=0.1)[0] == 1.0


def test_unknown_names_are_refused_with_the_name():
    with pytest.raises(ValueError, match="Unknown learning-rate schedule 'warm'"):
        rates("warm", 0.1, 10)
    with pytest.raises(ValueError, match="no parameter gamma"):
        rates("cosine", 0.1, 10, gamma=0.5)


@pytest.mark.parametrize("spec", list(SCHEDULES.values()), ids=list(SCHEDULES))
def test_every_entry_is_complete(spec):
    assert spec.label and spec.formula and spec.about and spec.code
    for p in spec.params:
        assert p.low <= p.default <= p.high, p
        assert 0 < p.step <= p.high - p.low, p
    assert all(r > 0 for r in rates(spec.name, 0.1, 60))
    assert spec.explain(0.1, 3, 60, spec.defaults, str).startswith("η_3")


TORCH_OPTIMIZERS = {"gd": ("SGD", {}), "momentum": ("SGD", {"momentum": 0.9}), "adam": ("Adam", {})}


@pytest.mark.parametrize("optimizer", list(TORCH_OPTIMIZERS))
@pytest.mark.parametrize("name", ["step", "cosine", "warmup_cosine", "one_cycle"])
def test_a_scheduled_descent_takes_torchs_steps(optimizer, name):
    """torch's optimizer driven by torch's scheduler, against descend with the schedule (AdamW's decay uses η_k)."""
    torch = pytest.importorskip("torch")
    steps, lr = 40, 0.05
    cls, extra = TORCH_OPTIMIZERS[optimizer]
    w = torch.tensor((1.0, 1.0), dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([w], lr=lr, foreach=False, **extra)
    scheduler = torch_scheduler(torch, opt, name, steps, **SCHEDULES[name].defaults)
    path = [w.detach().numpy().copy()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in range(steps):
            with torch.no_grad():
                w.grad = torch.stack([2 * w[0], 6 * w[1]])
            opt.step()
            if k < steps - 1:
                scheduler.step()
            path.append(w.detach().numpy().copy())
    t = descend(F, (1.0, 1.0), optimizer=optimizer, lr=lr, steps=steps, schedule=name)
    assert t.lrs.tolist() == rates(name, lr, steps)
    assert t.points == pytest.approx(np.array(path), rel=1e-12, abs=1e-15)
