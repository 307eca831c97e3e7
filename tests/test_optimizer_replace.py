"""Optimizer.replace: a validated copy with some hyperparameters replaced (dataclasses-style)."""

import numpy as np
import pytest

import optim_ref.optimizers as optimizers

CLASSES = [getattr(optimizers, n) for n in optimizers.__all__
           if isinstance(getattr(optimizers, n), type)]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_replace_keeps_the_rest_and_steps_like_a_fresh_optimizer(cls):
    opt = cls()
    new = opt.replace(lr=0.25)
    assert type(new) is cls and new is not opt
    assert new.hyperparameters() == {**opt.hyperparameters(), "lr": 0.25}
    assert opt.lr == cls().lr  # the original is untouched
    if cls is optimizers.LBFGS:  # it steps on the function: step(params, loss_and_grad, state)
        p = np.array([1.0, -2.0])
        g = lambda x: (float(x @ x), 2 * x)  # noqa: E731
    elif cls is optimizers.Muon:  # 2-D parameters only
        p, g = np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([[0.3, 0.5], [-0.2, 0.1]])
    else:
        p, g = np.array([1.0, -2.0]), np.array([0.3, 0.5])
    np.testing.assert_array_equal(new.step(p, g, new.init(p))[0],
                                  cls(**new.hyperparameters()).step(p, g, new.init(p))[0])


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_replace_validates_and_names_unknown_hyperparameters(cls):
    with pytest.raises(ValueError, match=r"Invalid learning rate: -0.1"):
        cls().replace(lr=-0.1)
    with pytest.raises(TypeError, match=rf"{cls.__name__} has no hyperparameter 'lrr'"):
        cls().replace(lrr=0.1)
