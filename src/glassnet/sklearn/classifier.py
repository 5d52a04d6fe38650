"""MLPClassifier: binary, multiclass and multi-label classification on glassnet's core.

Labels are encoded as scikit-learn's own MLPClassifier encodes them (LabelBinarizer): one
0/1 column for two classes and for each label of a multi-label target (sigmoid outputs,
``BinaryCrossEntropy(from_logits=True)``), one-hot rows for more classes (softmax outputs,
``SoftmaxCrossEntropy``). Imports scikit-learn, numpy and glassnet.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import column_or_1d
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels

from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from glassnet.model import class_indices, class_probabilities, label_indicators
from glassnet.sklearn.base import MultilayerPerceptron, store_parameters


class MLPClassifier(ClassifierMixin, MultilayerPerceptron):
    """A multi-layer perceptron classifier with scikit-learn's interface, trained by glassnet.

    The parameters are those of ``sklearn.neural_network.MLPClassifier``, with the same
    names, meanings and defaults (see its documentation), plus glassnet's own:

    dropout : float in [0, 1), default 0
        Inverted dropout after every hidden activation while training
        (``glassnet.layers.Dropout``); nothing is dropped at predict time.
    class_weight : dict {label: weight}, "balanced" or None, default None
        Multiplies each sample's weight by the weight of its class ("balanced":
        samples / (classes * count of the class)), as in scikit-learn's linear models.
    dtype : None, "float32" or "float64", default None
        The network's float type; None follows X (float32 stays float32, anything else
        becomes float64), as scikit-learn's MLP does.

    Where glassnet differs from scikit-learn's MLP, see ``glassnet.sklearn`` (the package
    docstring): mainly the starting weights (so the same ``random_state`` gives different,
    equally good, weights), Adam's epsilon, and for multi-label targets the loss, which is
    the binary cross-entropy averaged over the labels (scikit-learn sums it), so ``loss_``
    is scikit-learn's divided by the label count. The training objective, for rows of
    weight w_i = sample_weight_i * class_weight[y_i] in a batch B, is
        L = sum_B w_i l_i / sum_B w_i + alpha / (2 * batch_size * mean w) * sum ||W||^2.

    Fitted attributes: classes_, n_features_in_, feature_names_in_ (DataFrames), loss_,
    loss_curve_, validation_scores_, best_loss_, best_validation_score_, n_iter_, t_,
    coefs_ and intercepts_ (live views of the network's Dense weights (fan_in, fan_out) and
    biases (fan_out,)), n_layers_, n_outputs_, out_activation_, and glassnet's network_
    (a ``glassnet.Sequential`` giving logits) and history_ (the last ``History``).
    """

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000,
                 dropout=0.0, class_weight=None, dtype=None):
        store_parameters(self, locals())

    def _validate_input(self, X, y, incremental: bool, reset: bool, dtype):
        """Check X and y; fit or check the label encoding; return X and 0/1 targets."""
        X, y = self._validate_pair(X, y, reset, dtype)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or not (self.warm_start or incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            self._check_known_classes(y)
        return X, self._label_binarizer.transform(y).astype(X.dtype)

    def _check_known_classes(self, y) -> None:
        classes = unique_labels(y)
        if self.warm_start and set(classes) != set(self.classes_):
            raise ValueError(f"warm_start needs y with the same classes as the previous fit: "
                             f"had {self.classes_}, y has {classes}")
        unknown = np.setdiff1d(classes, self.classes_)
        if len(unknown):
            raise ValueError(f"y has classes {unknown} not in classes_ {self.classes_}")

    def _choose_loss(self, targets):
        if self._label_binarizer.y_type_ == "multiclass":
            return SoftmaxCrossEntropy(), "softmax"
        return BinaryCrossEntropy(from_logits=True), "logistic"

    def _task(self):
        multilabel = self._label_binarizer.y_type_.startswith("multilabel")
        return ("multilabel" if multilabel else "classification"), self.classes_.tolist()

    def _class_weight_indices(self):
        """class_weight keyed by position in classes_ (what glassnet's fit expects)."""
        if self.class_weight is None or isinstance(self.class_weight, str):
            return self.class_weight
        if self._label_binarizer.y_type_.startswith("multilabel"):
            raise ValueError(f"class_weight needs one class per sample; multi-label targets "
                             f"take sample_weight instead, got class_weight={self.class_weight!r}")
        indices = {}
        for label, weight in self.class_weight.items():
            position = np.flatnonzero(self.classes_ == label)
            if len(position) == 0:
                raise ValueError(f"class_weight has the label {label!r}, which is not among "
                                 f"classes_ {self.classes_.tolist()}")
            indices[int(position[0])] = weight
        return indices

    def _stratify_validation(self, targets) -> bool:
        return targets.shape[1] == 1  # as scikit-learn: binary only (one output)

    def _score_outputs(self, targets, probabilities) -> float:
        """Accuracy of the encoded ``targets`` against probabilities: the validation score."""
        decode = self._label_binarizer.inverse_transform
        if self._label_binarizer.y_type_ == "binary":
            targets, probabilities = targets[:, 0], probabilities[:, 0]
        return accuracy_score(decode(targets), decode(probabilities))

    @available_if(lambda estimator: estimator.solver != "lbfgs")
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch of training on (X, y); ``classes`` (every label there will ever be) is
        required on the first call. Only for the stochastic solvers ("adam", "sgd")."""
        if not hasattr(self, "classes_"):
            if classes is None and type_of_target(y) != "multilabel-indicator":
                raise ValueError("classes must be given on the first call to partial_fit, "
                                 "got None")
            labels = y if classes is None else classes
            self._label_binarizer = LabelBinarizer().fit(labels)
            self.classes_ = self._label_binarizer.classes_
        elif classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(f"classes={classes!r} differs from classes_ {self.classes_} of "
                             "the first call")
        return self._fit(X, y, sample_weight, incremental=True)

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each class, (samples, classes), ordered as ``classes_``.

        Softmax of the logits (multiclass), sigmoid (each label of a multi-label target), or
        [1 - p, p] with p = sigmoid(logit) for two classes (``model.class_probabilities``).
        """
        outputs = self._outputs(X)  # first: it checks that the estimator is fitted
        return class_probabilities(self.loss_function_, outputs, self._task()[0])

    def predict_log_proba(self, X) -> np.ndarray:
        """log of ``predict_proba(X)``, (samples, classes)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X) -> np.ndarray:
        """The most probable class (samples,), or the 0/1 label matrix for multi-label; the
        same rule as ``glassnet.Model.predict`` (a binary p = 0.5 gives classes_[0])."""
        probabilities = self.predict_proba(X)
        if self._label_binarizer.y_type_.startswith("multilabel"):
            return label_indicators(probabilities)
        return self.classes_[class_indices(probabilities)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
