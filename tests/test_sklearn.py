"""glassnet.sklearn: the estimators against scikit-learn's own MLP, inside scikit-learn's tools
(Pipeline, GridSearchCV, cross_val_score, DataFrames, pickle) and on bad input."""

import pickle
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
pd = pytest.importorskip("pandas")

import sklearn.neural_network as reference  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import glassnet  # noqa: E402
from glassnet.sklearn import MLPClassifier, MLPRegressor  # noqa: E402


@pytest.fixture(autouse=True)
def quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture(scope="module")
def blobs():
    X, y = make_classification(n_samples=120, n_features=5, n_informative=3, n_classes=3,
                               random_state=0)
    return StandardScaler().fit_transform(X), y


def fast_classifier(**parameters):
    settings = dict(hidden_layer_sizes=(16,), max_iter=60, random_state=0)
    return MLPClassifier(**{**settings, **parameters})


def test_import_glassnet_does_not_import_scikit_learn():
    import subprocess
    import sys

    code = "import sys, glassnet; print('sklearn' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_same_parameters_and_defaults_as_scikit_learn():
    for ours, theirs in [(MLPClassifier, reference.MLPClassifier),
                         (MLPRegressor, reference.MLPRegressor)]:
        own = ours().get_params()
        for name, value in theirs().get_params().items():
            assert own[name] == value, name
        extra = set(own) - set(theirs().get_params())
        assert extra <= {"dropout", "class_weight", "dtype"}


def test_regressor_parameter_order_matches_scikit_learn():
    import inspect

    ours = list(inspect.signature(MLPRegressor).parameters)[:3]
    assert ours == list(inspect.signature(reference.MLPRegressor).parameters)[:3]


def test_multiclass_string_labels_probabilities_and_attributes(blobs):
    X, y = blobs
    labels = np.array(["ant", "bee", "cat"])[y]
    model = fast_classifier(max_iter=150).fit(X, labels)
    assert list(model.classes_) == ["ant", "bee", "cat"]
    probabilities = model.predict_proba(X)
    assert probabilities.shape == (len(X), 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(probabilities))
    assert set(model.predict(X)) <= {"ant", "bee", "cat"}
    assert model.score(X, labels) > 0.8
    assert model.out_activation_ == "softmax"
    assert (model.n_layers_, model.n_outputs_, model.n_features_in_) == (3, 3, 5)
    assert [w.shape for w in model.coefs_] == [(5, 16), (16, 3)]
    assert [b.shape for b in model.intercepts_] == [(16,), (3,)]
    assert len(model.loss_curve_) == model.n_iter_ and model.loss_ == model.loss_curve_[-1]
    assert model.t_ == model.n_iter_ * len(X)


def test_binary_gives_two_probability_columns_from_one_output(blobs):
    X, y = blobs
    binary = (y == 0).astype(int)
    model = fast_classifier().fit(X, binary)
    assert model.n_outputs_ == 1 and model.out_activation_ == "logistic"
    probabilities = model.predict_proba(X)
    assert probabilities.shape == (len(X), 2)
    np.testing.assert_array_equal(model.predict(X), probabilities.argmax(axis=1))


def test_multilabel_indicator_targets(blobs):
    X, y = blobs
    targets = np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int)
    model = fast_classifier(max_iter=200).fit(X, targets)
    assert model.predict(X).shape == targets.shape
    assert model.predict_proba(X).shape == targets.shape
    assert model.out_activation_ == "logistic"
    assert np.mean(model.predict(X) == targets) > 0.85


def test_multi_output_regression():
    X, y = make_regression(n_samples=80, n_features=4, n_targets=2, random_state=0)
    y = y / y.std()
    model = MLPRegressor(hidden_layer_sizes=(16,), max_iter=300, random_state=0,
                         learning_rate_init=0.01).fit(X, y)
    assert model.predict(X).shape == (80, 2)
    assert model.n_outputs_ == 2 and model.out_activation_ == "identity"
    assert model.score(X, y) > 0.8


def test_a_column_of_targets_is_one_output_with_scikit_learns_warning():
    from sklearn.exceptions import DataConversionWarning

    X, y = make_regression(n_samples=40, n_features=3, random_state=0)
    settings = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    for library in (MLPRegressor, reference.MLPRegressor):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            with pytest.warns(DataConversionWarning, match="column-vector y"):
                model = library(**settings).fit(X, (y / y.std()).reshape(-1, 1))
        assert model.predict(X).shape == (40,) and model.n_outputs_ == 1


def test_coefs_are_live_views_of_the_network(blobs):
    X, y = blobs
    model = fast_classifier(max_iter=5).fit(X, y)
    model.coefs_[0][...] = 0.0
    assert not model.network_.layers[0].weights.any()
    before = model.predict_proba(X)
    model.intercepts_[-1][...] += 1.0  # the same shift for every class: softmax unchanged
    np.testing.assert_allclose(model.predict_proba(X), before)


def test_unfitted_estimator_refuses_to_predict(blobs):
    X, _ = blobs
    with pytest.raises(NotFittedError):
        MLPClassifier().predict(X)
    with pytest.raises(NotFittedError):
        MLPRegressor().coefs_  # noqa: B018


def test_partial_fit_needs_classes_first_and_keeps_learning(blobs):
    X, y = blobs
    model = fast_classifier()
    with pytest.raises(ValueError, match="classes must be given"):
        model.partial_fit(X, y)
    model.partial_fit(X[:60], y[:60], classes=[0, 1, 2])
    first = model.loss_
    for _ in range(30):
        model.partial_fit(X, y)
    assert model.loss_ < first
    assert model.t_ == 60 + 30 * len(X)
    with pytest.raises(ValueError, match="not in classes_"):
        model.partial_fit(X[:3], [0, 1, 7])
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")


def test_warm_start_continues_from_the_fitted_weights(blobs):
    X, y = blobs
    model = fast_classifier(max_iter=5, warm_start=True).fit(X, y)
    weights = model.coefs_[0].copy()
    curve = list(model.loss_curve_)
    model.fit(X, y)
    assert model.loss_curve_[:len(curve)] == curve and len(model.loss_curve_) > len(curve)
    cold = fast_classifier(max_iter=5).fit(X, y)
    np.testing.assert_array_equal(cold.coefs_[0], fast_classifier(max_iter=5).fit(X, y).coefs_[0])
    assert not np.array_equal(model.coefs_[0], weights)


def test_same_random_state_gives_identical_weights(blobs):
    X, y = blobs
    first, second = fast_classifier().fit(X, y), fast_classifier().fit(X, y)
    for a, b in zip(first.coefs_ + first.intercepts_, second.coefs_ + second.intercepts_,
                    strict=True):
        np.testing.assert_array_equal(a, b)


def test_float32_end_to_end(blobs):
    X, y = blobs
    model = fast_classifier().fit(X.astype(np.float32), y)
    assert model.coefs_[0].dtype == np.float32
    assert model.predict_proba(X).dtype == np.float32
    assert fast_classifier(dtype="float64").fit(X.astype(np.float32), y).coefs_[0].dtype \
        == np.float64


def test_pipeline_grid_search_and_cross_validation(blobs):
    X, y = blobs
    pipeline = make_pipeline(StandardScaler(), fast_classifier(max_iter=40))
    scores = cross_val_score(pipeline, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.6
    search = GridSearchCV(pipeline, {"mlpclassifier__alpha": [1e-4, 1e-1]}, cv=2)
    search.fit(X, y)
    assert search.best_params_["mlpclassifier__alpha"] in (1e-4, 1e-1)
    assert search.predict(X).shape == y.shape


def test_dataframe_feature_names_are_kept_and_checked(blobs):
    X, y = blobs
    frame = pd.DataFrame(X, columns=[f"feature {i}" for i in range(5)])
    model = fast_classifier().fit(frame, pd.Series(y))
    assert list(model.feature_names_in_) == list(frame.columns)
    with pytest.raises(ValueError, match="feature names"):
        model.predict(frame.rename(columns={"feature 0": "other"}))
    with pytest.warns(UserWarning, match="feature names"):
        model.predict(X)


def test_pickle_round_trip_predicts_identically_and_carries_no_data(blobs):
    X, y = blobs
    model = fast_classifier().fit(X, y)
    small = len(pickle.dumps(model))
    model.predict(np.tile(X, (50, 1)))  # leaves the layers' forward caches full
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    assert len(pickle.dumps(model)) < small * 1.1
    assert hasattr(model.network_.layers[0], "inputs")  # the live estimator is untouched


def test_glassnet_save_and_load_round_trip(blobs, tmp_path):
    X, y = blobs
    labels = np.array(["ant", "bee", "cat"])[y]
    frame = pd.DataFrame(X, columns=list("abcde"))
    model = fast_classifier().fit(frame, labels)
    path = tmp_path / "classifier.glassnet"
    glassnet.save(model, path)
    loaded = glassnet.load(path)
    assert loaded.task == "classification" and loaded.class_labels == ["ant", "bee", "cat"]
    assert loaded.feature_names == list("abcde")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(frame))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(frame))
    assert loaded.training["n_iter"] == model.n_iter_


def test_regressor_save_and_load(tmp_path):
    X, y = make_regression(n_samples=40, n_features=3, random_state=1)
    model = MLPRegressor(hidden_layer_sizes=(8,), max_iter=20, random_state=0).fit(X, y)
    glassnet.save(model, tmp_path / "regressor.glassnet")
    loaded = glassnet.load(tmp_path / "regressor.glassnet")
    assert loaded.task == "regression"
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_sparse_inputs_are_densified(blobs):
    from scipy import sparse

    X, y = blobs
    dense = fast_classifier().fit(X, y)
    from_sparse = fast_classifier().fit(sparse.csr_matrix(X), y)
    np.testing.assert_allclose(from_sparse.predict_proba(sparse.csc_matrix(X)),
                               dense.predict_proba(X))


def test_convergence_warning_when_max_iter_is_reached(blobs):
    X, y = blobs
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        with pytest.raises(ConvergenceWarning, match="Maximum iterations \\(3\\)"):
            fast_classifier(max_iter=3).fit(X, y)


def test_verbose_prints_each_epoch(blobs, capsys):
    X, y = blobs
    fast_classifier(max_iter=2, verbose=True).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Iteration 1, loss = ") and lines[1].startswith("Iteration 2")


@pytest.mark.parametrize(("parameter", "value", "message"), [
    ("hidden_layer_sizes", (10, 0), "hidden_layer_sizes must hold integers >= 1, got \\(10, 0\\)"),
    ("hidden_layer_sizes", "ten", "hidden_layer_sizes must hold integers"),
    ("activation", "softmax", "activation must be one of .* got 'softmax'"),
    ("solver", "newton", "solver must be one of 'adam', 'sgd', 'lbfgs', got 'newton'"),
    ("alpha", -1.0, "alpha must be in \\[0, inf\\), got -1.0"),
    ("batch_size", 0, "batch_size .* must be in \\[1, inf\\), got 0"),
    ("batch_size", "big", "batch_size .* must be an integer, got 'big'"),
    ("learning_rate", "fast", "learning_rate must be one of .* got 'fast'"),
    ("learning_rate_init", 0.0, "learning_rate_init must be in \\(0, inf\\), got 0.0"),
    ("max_iter", 0, "max_iter must be in \\[1, inf\\), got 0"),
    ("max_iter", 2.5, "max_iter must be an integer, got 2.5"),
    ("momentum", 1.5, "momentum must be in \\[0, 1\\], got 1.5"),
    ("validation_fraction", 1.0, "validation_fraction must be in \\[0, 1\\), got 1.0"),
    ("beta_2", 1.0, "beta_2 must be in \\[0, 1\\), got 1.0"),
    ("epsilon", -1e-8, "epsilon must be in \\(0, inf\\), got -1e-08"),
    ("n_iter_no_change", 0, "n_iter_no_change .* must be in \\[1, inf\\), got 0"),
    ("shuffle", "yes", "shuffle must be True or False, got 'yes'"),
    ("dropout", 1.0, "dropout must be in \\[0, 1\\), got 1.0"),
    ("dtype", "int8", "dtype must be float32 or float64, got 'int8'"),
    ("class_weight", "equal", "class_weight must be a dict, 'balanced' or None, got 'equal'"),
    ("tol", float("nan"), "tol must be a number, got nan"),
])
def test_bad_parameters_are_named_at_fit(blobs, parameter, value, message):
    X, y = blobs
    model = fast_classifier(**{parameter: value})  # accepted here, as scikit-learn requires
    with pytest.raises((ValueError, TypeError), match=message):
        model.fit(X, y)


def test_bad_regressor_loss_and_bad_sample_weight_are_named(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="loss must be one of 'squared_error', got 'poisson'"):
        MLPRegressor(loss="poisson").fit(X, y)
    with pytest.raises(ValueError, match="sample_weight must have shape \\(120,\\), got \\(3,\\)"):
        fast_classifier().fit(X, y, sample_weight=[1, 2, 3])
    with pytest.raises(ValueError, match="sample_weight must be >= 0, got -1.0"):
        fast_classifier().fit(X, y, sample_weight=np.r_[-1.0, np.ones(119)])
    with pytest.raises(ValueError, match="at least one non-zero weight"):
        fast_classifier().fit(X, y, sample_weight=np.zeros(120))


@pytest.mark.parametrize("estimator", ["classifier", "regressor"])
def test_complex_sample_weights_are_refused_not_made_real(blobs, estimator):
    X, y = blobs
    model = fast_classifier() if estimator == "classifier" else MLPRegressor(max_iter=2)
    with pytest.raises(ValueError, match="sample_weight holds complex numbers \\(dtype "
                                         "complex128\\); glassnet works with real numbers"):
        model.fit(X, y, sample_weight=np.ones(120) + 1j)


def test_bad_data_is_refused_with_scikit_learn_messages(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        fast_classifier().fit(X, X[:, 0])
    with pytest.raises(ValueError, match="NaN"):
        fast_classifier().fit(np.where(X > 2, np.nan, X), y)
    model = fast_classifier().fit(X, y)
    with pytest.raises(ValueError, match="5 features"):
        model.predict(X[:, :3])


def same_weights(ours, theirs, seed=5):
    rng = np.random.default_rng(seed)
    for mine, other in zip(ours.coefs_ + ours.intercepts_,
                           theirs.coefs_ + theirs.intercepts_, strict=True):
        mine[...] = other[...] = rng.uniform(-0.5, 0.5, mine.shape)


def one_step_each(ours, theirs, X, y, sample_weight=None, **partial):
    """Give both estimators the same weights, take one full-batch step, return both."""
    ours.partial_fit(X, y, **partial)
    theirs.partial_fit(X, y, **partial)
    same_weights(ours, theirs)
    ours.partial_fit(X, y, sample_weight=sample_weight)
    theirs.partial_fit(X, y, sample_weight=sample_weight)
    return ours, theirs


@pytest.mark.parametrize(("kind", "alpha", "weighted"), [
    ("binary", 0.0, False), ("multiclass", 0.0, False), ("regression", 0.0, False),
    ("multiclass", 0.5, False), ("regression", 0.5, True), ("binary", 0.5, True)])
def test_one_sgd_step_equals_scikit_learns(blobs, kind, alpha, weighted):
    """Full batch: loss (with the alpha penalty) and the step agree to rounding."""
    X, y = blobs
    settings = dict(hidden_layer_sizes=(4, 3), activation="tanh", solver="sgd", momentum=0.0,
                    learning_rate_init=0.1, batch_size=len(X), shuffle=False, alpha=alpha)
    weights = {"sample_weight": np.linspace(0.5, 2.0, len(X))} if weighted else {}
    if kind == "regression":
        pair = MLPRegressor(**settings), reference.MLPRegressor(**settings)
        ours, theirs = one_step_each(*pair, X, X[:, 0] - X[:, 1], **weights)
    else:
        targets = (y == 0).astype(int) if kind == "binary" else y
        pair = MLPClassifier(**settings), reference.MLPClassifier(**settings)
        ours, theirs = one_step_each(*pair, X, targets, classes=np.unique(targets), **weights)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-12)
    for mine, other in zip(ours.coefs_ + ours.intercepts_,
                           theirs.coefs_ + theirs.intercepts_, strict=True):
        np.testing.assert_allclose(mine, other, rtol=1e-12, atol=1e-15)


def trained_from_same_weights(settings, X, y, classifier=True):
    """Both libraries from identical weights (a first short fit sets the shapes), then a
    warm-started fit; scikit-learn's stopping counters are reset as a fresh fit has them."""
    ours_class, theirs_class = (MLPClassifier, reference.MLPClassifier) if classifier else \
        (MLPRegressor, reference.MLPRegressor)
    ours = ours_class(**settings, max_iter=1).fit(X, y)
    theirs = theirs_class(**settings, max_iter=1).fit(X, y)
    same_weights(ours, theirs, seed=11)
    theirs.best_loss_, theirs._no_improvement_count, theirs.loss_curve_ = np.inf, 0, []
    ours.loss_curve_ = []
    for model in (ours, theirs):
        model.set_params(warm_start=True, max_iter=300)
        model.fit(X, y)
    return ours, theirs


@pytest.mark.parametrize("settings", [
    dict(solver="sgd", momentum=0.0, learning_rate_init=0.05, tol=1e-3),
    dict(solver="sgd", momentum=0.9, learning_rate_init=0.02, tol=1e-3, n_iter_no_change=4),
    dict(solver="sgd", learning_rate="adaptive", momentum=0.5, learning_rate_init=0.2,
         n_iter_no_change=3, tol=1e-3),
    dict(solver="adam", learning_rate_init=0.01, tol=1e-3),
])
def test_full_batch_training_stops_where_scikit_learn_stops(blobs, settings):
    """The same trajectory, the same tol / n_iter_no_change stop, the same adaptive rates."""
    X, y = blobs
    common = dict(hidden_layer_sizes=(6,), activation="tanh", batch_size=len(X),
                  shuffle=False, alpha=1e-3, random_state=0)
    ours, theirs = trained_from_same_weights({**common, **settings}, X, y)
    assert ours.n_iter_ == theirs.n_iter_ < 300
    # Adam differs in the last digits: glassnet adds epsilon to sqrt(v_hat) (Kingma & Ba),
    # scikit-learn to sqrt(v).
    tolerance = 1e-4 if settings["solver"] == "adam" else 1e-9
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=tolerance)
    for mine, other in zip(ours.coefs_, theirs.coefs_, strict=True):
        np.testing.assert_allclose(mine, other, rtol=tolerance * 100, atol=1e-10)
    if settings.get("learning_rate") == "adaptive":
        rates = ours.history_["learning_rate"]
        assert rates[-1] < rates[0] / 5  # lowered at least twice, by 5 each time
        assert theirs._optimizer.learning_rate == pytest.approx(ours.optimizer_.learning_rate)


def test_adaptive_rate_ends_training_below_its_floor(blobs):
    X, y = blobs
    model = fast_classifier(solver="sgd", learning_rate="adaptive", n_iter_no_change=1,
                            tol=10.0, max_iter=100, learning_rate_init=0.01).fit(X, y)
    rates = model.history_["learning_rate"]
    # Epoch 1 sets the best; every later one stalls (tol=10), so the rate is divided by 5 at
    # the end of epochs 3, 5, ..., 13 (down to 0.01 / 5**6 = 6.4e-7 <= 1e-6), and the plateau
    # at epoch 15 stops training instead: scikit-learn's MLP stops there too.
    assert model.history_.stopped_early and model.n_iter_ == 15
    assert rates[-1] == pytest.approx(0.01 / 5**6) == model.optimizer_.learning_rate
    shared = {key: value for key, value in model.get_params().items()
              if key not in ("dropout", "class_weight", "dtype")}
    assert reference.MLPClassifier(**shared).fit(X, y).n_iter_ == 15


def test_adaptive_rate_at_exactly_the_floor_stops_at_the_first_plateau(blobs):
    # scikit-learn stops once the rate is <= 1e-6: a rate of exactly 1e-6 is not lowered
    X, y = blobs
    model = fast_classifier(solver="sgd", learning_rate="adaptive", n_iter_no_change=1,
                            tol=10.0, max_iter=100, learning_rate_init=1e-6).fit(X, y)
    assert model.history_.stopped_early and model.n_iter_ == 3
    assert model.history_["learning_rate"] == [1e-6] * 3
    shared = {key: value for key, value in model.get_params().items()
              if key not in ("dropout", "class_weight", "dtype")}
    assert reference.MLPClassifier(**shared).fit(X, y).n_iter_ == 3


def test_invscaling_rates_follow_scikit_learns_formula(blobs):
    X, y = blobs
    model = fast_classifier(solver="sgd", learning_rate="invscaling", power_t=0.5,
                            learning_rate_init=0.1, batch_size=40, max_iter=4,
                            n_iter_no_change=np.inf).fit(X, y)
    expected = [0.1 / (epoch * len(X) + 1) ** 0.5 for epoch in range(4)]
    np.testing.assert_allclose(model.history_["learning_rate"], expected)
    model.partial_fit(X, y)  # continues from t_ samples seen, as scikit-learn does
    assert model.history_["learning_rate"] == [pytest.approx(0.1 / (model.t_ - len(X) + 1)
                                                             ** 0.5)]


def test_lbfgs_matches_scikit_learns_from_the_same_weights(blobs):
    X, y = blobs
    settings = dict(hidden_layer_sizes=(5,), activation="tanh", solver="lbfgs", alpha=0.01,
                    random_state=0)
    ours = MLPClassifier(**settings, max_iter=1).fit(X, y)
    theirs = reference.MLPClassifier(**settings, max_iter=1).fit(X, y)
    same_weights(ours, theirs, seed=3)
    for model in (ours, theirs):
        model.set_params(warm_start=True, max_iter=40).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-8)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-6)


def test_early_stopping_keeps_the_best_validation_weights(blobs, monkeypatch):
    from glassnet.sklearn import training

    X, y = blobs
    seen = {}

    def recording_split(*arrays, **options):
        parts = training.__dict__["split_library"](*arrays, **options)
        seen["X"], seen["y"] = parts[1], parts[3]
        return parts

    monkeypatch.setitem(training.__dict__, "split_library", training.train_test_split)
    monkeypatch.setattr(training, "train_test_split", recording_split)
    model = fast_classifier(early_stopping=True, validation_fraction=0.25, n_iter_no_change=5,
                            max_iter=300, learning_rate_init=0.05).fit(X, y)
    scores = model.validation_scores_
    assert model.best_loss_ is None and len(scores) == model.n_iter_ < 300
    assert model.best_validation_score_ == max(scores)
    labels = model.predict_proba(seen["X"]).argmax(axis=1) == seen["y"].argmax(axis=1)
    assert labels.mean() == model.best_validation_score_
    assert len(seen["X"]) == 30
    assert model.t_ == model.n_iter_ * 90  # as scikit-learn: training rows seen, 120 - 30
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        model.partial_fit(X, y)


def test_early_stopping_regressor_scores_r2(blobs):
    X, _ = blobs
    model = MLPRegressor(hidden_layer_sizes=(8,), early_stopping=True, random_state=0,
                         max_iter=50, learning_rate_init=0.01).fit(X, X[:, 0] * 2)
    assert model.best_validation_score_ == max(model.validation_scores_) > 0.5
    with pytest.raises(ValueError, match="validation_fraction=0.005 leaves 1 validation"):
        MLPRegressor(early_stopping=True, validation_fraction=0.005).fit(X, X[:, 0])


def test_class_weight_equals_the_same_sample_weights(blobs):
    X, y = blobs
    labels = np.array(["ant", "bee", "cat"])[y]
    weighted = fast_classifier(class_weight={"ant": 3.0, "cat": 0.5}).fit(X, labels)
    per_row = np.select([labels == "ant", labels == "cat"], [3.0, 0.5], 1.0)
    by_rows = fast_classifier().fit(X, labels, sample_weight=per_row)
    np.testing.assert_allclose(weighted.predict_proba(X), by_rows.predict_proba(X), rtol=1e-10)
    counts = np.bincount(y)
    balanced = fast_classifier(class_weight="balanced").fit(X, labels)
    by_rows = fast_classifier().fit(X, labels, sample_weight=len(y) / (3 * counts[y]))
    np.testing.assert_allclose(balanced.predict_proba(X), by_rows.predict_proba(X), rtol=1e-10)
    with pytest.raises(ValueError, match="class_weight has the label 'dog'"):
        fast_classifier(class_weight={"dog": 2.0}).fit(X, labels)


def test_zero_sample_weight_equals_dropping_the_rows(blobs):
    X, y = blobs
    weights = (np.arange(len(y)) % 3 != 0).astype(float)
    weighted = fast_classifier().fit(X, y, sample_weight=weights)
    dropped = fast_classifier().fit(X[weights > 0], y[weights > 0])
    np.testing.assert_allclose(weighted.predict_proba(X), dropped.predict_proba(X), rtol=1e-10)


def test_dropout_layers_train_and_predict_deterministically(blobs):
    from glassnet.layers import Dropout

    X, y = blobs
    model = fast_classifier(dropout=0.3, max_iter=100).fit(X, y)
    assert sum(isinstance(layer, Dropout) for layer in model.network_.layers) == 1
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X))
    assert model.score(X, y) > 0.7
    with pytest.raises(ValueError, match="dropout=0.3 needs solver 'adam' or 'sgd'"):
        fast_classifier(dropout=0.3, solver="lbfgs").fit(X, y)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_divergence_is_a_value_error_naming_the_learning_rate():
    X = np.random.default_rng(0).normal(size=(50, 3)) * 1000
    with pytest.raises(ValueError, match="diverged .* learning_rate_init=1.0"):
        MLPRegressor(solver="sgd", learning_rate_init=1.0).fit(X, X.sum(axis=1))


def test_verbose_early_stopping_prints_the_validation_score(blobs, capsys):
    X, y = blobs
    fast_classifier(max_iter=2, verbose=True, early_stopping=True).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Iteration 1, loss = ")
    assert lines[1].startswith("Validation score: ")


def test_multilabel_partial_fit_needs_no_classes(blobs):
    X, y = blobs
    targets = np.column_stack([y == 0, y == 2]).astype(int)
    model = fast_classifier().partial_fit(X, targets)
    assert model.classes_.tolist() == [0, 1] and model.predict(X).shape == targets.shape
    with pytest.raises(ValueError, match="class_weight needs one class per sample"):
        fast_classifier(class_weight={0: 2.0}).fit(X, targets)


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
def test_lbfgs_prints_nothing_unless_verbose_and_then_only_scikit_learns_lines(blobs, capsys,
                                                                               estimator):
    X, y = blobs
    settings = dict(solver="lbfgs", hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    estimator(**settings).fit(X, y)
    assert capsys.readouterr() == ("", "")
    estimator(**settings, verbose=True).fit(X, y)
    out, err = capsys.readouterr()
    assert err == "" and out.startswith("Iteration 1, loss = ")
    assert all(line.startswith("Iteration ") for line in out.splitlines())
