"""What fit and fit_lbfgs accept: registry names for losses, optimizers, metrics, callbacks
and schedules, objects as before, and a TypeError for a class where an instance belongs or a
loss and an optimizer swapped; unknown names list the known ones."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.callbacks import CallbackList, EarlyStopping
from glassnet.diagnostics import Diagnostics
from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from glassnet.network import mlp
from glassnet.optimizers import SGD, Adam
from glassnet.schedules import InverseScaling, StepDecay
from glassnet.training import fit
from glassnet.training_arguments import as_callbacks, as_loss, as_optimizer

INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
TARGETS = np.array([0.0, 1.0, 1.0, 0.0])


@pytest.mark.parametrize(("name", "expected"), [
    ("squared_error", SquaredError), ("binary_cross_entropy", BinaryCrossEntropy),
    ("Softmax_Cross_Entropy", SoftmaxCrossEntropy)])
def test_a_loss_name_builds_the_loss_with_its_defaults(name, expected):
    loss = as_loss(name)
    assert type(loss) is expected and loss.reduction == "mean"


def test_an_optimizer_name_builds_the_optimizer_with_its_defaults():
    assert type(as_optimizer("adam")) is Adam and as_optimizer("adam").learning_rate == 0.001
    assert type(as_optimizer("sgd")) is SGD and as_optimizer("sgd").learning_rate == 0.01


def test_callback_and_schedule_names_build_them_in_order():
    callbacks = as_callbacks(["early_stopping", "diagnostics", "inverse_scaling"], verbose=0)
    assert [type(callback) for callback in callbacks] == [EarlyStopping, Diagnostics,
                                                          InverseScaling]
    assert isinstance(callbacks, CallbackList)


def test_objects_pass_through_unchanged():
    loss, optimizer, stopper = SquaredError(), SGD(0.5), EarlyStopping()
    assert as_loss(loss) is loss and as_optimizer(optimizer) is optimizer
    assert list(as_callbacks([stopper], verbose=0)) == [stopper]


@pytest.mark.parametrize(("arguments", "message"), [
    ({"loss": "cross_entropy"}, r"unknown loss 'cross_entropy'; known: binary_cross_entropy, "),
    ({"optimizer": "rmsprop"}, r"unknown optimizer 'rmsprop'; known: adam, gradient_descent"),
    ({"callbacks": ["early_stop"]}, r"unknown callback 'early_stop'; known: constant, diagnost"),
    ({"metrics": ["acc"]}, r"unknown metric 'acc'; known: accuracy"),
])
def test_an_unknown_name_lists_the_known_ones(arguments, message):
    call = {"loss": "squared_error", "optimizer": "sgd", **arguments}
    with pytest.raises(ValueError, match=message):
        fit(mlp([2, 3, 1], rng=0), INPUTS, TARGETS, epochs=1, verbose=0, **call)


@pytest.mark.parametrize(("arguments", "message"), [
    ({"loss": SquaredError}, r"loss must be an instance such as SquaredError\(\) or a name, "
                             r"got the class SquaredError; write SquaredError\(\)"),
    ({"optimizer": Adam}, r"got the class Adam; write Adam\(\) to make one"),
    ({"loss": Adam}, r"got the class Adam \(a class of optimizer, not of loss\)"),
    ({"optimizer": SquaredError}, r"got the class SquaredError \(a class of loss, not of "),
    ({"loss": SGD(0.1), "optimizer": SquaredError()},
     r"loss got the optimizer SGD.*are loss and optimizer swapped\?"),
    ({"optimizer": SquaredError()}, r"optimizer got the loss SquaredError.*swapped\?"),
    ({"callbacks": [EarlyStopping]}, r"got the class EarlyStopping; write EarlyStopping\(\)"),
    ({"callbacks": [StepDecay]}, r"callback must be an instance .* the class StepDecay"),
    ({"loss": 3}, r"loss must be a Loss such as SquaredError\(\) or one of binary_cross"),
    ({"optimizer": object()}, r"optimizer must be an Optimizer such as Adam\(\) or one of"),
    ({"callbacks": "early_stopping"}, r"callbacks must be a list of Callback objects or names"),
    ({"callbacks": [3]}, r"callback 3 lacks on_train_begin"),
])
def test_a_class_or_a_swap_is_a_type_error_that_says_so(arguments, message):
    network = mlp([2, 3, 1], rng=0)
    before = {name: value.copy() for name, value in network.parameters().items()}
    call = {"loss": SquaredError(), "optimizer": SGD(0.1), **arguments}
    with pytest.raises(TypeError, match=message):
        fit(network, INPUTS, TARGETS, epochs=1, verbose=0, **call)
    for name, value in network.parameters().items():
        np.testing.assert_array_equal(value, before[name])


def test_fit_lbfgs_takes_the_same_names():
    pytest.importorskip("scipy")
    from glassnet.solvers import fit_lbfgs

    by_name, by_object = mlp([2, 3, 1], rng=0), mlp([2, 3, 1], rng=0)
    named = fit_lbfgs(by_name, INPUTS, TARGETS, "binary_cross_entropy", max_iterations=5,
                      metrics=["accuracy"], callbacks=["early_stopping"], verbose=0,
                      validation_data=(INPUTS, TARGETS))
    built = fit_lbfgs(by_object, INPUTS, TARGETS, BinaryCrossEntropy(), max_iterations=5,
                      metrics=["accuracy"], callbacks=[EarlyStopping()], verbose=0,
                      validation_data=(INPUTS, TARGETS))
    assert named["loss"] == built["loss"] and "val_accuracy" in named
    with pytest.raises(TypeError, match="got the class SquaredError"):
        fit_lbfgs(by_name, INPUTS, TARGETS, SquaredError)
    with pytest.raises(ValueError, match="unknown callback 'stop'"):
        fit_lbfgs(by_name, INPUTS, TARGETS, "squared_error", callbacks=["stop"])
