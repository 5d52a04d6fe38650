"""fit: one SGD step on a 3-2-1 network worked out by hand, XOR learned to accuracy 1,
History, float32 end to end, reproducibility, callbacks, mini-batches and shuffling, and
refusal of bad arguments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from glassnet.activations import Identity, Sigmoid
from glassnet.callbacks import Callback, EarlyStopping
from glassnet.gradcheck import numerical_gradient, relative_error
from glassnet.layers import Dense
from glassnet.losses import (
    BinaryCrossEntropy,
    Huber,
    MeanAbsoluteError,
    SoftmaxCrossEntropy,
    SquaredError,
)
from glassnet.metrics import accuracy
from glassnet.network import Sequential, mlp
from glassnet.optimizers import SGD, Adam
from glassnet.regularization import weight_decay
from glassnet.schedules import StepDecay
from glassnet.training import DEFAULT_BATCH_SIZE, History, fit, training_step

XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([0.0, 1.0, 1.0, 0.0])

# The 3-2-1 network of the hand-worked step: W1[i][j] joins input i to hidden unit j.
W1 = [[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]
B1 = [0.05, -0.1]
W2 = [[0.7], [-0.8]]
B2 = [0.2]
SAMPLES = [([1.0, 0.5, -1.0], 1.0), ([0.0, -1.0, 2.0], 0.0)]
LEARNING_RATE = 0.5


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def hand_worked_step():
    """One full-batch SGD step on L = (1/N) sum_n 1/2 (o_n - t_n)^2, in plain floats.

    Returns the hidden pre-activations (to check the hand arithmetic), the loss before the
    step, and the new W1, B1, W2, B2.
    """
    n = len(SAMPLES)
    grad_w1 = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    grad_b1 = [0.0, 0.0]
    grad_w2 = [[0.0], [0.0]]
    grad_b2 = [0.0]
    loss, preactivations = 0.0, []
    for x, t in SAMPLES:
        # forward: z1_j = sum_i x_i W1_ij + b1_j;  h_j = sigma(z1_j)
        z1 = [x[0] * W1[0][j] + x[1] * W1[1][j] + x[2] * W1[2][j] + B1[j] for j in (0, 1)]
        h = [logistic(z1[0]), logistic(z1[1])]
        # z2 = h_0 W2_00 + h_1 W2_10 + b2;  o = sigma(z2)
        z2 = h[0] * W2[0][0] + h[1] * W2[1][0] + B2[0]
        o = logistic(z2)
        loss += 0.5 * (o - t) ** 2 / n
        preactivations.append(z1)
        # backward: dL/do = (o - t) / N;  dL/dz2 = dL/do * o (1 - o)
        delta2 = (o - t) / n * o * (1 - o)
        # dL/dW2_j0 = h_j dL/dz2;  dL/db2 = dL/dz2
        grad_w2[0][0] += h[0] * delta2
        grad_w2[1][0] += h[1] * delta2
        grad_b2[0] += delta2
        # dL/dz1_j = dL/dz2 * W2_j0 * h_j (1 - h_j);  dL/dW1_ij = x_i dL/dz1_j
        delta1 = [delta2 * W2[j][0] * h[j] * (1 - h[j]) for j in (0, 1)]
        for i in (0, 1, 2):
            for j in (0, 1):
                grad_w1[i][j] += x[i] * delta1[j]
        grad_b1[0] += delta1[0]
        grad_b1[1] += delta1[1]
    # w <- w - lr * dL/dw
    new_w1 = [[W1[i][j] - LEARNING_RATE * grad_w1[i][j] for j in (0, 1)] for i in (0, 1, 2)]
    new_b1 = [B1[j] - LEARNING_RATE * grad_b1[j] for j in (0, 1)]
    new_w2 = [[W2[j][0] - LEARNING_RATE * grad_w2[j][0]] for j in (0, 1)]
    new_b2 = [B2[0] - LEARNING_RATE * grad_b2[0]]
    return preactivations, loss, (new_w1, new_b1, new_w2, new_b2)


def three_two_one_network() -> Sequential:
    first, second = Dense(3, 2), Dense(2, 1)
    first.params["weights"][...] = W1
    first.params["bias"][...] = B1
    second.params["weights"][...] = W2
    second.params["bias"][...] = B2
    return Sequential([first, Sigmoid(), second, Sigmoid()])


def test_one_hand_worked_sgd_step_on_a_3_2_1_network():
    preactivations, loss_before, expected = hand_worked_step()
    # the hand arithmetic itself: 1*0.1 + 0.5*0.3 + (-1)*(-0.5) + 0.05 = 0.8, and so on
    np.testing.assert_allclose(preactivations, [[0.8, -0.7], [-1.25, 0.7]], atol=1e-15)

    network = three_two_one_network()
    inputs = np.array([x for x, _ in SAMPLES])
    targets = np.array([t for _, t in SAMPLES])
    history = fit(
        network,
        inputs,
        targets,
        SquaredError(),
        SGD(LEARNING_RATE),
        epochs=1,
        batch_size=None,
        shuffle=False,
    )

    assert history["loss"] == [pytest.approx(loss_before, rel=1e-12)]
    names = ["layers.0.weights", "layers.0.bias", "layers.2.weights", "layers.2.bias"]
    parameters = network.parameters()
    assert list(parameters) == names
    for name, want in zip(names, expected, strict=True):
        np.testing.assert_allclose(parameters[name], want, rtol=1e-12, atol=1e-15, err_msg=name)
        assert not np.allclose(parameters[name], three_two_one_network().parameters()[name])


def test_the_hand_worked_step_through_forward_backward_and_step():
    _, loss_before, expected = hand_worked_step()
    network, loss, optimizer = three_two_one_network(), SquaredError(), SGD(LEARNING_RATE)
    inputs = np.array([x for x, _ in SAMPLES])
    targets = np.array([[t] for _, t in SAMPLES])
    assert loss(network.forward(inputs, training=True), targets) == pytest.approx(loss_before)
    network.backward(loss.backward())
    optimizer.step(network.parameters(), network.gradients())
    for value, want in zip(network.parameters().values(), expected, strict=True):
        np.testing.assert_allclose(value, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("activation", "loss", "output_activation"),
    [
        ("tanh", BinaryCrossEntropy(from_logits=True), "identity"),
        ("sigmoid", BinaryCrossEntropy(from_logits=True), "identity"),
        ("tanh", SquaredError(), "sigmoid"),
        ("sigmoid", SquaredError(), "sigmoid"),
    ],
    ids=["tanh-bce", "sigmoid-bce", "tanh-squared", "sigmoid-squared"],
)
def test_xor_is_learned_by_a_2_4_1_network(activation, loss, output_activation):
    network = mlp([2, 4, 1], activation=activation, output_activation=output_activation, rng=0)
    history = fit(network, XOR_INPUTS, XOR_TARGETS, loss, SGD(0.5, momentum=0.9), epochs=500)
    outputs = network.predict(XOR_INPUTS)
    probabilities = loss.probabilities(outputs) if hasattr(loss, "probabilities") else outputs
    assert accuracy(XOR_TARGETS, probabilities) == 1.0
    assert len(history) == 500 and history["loss"][-1] < 0.25 * history["loss"][0]


def test_xor_with_adam_and_mini_batches():
    network = mlp([2, 4, 1], activation="tanh", rng=1)
    loss = BinaryCrossEntropy(from_logits=True)
    fit(network, XOR_INPUTS, XOR_TARGETS, loss, Adam(0.05), epochs=300, batch_size=2)
    assert accuracy(XOR_TARGETS, loss.probabilities(network.predict(XOR_INPUTS))) == 1.0


def test_three_classes_with_softmax_cross_entropy_and_integer_labels():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    labels = np.repeat([0, 1, 2], 20)
    inputs = centres[labels] + 0.5 * rng.standard_normal((60, 2))
    network = mlp([2, 8, 3], activation="tanh", rng=0)
    loss = SoftmaxCrossEntropy()
    history = fit(network, inputs, labels, loss, Adam(0.05), epochs=50, batch_size=16)
    assert accuracy(labels, network.predict(inputs)) == 1.0
    assert history["loss"][-1] < 0.1


def test_history_records_one_loss_per_epoch_and_it_decreases(rng):
    # linear regression, full batch, a small step: the loss must fall every single epoch
    inputs = rng.standard_normal((20, 3))
    targets = inputs @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    network = Sequential([Dense(3, 1, rng=rng)])
    history = fit(network, inputs, targets, SquaredError(), SGD(0.1), epochs=30)
    losses = history["loss"]
    assert isinstance(history, History) and len(history) == history.epochs == 30
    assert all(np.diff(losses) < 0)
    assert losses[-1] < 0.05 * losses[0]
    assert history["epoch"] == list(range(1, 31))
    assert history["learning_rate"] == [0.1] * 30
    assert {"epoch", "loss", "learning_rate", "time"} <= set(history.records[0])
    assert not history.stopped_early
    with pytest.raises(KeyError, match="history has no 'accuracy'"):
        history["accuracy"]


def test_epoch_loss_is_the_sample_weighted_mean_of_batch_losses():
    class BatchLosses(Callback):
        def __init__(self):
            self.losses = []

        def on_batch_end(self, state):
            self.losses.append(state.batch_loss)

    recorder = BatchLosses()
    network = mlp([2, 3, 1], rng=0)
    inputs, targets = np.arange(10.0).reshape(5, 2) / 10, np.arange(5.0)
    history = fit(
        network,
        inputs,
        targets,
        SquaredError(),
        SGD(0.01),
        epochs=1,
        batch_size=2,
        shuffle=False,
        callbacks=[recorder],
    )
    first, second, third = recorder.losses
    assert history["loss"][0] == pytest.approx((2 * first + 2 * second + 1 * third) / 5)


def test_float32_end_to_end():
    network = mlp([2, 4, 1], activation="tanh", dtype=np.float32, rng=0)
    loss = BinaryCrossEntropy(from_logits=True)
    history = fit(network, XOR_INPUTS, XOR_TARGETS, loss, Adam(0.05), epochs=200, batch_size=2)
    for name, value in network.parameters().items():
        assert value.dtype == np.float32, name
    for name, value in network.gradients().items():
        assert value.dtype == np.float32, name
    assert network.layers[0].inputs.dtype == np.float32  # inputs were cast, once, by fit
    assert network.predict(XOR_INPUTS).dtype == np.float32
    assert np.isfinite(history["loss"]).all()
    assert accuracy(XOR_TARGETS, loss.probabilities(network.predict(XOR_INPUTS))) == 1.0


def train_once(seed: int) -> dict[str, np.ndarray]:
    network = mlp([2, 4, 1], activation="tanh", rng=seed)
    fit(
        network,
        XOR_INPUTS,
        XOR_TARGETS,
        BinaryCrossEntropy(),
        SGD(0.3, momentum=0.9),
        epochs=50,
        batch_size=3,
        shuffle=True,
    )
    return network.parameters()


def test_same_seed_gives_bit_identical_weights():
    first, second, other = train_once(7), train_once(7), train_once(8)
    for name, value in first.items():
        np.testing.assert_array_equal(value, second[name])
    assert any(not np.array_equal(value, other[name]) for name, value in first.items())


class Recorder(Callback):
    """Notes every hook call, and asks to stop after ``stop_after`` epochs."""

    def __init__(self, stop_after=None):
        self.events, self.stop_after = [], stop_after

    def on_train_begin(self, state):
        self.events.append("train_begin")

    def on_epoch_begin(self, state):
        self.events.append(f"epoch_begin {state.epoch}")

    def on_batch_end(self, state):
        self.events.append(f"batch_end {state.epoch}.{state.batch}")

    def on_epoch_end(self, state):
        self.events.append(f"epoch_end {state.epoch} {state.logs['epoch']}")
        if self.stop_after is not None and state.epoch + 1 == self.stop_after:
            state.stop_training = True

    def on_train_end(self, state):
        self.events.append("train_end")


def test_callbacks_are_called_in_order():
    recorder = Recorder()
    fit(
        mlp([2, 1], rng=0),
        XOR_INPUTS,
        XOR_TARGETS,
        SquaredError(),
        SGD(0.1),
        epochs=2,
        batch_size=3,
        callbacks=[recorder],
    )
    assert recorder.events == [
        "train_begin",
        "epoch_begin 0",
        "batch_end 0.0",
        "batch_end 0.1",
        "epoch_end 0 1",
        "epoch_begin 1",
        "batch_end 1.0",
        "batch_end 1.1",
        "epoch_end 1 2",
        "train_end",
    ]


def test_a_callback_can_stop_training_early():
    recorder = Recorder(stop_after=3)
    history = fit(
        mlp([2, 1], rng=0),
        XOR_INPUTS,
        XOR_TARGETS,
        SquaredError(),
        SGD(0.1),
        epochs=100,
        callbacks=[recorder],
    )
    assert len(history) == 3 and history.stopped_early
    assert recorder.events[-2:] == ["epoch_end 2 3", "train_end"]


class Spy(Identity):
    """Passes inputs through, keeping a copy of every training batch it sees."""

    def __init__(self):
        super().__init__()
        self.batches = []

    def forward(self, inputs, training=False):
        if training:
            self.batches.append(inputs.copy())
        return inputs


def batches_seen(shuffle: bool, rng=None, epochs: int = 4):
    spy = Spy()
    network = Sequential([spy, Dense(2, 1, rng=0)], rng=0)
    inputs = np.column_stack([np.arange(5.0), np.zeros(5)])  # row k has k in column 0
    optimizer = SGD(0.01)
    fit(
        network,
        inputs,
        np.zeros(5),
        SquaredError(),
        optimizer,
        epochs=epochs,
        batch_size=2,
        shuffle=shuffle,
        rng=rng,
    )
    return [batch[:, 0].astype(int).tolist() for batch in spy.batches], optimizer


def test_mini_batches_with_shuffle_see_every_sample_once_per_epoch():
    batches, optimizer = batches_seen(shuffle=True, rng=3)
    assert optimizer.iterations == 4 * 3  # ceil(5 / 2) steps per epoch
    assert [len(batch) for batch in batches] == [2, 2, 1] * 4
    orders = [sum(batches[3 * epoch : 3 * epoch + 3], []) for epoch in range(4)]
    assert all(sorted(order) == [0, 1, 2, 3, 4] for order in orders)
    assert any(order != [0, 1, 2, 3, 4] for order in orders)
    assert len({tuple(order) for order in orders}) > 1  # a new permutation each epoch
    assert batches_seen(shuffle=True, rng=3)[0] == batches  # the seed fixes the order


def test_mini_batches_without_shuffle_keep_the_order():
    batches, _ = batches_seen(shuffle=False)
    assert batches == [[0, 1], [2, 3], [4]] * 4


def test_a_batch_larger_than_the_data_is_the_full_batch():
    optimizer = SGD(0.1)
    fit(
        mlp([2, 1], rng=0),
        XOR_INPUTS,
        XOR_TARGETS,
        SquaredError(),
        optimizer,
        epochs=3,
        batch_size=100,
    )
    assert optimizer.iterations == 3


def test_zero_epochs_change_nothing():
    network = mlp([2, 3, 1], rng=0)
    before = {name: value.copy() for name, value in network.parameters().items()}
    history = fit(network, XOR_INPUTS, XOR_TARGETS, SquaredError(), SGD(0.1), epochs=0)
    assert len(history) == 0
    for name, value in network.parameters().items():
        np.testing.assert_array_equal(value, before[name])


def test_fit_leaves_the_callers_data_alone():
    inputs, targets = XOR_INPUTS.copy(), XOR_TARGETS.copy()
    fit(mlp([2, 3, 1], rng=0), inputs, targets, SquaredError(), SGD(0.1), epochs=3, batch_size=2)
    np.testing.assert_array_equal(inputs, XOR_INPUTS)
    np.testing.assert_array_equal(targets, XOR_TARGETS)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"targets": [0.0, 1.0, 1.0]}, ValueError, "inputs has 4 samples but targets has 3"),
        ({"targets": [0.0, np.nan, 1.0, 0.0]}, ValueError, "targets contain NaN or infinity"),
        ({"targets": [0.0, np.inf, 1.0, 0.0]}, ValueError, "targets contain NaN or infinity"),
        ({"targets": "0110"}, ValueError, "targets must be an array of numbers, got the string"),
        ({"targets": ["a", "b", "c", "d"]}, ValueError, "targets must be numbers, got dtype"),
        ({"targets": np.zeros((4, 2))}, ValueError, r"targets have shape \(4, 2\)"),
        ({"epochs": -1}, ValueError, "epochs must be >= 0, got -1"),
        ({"epochs": 2.5}, TypeError, "epochs must be an integer, got 2.5"),
        ({"batch_size": 0}, ValueError, "batch_size must be > 0, got 0"),
        ({"batch_size": -3}, ValueError, "batch_size must be > 0, got -3"),
        ({"batch_size": 1.5}, TypeError, "batch_size must be an integer, got 1.5"),
        ({"inputs": [[0.0, np.nan]] * 4}, ValueError, "inputs contains a non-finite value nan"),
        ({"inputs": np.zeros((4, 3))}, ValueError, r"inputs must have 2 features \(columns\)"),
        ({"inputs": np.zeros(4)}, ValueError, "inputs must be 2-dimensional"),
        ({"inputs": "xor"}, ValueError, "inputs must be an array of numbers, got the string"),
        ({"rng": "seed"}, TypeError, "rng must be an int seed"),
    ],
)
def test_fit_refuses_bad_arguments(arguments, error, message):
    call = {"inputs": XOR_INPUTS, "targets": XOR_TARGETS, "epochs": 2, **arguments}
    network = mlp([2, 3, 1], rng=0)
    before = {name: value.copy() for name, value in network.parameters().items()}
    with pytest.raises(error, match=message):
        fit(network, loss=SquaredError(), optimizer=SGD(0.1), **call)
    for name, value in network.parameters().items():  # refused before any step
        np.testing.assert_array_equal(value, before[name])


def reference_problem():
    """Three classes, 60 rows, weights 0.5..2: the problem of the reference values below."""
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(60, 4))
    labels = (inputs[:, 0] + inputs[:, 1] > 0).astype(int) + (inputs[:, 2] > 1)
    return inputs, labels, np.linspace(0.5, 2, 60)


def test_fit_gives_the_numbers_of_the_loop_before_training_step():
    # Computed by fit as it was before training_step and CallbackList (repr of each float):
    # minibatches, shuffling, L2, sample weights, a validation split and a metric.
    inputs, labels, weights = reference_problem()
    network = mlp([4, 5, 3], rng=0)
    history = fit(network, inputs, labels, SoftmaxCrossEntropy(), Adam(0.01), epochs=3,
                  batch_size=16, rng=1, l2=0.01, sample_weight=weights,
                  validation_split=0.2, metrics=["accuracy"])
    assert history["loss"] == [0.9345953509827652, 0.8796528208137063, 0.823116944735108]
    assert history["val_loss"] == [0.8468317919287566, 0.7546507047906171,
                                   0.6819053212223593]
    # Adam's flat step (the formula rearranged, see Adam.update_vector) moved the last bits
    # of the weights: 0.42368066660576426 array by array.
    assert float(network.parameters()["layers.0.weights"].sum()) == 0.42368066660576437


def test_training_step_is_fits_step():
    # One full-batch epoch of fit is training_step followed by the optimizer's step.
    inputs, labels, weights = reference_problem()
    by_fit, by_hand = mlp([4, 5, 3], rng=0), mlp([4, 5, 3], rng=0)
    history = fit(by_fit, inputs, labels, SoftmaxCrossEntropy(), SGD(0.1), epochs=1,
                  batch_size=None, shuffle=False, l2=0.01, sample_weight=weights)
    loss = SoftmaxCrossEntropy()
    targets = loss.prepare_targets(labels, np.empty((60, 3)))
    penalty = weight_decay(0.01, by_hand.parameters())
    value = training_step(by_hand, loss, inputs, targets, weights, penalty)
    SGD(0.1).step(by_hand.parameters(), by_hand.gradients())
    assert history["loss"] == [value]
    for name, array in by_fit.parameters().items():
        np.testing.assert_array_equal(array, by_hand.parameters()[name])


def test_training_step_fills_the_gradients_of_loss_plus_penalty():
    inputs, labels, _ = reference_problem()
    network, loss = mlp([4, 3, 3], rng=2), SoftmaxCrossEntropy()
    targets = loss.prepare_targets(labels, np.empty((60, 3)))
    penalty = weight_decay(0.1, network.parameters())
    training_step(network, loss, inputs, targets, None, penalty)
    analytic = {name: value.copy() for name, value in network.gradients().items()}
    for name, parameter in network.parameters().items():
        numerical = numerical_gradient(
            lambda: loss.forward(network.forward(inputs, training=True), targets)
            + penalty.value(), parameter)
        assert relative_error(analytic[name], numerical) < 1e-6


def test_fit_trains_minibatches_of_32_by_default():
    seen = []

    class BatchSizes(Callback):
        def on_batch_end(self, state):
            seen.append(state.samples_seen)

    inputs, labels, _ = reference_problem()
    history = fit(mlp([4, 3, 3], rng=0), inputs, labels, "softmax_cross_entropy", epochs=1,
                  callbacks=[BatchSizes()])
    assert DEFAULT_BATCH_SIZE == 32
    assert seen == [32, 60]  # 60 rows: batches of 32 and 28
    assert len(history) == 1


def test_fit_takes_names_and_gives_what_the_objects_give():
    inputs, labels, _ = reference_problem()
    by_name, by_object = mlp([4, 3, 3], rng=0), mlp([4, 3, 3], rng=0)
    named = fit(by_name, inputs, labels, "softmax_cross_entropy", "adam", epochs=3, rng=0,
                metrics=["accuracy"], validation_split=0.25,
                callbacks=["early_stopping", "step_decay"])
    built = fit(by_object, inputs, labels, SoftmaxCrossEntropy(), Adam(), epochs=3, rng=0,
                metrics=[accuracy], validation_split=0.25,
                callbacks=[EarlyStopping(), StepDecay()])
    assert named["loss"] == built["loss"] and named["val_accuracy"] == built["val_accuracy"]
    assert named["learning_rate"] == [0.001] * 3
    for name, array in by_name.parameters().items():
        np.testing.assert_array_equal(array, by_object.parameters()[name])


def test_multi_label_classification_through_fit():
    rng = np.random.default_rng(3)
    inputs = rng.standard_normal((200, 3))
    targets = np.column_stack([inputs[:, 0] > 0, inputs[:, 1] > 0, inputs.sum(axis=1) > 0])
    network, loss = mlp([3, 16, 3], activation="tanh", rng=0), BinaryCrossEntropy()
    history = fit(network, inputs, targets.astype(float), loss, Adam(0.02), epochs=60,
                  batch_size=32, validation_split=0.2, rng=0)
    predicted = loss.probabilities(network.predict(inputs)) > 0.5
    assert predicted.shape == (200, 3)
    assert np.mean(predicted == targets, axis=0).min() > 0.9
    assert history["val_loss"][-1] < history["val_loss"][0]

@pytest.mark.parametrize("loss", [SquaredError(), MeanAbsoluteError(), Huber(0.5)], ids=repr)
def test_multi_output_regression_through_fit(loss):
    rng = np.random.default_rng(4)
    inputs = rng.standard_normal((100, 3))
    targets = inputs @ np.array([[1.0, -2.0], [0.5, 0.0], [0.0, 1.5]]) + [0.5, -1.0]
    network = mlp([3, 2], rng=0)
    fit(network, inputs, targets, loss, Adam(0.01), epochs=300, batch_size=20)
    assert np.abs(network.predict(inputs) - targets).max() < 0.05

XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 5)

XOR_LABELS = np.array([0, 1, 1, 0] * 5)

@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"validation_split": 1.0}, ValueError, r"validation_split must be in \[0, 1\), got 1.0"),
    ({"validation_split": -0.1}, ValueError, "validation_split must be in"),
    ({"validation_split": "0.2"}, TypeError, "validation_split must be a number"),
    ({"validation_split": 0.01}, ValueError, "validation_split=0.01 leaves 0 of 20 samples"),
    ({"validation_split": 0.2, "validation_data": (XOR, XOR_LABELS)}, ValueError,
     "give validation_data or validation_split, not both"),
    ({"validation_data": XOR}, ValueError, r"validation_data must be \(inputs, targets\)"),
    ({"validation_data": (XOR[:, :1], XOR_LABELS)}, ValueError,
     "validation inputs must have 2 features"),
    ({"validation_data": (XOR, XOR_LABELS[:3])}, ValueError,
     "validation inputs has 20 samples but validation targets has 3"),
    ({"validation_data": (XOR, XOR_LABELS, -np.ones(20))}, ValueError,
     "validation sample_weight must be finite and >= 0, got -1.0 at index 0"),
    ({"metrics": ["acc"]}, ValueError, "unknown metric 'acc'; known: accuracy"),
    ({"metrics": [3]}, TypeError, "metrics must be names .* got 3"),
    ({"metrics": 3}, TypeError, "metrics must be a list of names or functions, got 3"),
    ({"metrics": {"loss": accuracy}}, ValueError, "metric name 'loss' is already taken"),
    ({"l2": -1.0}, ValueError, "l2 must be >= 0, got -1.0"),
    ({"l2": "big"}, TypeError, "l2 must be a number, got 'big'"),
    ({"callbacks": Callback()}, TypeError, "callbacks must be a list of Callback objects"),
    ({"callbacks": [object()]}, TypeError, "lacks on_train_begin"),
])
def test_fit_refuses_bad_new_arguments(arguments, error, message):
    network = mlp([2, 3, 2], rng=0)
    before = {name: value.copy() for name, value in network.parameters().items()}
    with pytest.raises(error, match=message):
        fit(network, XOR, XOR_LABELS, SoftmaxCrossEntropy(), SGD(0.1), epochs=2, **arguments)
    for name, value in network.parameters().items():
        np.testing.assert_array_equal(value, before[name])
