"""Each optimizer's steps against values computed by hand from torch.optim's update rules.

f(x, y) = x² + 3y² from (1, 1), so ∇f = (2x, 6y). The reference loop below is written out per
coordinate in plain Python floats, from the rules as torch documents them, independently of core.
"""

import math
import re

import numpy as np
import pytest

from core import OPTIMIZERS, descend, parse
from core.optimizers import FIRST_ORDER

F = parse("x**2 + 3*y**2")
START = (1.0, 1.0)


def grad(p):
    return [2 * p[0], 6 * p[1]]


def reference(name, lr, steps, momentum=0.9, alpha=0.99, eps=None, beta1=0.9, beta2=0.999, weight_decay=0.01):
    p = list(START)
    buf, acc, avg, m, v = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    path = [tuple(p)]
    for t in range(1, steps + 1):
        g = grad(p)
        for i in range(2):
            if name == "gd":
                p[i] -= lr * g[i]
            elif name in ("momentum", "nesterov"):
                buf[i] = g[i] if t == 1 else momentum * buf[i] + g[i]
                direction = g[i] + momentum * buf[i] if name == "nesterov" else buf[i]
                p[i] -= lr * direction
            elif name == "adagrad":
                acc[i] += g[i] ** 2
                p[i] -= lr * g[i] / (math.sqrt(acc[i]) + (1e-10 if eps is None else eps))
            elif name == "rmsprop":
                avg[i] = alpha * avg[i] + (1 - alpha) * g[i] ** 2
                p[i] -= lr * g[i] / (math.sqrt(avg[i]) + (1e-8 if eps is None else eps))
            elif name in ("adam", "adamw"):
                if name == "adamw":
                    p[i] *= 1 - lr * weight_decay
                b1, b2 = beta1, beta2
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
                m_hat, v_hat = m[i] / (1 - b1**t), v[i] / (1 - b2**t)
                p[i] -= lr * m_hat / (math.sqrt(v_hat) + (1e-8 if eps is None else eps))
        path.append(tuple(p))
    return np.array(path)


def test_the_table_holds_seven_first_order_optimizers_and_four_newton_variants():
    assert list(FIRST_ORDER) == ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]
    assert list(OPTIMIZERS) == [*FIRST_ORDER, "newton", "newton_damped", "newton_ls", "newton_pd"]
    assert all(spec.second_order == (name not in FIRST_ORDER) for name, spec in OPTIMIZERS.items())


# Values worked out on paper: ∇f(1, 1) = (2, 6).
HAND = {
    ("gd", 0.1): [(0.8, 0.4), (0.64, 0.16)],
    # b1 = (2, 6); b2 = 0.9·b1 + ∇f(0.8, 0.4) = (3.4, 7.8)
    ("momentum", 0.1): [(0.8, 0.4), (0.46, -0.38)],
    # b1 = (2, 6), step along g + 0.9·b1 = (3.8, 11.4); then b2 = (3.04, 4.56), g + 0.9·b2 = (3.976, 3.264)
    ("nesterov", 0.1): [(0.62, -0.14), (0.2224, -0.4664)],
    # AdaGrad's, RMSProp's and Adam's first step has size ≈ lr, 10·lr and lr per coordinate, whatever |g|.
    ("adagrad", 0.1): [(0.9, 0.9)],
    ("rmsprop", 0.01): [(0.9, 0.9)],
    ("adam", 0.1): [(0.9, 0.9)],
    # AdamW shrinks first: 1·(1 − 0.1·0.01) = 0.999, then Adam's step of ≈ 0.1.
    ("adamw", 0.1): [(0.899, 0.899)],
}


@pytest.mark.parametrize(("name", "lr"), sorted(HAND))
def test_first_steps_equal_hand_computed_values(name, lr):
    expected = HAND[(name, lr)]
    t = descend(F, START, optimizer=name, lr=lr, steps=len(expected))
    # eps moves the adaptive methods' first step by under 1e-7.
    assert t.points[1:] == pytest.approx(np.array(expected), rel=1e-12, abs=1e-7)


@pytest.mark.parametrize("name", list(FIRST_ORDER))
@pytest.mark.parametrize("lr", [0.01, 0.05])
def test_twenty_steps_follow_the_torch_rules(name, lr):
    t = descend(F, START, optimizer=name, lr=lr, steps=20)
    assert t.status == "ok"
    assert t.points == pytest.approx(reference(name, lr, 20), rel=1e-13, abs=1e-15)


def test_hyperparameters_use_torch_names():
    t = descend(F, START, optimizer="adam", lr=0.05, steps=10, beta1=0.8, beta2=0.99, eps=1e-6)
    assert t.points == pytest.approx(reference("adam", 0.05, 10, beta1=0.8, beta2=0.99, eps=1e-6), rel=1e-13)
    t = descend(F, START, optimizer="adamw", lr=0.05, steps=10, weight_decay=0.5)
    assert t.points == pytest.approx(reference("adamw", 0.05, 10, weight_decay=0.5), rel=1e-13)
    t = descend(F, START, optimizer="momentum", lr=0.05, steps=10, momentum=0.5)
    assert t.points == pytest.approx(reference("momentum", 0.05, 10, momentum=0.5), rel=1e-13)
    t = descend(F, START, optimizer="rmsprop", lr=0.05, steps=10, alpha=0.9)
    assert t.points == pytest.approx(reference("rmsprop", 0.05, 10, alpha=0.9), rel=1e-13)
    with pytest.raises(ValueError, match="no hyperparameter"):
        descend(F, START, optimizer="gd", lr=0.1, steps=1, beta1=0.9)


def test_adam_state_holds_the_moments():
    t = descend(F, START, optimizer="adam", lr=0.1, steps=2)
    state = t.states[0]
    assert state.step == 1
    assert state.exp_avg == pytest.approx([0.2, 0.6])
    assert state.exp_avg_sq == pytest.approx([0.004, 0.036])


def test_update_is_the_difference_of_consecutive_points():
    t = descend(F, START, optimizer="nesterov", lr=0.05, steps=5)
    assert np.array_equal(t.points[1:], t.points[:-1] + t.updates)


TORCH = {
    "gd": ("SGD", {}),
    "momentum": ("SGD", {"momentum": 0.9}),
    "nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}),
    "adagrad": ("Adagrad", {}),
    "rmsprop": ("RMSprop", {}),
    "adam": ("Adam", {}),
    "adamw": ("AdamW", {}),
}


def torch_path(name, lr, steps, start=START, **hyper):
    """The same descent of f = x² + 3y² run by torch.optim itself in float64 (the table's names as torch's)."""
    torch = pytest.importorskip("torch")
    cls, extra = TORCH[name]
    if "beta1" in hyper or "beta2" in hyper:
        hyper["betas"] = (hyper.pop("beta1", 0.9), hyper.pop("beta2", 0.999))
    w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([w], lr=lr, foreach=False, **{**extra, **hyper})
    path = [w.detach().numpy().copy()]
    for _ in range(steps):
        # ∇f = (2x, 6y) formed as core's compiled gradient forms it, so only the optimizers' arithmetic is compared.
        with torch.no_grad():
            w.grad = torch.stack([2 * w[0], 6 * w[1]])
        opt.step()
        path.append(w.detach().numpy().copy())
    return np.array(path)


@pytest.mark.parametrize("name", list(FIRST_ORDER))
def test_every_optimizer_takes_torch_optims_steps(name):
    t = descend(F, START, optimizer=name, lr=0.05, steps=30)
    # The same arithmetic in the same order; torch's CPU kernels fuse a·b + c (one rounding fewer), hence 1e-12.
    assert t.points == pytest.approx(torch_path(name, 0.05, 30), rel=1e-12, abs=1e-15)


def test_adamw_decays_the_weights_as_torch_does():
    t = descend(F, (2.0, -1.5), optimizer="adamw", lr=0.1, steps=25, weight_decay=0.3, beta1=0.8)
    expected = torch_path("adamw", 0.1, 25, start=(2.0, -1.5), weight_decay=0.3, beta1=0.8)
    assert t.points == pytest.approx(expected, rel=1e-13)
    # Decoupled: with a zero gradient the weights still shrink by (1 − ηλ) per step.
    flat = descend(
        parse("0*x + 0*y", variables=("x", "y")), (1.0, -2.0), optimizer="adamw", lr=0.1, steps=3, weight_decay=0.5
    )
    assert flat.points[-1] == pytest.approx(np.array([1.0, -2.0]) * 0.95**3, rel=1e-15)


@pytest.mark.parametrize("spec", list(OPTIMIZERS.values()), ids=list(OPTIMIZERS))
def test_every_entry_is_complete(spec):
    assert spec.label and spec.rule and spec.about
    assert spec.build(0.1, **spec.defaults) is not None
    assert descend(F, START, optimizer=spec.name, lr=0.05, steps=3).status == "ok"
    for h in spec.hypers:
        assert h.low <= h.default <= h.high, h
        assert 0 < h.step <= h.high - h.low, h
    # the names the state binds: assignments, and helper functions (Newton's newton_direction)
    state_names = {m.group(1) for line in spec.code_state if (m := re.match(r"(?:def )?(\w+)(?: = |\()", line))}
    assert state_names or not spec.code_state
    assert all(any(n in line for line in spec.code_update) for n in state_names)  # the step uses its state


@pytest.mark.parametrize("name", list(FIRST_ORDER))
def test_agreement_with_torch_is_twelve_digits_from_any_start_not_bit_for_bit(name):
    """issue 27: the module claimed bit-exactness; what holds is 1e-12 relative (see core.optimizers)."""
    for start, lr in [((2.5, -0.7), 0.01), ((-1.3, 2.2), 0.1), ((0.4, 0.9), 0.05)]:
        t = descend(F, start, optimizer=name, lr=lr, steps=30)
        assert t.points == pytest.approx(torch_path(name, lr, 30, start=start), rel=1e-12, abs=1e-15)
