"""The data fit trains on: stratified, seeded validation splits; sample and class weights
(duplicated rows, weight 0 dropped bit for bit, normalisation, "balanced"); bad weights."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.callbacks import Callback
from glassnet.losses import (
    BinaryCrossEntropy,
    SoftmaxCrossEntropy,
    SquaredError,
)
from glassnet.network import mlp
from glassnet.optimizers import SGD, Adam
from glassnet.regularization import weight_decay
from glassnet.training import fit
from glassnet.training_data import Batches, Dataset, class_weights


class Spy(Callback):
    """Keeps the training inputs fit settled on (after any split)."""

    def on_train_begin(self, state):
        self.inputs = state.inputs.copy()

def numbered(samples: int, labels: np.ndarray) -> np.ndarray:
    """Inputs whose first column is the row number, so a split can be read back."""
    return np.column_stack([np.arange(samples, dtype=float), labels.astype(float)])

def split_of(labels, fraction, rng, loss=None):
    samples = len(labels)
    spy = Spy()
    outputs = 2 if loss is None else 1
    fit(mlp([2, outputs], rng=0), numbered(samples, labels), labels,
        loss or SoftmaxCrossEntropy(), SGD(1e-9), epochs=1, validation_split=fraction, rng=rng,
        callbacks=[spy])
    training = spy.inputs[:, 0].astype(int)
    return training, np.setdiff1d(np.arange(samples), training)

def test_validation_split_is_stratified_seeded_and_disjoint():
    labels = np.array([0] * 80 + [1] * 20)
    training, validation = split_of(labels, 0.25, rng=1)
    assert len(training) == 75 and len(validation) == 25
    assert np.bincount(labels[validation]).tolist() == [20, 5]  # 25 % of each class
    assert np.all(np.diff(training) > 0)  # training rows keep their order
    again, _ = split_of(labels, 0.25, rng=1)
    other, _ = split_of(labels, 0.25, rng=2)
    np.testing.assert_array_equal(training, again)
    assert not np.array_equal(training, other)

def test_validation_split_for_regression_is_a_plain_seeded_share():
    targets = np.linspace(0, 1, 40)
    training, validation = split_of(targets, 0.1, rng=0, loss=SquaredError())
    assert len(validation) == 4 and len(training) == 36

def three_classes(samples: int = 30, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = np.arange(samples) % 3
    return rng.standard_normal((samples, 4)) + labels[:, None], labels

def trained(inputs, targets, loss, seed=0, **arguments) -> dict[str, np.ndarray]:
    network = mlp([inputs.shape[1], 5, 3 if isinstance(loss, SoftmaxCrossEntropy) else 1],
                  activation="tanh", rng=seed)
    arguments = {"epochs": 25, "batch_size": None, **arguments}  # full batch
    fit(network, inputs, targets, loss, arguments.pop("optimizer", SGD(0.3)), **arguments)
    return network.parameters()

def test_class_weight_equals_duplicated_samples():
    inputs, labels = three_classes()
    weighted = trained(inputs, labels, SoftmaxCrossEntropy(), class_weight={1: 2, 2: 3})
    copies = np.where(labels == 1, 2, np.where(labels == 2, 3, 1))
    duplicated = trained(np.repeat(inputs, copies, axis=0), np.repeat(labels, copies),
                         SoftmaxCrossEntropy())
    for name, value in weighted.items():
        np.testing.assert_allclose(value, duplicated[name], rtol=1e-10, atol=1e-12)

def test_sample_weight_zero_equals_dropping_the_rows_bit_for_bit():
    inputs, labels = three_classes(40)
    weights = np.ones(40)
    weights[[3, 8, 9, 20, 33]] = 0
    kept = weights > 0
    for make_optimizer in (lambda: SGD(0.3, momentum=0.9), lambda: Adam(0.01)):
        arguments = {"batch_size": 6, "shuffle": True, "rng": 5}
        with_zeros = trained(inputs, labels, SoftmaxCrossEntropy(), sample_weight=weights,
                             optimizer=make_optimizer(), **arguments)
        dropped = trained(inputs[kept], labels[kept], SoftmaxCrossEntropy(),
                          optimizer=make_optimizer(), **arguments)
        for name, value in with_zeros.items():
            np.testing.assert_array_equal(value, dropped[name])

def test_weighted_loss_is_normalised_by_the_total_weight():
    inputs, labels = three_classes(12)
    weights = np.linspace(0.5, 3.0, 12)
    network, loss = mlp([4, 3], rng=0), SoftmaxCrossEntropy()
    per_sample = loss.per_sample(network.predict(inputs), np.eye(3)[labels])
    history = fit(network, inputs, labels, loss, SGD(0.1), sample_weight=weights)
    # L = sum_i w_i l_i / sum_i w_i, at the weights the (only) full batch started from
    assert history["loss"][0] == pytest.approx((weights * per_sample).sum() / weights.sum())

def test_equal_weights_still_scale_a_summed_loss():
    # with reduction="sum" nothing divides by the total weight: weights of 2 double the loss
    inputs, labels = three_classes(12)
    losses = [fit(mlp([4, 3], rng=0), inputs, labels, SoftmaxCrossEntropy(reduction="sum"),
                  SGD(0.1), sample_weight=np.full(12, weight))["loss"][0] for weight in (1, 2)]
    assert losses[1] == 2 * losses[0]


def test_balanced_class_weight_is_n_over_classes_times_count():
    labels = np.array([0] * 6 + [1] * 3 + [2] * 1)
    weights = class_weights("balanced", SoftmaxCrossEntropy(), np.eye(3)[labels])
    expected = {0: 10 / (3 * 6), 1: 10 / (3 * 3), 2: 10 / (3 * 1)}
    np.testing.assert_allclose(weights, [expected[label] for label in labels])
    binary = class_weights({1: 4.0}, BinaryCrossEntropy(), np.array([[0.0], [1.0], [1.0]]))
    np.testing.assert_array_equal(binary, [1.0, 4.0, 4.0])

def test_balanced_class_weight_trains_like_the_equivalent_dict():
    inputs, labels = three_classes(30)
    labels[:6] = 0  # counts 14, 8, 8
    counts = np.bincount(labels)
    table = {label: 30 / (3 * count) for label, count in enumerate(counts)}
    balanced = trained(inputs, labels, SoftmaxCrossEntropy(), class_weight="balanced")
    as_dict = trained(inputs, labels, SoftmaxCrossEntropy(), class_weight=table)
    for name, value in balanced.items():
        np.testing.assert_allclose(value, as_dict[name], rtol=1e-12)

def test_l2_shrinks_the_weights():
    inputs, labels = three_classes()
    plain = trained(inputs, labels, SoftmaxCrossEntropy(), epochs=60)
    decayed = trained(inputs, labels, SoftmaxCrossEntropy(), epochs=60, l2=0.05)
    assert np.linalg.norm(decayed["layers.2.weights"]) < np.linalg.norm(
        plain["layers.2.weights"])
    assert weight_decay(0.0, {}).value() == 0.0

TARGETS = np.array([0, 1, 2, 0, 1, 2])

INPUTS = np.arange(12.0).reshape(6, 2)

@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"sample_weight": [1.0] * 5}, ValueError, r"sample_weight must be 6 numbers .* shape \(5,\)"),
    ({"sample_weight": np.ones((6, 1))}, ValueError, r"shape \(6, 1\)"),
    ({"sample_weight": "heavy"}, ValueError, "sample_weight must be an array of numbers"),
    ({"sample_weight": [1, 1, -2, 1, 1, 1]}, ValueError,
     "sample_weight must be finite and >= 0, got -2.0 at index 2"),
    ({"sample_weight": [1, 1, 1, np.nan, 1, 1]}, ValueError, "got nan at index 3"),
    ({"sample_weight": [0] * 6}, ValueError, "sample_weight sums to 0"),
    ({"class_weight": "balance"}, ValueError, "class_weight must be a dict .* got 'balance'"),
    ({"class_weight": {5: 1.0}}, ValueError, "class_weight has the label 5; labels are 0..2"),
    ({"class_weight": {1: -1.0}}, ValueError, r"class_weight\[1\] must be a finite number >= 0"),
    ({"class_weight": {1: "x"}}, ValueError, r"class_weight\[1\] must be a finite number"),
    ({"class_weight": {0: 0, 1: 0, 2: 0}}, ValueError, "weights sum to 0"),
])
def test_fit_refuses_bad_weights(arguments, error, message):
    with pytest.raises(error, match=message):
        fit(mlp([2, 3], rng=0), INPUTS, TARGETS, SoftmaxCrossEntropy(), SGD(0.1), **arguments)

def test_binary_class_weight_knows_labels_zero_and_one_only():
    labels = np.array([0, 1, 1, 0, 1, 0])
    with pytest.raises(ValueError, match="class_weight has the label 2; labels are 0..1"):
        fit(mlp([2, 1], rng=0), INPUTS, labels, BinaryCrossEntropy(), SGD(0.1),
            class_weight={2: 1.0})


def test_full_batch_training_is_the_same_with_or_without_shuffling(rng):
    # one batch of every row: there is no order to draw, so shuffle changes nothing at all
    inputs, labels = three_classes()
    kept = trained(inputs, labels, SoftmaxCrossEntropy(), shuffle=False)
    shuffled = trained(inputs, labels, SoftmaxCrossEntropy(), shuffle=True)
    for name, value in kept.items():
        assert value.tobytes() == shuffled[name].tobytes()


def test_class_weight_needs_class_labels():
    with pytest.raises(ValueError, match="class_weight needs one class label per sample"):
        fit(mlp([2, 1], rng=0), INPUTS, TARGETS.astype(float), SquaredError(), SGD(0.1),
            class_weight="balanced")
    multi_label = np.array([[0, 1], [1, 1], [0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
    with pytest.raises(ValueError, match="class_weight needs one class label per sample"):
        fit(mlp([2, 2], rng=0), INPUTS, multi_label, BinaryCrossEntropy(), SGD(0.1),
            class_weight={1: 2.0})


def test_batches_name_the_weight_each_batch_carries():
    data = Dataset(np.arange(10.0).reshape(5, 2), np.zeros((5, 1)), np.zeros(5))
    batches = list(Batches(data, 2, shuffle=False).epoch(np.random.default_rng(0)))
    assert [batch.total_weight for batch in batches] == [2, 2, 1]  # rows, unweighted
    data.weights = np.array([0.5, 1.0, 2.0, 0.25, 3.0])
    batches = list(Batches(data, 2, shuffle=False).epoch(np.random.default_rng(0)))
    assert [batch.total_weight for batch in batches] == [1.5, 2.25, 3.0]
    assert batches[0].weights.tolist() == [0.5, 1.0] and batches[2].inputs.tolist() == [[8, 9]]


@pytest.mark.parametrize("weighted", [False, True])
def test_shuffled_batches_are_exactly_the_permuted_rows(weighted):
    rng = np.random.default_rng(3)
    data = Dataset(rng.standard_normal((23, 4)), rng.standard_normal((23, 2)),
                   np.arange(23), rng.random(23) if weighted else None)
    order = np.random.default_rng(7).permutation(23)  # what the epoch draws from rng 7
    batches = list(Batches(data, 5, shuffle=True).epoch(np.random.default_rng(7)))
    assert [len(batch.inputs) for batch in batches] == [5, 5, 5, 5, 3]
    for index, batch in enumerate(batches):
        rows = order[5 * index:5 * index + 5]
        assert np.array_equal(batch.inputs, data.inputs[rows])
        assert np.array_equal(batch.targets, data.targets[rows])
        assert batch.inputs.base is None or batch.inputs.base is not data.inputs  # a copy
        if weighted:
            assert np.array_equal(batch.weights, data.weights[rows])
            assert batch.total_weight == float(data.weights[rows].sum())


def test_validation_split_of_three_classes_takes_each_class_share():
    labels = np.array([0] * 40 + [1] * 20 + [2] * 8)
    for seed in range(3):
        spy = Spy()
        fit(mlp([2, 3], rng=0), numbered(68, labels), labels, SoftmaxCrossEntropy(),
            SGD(1e-9), epochs=1, validation_split=0.25, rng=seed, callbacks=[spy])
        training = spy.inputs[:, 0].astype(int)
        validation = np.setdiff1d(np.arange(68), training)
        assert np.bincount(labels[validation]).tolist() == [10, 5, 2] and len(training) == 51


@pytest.mark.parametrize(("validation_data", "given"), [
    ((INPUTS, TARGETS, np.ones(6), "extra"), "tuple of 4 item\\(s\\)"),
    ((INPUTS,), "tuple of 1 item\\(s\\)"), ([INPUTS], "list of 1 item\\(s\\)"),
    ({"inputs": INPUTS, "targets": TARGETS}, "dict \\{'inputs': array\\(\\[\\[")])
def test_fit_refuses_validation_data_of_the_wrong_form(validation_data, given):
    with pytest.raises(ValueError, match=r"validation_data must be \(inputs, targets\) or "
                                         r"\(inputs, targets, sample_weight\), got "
                                         + given) as refused:
        fit(mlp([2, 3], rng=0), INPUTS, TARGETS, SoftmaxCrossEntropy(), SGD(0.1),
            validation_data=validation_data)
    assert "\n" not in str(refused.value) and len(str(refused.value)) < 200


def test_validation_weights_summing_to_zero_are_refused_and_to_one_are_kept():
    targets = np.linspace(0, 1, 40)
    _, held_out = split_of(targets, 0.1, rng=0, loss=SquaredError())  # the rows rng 0 holds out
    weights = np.ones(40)
    weights[held_out] = 0.0
    with pytest.raises(ValueError, match="the validation rows' weights sum to 0"):
        fit(mlp([2, 1], rng=0), numbered(40, targets), targets, SquaredError(), SGD(0.1),
            validation_split=0.1, rng=0, sample_weight=weights)
    weights[held_out] = [0.5, 0.5, 0.0, 0.0]  # sums to 1: two validation rows alone
    network, loss = mlp([2, 1], rng=0), SquaredError(reduction="sum")
    weighted = fit(network, numbered(40, targets), targets, loss, SGD(0.1),
                   validation_split=0.1, rng=0, sample_weight=weights)["val_loss"][0]
    per_sample = loss.per_sample(network.predict(numbered(40, targets)[held_out]),
                                 targets[held_out, None])  # after the one epoch
    assert weighted == pytest.approx(0.5 * per_sample[0] + 0.5 * per_sample[1])


def test_equal_validation_weights_of_two_double_a_summed_val_loss():
    losses = [fit(mlp([2, 3], rng=0), INPUTS, TARGETS, SoftmaxCrossEntropy(reduction="sum"),
                  SGD(0.1), validation_data=(INPUTS, TARGETS, np.full(6, weight)))["val_loss"][0]
              for weight in (1.0, 2.0)]
    assert losses[1] == 2 * losses[0]


def test_balanced_class_weight_counts_only_the_classes_present():
    labels = np.array([0, 0, 0, 1])  # class 2 of three outputs never occurs
    weights = class_weights("balanced", SoftmaxCrossEntropy(), np.eye(3)[labels])
    assert weights.tolist() == [4 / (2 * 3)] * 3 + [4 / (2 * 1)]


def test_class_weight_multiplies_the_sample_weight():
    inputs, labels = three_classes(12)
    sample_weight = np.linspace(0.5, 2.0, 12)
    both = trained(inputs, labels, SoftmaxCrossEntropy(), sample_weight=sample_weight,
                   class_weight={1: 4.0})
    product = trained(inputs, labels, SoftmaxCrossEntropy(),
                      sample_weight=sample_weight * np.where(labels == 1, 4.0, 1.0))
    for name, value in both.items():
        np.testing.assert_allclose(value, product[name], rtol=1e-12)


def test_class_weight_needs_single_labels_even_when_each_row_has_one_positive():
    one_positive = np.eye(2)[[0, 1, 1, 0, 1, 0]]  # two independent outputs, one 1 per row
    with pytest.raises(ValueError, match="class_weight needs one class label per sample"):
        fit(mlp([2, 2], rng=0), INPUTS, one_positive, BinaryCrossEntropy(), SGD(0.1),
            class_weight={1: 2.0})


def test_bad_sample_weight_message_names_the_first_bad_one():
    with pytest.raises(ValueError, match="got -2.0 at index 1"):
        fit(mlp([2, 3], rng=0), INPUTS, TARGETS, SoftmaxCrossEntropy(), SGD(0.1),
            sample_weight=[1, -2, 1, -3, 1, 1])


@pytest.mark.parametrize("targets, problem", [
    (np.full((12, 3), 2.0), "sum 6"),  # values above 1
    (-np.eye(3)[np.arange(12) % 3], "sum -1"),  # negative one-hot rows
    (np.eye(3)[np.arange(12) % 3] * 0.5, "sum 0.5"),  # rows that do not sum to 1
    (np.ones((12, 3)), "sum 3"),  # several labels per row: BinaryCrossEntropy's
], ids=["above-one", "negative", "half", "multi-label"])
def test_softmax_targets_that_are_not_probability_rows_are_refused(targets, problem):
    """Already of the network's shape and dtype, they skip the loss's own preparation, so
    fit checks them once before training (and the validation data too)."""
    inputs = np.random.default_rng(0).standard_normal((12, 2))
    network = mlp([2, 4, 3], rng=0)
    with pytest.raises(ValueError, match=f"rows of probabilities.*{problem}"):
        fit(network, inputs, targets, "softmax_cross_entropy", epochs=1, verbose=0)
    good = np.eye(3)[np.arange(12) % 3]
    with pytest.raises(ValueError, match="rows of probabilities"):
        fit(network, inputs, good, "softmax_cross_entropy", epochs=1, verbose=0,
            validation_data=(inputs, targets))
    smoothed = good * 0.9 + 0.1 / 3  # label smoothing: rows still sum to 1
    fit(network, inputs, smoothed.astype(np.float32), "softmax_cross_entropy", epochs=1,
        verbose=0)
    with pytest.raises(ValueError, match="rows of probabilities"):  # the loss on its own
        SoftmaxCrossEntropy().forward(np.zeros((12, 3)), targets.astype(np.float32))
