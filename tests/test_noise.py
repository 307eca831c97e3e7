"""optim_ref.noise: Philox2x32-10 as published, exact uniforms, normal draws, random access."""

import math

import numpy as np
import pytest

from optim_ref import noise

# Random123's kat_vectors: philox2x32, 10 rounds, (counter0, counter1, key) -> two words
KAT = [((0x00000000, 0x00000000, 0x00000000), (0xFF1DAE59, 0x6CD10DF2)),
       ((0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), (0x2C3F628B, 0xAB4FD7AD)),
       ((0x243F6A88, 0x85A308D3, 0x13198A2E), (0xDD7CE038, 0xF62A4C12))]


@pytest.mark.parametrize(("args", "expected"), KAT)
def test_philox_known_answers(args, expected):
    assert tuple(int(w) for w in noise.philox2x32(*args)) == expected


def test_philox_vectorised_equals_one_at_a_time():
    rng = np.random.default_rng(0)
    c0, c1, key = (rng.integers(0, 2**32, 50, dtype=np.uint64) for _ in range(3))
    w0, w1 = noise.philox2x32(c0, c1, key)
    for i in range(50):
        assert (w0[i], w1[i]) == noise.philox2x32(int(c0[i]), int(c1[i]), int(key[i]))


def test_uniforms_are_53_bit_multiples_in_unit_interval():
    u0, u1 = noise.uniforms(5, np.arange(1, 20001))
    for u in (u0, u1):
        assert u.min() >= 0 and u.max() < 1
        np.testing.assert_array_equal(u * 2.0**53, np.floor(u * 2.0**53))
        assert abs(u.mean() - 0.5) < 0.01
    assert noise.uniform53(0xFFFFFFFF, 0xFFFFFFFF) == 1 - 2.0**-53
    assert noise.uniform53(0, 0) == 0.0


def test_gaussian_moments_and_independence():
    xi = noise.gaussian(11, np.arange(1, 100001))
    assert xi.shape == (100000, 2)
    np.testing.assert_allclose(xi.mean(axis=0), 0.0, atol=0.015)  # 1/sqrt(1e5) = 0.003
    np.testing.assert_allclose(xi.std(axis=0), 1.0, atol=0.015)
    assert abs(np.corrcoef(xi.T)[0, 1]) < 0.015
    assert abs(np.corrcoef(xi[:-1, 0], xi[1:, 0])[0, 1]) < 0.015  # step to step
    other = noise.gaussian(12, np.arange(1, 100001))
    assert abs(np.corrcoef(xi[:, 0], other[:, 0])[0, 1]) < 0.015  # seed to seed


def test_random_access_by_step_and_dimension():
    table = noise.gaussian(3, np.arange(1, 1001), dim=5)
    np.testing.assert_array_equal(noise.gaussian(3, 700, dim=5), table[699])
    np.testing.assert_array_equal(noise.gaussian(3, [900, 2], dim=5), table[[899, 1]])
    np.testing.assert_array_equal(noise.gaussian(3, np.arange(1, 1001))[:, :2], table[:, :2])


def test_noisy_grad_adds_sigma_xi():
    g = np.array([1.0, -2.0])
    np.testing.assert_array_equal(noise.noisy_grad(g, 0.5, 9, 4), g + 0.5 * noise.gaussian(9, 4))
    np.testing.assert_array_equal(noise.noisy_grad(g, 0.0, 9, 4), g)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: noise.gaussian(-1, 1), r"Invalid seed: -1 \(seed must be an integer in \[0, "),
    (lambda: noise.gaussian(2**32, 1), "Invalid seed: 4294967296"),
    (lambda: noise.gaussian(1.5, 1), "Invalid seed: 1.5"),
    (lambda: noise.gaussian(1, [1, -3]), "Invalid step: array with min -3 and max 1"),
    (lambda: noise.gaussian(1, 1, dim=0), "Invalid dim: 0"),
    (lambda: noise.noisy_grad([1.0, 2.0], -0.1, 1, 1), r"Invalid sigma: -0.1"),
    (lambda: noise.noisy_grad([1.0, 2.0], math.nan, 1, 1), r"Invalid sigma: nan"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
