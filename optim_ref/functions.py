"""Two-dimensional test surfaces on which the optimizers are watched and compared.

Each surface is a small frozen dataclass (its parameters are its fields, so two equal
surfaces compare and hash equal, which the figure cache relies on) with:

- ``name``: its lower-case name, the key of :func:`get`;
- ``value(xy)`` and ``grad(xy)``: ``xy`` of shape ``(..., 2)`` gives a value of shape
  ``(...)`` and an analytic gradient of shape ``(..., 2)``, for any leading batch axes;
- ``minima``: the known global (or listed) minima, an array ``(k, 2)``, and ``min_value``,
  the value there (the saddle has no minimum: ``minima`` is ``(0, 2)``, ``min_value`` -inf);
- ``window``: the plotting window ``((xmin, xmax), (ymin, ymax))``;
- ``start``: a default start point ``(2,)`` from which the optimizers visibly differ.

The surfaces, in the order the site teaches them (``NAMES``):

==================  =====================================================================
``quadratic``       ill-conditioned bowl: gradient descent zig-zags, momentum damps it
``saddle``          flat in one direction, falling in the other: who escapes, and how fast
``rosenbrock``      a curved, flat-bottomed valley: finding it is easy, following it is not
``beale``           flat plateaus beside steep walls: the case for adaptive step sizes
``himmelblau``      four equal minima: the start and the optimizer decide which one
``six_hump_camel``  two global and four local minima: a first look at non-convexity
``rastrigin``       a grid of local minima around one global: plain descent gets stuck
==================  =====================================================================

Formulas are written out once, in ``value`` and ``grad``; the tests check every ``grad``
against central finite differences and every listed minimum as a zero of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

import numpy as np

Array = np.ndarray
Window = tuple[tuple[float, float], tuple[float, float]]


def _xy(xy) -> tuple[Array, Array]:
    """Split ``xy[..., 2]`` into x and y, promoting to float; a wrong last axis is an error."""
    arr = np.asarray(xy, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != 2:
        raise ValueError(f"xy must have shape (..., 2), got {arr.shape}")
    return arr[..., 0], arr[..., 1]


def _stack(gx: Array, gy: Array) -> Array:
    return np.stack([gx, gy], axis=-1)


class Surface:
    """What every surface shares. Subclasses set the class constants and write the formulas."""

    name: ClassVar[str]
    #: a display title, for captions
    title: ClassVar[str]
    #: the formula in LaTeX, as the page shows it
    latex: ClassVar[str]
    window: ClassVar[Window]
    _start: ClassVar[tuple[float, float]]
    _minima: ClassVar[tuple[tuple[float, float], ...]]
    min_value: ClassVar[float]

    def value(self, xy) -> Array:
        raise NotImplementedError

    def grad(self, xy) -> Array:
        raise NotImplementedError

    @property
    def minima(self) -> Array:
        """The known minima, shape ``(k, 2)`` (a fresh array: callers may modify it)."""
        return np.array(self._minima, dtype=np.float64).reshape(-1, 2)

    @property
    def start(self) -> Array:
        """The default start point for demonstrations, shape ``(2,)``."""
        return np.array(self._start, dtype=np.float64)

    def box(self, scale: float = 10.0) -> Window:
        """The window scaled by ``scale`` about its centre (``run`` calls leaving it divergence)."""
        return tuple(
            ((lo + hi) / 2 - scale * (hi - lo) / 2, (lo + hi) / 2 + scale * (hi - lo) / 2)
            for lo, hi in self.window
        )

    def grid(self, n: int = 200) -> tuple[Array, Array, Array]:
        """``X, Y, Z`` on an ``n`` x ``n`` grid over the window, for contour plots."""
        (x0, x1), (y0, y1) = self.window
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self.value(np.stack([X, Y], axis=-1))


@dataclass(frozen=True)
class Quadratic(Surface):
    """``f = (u^2 + kappa v^2) / 2`` with ``(u, v)`` the point rotated by ``-angle`` degrees.

    The curvatures are 1 and ``kappa``, so ``kappa`` is the condition number and plain
    gradient descent is stable for ``lr < 2 / kappa``. With ``angle = 0`` the axes of the
    bowl are the coordinate axes, which per-coordinate methods (Adagrad, RMSprop, Adam)
    exploit; a rotated bowl (say 30 degrees) takes that advantage away.
    """

    kappa: float = 10.0
    angle: float = 0.0

    name: ClassVar[str] = "quadratic"
    title: ClassVar[str] = "Ill-conditioned quadratic"
    latex: ClassVar[str] = r"f(x, y) = \tfrac12\,(x^2 + \kappa\, y^2)"
    window: ClassVar[Window] = ((-3.0, 3.0), (-2.0, 2.0))
    _start: ClassVar[tuple[float, float]] = (-2.5, 1.5)
    _minima: ClassVar[tuple[tuple[float, float], ...]] = ((0.0, 0.0),)
    min_value: ClassVar[float] = 0.0

    def __post_init__(self):
        if not (math.isfinite(self.kappa) and self.kappa > 0):
            raise ValueError(f"Invalid kappa: {self.kappa} (kappa must be in (0, inf))")
        if not math.isfinite(self.angle):
            raise ValueError(f"Invalid angle: {self.angle} (angle must be finite)")

    def _uv(self, xy) -> tuple[Array, Array, float, float]:
        x, y = _xy(xy)
        c, s = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        return c * x + s * y, -s * x + c * y, c, s

    def value(self, xy) -> Array:
        u, v, _, _ = self._uv(xy)
        return 0.5 * (u * u + self.kappa * v * v)

    def grad(self, xy) -> Array:
        u, v, c, s = self._uv(xy)
        gu, gv = u, self.kappa * v
        # back through the rotation: d(u, v)/d(x, y) = [[c, s], [-s, c]]
        return _stack(c * gu - s * gv, s * gu + c * gv)


@dataclass(frozen=True)
class Saddle(Surface):
    """``f = (x^2 - y^2) / 2``: a minimum along x, a maximum along y, unbounded below.

    The gradient vanishes at the origin, which is no minimum. A start just off the x axis
    shows the escape: plain gradient descent grows y by a factor ``1 + lr`` a step, slowly
    while y is tiny, whereas Adam-like methods normalise the small gradient and leave fast.
    Runs that escape eventually leave the 10x box and are reported as diverged.
    """

    name: ClassVar[str] = "saddle"
    title: ClassVar[str] = "Saddle"
    latex: ClassVar[str] = r"f(x, y) = \tfrac12\,(x^2 - y^2)"
    window: ClassVar[Window] = ((-2.0, 2.0), (-2.0, 2.0))
    _start: ClassVar[tuple[float, float]] = (-1.8, 0.01)
    _minima: ClassVar[tuple[tuple[float, float], ...]] = ()
    min_value: ClassVar[float] = -math.inf

    def value(self, xy) -> Array:
        x, y = _xy(xy)
        return 0.5 * (x * x - y * y)

    def grad(self, xy) -> Array:
        x, y = _xy(xy)
        return _stack(x, -y)


@dataclass(frozen=True)
class Rosenbrock(Surface):
    """``f = (a - x)^2 + b (y - x^2)^2``, minimum 0 at ``(a, a^2)``.

    The valley floor ``y = x^2`` is found in a few steps; walking along it to the minimum is
    what separates the optimizers. The walls are ~``b`` times steeper than the floor.
    """

    a: float = 1.0
    b: float = 100.0

    name: ClassVar[str] = "rosenbrock"
    title: ClassVar[str] = "Rosenbrock"
    latex: ClassVar[str] = r"f(x, y) = (a - x)^2 + b\,(y - x^2)^2"
    window: ClassVar[Window] = ((-2.0, 2.0), (-1.0, 3.0))
    _start: ClassVar[tuple[float, float]] = (-1.5, 2.0)
    min_value: ClassVar[float] = 0.0

    @property
    def minima(self) -> Array:
        return np.array([[self.a, self.a**2]], dtype=np.float64)

    def value(self, xy) -> Array:
        x, y = _xy(xy)
        r = y - x * x
        return (self.a - x) ** 2 + self.b * r * r

    def grad(self, xy) -> Array:
        x, y = _xy(xy)
        r = y - x * x
        return _stack(-2.0 * (self.a - x) - 4.0 * self.b * x * r, 2.0 * self.b * r)


@dataclass(frozen=True)
class Beale(Surface):
    """``f = sum_i (c_i - x + x y^i)^2`` with ``c = (1.5, 2.25, 2.625)``, minimum 0 at (3, 0.5).

    Nearly flat around ``x = 0`` and very steep for large ``|y|`` (the ``x y^3`` term): no
    single learning rate suits both, which is what adaptive methods are for.
    """

    name: ClassVar[str] = "beale"
    title: ClassVar[str] = "Beale"
    latex: ClassVar[str] = (
        r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2"
    )
    window: ClassVar[Window] = ((-4.5, 4.5), (-4.5, 4.5))
    _start: ClassVar[tuple[float, float]] = (1.0, 1.5)
    _minima: ClassVar[tuple[tuple[float, float], ...]] = ((3.0, 0.5),)
    min_value: ClassVar[float] = 0.0

    _C: ClassVar[tuple[float, float, float]] = (1.5, 2.25, 2.625)

    def value(self, xy) -> Array:
        x, y = _xy(xy)
        total = np.zeros(np.broadcast_shapes(x.shape, y.shape))
        for i, c in enumerate(self._C, start=1):
            total = total + (c - x + x * y**i) ** 2
        return total

    def grad(self, xy) -> Array:
        x, y = _xy(xy)
        gx = np.zeros(np.broadcast_shapes(x.shape, y.shape))
        gy = np.zeros_like(gx)
        for i, c in enumerate(self._C, start=1):
            t = c - x + x * y**i
            gx = gx + 2.0 * t * (y**i - 1.0)
            gy = gy + 2.0 * t * (i * x * y ** (i - 1))
        return _stack(gx, gy)


@dataclass(frozen=True)
class Himmelblau(Surface):
    """``f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2``: four minima, all of value 0.

    Which one a run reaches depends on where it starts and on the optimizer: from the
    default start, at typical learning rates, SGD, the momentum methods and the adaptive
    ones end in three different minima (momentum carries the run over a ridge).
    """

    name: ClassVar[str] = "himmelblau"
    title: ClassVar[str] = "Himmelblau"
    latex: ClassVar[str] = r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2"
    window: ClassVar[Window] = ((-5.0, 5.0), (-5.0, 5.0))
    _start: ClassVar[tuple[float, float]] = (0.2, -4.2)
    # the four roots, refined by Newton's method to float64 precision
    _minima: ClassVar[tuple[tuple[float, float], ...]] = (
        (3.0, 2.0),
        (-2.805118086952745, 3.131312518250573),
        (-3.779310253377747, -3.283185991286169),
        (3.5844283403304917, -1.8481265269644036),
    )
    min_value: ClassVar[float] = 0.0

    def value(self, xy) -> Array:
        x, y = _xy(xy)
        p, q = x * x + y - 11.0, x + y * y - 7.0
        return p * p + q * q

    def grad(self, xy) -> Array:
        x, y = _xy(xy)
        p, q = x * x + y - 11.0, x + y * y - 7.0
        return _stack(4.0 * x * p + 2.0 * q, 2.0 * p + 4.0 * y * q)


@dataclass(frozen=True)
class SixHumpCamel(Surface):
    """``f = (4 - 2.1 x^2 + x^4 / 3) x^2 + x y + (4 y^2 - 4) y^2``.

    Two global minima (value -1.0316...) mirrored through the origin, and four local ones:
    the first surface where "a minimum" and "the minimum" differ. From the default start,
    at typical learning rates, plain SGD stops in a local minimum, the momentum methods
    coast into another, and the adaptive ones reach a global one.
    """

    name: ClassVar[str] = "six_hump_camel"
    title: ClassVar[str] = "Six-hump camel"
    latex: ClassVar[str] = r"f(x, y) = (4 - 2.1x^2 + \tfrac13 x^4)\,x^2 + xy + (4y^2 - 4)\,y^2"
    window: ClassVar[Window] = ((-2.0, 2.0), (-1.2, 1.2))
    _start: ClassVar[tuple[float, float]] = (-1.4, -1.1)
    # the two global minima, refined by Newton's method to float64 precision
    _minima: ClassVar[tuple[tuple[float, float], ...]] = (
        (0.08984201310031807, -0.7126564030207396),
        (-0.08984201310031807, 0.7126564030207396),
    )
    min_value: ClassVar[float] = -1.0316284534898774

    def value(self, xy) -> Array:
        x, y = _xy(xy)
        x2, y2 = x * x, y * y
        return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (4.0 * y2 - 4.0) * y2

    def grad(self, xy) -> Array:
        x, y = _xy(xy)
        x2, y2 = x * x, y * y
        gx = 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y
        gy = x + 16.0 * y2 * y - 8.0 * y
        return _stack(gx, gy)


@dataclass(frozen=True)
class Rastrigin(Surface):
    """``f = 2A + sum (x_i^2 - A cos(2 pi x_i))``, minimum 0 at the origin.

    A bowl with ripples: a local minimum near every integer point. Gradient descent stops
    in the first one it meets; the curvature there is about ``4 pi^2 A``, so plain descent
    needs ``lr`` below about 0.005. The default start sits where ripples cross, so the
    optimizers fall into different local minima from it.
    """

    A: float = 10.0

    name: ClassVar[str] = "rastrigin"
    title: ClassVar[str] = "Rastrigin"
    latex: ClassVar[str] = (
        r"f(x, y) = 2A + x^2 - A\cos(2\pi x) + y^2 - A\cos(2\pi y)"
    )
    window: ClassVar[Window] = ((-5.12, 5.12), (-5.12, 5.12))
    _start: ClassVar[tuple[float, float]] = (-3.5, 2.5)
    _minima: ClassVar[tuple[tuple[float, float], ...]] = ((0.0, 0.0),)
    min_value: ClassVar[float] = 0.0

    def value(self, xy) -> Array:
        x, y = _xy(xy)
        w = 2.0 * math.pi
        return 2.0 * self.A + x * x - self.A * np.cos(w * x) + y * y - self.A * np.cos(w * y)

    def grad(self, xy) -> Array:
        x, y = _xy(xy)
        w = 2.0 * math.pi
        return _stack(2.0 * x + self.A * w * np.sin(w * x), 2.0 * y + self.A * w * np.sin(w * y))


@dataclass(frozen=True)
class Rotated(Surface):
    """``base`` turned by ``angle`` degrees about the origin: start and minima turn with it.

    The same problem seen in other axes, so plain and momentum descent, which do not care
    about axes, run the same course turned, while per-coordinate methods (Adagrad, RMSprop,
    Adam) lose whatever the alignment gave them. (The quadratic has its own ``angle``, which
    turns the bowl but not the start.) Not one of ``NAMES``: a variant, as ``kappa`` is.
    """

    base: Surface
    angle: float

    def __post_init__(self):
        if not math.isfinite(self.angle):
            raise ValueError(f"Invalid angle: {self.angle} (angle must be finite)")

    def _turn(self, xy, sign: float) -> Array:
        c, s = math.cos(math.radians(self.angle)), sign * math.sin(math.radians(self.angle))
        x, y = _xy(xy)
        return _stack(c * x - s * y, s * x + c * y)

    @property
    def name(self) -> str:
        return self.base.name

    @property
    def title(self) -> str:
        return f"{self.base.title}, rotated by {self.angle:g} degrees"

    @property
    def latex(self) -> str:
        return self.base.latex

    @property
    def window(self) -> Window:
        return self.base.window

    @property
    def min_value(self) -> float:
        return self.base.min_value

    @property
    def minima(self) -> Array:
        return self._turn(self.base.minima, 1.0).reshape(-1, 2)

    @property
    def start(self) -> Array:
        return self._turn(self.base.start, 1.0)

    def value(self, xy) -> Array:
        return self.base.value(self._turn(xy, -1.0))

    def grad(self, xy) -> Array:
        # f(R^T p): its gradient is R times the base's gradient at R^T p
        return self._turn(self.base.grad(self._turn(xy, -1.0)), 1.0)


_CLASSES: dict[str, type[Surface]] = {
    cls.name: cls
    for cls in (Quadratic, Saddle, Rosenbrock, Beale, Himmelblau, SixHumpCamel, Rastrigin)
}

#: the surface names, in the order the site teaches them
NAMES: tuple[str, ...] = tuple(_CLASSES)

#: one default instance of each surface, by name (read-only)
SURFACES = MappingProxyType({name: cls() for name, cls in _CLASSES.items()})


def get(name: str, **params) -> Surface:
    """The surface called ``name``; ``params`` override its defaults (``kappa=100``)."""
    try:
        cls = _CLASSES[name]
    except (KeyError, TypeError):
        raise KeyError(
            f"unknown surface {name!r}; valid names: {', '.join(NAMES)}"
        ) from None
    return cls(**params) if params else SURFACES[name]


def rotated(name: str, angle: float, **params) -> Surface:
    """The surface ``name`` turned by ``angle`` degrees (the quadratic by its own ``angle``)."""
    if name == Quadratic.name:
        return get(name, **params, angle=angle)
    return Rotated(get(name, **params), float(angle))


def quadratic(kappa: float = 10.0, angle: float = 0.0) -> Quadratic:
    """The ill-conditioned quadratic with condition number ``kappa``, rotated by ``angle``°."""
    return Quadratic(kappa=kappa, angle=angle)


__all__ = [
    "NAMES", "SURFACES", "Surface", "Quadratic", "Saddle", "Rosenbrock", "Beale",
    "Himmelblau", "SixHumpCamel", "Rastrigin", "Rotated", "get", "quadratic", "rotated",
]
