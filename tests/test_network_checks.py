"""network_checks: what Sequential checks of its layers, and which forward a layer runs."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.activations import ReLU
from glassnet.layers import Dense
from glassnet.network_checks import check_layer, check_widths, declared_with_forward


def test_a_layer_class_is_refused_with_the_fix_and_anything_else_named():
    with pytest.raises(TypeError, match=r"layer 2 is the class ReLU, not a layer instance: "
                                        r"write ReLU\(\)"):
        check_layer(2, ReLU)
    with pytest.raises(TypeError, match=r"layer 0 is the class int, not a layer instance$"):
        check_layer(0, int)
    with pytest.raises(TypeError, match=r"layer 1 \('relu'\) has no forward/backward "
                                        r"methods: a layer must be"):
        check_layer(1, "relu")

    class LooksLikeOne:
        def forward(self, inputs):
            return inputs

        def backward(self, gradient):
            return gradient

    with pytest.raises(TypeError, match=r"layer 3 \(<.*\) a layer must be an "
                                        r"instance of a glassnet.layers.Layer subclass"):
        check_layer(3, LooksLikeOne())
    class ForwardOnly:
        def forward(self, inputs):
            return inputs

    with pytest.raises(TypeError, match=r"layer 4 \(<.*\) has no forward/backward methods"):
        check_layer(4, ForwardOnly())
    check_layer(0, ReLU())  # a layer instance passes


def test_widths_must_follow_from_layer_to_layer_past_activations():
    check_widths([Dense(3, 4), ReLU(), Dense(4, 2)])
    check_widths([ReLU(), Dense(3, 4)])  # nothing fixes a width before the Dense
    with pytest.raises(ValueError, match=r"layer 2 \(Dense\(5, 2\)\) takes 5 features but the "
                                         r"layer before gives 4 \(layer 0, Dense\(3, 4\)\)"):
        check_widths([Dense(3, 4), ReLU(), Dense(5, 2)])


def test_a_subclass_that_changes_forward_alone_is_not_run_by_the_inherited_variants():
    class Doubled(ReLU):
        def forward(self, inputs, training=False):
            return 2 * super().forward(inputs, training)

    class InPlaceToo(Doubled):
        def forward_in_place(self, inputs):
            return self.forward(inputs)

        new_outputs = True

    assert declared_with_forward(ReLU())
    assert not declared_with_forward(Doubled())
    assert declared_with_forward(InPlaceToo())
    assert declared_with_forward(Dense(2, 2))  # Layer's own defaults are safe under any forward
    assert declared_with_forward(Doubled(), "backward") is False  # ReLU's backward, Doubled's
    layer = InPlaceToo()
    np.testing.assert_array_equal(layer.forward_in_place(np.array([[-1.0, 2.0]])), [[0.0, 4.0]])
