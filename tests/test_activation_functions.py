"""The numpy functions behind activations and losses (activation_functions): the sigmoid
against the tutorial's formula, and every name still importable, as the same object, from
glassnet.activations where it was defined before. The softmax and the row helpers are held
equal to their textbook forms in test_fast_paths.py and test_speed_paths.py, through the
layers in test_activations.py."""

from __future__ import annotations

import pickle

import numpy as np

from glassnet import activation_functions, activations
from glassnet.activation_functions import sigmoid


def test_sigmoid_is_bit_for_bit_the_tutorial_formula_for_moderate_inputs(rng):
    x = rng.uniform(-30, 30, (50, 3))
    np.testing.assert_array_equal(sigmoid(x), 1 / (1 + np.exp(-x)))


def test_sigmoid_of_integers_gives_floats():
    outputs = sigmoid(np.array([[0, 1]]))
    assert outputs.dtype == np.float64
    np.testing.assert_allclose(outputs, [[0.5, 1 / (1 + np.exp(-1.0))]])


def test_every_name_stays_importable_from_activations_as_the_same_object():
    names = ["BLAS_TYPES", "ONES", "SHORT_ROW", "ones_column", "row_maximum", "row_sums",
             "sigmoid", "softmax"]
    for name in names:
        assert getattr(activations, name) is getattr(activation_functions, name), name
    # a pickle that names the function where it lived before still loads it
    assert pickle.loads(b"cglassnet.activations\nsoftmax\n.") is activation_functions.softmax
