"""What both estimators share (sklearn/base.py, sklearn/training.py): weights that make no
sense are refused naming the parameter, warm_start refits when the network changes, early
stopping takes sample weights, and a pickle holds no training data or scratch."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

from glassnet.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int), rng.uniform(0.5, 2.0, 300)


def small(estimator=MLPClassifier, **settings):
    return estimator(**{"hidden_layer_sizes": (6,), "max_iter": 15, "random_state": 0,
                        **settings})


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
def test_early_stopping_takes_sample_weights(data, estimator):
    X, y, weights = data
    model = small(estimator, early_stopping=True).fit(X, y, sample_weight=weights)
    assert len(model.validation_scores_) == model.n_iter_ > 0
    heavy = weights.copy()
    heavy[y == 1] *= 50
    other = small(estimator, early_stopping=True).fit(X, y, sample_weight=heavy)
    assert not np.allclose(other.coefs_[0], model.coefs_[0])  # the weights were used


def test_class_weight_zero_for_every_class_is_refused_naming_it(data):
    X, y, weights = data
    for class_weight, sample_weight in [({0: 0, 1: 0}, None),
                                        ({0: 0, 1: 1}, np.where(y == 1, 0.0, 1.0))]:
        with pytest.raises(ValueError, match="class_weight=.* gives every sample a weight of 0"):
            small(class_weight=class_weight).fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_tiny_sample_weights_are_named_not_an_infinite_l2(data, solver):
    X, y, _ = data
    small(solver=solver).fit(X, y, sample_weight=np.full(len(y), 1e-300))  # finite: fits
    with pytest.raises(ValueError, match="sample_weight .* so small") as caught:
        small(solver=solver).fit(X, y, sample_weight=np.full(len(y), 5e-324))
    assert "l2 must be" not in str(caught.value)


@pytest.mark.parametrize("change", [{"hidden_layer_sizes": (3, 2)}, {"activation": "tanh"},
                                    {"dtype": "float32"}])
def test_warm_start_with_a_changed_network_refits_from_scratch(data, change):
    X, y, _ = data
    model = small(warm_start=True).fit(X, y)
    model.set_params(**change)
    model.fit(X, y)
    fresh = small(**change).fit(X, y)
    assert [w.shape for w in model.coefs_] == [w.shape for w in fresh.coefs_]
    assert model.network_.dtype == fresh.network_.dtype
    for ours, theirs in zip(model.coefs_, fresh.coefs_, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert model.loss_curve_ == fresh.loss_curve_


def test_warm_start_without_a_change_continues(data):
    X, y, _ = data
    model = small(warm_start=True).fit(X, y)
    before = model.coefs_[0].copy()
    model.fit(X, y)
    assert len(model.loss_curve_) == 2 * model.max_iter or model.loss_curve_[0] > 0
    assert not np.array_equal(before, model.coefs_[0])
    assert not np.array_equal(small().fit(X, y).coefs_[0], model.coefs_[0])


def test_partial_fit_refuses_a_changed_network(data):
    X, y, _ = data
    model = small().partial_fit(X, y, classes=[0, 1])
    model.set_params(hidden_layer_sizes=(2,))
    with pytest.raises(ValueError, match="partial_fit cannot change the network"):
        model.partial_fit(X, y)


def arrays_in(thing, seen=None):
    """Every numpy array reachable from ``thing`` (dicts, lists, object attributes)."""
    seen = set() if seen is None else seen
    if id(thing) in seen:
        return []
    seen.add(id(thing))
    if isinstance(thing, np.ndarray):
        return [thing]
    if isinstance(thing, dict):
        children = list(thing.values())
    elif isinstance(thing, list | tuple):
        children = list(thing)
    elif hasattr(thing, "__dict__") and not isinstance(thing, type):
        children = list(vars(thing).values())
    else:
        return []
    return [array for child in children for array in arrays_in(child, seen)]


@pytest.mark.parametrize("solver", ["lbfgs", "adam", "sgd"])
def test_a_pickle_holds_weights_and_resumable_state_but_no_training_data(data, solver):
    X, y, _ = data
    model = small(solver=solver).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    held = arrays_in(restored.__getstate__())
    weights = sum(array.size for array in model.network_.parameters().values())
    resumable = {"adam": 2, "sgd": 1, "lbfgs": 0}[solver]  # m and v; velocity; nothing
    labels = model.classes_.size  # classes_ (shared with the label binarizer)
    assert sum(array.size for array in held) == weights * (1 + resumable) + labels
    assert not any(array.shape[0] in (len(X), 200, 240) for array in held)
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))


def test_partial_fit_after_unpickling_continues_exactly(data):
    X, y, _ = data
    model = small(solver="adam").partial_fit(X, y, classes=[0, 1])
    restored = pickle.loads(pickle.dumps(model))
    model.partial_fit(X, y)
    restored.partial_fit(X, y)
    for ours, theirs in zip(model.coefs_, restored.coefs_, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_a_pickled_estimator_still_trains_and_pickles_again(data):
    X, y, _ = data
    model = pickle.loads(pickle.dumps(small(warm_start=True).fit(X, y)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    assert pickle.loads(pickle.dumps(model)).score(X, y) == model.score(X, y)


@pytest.mark.parametrize("weights, message", [
    (["a"] * 300, "^sample_weight must be numbers, got \\['a', 'a'"),
    (np.r_[np.nan, np.ones(299)], "^sample_weight contains NaN or infinity$"),
    (np.r_[np.inf, np.ones(299)], "^sample_weight contains NaN or infinity$"),
    (np.ones((300, 1)), "^sample_weight must have shape \\(300,\\), got \\(300, 1\\)$"),
    (-1.0, "^sample_weight must be >= 0, got -1.0$"),
    (0.0, "^sample_weight must contain at least one non-zero weight, got all zeros$"),
])
def test_sample_weights_that_make_no_sense_are_refused(data, weights, message):
    X, y, _ = data
    with pytest.raises(ValueError, match=message):
        small(max_iter=1).fit(X, y, sample_weight=weights)


def test_one_number_as_sample_weight_weighs_every_row_alike(data):
    X, y, _ = data
    scalar = small(max_iter=2).fit(X, y, sample_weight=3.0)
    rows = small(max_iter=2).fit(X, y, sample_weight=np.full(300, 3.0))
    for one, other in zip(scalar.coefs_ + scalar.intercepts_, rows.coefs_ + rows.intercepts_,
                          strict=True):
        np.testing.assert_array_equal(one, other)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning",
                            "ignore:invalid value:RuntimeWarning")
def test_training_that_diverges_is_named_with_the_learning_rate(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="learning_rate_init=1e\\+30"):
        small(MLPRegressor, solver="sgd", learning_rate_init=1e30, max_iter=5).fit(
            X * 1e10, y * 1e10)


def test_the_models_training_summary_holds_the_settings_and_fitted_numbers(data):
    X, y, _ = data
    model = small(max_iter=3, random_state=np.random.RandomState(0),
                  hidden_layer_sizes=5).fit(X, y)
    summary = model.to_model().training
    assert summary["estimator"] == "glassnet.sklearn.MLPClassifier"
    assert summary["n_iter"] == 3 and summary["t"] == 3 * 300
    assert summary["loss"] == model.loss_ and type(summary["loss"]) is float
    assert summary["best_loss"] == min(model.loss_curve_)
    assert summary["best_validation_score"] is None
    parameters = summary["parameters"]
    assert parameters["hidden_layer_sizes"] == [5] and parameters["max_iter"] == 3
    assert parameters["random_state"].startswith("RandomState(MT19937)")  # its repr
    assert parameters["solver"] == "adam" and parameters["class_weight"] is None
    regressor = small(MLPRegressor, early_stopping=True, max_iter=3).fit(X, y)
    stopped = regressor.to_model()
    assert stopped.training["best_loss"] is None and stopped.task == "regression"
    assert stopped.training["best_validation_score"] == max(regressor.validation_scores_)


@pytest.mark.parametrize("solver, name", [("adam", "Stochastic Optimizer"),
                                          ("lbfgs", "L-BFGS")])
def test_reaching_max_iter_warns_naming_the_solver(data, solver, name):
    X, y, _ = data
    with pytest.warns(ConvergenceWarning, match=f"^{name}: Maximum iterations \\(2\\) reached "
                                                "and the optimization hasn't converged yet.$"):
        small(solver=solver, max_iter=2).fit(X, y)


def test_stopping_early_or_partial_fit_does_not_warn(data):
    X, y, _ = data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        small(max_iter=50, n_iter_no_change=1, tol=1.0).fit(X, y)
        small().partial_fit(X, y, classes=[0, 1])


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
def test_fitted_attributes_and_to_model_need_a_fit(estimator):
    from sklearn.exceptions import NotFittedError

    model = small(estimator)
    for use in (lambda: model.coefs_, lambda: model.intercepts_, model.to_model,
                lambda: model.predict(np.ones((1, 4)))):
        with pytest.raises(NotFittedError):
            use()


def test_coefs_and_intercepts_are_live_views_of_the_network(data):
    X, y, _ = data
    model = small(hidden_layer_sizes=(3, 2), max_iter=1).fit(X, y)
    assert [w.shape for w in model.coefs_] == [(4, 3), (3, 2), (2, 1)]
    assert [b.shape for b in model.intercepts_] == [(3,), (2,), (1,)]
    model.coefs_[0][...] = 0.0
    model.intercepts_[0][...] = 0.0
    hidden = model.network_.layers[0]
    assert not hidden.params["weights"].any() and not hidden.params["bias"].any()
    assert model.n_layers_ == 4 and model.n_outputs_ == 1
