"""NAG: params is torch's look-ahead point theta; lecture_point is the lecture's w.

The lecture's form, implemented directly below, takes the gradient at the look-ahead point:

    a_{t+1} = beta * a_t + g(w_t - lr * beta * a_t)
    w_{t+1} = w_t - lr * a_{t+1}
"""

from __future__ import annotations

import numpy as np
import torch  # unconditional: a missing torch fails this module, it never skips

from optim_ref import NAG, Momentum

LR, BETA, STEPS = 0.02, 0.9, 200


def quadratic(dim=5, cond=10.0, seed=7):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    a = q @ np.diag(np.geomspace(1.0, cond, dim)) @ q.T
    b = rng.uniform(1.0, 2.0, dim)
    return a, b


A, B = quadratic()


def grad(x):
    return x @ A - B


def starts():
    return np.random.default_rng(8).standard_normal((3, A.shape[0])) * 3


def nag_paths():
    """NAG's params (theta) and lecture points (w) along a run."""
    opt = NAG(lr=LR, momentum=BETA)
    theta = starts()
    state = opt.init(theta)
    thetas, ws = [theta], [opt.lecture_point(theta, state)]
    for _ in range(STEPS):
        theta, state = opt.step(theta, grad(theta), state)
        thetas.append(theta)
        ws.append(opt.lecture_point(theta, state))
    return np.array(thetas), np.array(ws)


def lecture_paths():
    """The lecture's look-ahead form, directly: w and the look-ahead points it evaluates."""
    w = starts()
    a = np.zeros_like(w)
    ws, lookaheads = [w], [w - LR * BETA * a]
    for _ in range(STEPS):
        a = BETA * a + grad(w - LR * BETA * a)
        w = w - LR * a
        ws.append(w)
        lookaheads.append(w - LR * BETA * a)
    return np.array(ws), np.array(lookaheads)


def rel(ours, ref):
    return float(np.max(np.abs(ours - ref) / np.abs(ref)))


def test_params_path_equals_torch_nesterov_sgd():
    thetas, _ = nag_paths()
    p = torch.tensor(starts(), requires_grad=True)
    opt = torch.optim.SGD([p], lr=LR, momentum=BETA, nesterov=True)
    ref = [p.detach().numpy().copy()]
    for _ in range(STEPS):
        p.grad = torch.tensor(grad(p.detach().numpy()))
        opt.step()
        ref.append(p.detach().numpy().copy())
    assert rel(thetas, np.array(ref)) <= 1e-12


def test_lecture_point_path_equals_the_lecture_form():
    _, ws = nag_paths()
    lecture_ws, _ = lecture_paths()
    assert rel(ws, lecture_ws) <= 1e-10


def test_params_are_the_lecture_look_ahead_points():
    thetas, _ = nag_paths()
    _, lookaheads = lecture_paths()
    assert rel(thetas, lookaheads) <= 1e-10


def test_both_points_converge_to_the_minimum():
    thetas, ws = nag_paths()
    x_star = np.linalg.solve(A, B)
    assert np.max(np.abs(thetas[-1] - x_star)) < 1e-4
    assert np.max(np.abs(ws[-1] - x_star)) < 1e-4


def test_first_step_moves_theta_by_lr_one_plus_beta_g_and_w_by_lr_g():
    opt = NAG(lr=LR, momentum=BETA)
    theta0 = starts()
    state = opt.init(theta0)
    np.testing.assert_array_equal(opt.lecture_point(theta0, state), theta0)  # a_0 = 0
    g = grad(theta0)
    theta1, state = opt.step(theta0, g, state)
    np.testing.assert_allclose(theta0 - theta1, LR * (1 + BETA) * g, rtol=1e-12)
    np.testing.assert_allclose(theta0 - opt.lecture_point(theta1, state), LR * g, rtol=1e-10)


def test_nag_is_not_heavy_ball():
    """The look-ahead matters: NAG's path leaves Momentum's after the first step."""
    mom, nag = Momentum(lr=LR, momentum=BETA), NAG(lr=LR, momentum=BETA)
    x = y = starts()
    sm, sn = mom.init(x), nag.init(y)
    for _ in range(5):
        x, sm = mom.step(x, grad(x), sm)
        y, sn = nag.step(y, grad(y), sn)
    assert np.max(np.abs(x - nag.lecture_point(y, sn))) > 1e-3


def test_lecture_point_is_pure_and_broadcasts_a_sweep():
    lr = np.array([[0.01], [0.02], [0.03]])
    opt = NAG(lr=lr, momentum=BETA)
    theta = starts()
    state = opt.init(theta)
    theta, state = opt.step(theta, grad(theta), state)
    before = (theta.copy(), state.velocity.copy())
    w = opt.lecture_point(theta, state)
    np.testing.assert_array_equal(theta, before[0])
    np.testing.assert_array_equal(state.velocity, before[1])
    np.testing.assert_array_equal(w, theta + lr * BETA * state.velocity)
