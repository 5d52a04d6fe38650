"""Initializers: shapes, dtypes, ranges, spreads, and the tutorial's exact starting weights."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.initializers import glorot_uniform, he_normal, uniform_symmetric, zeros

INITIALIZERS = [uniform_symmetric, glorot_uniform, he_normal, zeros]


def test_uniform_symmetric_with_random_state_one_gives_the_tutorial_weights():
    weights = uniform_symmetric((3, 1), np.random.RandomState(1))
    np.testing.assert_allclose(
        weights, [[-0.16595599], [0.44064899], [-0.99977125]], rtol=0, atol=5e-9
    )
    # and bit for bit the tutorial's own expression
    np.testing.assert_array_equal(weights, 2 * np.random.RandomState(1).random((3, 1)) - 1)


@pytest.mark.parametrize("initializer", INITIALIZERS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (20, 2)])
def test_shape_and_dtype(initializer, dtype, shape, rng):
    weights = initializer(shape, rng, dtype=dtype)
    assert weights.shape == shape and weights.dtype == dtype


@pytest.mark.parametrize("initializer", [uniform_symmetric, glorot_uniform, he_normal])
def test_same_seed_same_weights_for_both_generator_kinds(initializer):
    for make in (np.random.default_rng, np.random.RandomState):
        first = initializer((4, 3), make(7))
        np.testing.assert_array_equal(first, initializer((4, 3), make(7)))
        assert not np.array_equal(first, initializer((4, 3), make(8)))


def test_uniform_symmetric_covers_minus_one_to_one(rng):
    weights = uniform_symmetric((200, 100), rng)
    assert weights.min() >= -1 and weights.max() < 1
    assert weights.min() < -0.99 and weights.max() > 0.99
    assert abs(weights.mean()) < 0.02


@pytest.mark.parametrize("shape", [(2, 3), (30, 10), (400, 100)])
def test_glorot_uniform_stays_within_its_limit(shape, rng):
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    weights = glorot_uniform(shape, rng)
    assert np.abs(weights).max() <= limit


def test_glorot_uniform_reaches_its_limit_on_a_large_draw(rng):
    limit = np.sqrt(6.0 / (400 + 100))  # about 0.1095
    weights = glorot_uniform((400, 100), rng)
    assert weights.max() > 0.99 * limit and weights.min() < -0.99 * limit
    # the variance of U[-a, a] is a^2 / 3 = 2 / (fan_in + fan_out)
    assert weights.var() == pytest.approx(2 / 500, rel=0.05)


def test_he_normal_standard_deviation_is_about_sqrt_two_over_fan_in(rng):
    weights = he_normal((500, 400), rng)
    assert weights.std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)
    assert abs(weights.mean()) < 0.003


def test_zeros_needs_no_generator():
    np.testing.assert_array_equal(zeros((2, 3)), np.zeros((2, 3)))
