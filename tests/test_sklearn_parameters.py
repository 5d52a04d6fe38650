"""The estimators' parameter checks (sklearn/parameters.py), run at fit: each bad value is
refused naming the parameter, the value and the allowed interval; each edge of an interval
that is allowed is accepted. The common refusals are in test_sklearn.py."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from glassnet.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]] * 5)
Y = np.array([0, 1, 1, 0] * 5)


def fitted(estimator=MLPClassifier, **settings):
    model = estimator(**{"hidden_layer_sizes": (3,), "max_iter": 1, "random_state": 0,
                         **settings})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch does not converge
        return model.fit(X, Y)


@pytest.mark.parametrize(("parameter", "value", "error", "message"), [
    ("hidden_layer_sizes", None, TypeError,
     "hidden_layer_sizes must be an int or a sequence of ints, got None"),
    ("hidden_layer_sizes", 2.5, TypeError,
     "hidden_layer_sizes must be an int or a sequence of ints, got 2.5"),
    ("hidden_layer_sizes", (True,), ValueError,
     "hidden_layer_sizes must hold integers >= 1, got \\(True,\\)"),
    ("hidden_layer_sizes", (3.0,), ValueError,
     "hidden_layer_sizes must hold integers >= 1, got \\(3.0,\\)"),
    ("hidden_layer_sizes", 0, ValueError, "hidden_layer_sizes must hold integers >= 1, got 0"),
    ("alpha", True, TypeError, "alpha must be a number, got True"),
    ("alpha", "0.1", TypeError, "alpha must be a number, got '0.1'"),
    ("power_t", -0.5, ValueError, "power_t must be in \\[0, inf\\), got -0.5"),
    ("tol", -1e-9, ValueError, "tol must be in \\[0, inf\\), got -1e-09"),
    ("learning_rate_init", -1.0, ValueError,
     "learning_rate_init must be in \\(0, inf\\), got -1.0"),
    ("epsilon", 0.0, ValueError, "epsilon must be in \\(0, inf\\), got 0.0"),
    ("max_fun", 0, ValueError, "max_fun must be in \\[1, inf\\), got 0"),
    ("alpha", float("inf"), ValueError, "alpha must be in \\[0, inf\\), got inf"),
    ("power_t", float("inf"), ValueError, "power_t must be in \\[0, inf\\), got inf"),
    ("tol", float("inf"), ValueError, "tol must be in \\[0, inf\\), got inf"),
    ("learning_rate_init", float("inf"), ValueError,
     "learning_rate_init must be in \\(0, inf\\), got inf"),
    ("epsilon", float("inf"), ValueError, "epsilon must be in \\(0, inf\\), got inf"),
    ("max_iter", True, TypeError, "max_iter must be an integer, got True"),
    ("momentum", -0.1, ValueError, "momentum must be in \\[0, 1\\], got -0.1"),
    ("beta_1", 1.0, ValueError, "beta_1 must be in \\[0, 1\\), got 1.0"),
    ("beta_1", -0.1, ValueError, "beta_1 must be in \\[0, 1\\), got -0.1"),
    ("validation_fraction", -0.1, ValueError,
     "validation_fraction must be in \\[0, 1\\), got -0.1"),
    ("dropout", -0.1, ValueError, "dropout must be in \\[0, 1\\), got -0.1"),
    ("n_iter_no_change", 2.5, TypeError,
     "n_iter_no_change \\(an int or numpy.inf\\) must be an integer, got 2.5"),
    ("batch_size", 2.0, TypeError, "batch_size \\(an int or 'auto'\\) must be an integer, "
                                   "got 2.0"),
    ("warm_start", 1, TypeError, "warm_start must be True or False, got 1"),
    ("nesterovs_momentum", None, TypeError, "nesterovs_momentum must be True or False, got None"),
    ("early_stopping", "no", TypeError, "early_stopping must be True or False, got 'no'"),
    ("verbose", "loud", TypeError, "verbose must be True, False or an int, got 'loud'"),
    ("verbose", 0.5, TypeError, "verbose must be True, False or an int, got 0.5"),
    ("solver", None, ValueError, "solver must be one of 'adam', 'sgd', 'lbfgs', got None"),
    ("learning_rate", "Constant", ValueError,
     "learning_rate must be one of 'constant', 'invscaling', 'adaptive', got 'Constant'"),
    ("class_weight", ["a"], ValueError, "class_weight must be a dict, 'balanced' or None, "
                                        "got \\['a'\\]"),
])
def test_a_bad_parameter_is_refused_naming_it(parameter, value, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        fitted(**{parameter: value})


def test_dropout_needs_a_stochastic_solver():
    with pytest.raises(ValueError, match="^dropout=0.25 needs solver 'adam' or 'sgd': L-BFGS "
                                         "needs a deterministic objective, got solver='lbfgs'$"):
        fitted(solver="lbfgs", dropout=0.25)
    assert fitted(solver="sgd", dropout=0.25).n_iter_ == 1


@pytest.mark.parametrize("settings", [
    {"alpha": 0.0}, {"tol": 0.0}, {"power_t": 0.0, "solver": "sgd",
                                   "learning_rate": "invscaling"},
    {"momentum": 0.0, "solver": "sgd"}, {"momentum": 1.0},
    {"momentum": 1.0, "solver": "sgd"}, {"momentum": 1.0, "solver": "sgd",
                                         "nesterovs_momentum": False},
    {"beta_1": 0.0}, {"beta_2": 0.0}, {"validation_fraction": 0.0}, {"dropout": 0.0},
    {"max_iter": 1}, {"max_fun": 1, "solver": "lbfgs"}, {"batch_size": 1},
    {"n_iter_no_change": 1}, {"n_iter_no_change": np.inf}, {"verbose": 0},
    {"verbose": np.int64(0)}, {"shuffle": np.bool_(False)}, {"learning_rate_init": 1e-300},
    {"epsilon": 1e-300}, {"alpha": np.float32(0.5)}, {"class_weight": {}},
    {"class_weight": "balanced"}, {"hidden_layer_sizes": np.int64(2)},
    {"hidden_layer_sizes": []}, {"activation": "tanh"}, {"learning_rate": "adaptive"},
])
def test_the_edges_of_each_allowed_interval_are_accepted(settings):
    assert fitted(**settings).n_iter_ == 1


def test_hidden_layer_sizes_as_an_int_or_a_list_build_those_layers():
    assert [w.shape for w in fitted(hidden_layer_sizes=4).coefs_] == [(2, 4), (4, 1)]
    assert [w.shape for w in fitted(hidden_layer_sizes=[3, 2]).coefs_] == \
        [(2, 3), (3, 2), (2, 1)]
    assert [w.shape for w in fitted(hidden_layer_sizes=()).coefs_] == [(2, 1)]


def test_the_regressor_refuses_another_loss_and_the_classifier_has_none():
    with pytest.raises(ValueError, match="^loss must be one of 'squared_error', got 'huber'$"):
        fitted(MLPRegressor, loss="huber")
    assert "loss" not in MLPClassifier().get_params()
    assert fitted(MLPRegressor, loss="squared_error").n_iter_ == 1


@pytest.mark.parametrize("nesterov", [True, False], ids=["nesterov", "plain"])
@pytest.mark.parametrize("estimator", ["MLPClassifier", "MLPRegressor"])
def test_sgd_with_momentum_one_steps_as_scikit_learns(estimator, nesterov):
    # momentum=1 is in scikit-learn's interval [0, 1]: an undamped velocity, v <- v - lr g
    reference = pytest.importorskip("sklearn.neural_network")
    settings = dict(hidden_layer_sizes=(3,), solver="sgd", momentum=1.0, batch_size=len(X),
                    nesterovs_momentum=nesterov, shuffle=False, learning_rate_init=0.05)
    targets = Y if estimator == "MLPClassifier" else X[:, 0] - X[:, 1]
    ours = {"MLPClassifier": MLPClassifier, "MLPRegressor": MLPRegressor}[estimator](**settings)
    theirs = getattr(reference, estimator)(**settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a few epochs do not converge
        for model in (ours, theirs):  # the first fit sets the shapes
            model.set_params(max_iter=1).fit(X, targets)
        rng = np.random.default_rng(3)
        for mine, other in zip(ours.coefs_ + ours.intercepts_,
                               theirs.coefs_ + theirs.intercepts_, strict=True):
            mine[...] = other[...] = rng.uniform(-0.5, 0.5, mine.shape)
        for model in (ours, theirs):  # a new fit starts a new optimizer, its velocity at 0
            model.set_params(warm_start=True, max_iter=4).fit(X, targets)
    assert ours.n_iter_ == theirs.n_iter_ == 4
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-12)
    for mine, other in zip(ours.coefs_ + ours.intercepts_,
                           theirs.coefs_ + theirs.intercepts_, strict=True):
        np.testing.assert_allclose(mine, other, rtol=1e-12, atol=1e-15)
