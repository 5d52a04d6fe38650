"""MLPClassifier's own rules (sklearn/classifier.py): the classes of a warm start or of
partial_fit must stay those of the first fit, class_weight names labels of classes_, and the
loss follows the kind of target."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")
from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy  # noqa: E402
from glassnet.sklearn import MLPClassifier  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [0.5, 0.5], [0.2, 0.9]])


def small(**settings):
    return MLPClassifier(**{"hidden_layer_sizes": (3,), "max_iter": 2, "random_state": 0,
                            **settings})


def test_warm_start_needs_the_same_classes():
    model = small(warm_start=True).fit(X, ["a", "b", "c", "a", "b", "c"])
    with pytest.raises(ValueError, match="^warm_start needs y with the same classes as the "
                                         "previous fit: had \\['a' 'b' 'c'\\], y has "
                                         "\\['a' 'b'\\]$"):
        model.fit(X, ["a", "b", "a", "b", "a", "b"])
    model.fit(X, ["c", "b", "a", "a", "b", "c"])  # the same classes in another order
    assert model.classes_.tolist() == ["a", "b", "c"]


def test_without_warm_start_a_new_fit_takes_new_classes():
    model = small().fit(X, ["a", "b", "c", "a", "b", "c"])
    model.fit(X, ["x", "y", "x", "y", "x", "y"])
    assert model.classes_.tolist() == ["x", "y"]


def test_partial_fit_refuses_other_classes_and_unknown_labels():
    model = small().partial_fit(X, [0, 1, 2, 0, 1, 2], classes=[0, 1, 2])
    with pytest.raises(ValueError, match="^classes=\\[0, 1, 3\\] differs from classes_ "
                                         "\\[0 1 2\\] of the first call$"):
        model.partial_fit(X, [0, 1, 0, 0, 1, 0], classes=[0, 1, 3])
    with pytest.raises(ValueError, match="^y has classes \\[5\\] not in classes_ \\[0 1 2\\]$"):
        model.partial_fit(X, [0, 1, 5, 0, 1, 2])
    model.partial_fit(X, [0, 0, 0, 0, 0, 0], classes=[2, 1, 0])  # the same set, any order
    model.partial_fit(X, [1, 1, 1, 1, 1, 1])  # a subset of the classes is fine
    assert model.classes_.tolist() == [0, 1, 2]


def test_the_loss_follows_the_kind_of_target():
    binary = small().fit(X, [0, 1, 0, 1, 0, 1])
    assert isinstance(binary.loss_function_, BinaryCrossEntropy)
    assert binary.out_activation_ == "logistic" and binary.n_outputs_ == 1
    multiclass = small().fit(X, [0, 1, 2, 0, 1, 2])
    assert isinstance(multiclass.loss_function_, SoftmaxCrossEntropy)
    assert multiclass.out_activation_ == "softmax" and multiclass.n_outputs_ == 3
    multilabel = small().fit(X, np.array([[0, 1], [1, 0], [1, 1], [0, 0], [1, 0], [0, 1]]))
    assert multilabel.out_activation_ == "logistic" and multilabel.n_outputs_ == 2
    assert multilabel.to_model().task == "multilabel"


def test_class_weight_must_name_known_labels_and_not_a_multilabel_target():
    with pytest.raises(ValueError, match="^class_weight has the label 'z', which is not among "
                                         "classes_ \\['a', 'b'\\]$"):
        small(class_weight={"z": 2.0}).fit(X, ["a", "b"] * 3)
    with pytest.raises(ValueError, match="^class_weight needs one class per sample; "
                                         "multi-label targets take sample_weight instead"):
        small(class_weight={0: 2.0}).fit(X, np.eye(2, dtype=int)[[0, 1, 0, 1, 0, 1]] | 1)
