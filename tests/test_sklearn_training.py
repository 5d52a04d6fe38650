"""The estimators' training rules (sklearn/training.py) that scikit-learn's MLP sets: the
batch size ('auto' is min(200, samples); a larger int is clipped with a warning), the
validation split of early stopping and its minimum of two rows, and the l2 scale."""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

from glassnet.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def data(samples: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(samples, 3))
    return X, X[:, 0] - 0.5 * X[:, 1]


def trained(X, y, sample_weight=None, **settings):
    model = MLPRegressor(**{"hidden_layer_sizes": (4,), "max_iter": 2, "random_state": 0,
                            "learning_rate_init": 0.01, **settings})
    return model.fit(X, y, sample_weight=sample_weight)


@contextlib.contextmanager
def no_warning_but_convergence():
    """Any UserWarning but the expected ConvergenceWarning fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def same_weights(one, other) -> bool:
    return all(np.array_equal(a, b) for a, b in zip(one.coefs_ + one.intercepts_,
                                                    other.coefs_ + other.intercepts_,
                                                    strict=True))


def test_a_batch_larger_than_the_data_is_clipped_with_a_warning():
    X, y = data(30)
    with pytest.warns(UserWarning, match="^batch_size=31 is larger than the 30 training "
                                         "samples; it is clipped$"):
        clipped = trained(X, y, batch_size=31)
    assert same_weights(clipped, trained(X, y, batch_size=30))
    assert not same_weights(clipped, trained(X, y, batch_size=29))


def test_a_batch_of_exactly_the_data_is_not_warned_about():
    X, y = data(30)
    with no_warning_but_convergence():
        trained(X, y, batch_size=30)


def test_with_early_stopping_the_batch_is_clipped_to_the_training_rows():
    X, y = data(40)  # validation_fraction 0.25: 30 rows train
    with pytest.warns(UserWarning, match="^batch_size=40 is larger than the 30 training"):
        clipped = trained(X, y, batch_size=40, early_stopping=True, validation_fraction=0.25)
    assert same_weights(clipped, trained(X, y, batch_size=30, early_stopping=True,
                                         validation_fraction=0.25))


@pytest.mark.parametrize("samples, equal, differs", [(250, 200, 199), (150, 150, 149)])
def test_auto_batches_are_two_hundred_rows_or_all_of_them(samples, equal, differs):
    X, y = data(samples)
    with no_warning_but_convergence():
        auto = trained(X, y, max_iter=1)
    assert same_weights(auto, trained(X, y, max_iter=1, batch_size=equal))
    assert not same_weights(auto, trained(X, y, max_iter=1, batch_size=differs))


def test_early_stopping_needs_two_validation_rows():
    X, y = data(20)
    with pytest.raises(ValueError, match="^validation_fraction=0.05 leaves 1 validation "
                                         "sample\\(s\\) of 20; early stopping needs at least 2$"):
        trained(X, y, early_stopping=True, validation_fraction=0.05)
    model = trained(X, y, early_stopping=True, validation_fraction=0.1)  # 2 rows
    assert len(model.validation_scores_) == 2


def test_early_stopping_scores_the_held_out_rows_each_epoch():
    X, y = data(60)
    model = trained(X, y, early_stopping=True, max_iter=3, n_iter_no_change=5)
    assert model.n_iter_ == 3 and len(model.validation_scores_) == 3
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None


def test_tiny_weights_overflow_the_l2_scale_with_a_message_naming_them():
    X, y = data(20)
    with pytest.raises(ValueError, match="^sample_weight \\(times class_weight\\) is so small "
                                         "\\(a total of 2e-319 per batch\\) that alpha / total "
                                         "weight overflows"):
        trained(X, y, sample_weight=np.full(20, 1e-320), alpha=1.0)


def test_a_classifiers_verbose_lbfgs_prints_its_iterations(capsys):
    X, y = data(20)
    MLPClassifier(hidden_layer_sizes=(3,), solver="lbfgs", max_iter=2, verbose=True,
                  random_state=0).fit(X, y > 0)
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith("Iteration ") for line in lines)
