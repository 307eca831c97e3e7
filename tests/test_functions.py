"""The test surfaces: analytic gradients against finite differences, minima, lookup, shapes."""

import dataclasses

import numpy as np
import pytest

from optim_ref import functions

RNG_SEED = 20240601
#: each default surface, plus parameterised variants whose formulas take other branches
SURFACES = [functions.get(n) for n in functions.NAMES] + [
    functions.quadratic(kappa=100.0),
    functions.quadratic(kappa=5.0, angle=30.0),
    functions.get("rosenbrock", a=2.0, b=10.0),
    functions.get("rastrigin", A=3.0),
]
IDS = [f"{s.name}-{i}" for i, s in enumerate(SURFACES)]


def central_diff(f, xy, h=1e-6):
    """Central finite differences of a scalar field, row by row, step scaled to the point."""
    xy = np.asarray(xy, dtype=np.float64)
    out = np.empty_like(xy)
    for j in range(2):
        step = h * np.maximum(1.0, np.abs(xy[..., j]))
        e = np.zeros_like(xy)
        e[..., j] = step
        out[..., j] = (f(xy + e) - f(xy - e)) / (2 * step)
    return out


def random_points(surface, n=200, seed=RNG_SEED):
    (x0, x1), (y0, y1) = surface.window
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=-1)


def assert_grad_matches(surface, xy):
    g = surface.grad(xy)
    fd = central_diff(surface.value, xy)
    scale = np.maximum(1.0, np.abs(g).max(axis=-1, keepdims=True))
    np.testing.assert_array_less(np.abs(g - fd) / scale, 1e-6)


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_gradient_matches_central_differences(surface):
    assert_grad_matches(surface, random_points(surface))


def test_gradient_check_catches_a_wrong_gradient():
    @dataclasses.dataclass(frozen=True)
    class Wrong(functions.Rosenbrock):
        def grad(self, xy):  # forgets the factor 2 on the first term
            g = super().grad(xy)
            x = np.asarray(xy)[..., 0]
            return np.stack([g[..., 0] + (1.0 - x), g[..., 1]], axis=-1)

    with pytest.raises(AssertionError):
        assert_grad_matches(Wrong(), random_points(Wrong()))


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_minima_are_zeros_of_the_gradient_with_the_known_value(surface):
    m = surface.minima
    assert m.ndim == 2 and m.shape[1] == 2
    np.testing.assert_allclose(surface.grad(m), 0.0, atol=1e-10)
    np.testing.assert_allclose(surface.value(m), surface.min_value, atol=1e-12)


WITH_MINIMA = [s for s in SURFACES if s.minima.shape[0] > 0]


@pytest.mark.parametrize("surface", WITH_MINIMA, ids=[s.name for s in WITH_MINIMA])
def test_minima_are_minima(surface):
    """Nothing in the window beats a listed (global) minimum (the saddle lists none)."""
    _, _, Z = surface.grid(300)
    assert Z.min() >= surface.min_value - 1e-12


def test_known_minima():
    assert functions.get("himmelblau").minima.shape == (4, 2)
    np.testing.assert_allclose(functions.get("rosenbrock").minima, [[1.0, 1.0]])
    np.testing.assert_allclose(functions.get("rosenbrock", a=2.0).minima, [[2.0, 4.0]])
    np.testing.assert_allclose(functions.get("beale").minima, [[3.0, 0.5]])
    saddle = functions.get("saddle")
    assert saddle.minima.shape == (0, 2)
    assert saddle.min_value == -np.inf
    np.testing.assert_array_equal(saddle.grad([0.0, 0.0]), [0.0, 0.0])  # stationary, not min
    assert saddle.value([0.0, 1.0]) < saddle.value([0.0, 0.0]) < saddle.value([1.0, 0.0])


def test_values_at_hand_computed_points():
    assert functions.get("quadratic").value([1.0, 1.0]) == pytest.approx(5.5)
    assert functions.quadratic(kappa=4.0).value([2.0, 1.0]) == pytest.approx(4.0)
    assert functions.get("rosenbrock").value([0.0, 0.0]) == pytest.approx(1.0)
    assert functions.get("rosenbrock").value([-1.0, 2.0]) == pytest.approx(4.0 + 100.0)
    assert functions.get("beale").value([0.0, 0.0]) == pytest.approx(1.5**2 + 2.25**2 + 2.625**2)
    assert functions.get("himmelblau").value([0.0, 0.0]) == pytest.approx(121.0 + 49.0)
    assert functions.get("rastrigin").value([1.0, 0.0]) == pytest.approx(1.0)
    assert functions.get("rastrigin").value([0.5, 0.5]) == pytest.approx(2 * (0.25 + 20.0))
    assert functions.get("six_hump_camel").value([1.0, 1.0]) == pytest.approx(
        (4 - 2.1 + 1 / 3) + 1 + 0
    )


def test_rotated_quadratic_is_the_same_bowl_turned():
    q0, q30 = functions.quadratic(kappa=10.0), functions.quadratic(kappa=10.0, angle=30.0)
    a = np.radians(30.0)
    p = np.array([1.3, -0.4])
    turned = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) @ p
    assert q30.value(turned) == pytest.approx(q0.value(p))
    # the Hessian has eigenvalues 1 and kappa whatever the angle
    H = np.array([q30.grad([1.0, 0.0]), q30.grad([0.0, 1.0])])
    np.testing.assert_allclose(np.linalg.eigvalsh(H), [1.0, 10.0])


def test_get_by_name_and_names_order():
    assert functions.NAMES[:3] == ("quadratic", "saddle", "rosenbrock")
    assert set(functions.NAMES) == {
        "quadratic", "saddle", "rosenbrock", "beale", "himmelblau", "six_hump_camel",
        "rastrigin",
    }
    for name in functions.NAMES:
        s = functions.get(name)
        assert s.name == name == name.lower()
        assert s is functions.SURFACES[name]
    assert functions.get("quadratic", kappa=50.0).kappa == 50.0
    assert functions.get("quadratic", kappa=50.0) == functions.quadratic(kappa=50.0)


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(KeyError) as err:
        functions.get("Rosenbrock")
    msg = str(err.value)
    assert "'Rosenbrock'" in msg and all(n in msg for n in functions.NAMES)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="kappa"):
        functions.quadratic(kappa=0.0)
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        functions.get("beale").value(np.zeros((4, 3)))


@pytest.mark.parametrize("name", functions.NAMES)
def test_vectorised_over_batch_shapes(name):
    s = functions.get(name)
    xy = random_points(s, n=24).reshape(3, 4, 2, 2)[:, :, 0]  # (3, 4, 2)
    v, g = s.value(xy), s.grad(xy)
    assert v.shape == (3, 4) and g.shape == (3, 4, 2)
    for i in range(3):
        for j in range(4):
            assert v[i, j] == s.value(xy[i, j])
            np.testing.assert_array_equal(g[i, j], s.grad(xy[i, j]))
    assert np.shape(s.value([0.5, 0.5])) == () and s.grad([0.5, 0.5]).shape == (2,)


@pytest.mark.parametrize("name", functions.NAMES)
def test_window_and_start(name):
    s = functions.get(name)
    (x0, x1), (y0, y1) = s.window
    assert x0 < x1 and y0 < y1
    assert s.start.shape == (2,)
    assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1
    assert np.all(np.isfinite(s.grad(s.start))) and np.any(s.grad(s.start) != 0)
    for m in s.minima:  # every listed minimum is visible in the window
        assert x0 <= m[0] <= x1 and y0 <= m[1] <= y1
    (bx0, bx1), (by0, by1) = s.box(10.0)
    assert bx1 - bx0 == pytest.approx(10 * (x1 - x0))
    assert (bx0 + bx1) / 2 == pytest.approx((x0 + x1) / 2)
    assert (by0 + by1) / 2 == pytest.approx((y0 + y1) / 2)


def test_surfaces_are_immutable_and_hashable():
    s = functions.get("rosenbrock")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.b = 1.0
    assert hash(functions.quadratic(kappa=3.0)) == hash(functions.quadratic(kappa=3.0))
    s.minima[0, 0] = 99.0  # a fresh array each time
    assert s.minima[0, 0] == 1.0
