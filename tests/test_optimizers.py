"""Optimizers: 3-step trajectories worked out by hand from the documented formulas, state
kept per parameter name, in-place updates, and refusal of bad hyper-parameters."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.optimizers import SGD, Adam, GradientDescent

START = [1.0, -2.0]
GRADIENTS = [np.array([0.5, -1.0]), np.array([0.25, 0.5]), np.array([-1.0, 2.0])]


def trajectory(optimizer) -> list[np.ndarray]:
    """The parameter after each of the three steps with GRADIENTS."""
    parameter = np.array(START)
    seen = []
    for gradient in GRADIENTS:
        optimizer.step({"w": parameter}, {"w": gradient})
        seen.append(parameter.copy())
    return seen


def assert_trajectory(optimizer, expected) -> None:
    for step, (got, want) in enumerate(zip(trajectory(optimizer), expected, strict=True), 1):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15, err_msg=f"step {step}")


def test_sgd_plain():
    # w <- w - lr * g with lr = 0.1
    w1 = [1.0 - 0.1 * 0.5, -2.0 - 0.1 * -1.0]  # [0.95, -1.9]
    w2 = [w1[0] - 0.1 * 0.25, w1[1] - 0.1 * 0.5]  # [0.925, -1.95]
    w3 = [w2[0] - 0.1 * -1.0, w2[1] - 0.1 * 2.0]  # [1.025, -2.15]
    assert_trajectory(SGD(learning_rate=0.1), [w1, w2, w3])
    np.testing.assert_allclose(w3, [1.025, -2.15])


def test_gradient_descent_is_plain_sgd_with_step_one():
    w1 = [1.0 - 0.5, -2.0 + 1.0]
    w2 = [w1[0] - 0.25, w1[1] - 0.5]
    w3 = [w2[0] + 1.0, w2[1] - 2.0]
    assert_trajectory(GradientDescent(), [w1, w2, w3])


def test_sgd_momentum():
    # v <- 0.9 v - 0.1 g;  w <- w + v;  v starts at 0
    v1 = [0.9 * 0.0 - 0.1 * 0.5, 0.9 * 0.0 - 0.1 * -1.0]  # [-0.05, 0.1]
    w1 = [1.0 + v1[0], -2.0 + v1[1]]  # [0.95, -1.9]
    v2 = [0.9 * v1[0] - 0.1 * 0.25, 0.9 * v1[1] - 0.1 * 0.5]  # [-0.07, 0.04]
    w2 = [w1[0] + v2[0], w1[1] + v2[1]]  # [0.88, -1.86]
    v3 = [0.9 * v2[0] - 0.1 * -1.0, 0.9 * v2[1] - 0.1 * 2.0]  # [0.037, -0.164]
    w3 = [w2[0] + v3[0], w2[1] + v3[1]]  # [0.917, -2.024]
    assert_trajectory(SGD(learning_rate=0.1, momentum=0.9), [w1, w2, w3])
    np.testing.assert_allclose(w3, [0.917, -2.024])


def test_sgd_nesterov():
    # v <- 0.9 v - 0.1 g;  w <- w + 0.9 v - 0.1 g
    v1 = [-0.05, 0.1]  # as with plain momentum
    w1 = [1.0 + 0.9 * v1[0] - 0.1 * 0.5, -2.0 + 0.9 * v1[1] - 0.1 * -1.0]  # [0.905, -1.81]
    v2 = [0.9 * v1[0] - 0.1 * 0.25, 0.9 * v1[1] - 0.1 * 0.5]  # [-0.07, 0.04]
    w2 = [w1[0] + 0.9 * v2[0] - 0.1 * 0.25, w1[1] + 0.9 * v2[1] - 0.1 * 0.5]  # [0.817, -1.824]
    v3 = [0.9 * v2[0] - 0.1 * -1.0, 0.9 * v2[1] - 0.1 * 2.0]  # [0.037, -0.164]
    w3 = [w2[0] + 0.9 * v3[0] - 0.1 * -1.0, w2[1] + 0.9 * v3[1] - 0.1 * 2.0]
    assert_trajectory(SGD(learning_rate=0.1, momentum=0.9, nesterov=True), [w1, w2, w3])
    np.testing.assert_allclose(w3, [0.9503, -2.1716])


def test_adam_with_bias_correction():
    # lr = 0.1, beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-8; m, v start at 0.
    g1, g2, g3 = (np.array(g) for g in ([0.5, -1.0], [0.25, 0.5], [-1.0, 2.0]))
    m1 = 0.9 * 0.0 + (1 - 0.9) * g1
    v1 = 0.999 * 0.0 + (1 - 0.999) * g1**2
    w1 = np.array([1.0, -2.0]) - 0.1 * (m1 / (1 - 0.9**1)) / (np.sqrt(v1 / (1 - 0.999**1)) + 1e-8)
    m2 = 0.9 * m1 + (1 - 0.9) * g2
    v2 = 0.999 * v1 + (1 - 0.999) * g2**2
    w2 = w1 - 0.1 * (m2 / (1 - 0.9**2)) / (np.sqrt(v2 / (1 - 0.999**2)) + 1e-8)
    m3 = 0.9 * m2 + (1 - 0.9) * g3
    v3 = 0.999 * v2 + (1 - 0.999) * g3**2
    w3 = w2 - 0.1 * (m3 / (1 - 0.9**3)) / (np.sqrt(v3 / (1 - 0.999**3)) + 1e-8)
    optimizer = Adam(learning_rate=0.1)
    assert_trajectory(optimizer, [w1, w2, w3])
    # With bias correction the first step is lr * sign(g), whatever the size of g.
    np.testing.assert_allclose(w1, [1.0 - 0.1, -2.0 + 0.1], atol=1e-8)
    assert optimizer.state["w"]["t"] == 3 and optimizer.iterations == 3
    np.testing.assert_allclose(optimizer.state["w"]["m"], m3, rtol=1e-12)
    np.testing.assert_allclose(optimizer.state["w"]["v"], v3, rtol=1e-12)


@pytest.mark.parametrize(
    "optimizer_factory",
    [
        lambda: SGD(0.1),
        lambda: SGD(0.1, momentum=0.9),
        lambda: SGD(0.1, momentum=0.5, nesterov=True),
        lambda: Adam(0.1),
    ],
)
def test_state_is_kept_per_parameter_name(optimizer_factory):
    # Two arrays stepped together follow exactly the trajectories each follows alone.
    together = optimizer_factory()
    first, second = np.array(START), np.array([3.0, 0.5, -1.0])
    alone_first, alone_second = optimizer_factory(), optimizer_factory()
    first_alone, second_alone = first.copy(), second.copy()
    for gradient in GRADIENTS:
        other = np.array([gradient[1], gradient[0], 1.0])
        together.step({"a": first, "b": second}, {"a": gradient, "b": other})
        alone_first.step({"a": first_alone}, {"a": gradient})
        alone_second.step({"b": second_alone}, {"b": other})
    np.testing.assert_array_equal(first, first_alone)
    np.testing.assert_array_equal(second, second_alone)


def test_state_of_a_parameter_left_out_of_a_step_is_untouched():
    optimizer = Adam(0.1)
    a, b = np.array(START), np.array(START)
    optimizer.step({"a": a, "b": b}, {"a": GRADIENTS[0], "b": GRADIENTS[0]})
    saved_b = {key: np.copy(value) for key, value in optimizer.state["b"].items()}
    optimizer.step({"a": a}, {"a": GRADIENTS[1]})
    assert optimizer.state["a"]["t"] == 2 and optimizer.state["b"]["t"] == 1
    for key, value in saved_b.items():
        np.testing.assert_array_equal(optimizer.state["b"][key], value)
    assert set(optimizer.state) == {"a", "b"}


def test_momentum_velocities_are_separate_arrays():
    optimizer = SGD(0.1, momentum=0.9)
    optimizer.step({"a": np.zeros(2), "b": np.zeros(2)}, {"a": np.ones(2), "b": -np.ones(2)})
    assert optimizer.state["a"]["velocity"] is not optimizer.state["b"]["velocity"]
    np.testing.assert_allclose(optimizer.state["a"]["velocity"], [-0.1, -0.1])
    np.testing.assert_allclose(optimizer.state["b"]["velocity"], [0.1, 0.1])


@pytest.mark.parametrize("optimizer", [SGD(0.1), SGD(0.1, momentum=0.9), Adam(0.1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_updates_are_in_place_and_keep_dtype(optimizer, dtype):
    parameter = np.array([1.0, 2.0], dtype=dtype)
    params = {"w": parameter}
    optimizer.step(params, {"w": np.array([1.0, -1.0], dtype=dtype)})
    assert params["w"] is parameter and parameter.dtype == dtype
    assert parameter[0] < 1.0 and parameter[1] > 2.0


def test_reset_forgets_state():
    optimizer = Adam(0.1)
    first = trajectory(optimizer)
    optimizer.reset()
    assert optimizer.state == {} and optimizer.iterations == 0
    for got, want in zip(trajectory(optimizer), first, strict=True):
        np.testing.assert_array_equal(got, want)


def test_learning_rate_can_change_between_steps():
    optimizer = SGD(0.1)
    parameter = np.array([1.0])
    optimizer.step({"w": parameter}, {"w": np.array([1.0])})
    optimizer.learning_rate = 0.5
    optimizer.step({"w": parameter}, {"w": np.array([1.0])})
    np.testing.assert_allclose(parameter, [1.0 - 0.1 - 0.5])


@pytest.mark.parametrize(
    ("default", "explicit"),
    [
        (SGD(), SGD(learning_rate=0.01, momentum=0.0, nesterov=False)),
        (GradientDescent(), SGD(learning_rate=1.0)),
        (Adam(), Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8)),
    ],
)
def test_default_settings_follow_the_documented_trajectory(default, explicit):
    for got, want in zip(trajectory(default), trajectory(explicit), strict=True):
        np.testing.assert_array_equal(got, want)


def test_default_steps_by_hand():
    # SGD: w - 0.01 g.  Adam's first step is lr * g / (|g| + epsilon) (bias-corrected):
    # 0.001 for a large gradient, 0.0005 for a gradient equal to epsilon = 1e-8.
    parameter = np.array([1.0, 1.0])
    SGD().step({"w": parameter}, {"w": np.array([1.0, -2.0])})
    np.testing.assert_allclose(parameter, [0.99, 1.02], rtol=1e-15)
    parameter = np.array([0.0, 0.0])
    Adam().step({"w": parameter}, {"w": np.array([4.0, 1e-8])})
    np.testing.assert_allclose(parameter, [-0.001, -0.0005], rtol=1e-7)


@pytest.mark.parametrize(
    ("factory", "error", "message"),
    [
        (lambda: SGD(learning_rate=0), ValueError, "learning_rate must be > 0, got 0"),
        (lambda: SGD(learning_rate=-1), ValueError, "learning_rate must be > 0, got -1"),
        (lambda: SGD(learning_rate=float("nan")), ValueError, "learning_rate must be > 0"),
        (lambda: SGD(learning_rate="0.1"), TypeError, "learning_rate must be a number"),
        (lambda: GradientDescent(0.0), ValueError, "learning_rate must be > 0, got 0.0"),
        (lambda: Adam(learning_rate=-0.5), ValueError, "learning_rate must be > 0, got -0.5"),
        (lambda: SGD(momentum=1.5), ValueError, r"momentum must be in \[0, 1\], got 1.5"),
        (lambda: SGD(momentum=-0.1), ValueError, r"momentum must be in \[0, 1\], got -0.1"),
        (
            lambda: SGD(momentum=0.0, nesterov=True),
            ValueError,
            "nesterov=True needs momentum > 0, got momentum=0",
        ),
        (lambda: Adam(beta_1=1.0), ValueError, r"beta_1 must be in \[0, 1\), got 1.0"),
        (lambda: Adam(beta_1=-0.1), ValueError, r"beta_1 must be in \[0, 1\), got -0.1"),
        (lambda: Adam(beta_2=1), ValueError, r"beta_2 must be in \[0, 1\), got 1"),
        (lambda: Adam(beta_2=1.5), ValueError, r"beta_2 must be in \[0, 1\), got 1.5"),
        (lambda: Adam(epsilon=0), ValueError, "epsilon must be > 0, got 0"),
    ],
)
def test_bad_arguments_are_refused_naming_argument_and_value(factory, error, message):
    with pytest.raises(error, match=message):
        factory()


def test_repr_shows_the_settings():
    assert repr(SGD(0.1, momentum=0.9, nesterov=True)) == (
        "SGD(learning_rate=0.1, momentum=0.9, nesterov=True)"
    )
    assert repr(GradientDescent()) == "GradientDescent(learning_rate=1.0)"
    assert "beta_2=0.999" in repr(Adam())


# The flat path: arrays that tile one vector (as ``glassnet.flat`` lays a network out) are
# stepped as one vector; each optimizer's per-array step is the reference it must equal.

SHAPES = {"layers.0.weights": (5, 4), "layers.0.bias": (4,), "layers.2.weights": (4, 3)}


def tiled(values: dict) -> dict:
    """The arrays of ``values`` copied into views that tile one new vector."""
    vector = np.concatenate([value.ravel() for value in values.values()])
    views, start = {}, 0
    for name, value in values.items():
        views[name] = vector[start:start + value.size].reshape(value.shape)
        start += value.size
    return views


def run_both(factory, dtype, rng, steps=6):
    """(flat optimizer, flat parameters, per-array optimizer, per-array parameters)."""
    start = {name: rng.standard_normal(shape).astype(dtype) for name, shape in SHAPES.items()}
    flat_params, separate_params = tiled(start), {k: v.copy() for k, v in start.items()}
    flat, separate = factory(), factory()
    for _ in range(steps):
        gradients = {name: rng.standard_normal(shape).astype(dtype)
                     for name, shape in SHAPES.items()}
        flat.step(flat_params, tiled(gradients))
        separate.step(separate_params, gradients)
    return flat, flat_params, separate, separate_params


@pytest.mark.parametrize("factory", [lambda: SGD(0.1), lambda: SGD(0.1, momentum=0.9),
                                     lambda: SGD(0.1, momentum=0.5, nesterov=True),
                                     lambda: GradientDescent()])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sgd_flat_path_is_bit_for_bit_the_per_array_path(factory, dtype, rng):
    flat, flat_params, separate, separate_params = run_both(factory, dtype, rng)
    assert flat.joined is not None and separate.joined is None  # each took its own path
    for name in SHAPES:
        assert np.array_equal(flat_params[name], separate_params[name])
        assert flat_params[name].dtype == dtype
        for key, value in separate.state[name].items():
            if key == "velocity":
                assert np.array_equal(flat.state[name][key], value)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_flat_path_equals_the_formula_within_rounding(dtype, rng):
    """m, v and t bit for bit; the weights within one rounding of w and four of the step per
    step, since the flat step is the formula rearranged (see Adam.update_vector)."""
    steps, lr = 6, 0.01
    flat, flat_params, separate, separate_params = run_both(lambda: Adam(lr), dtype, rng, steps)
    eps = np.finfo(dtype).eps
    for name in SHAPES:
        for key in ("m", "v"):
            assert np.array_equal(flat.state[name][key], separate.state[name][key])
        assert flat.state[name]["t"] == separate.state[name]["t"] == steps
        np.testing.assert_allclose(flat_params[name], separate_params[name],
                                   rtol=steps * eps, atol=steps * 4 * eps * lr)


def test_adam_flat_path_follows_the_hand_worked_trajectory():
    optimizer = Adam(learning_rate=0.1)
    expected = []
    parameter, m, v = np.array(START), np.zeros(2), np.zeros(2)
    for t, g in enumerate(GRADIENTS, 1):
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g**2
        parameter = parameter - 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        expected.append(parameter)
    vector = np.array([*START, 7.0])  # w and a second array tile one vector
    params = {"w": vector[:2], "other": vector[2:]}
    for gradient, want in zip(GRADIENTS, expected, strict=True):
        grads = np.array([*gradient, 1.0])
        optimizer.step(params, {"w": grads[:2], "other": grads[2:]})
        np.testing.assert_allclose(params["w"], want, rtol=1e-14)
    assert optimizer.joined is not None


def test_flat_state_is_shown_per_name_as_views():
    optimizer = Adam(0.1)
    params = tiled({"a": np.ones((2, 2)), "b": np.ones(3)})
    grads = tiled({"a": np.full((2, 2), 0.5), "b": np.full(3, -1.0)})
    optimizer.step(params, grads)
    optimizer.step(params, grads)
    assert set(optimizer.state) == {"a", "b"}
    assert optimizer.state["a"]["t"] == optimizer.state["b"]["t"] == 2
    assert optimizer.state["a"]["m"].shape == (2, 2) and optimizer.state["b"]["v"].shape == (3,)
    vector_m = tiled_vector_of(optimizer, "m")
    assert vector_m is optimizer.joined[1]["m"]
    np.testing.assert_allclose(optimizer.state["b"]["m"], 0.9 * 0.1 * -1.0 + 0.1 * -1.0)
    assert "scratch" not in optimizer.state["a"]


def tiled_vector_of(optimizer, key):
    from glassnet.flat import tiled_vector

    return tiled_vector([state[key] for state in optimizer.state.values()])


@pytest.mark.parametrize("factory", [lambda: SGD(0.1, momentum=0.9), lambda: Adam(0.1)])
@pytest.mark.parametrize("shapes", [SHAPES, {"layers.0.weights": (4, 3)}])
def test_switching_between_paths_continues_the_same_trajectory(factory, shapes, rng):
    # per-array steps, then flat ones (state joined), then per-array again (views kept); also
    # for a network of one array (a Dense layer without bias)
    start = {name: rng.standard_normal(shape) for name, shape in shapes.items()}
    gradients = [{name: rng.standard_normal(shape) for name, shape in shapes.items()}
                 for _ in range(6)]
    mixed, mixed_params = factory(), {k: v.copy() for k, v in start.items()}
    alone, alone_params = factory(), {k: v.copy() for k, v in start.items()}
    for index, grads in enumerate(gradients):
        if index == 2:
            mixed_params = tiled(mixed_params)
        if index == 4:
            mixed_params = {k: v.copy() for k, v in mixed_params.items()}
        flat_now = 2 <= index < 4
        mixed.step(mixed_params, tiled(grads) if flat_now else grads)
        alone.step(alone_params, grads)
    for name in shapes:
        np.testing.assert_allclose(mixed_params[name], alone_params[name], rtol=1e-13)
        for key, value in alone.state[name].items():
            if key in ("velocity", "m", "v", "t"):
                np.testing.assert_array_equal(mixed.state[name][key], value)


def test_unequal_step_counts_keep_the_per_array_path():
    optimizer = Adam(0.1)
    params = tiled({"a": np.ones(2), "b": np.ones(2)})
    optimizer.step({"a": params["a"]}, {"a": np.ones(2)})  # "a" at t = 1, "b" unseen
    grads = tiled({"a": np.ones(2), "b": np.ones(2)})
    optimizer.step(params, grads)
    assert optimizer.joined is None
    assert optimizer.state["a"]["t"] == 2 and optimizer.state["b"]["t"] == 1


def test_a_subclass_with_only_update_is_stepped_array_by_array():
    seen = []

    class NamesOnly(SGD):
        update_vector = None

        def update(self, name, parameter, gradient, state):
            seen.append(name)
            super().update(name, parameter, gradient, state)

    params = tiled({"a": np.ones(2), "b": np.ones(2)})
    NamesOnly(0.1).step(params, tiled({"a": np.ones(2), "b": np.ones(2)}))
    assert seen == ["a", "b"]


def test_a_pickled_optimizer_continues_exactly(rng):
    import pickle

    params = tiled({name: rng.standard_normal(shape) for name, shape in SHAPES.items()})
    grads = [tiled({name: rng.standard_normal(shape) for name, shape in SHAPES.items()})
             for _ in range(4)]
    optimizer = Adam(0.05)
    for g in grads[:2]:
        optimizer.step(params, g)
    copy, copy_params = pickle.loads(pickle.dumps((optimizer, params)))
    copy_params = tiled(copy_params)
    for g in grads[2:]:
        optimizer.step(params, g)
        copy.step(copy_params, g)
    for name in SHAPES:
        assert np.array_equal(copy_params[name], params[name])
        assert np.array_equal(copy.state[name]["m"], optimizer.state[name]["m"])
    optimizer.reset()
    assert optimizer.state == {} and optimizer.joined is None


@pytest.mark.parametrize("make", [lambda: SGD(0.1), lambda: SGD(0.1, momentum=0.9, nesterov=True)],
                         ids=["plain", "nesterov"])
def test_a_parameter_that_changes_precision_is_stepped_in_its_new_precision(make, rng):
    # the same name, first float64 then float32 arrays of the same shape (a network cast to
    # float32 between fits): the step's scratch arrays must follow, so the float32 step is
    # exactly the one a fresh optimizer takes on the float32 arrays
    shape = (300, 7)
    optimizer = make()
    optimizer.step({"w": rng.standard_normal(shape)}, {"w": rng.standard_normal(shape)})
    parameter = rng.standard_normal(shape).astype(np.float32)
    gradient = rng.standard_normal(shape).astype(np.float32)
    fresh, fresh_parameter = make(), parameter.copy()
    if optimizer.state["w"].get("velocity") is not None:  # a velocity in float32, equal in both
        optimizer.state["w"]["velocity"] = np.zeros(shape, np.float32)
    optimizer.step({"w": parameter}, {"w": gradient})
    fresh.step({"w": fresh_parameter}, {"w": gradient})
    assert parameter.dtype == np.float32
    assert parameter.tobytes() == fresh_parameter.tobytes()


# --- SGD with momentum 1 (appended by the stream helper) ---------------------------------


def test_sgd_momentum_one_keeps_the_velocity_undamped():
    # v <- 1 * v - 0.1 g;  w <- w + v: the velocity is the sum of all steps so far, as
    # scikit-learn's MLP allows (its momentum is in [0, 1])
    v1 = [-0.1 * 0.5, -0.1 * -1.0]  # [-0.05, 0.1]
    w1 = [1.0 + v1[0], -2.0 + v1[1]]  # [0.95, -1.9]
    v2 = [v1[0] - 0.1 * 0.25, v1[1] - 0.1 * 0.5]  # [-0.075, 0.05]
    w2 = [w1[0] + v2[0], w1[1] + v2[1]]  # [0.875, -1.85]
    v3 = [v2[0] - 0.1 * -1.0, v2[1] - 0.1 * 2.0]  # [0.025, -0.15]
    w3 = [w2[0] + v3[0], w2[1] + v3[1]]  # [0.9, -2.0]
    assert_trajectory(SGD(learning_rate=0.1, momentum=1.0), [w1, w2, w3])
    np.testing.assert_allclose(w3, [0.9, -2.0])


def test_sgd_nesterov_momentum_one():
    # v <- v - 0.1 g;  w <- w + v - 0.1 g
    v1 = [-0.05, 0.1]
    w1 = [1.0 + v1[0] - 0.1 * 0.5, -2.0 + v1[1] - 0.1 * -1.0]  # [0.9, -1.8]
    v2 = [v1[0] - 0.1 * 0.25, v1[1] - 0.1 * 0.5]  # [-0.075, 0.05]
    w2 = [w1[0] + v2[0] - 0.1 * 0.25, w1[1] + v2[1] - 0.1 * 0.5]  # [0.8, -1.8]
    v3 = [v2[0] - 0.1 * -1.0, v2[1] - 0.1 * 2.0]  # [0.025, -0.15]
    w3 = [w2[0] + v3[0] - 0.1 * -1.0, w2[1] + v3[1] - 0.1 * 2.0]  # [0.925, -2.15]
    assert_trajectory(SGD(learning_rate=0.1, momentum=1.0, nesterov=True), [w1, w2, w3])
    np.testing.assert_allclose(w3, [0.925, -2.15])


def test_gradients_of_another_dtype_take_the_per_array_step(rng):
    # float32 parameters tiling one vector, float64 gradients tiling another: the flat
    # vectors do not match, so the step is the per-array one, bit for bit
    start = {name: rng.standard_normal(shape).astype(np.float32) for name, shape in
             SHAPES.items()}
    flat_params, separate_params = tiled(start), {k: v.copy() for k, v in start.items()}
    flat, separate = Adam(0.1), Adam(0.1)
    for _ in range(3):
        gradients = {name: rng.standard_normal(shape) for name, shape in SHAPES.items()}
        flat.step(flat_params, tiled(gradients))
        separate.step(separate_params, gradients)
    for name in SHAPES:
        assert flat_params[name].tobytes() == separate_params[name].tobytes()


def test_a_moment_array_taken_from_the_state_follows_later_flat_steps():
    # optimizer.state[name]["m"] is a view into the vector's moments, updated in place: a
    # reference kept by a callback or a learner's display stays current, step after step
    optimizer = Adam(0.1)
    params = tiled({"a": np.ones((2, 2)), "b": np.ones(3)})
    grads = tiled({"a": np.full((2, 2), 0.5), "b": np.full(3, -1.0)})
    optimizer.step(params, grads)
    kept = optimizer.state["b"]["m"]
    for _ in range(2):
        optimizer.step(params, grads)
        assert optimizer.state["b"]["m"] is kept
    np.testing.assert_allclose(kept, -(1 - 0.9**3))  # m after three gradients of -1
