"""Each optimizer's steps against values computed by hand from torch.optim's update rules.

f(x, y) = x² + 3y² from (1, 1), so ∇f = (2x, 6y). The reference loop below is written out per
coordinate in plain Python floats, from the rules as torch documents them, independently of core.
"""

import math

import numpy as np
import pytest

from core import OPTIMIZERS, descend, parse

F = parse("x**2 + 3*y**2")
START = (1.0, 1.0)


def grad(p):
    return [2 * p[0], 6 * p[1]]


def reference(name, lr, steps, momentum=0.9, alpha=0.99, eps=None, betas=(0.9, 0.999)):
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
            elif name == "adam":
                b1, b2 = betas
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
                m_hat, v_hat = m[i] / (1 - b1**t), v[i] / (1 - b2**t)
                p[i] -= lr * m_hat / (math.sqrt(v_hat) + (1e-8 if eps is None else eps))
        path.append(tuple(p))
    return np.array(path)


def test_the_table_holds_the_six_optimizers():
    assert list(OPTIMIZERS) == ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]


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
}


@pytest.mark.parametrize(("name", "lr"), sorted(HAND))
def test_first_steps_equal_hand_computed_values(name, lr):
    expected = HAND[(name, lr)]
    t = descend(F, START, optimizer=name, lr=lr, steps=len(expected))
    # eps moves the adaptive methods' first step by under 1e-7.
    assert t.points[1:] == pytest.approx(np.array(expected), rel=1e-12, abs=1e-7)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("lr", [0.01, 0.05])
def test_twenty_steps_follow_the_torch_rules(name, lr):
    t = descend(F, START, optimizer=name, lr=lr, steps=20)
    assert t.status == "ok"
    assert t.points == pytest.approx(reference(name, lr, 20), rel=1e-13, abs=1e-15)


def test_hyperparameters_use_torch_names():
    t = descend(F, START, optimizer="adam", lr=0.05, steps=10, betas=(0.8, 0.99), eps=1e-6)
    assert t.points == pytest.approx(reference("adam", 0.05, 10, betas=(0.8, 0.99), eps=1e-6), rel=1e-13)
    t = descend(F, START, optimizer="momentum", lr=0.05, steps=10, momentum=0.5)
    assert t.points == pytest.approx(reference("momentum", 0.05, 10, momentum=0.5), rel=1e-13)
    t = descend(F, START, optimizer="rmsprop", lr=0.05, steps=10, alpha=0.9)
    assert t.points == pytest.approx(reference("rmsprop", 0.05, 10, alpha=0.9), rel=1e-13)
    with pytest.raises(ValueError, match="no hyperparameter"):
        descend(F, START, optimizer="gd", lr=0.1, steps=1, betas=(0.9, 0.9))


def test_adam_state_holds_the_moments():
    t = descend(F, START, optimizer="adam", lr=0.1, steps=2)
    state = t.states[0]
    assert state.step == 1
    assert state.exp_avg == pytest.approx([0.2, 0.6])
    assert state.exp_avg_sq == pytest.approx([0.004, 0.036])


def test_update_is_the_difference_of_consecutive_points():
    t = descend(F, START, optimizer="nesterov", lr=0.05, steps=5)
    assert np.array_equal(t.points[1:], t.points[:-1] + t.updates)
