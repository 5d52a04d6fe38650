"""The network's part of the model file (serialization.py) for a user's own registered layer:
what save refuses (an unregistered class, arrays that do not match the class's
``array_shapes``), what load refuses (shapes that are no identifiers or sizes, arrays the
class does not declare, a layer that fails to build), each with one line naming the layer."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import registry
from glassnet.layers import Dense, Layer
from glassnet.model import Model
from glassnet.network import Sequential
from glassnet.registry import register
from glassnet.serialization import ModelFileError, load, save


class Shift(Layer):
    """outputs = inputs + offset; offset (features,) is a buffer."""

    shapes = None  # what array_shapes gives, when a test sets it
    key = "features"  # the config key array_shapes reads
    fails = False  # whether building from a config raises an unexpected error
    extra = False  # whether the built layer holds a second buffer array_shapes omits
    wide = False  # whether the built layer's offset is one wider than array_shapes says

    def __init__(self, features: int):
        super().__init__()
        if Shift.fails:
            raise RuntimeError("cannot build")
        self.in_features = self.out_features = features
        self.buffers = {"offset": np.arange(features + Shift.wide, dtype=np.float64)}
        if Shift.extra:
            self.buffers["scale"] = np.ones(features)

    @classmethod
    def array_shapes(cls, config):
        return cls.shapes if cls.shapes is not None else {"offset": (config[cls.key],)}

    def forward(self, inputs, training=False):
        return inputs + self.buffers["offset"]

    def backward(self, grad_output, input_gradient=True):
        return grad_output

    def config(self):
        return {"features": self.in_features}


@pytest.fixture
def shift_registered():
    saved = {kind: dict(table) for kind, table in registry.KINDS.items()}
    register(Shift)
    yield
    Shift.shapes, Shift.key, Shift.fails, Shift.extra = None, "features", False, False
    Shift.wide = False
    for kind, table in registry.KINDS.items():
        table.clear()
        table.update(saved[kind])


def network():
    return Sequential([Dense(2, 2, rng=0), Shift(2)])


def test_a_registered_layer_round_trips(shift_registered, tmp_path):
    save(network(), tmp_path / "m.glassnet")
    loaded = load(tmp_path / "m.glassnet").network
    np.testing.assert_array_equal(loaded.layers[1].buffers["offset"], [0.0, 1.0])
    inputs = np.array([[1.0, -1.0]])
    np.testing.assert_array_equal(loaded.predict(inputs), network().predict(inputs))


def test_an_unregistered_layer_is_refused_at_save(tmp_path):
    with pytest.raises(ValueError, match="^cannot save Shift: it is not registered; call "
                                         "glassnet.register\\(Shift\\) once, before saving and "
                                         "before loading$"):
        save(network(), tmp_path / "m.glassnet")
    assert list(tmp_path.iterdir()) == []


def test_arrays_that_array_shapes_does_not_describe_are_refused_at_save(shift_registered,
                                                                        tmp_path):
    Shift.shapes = {"offset": (3,)}
    with pytest.raises(ValueError, match="^cannot save Shift: its array_shapes\\(config\\(\\)\\) "
                                         "gives \\{'offset': \\(3,\\)\\} but it holds arrays "
                                         "\\{'offset': \\(2,\\)\\}$"):
        save(network(), tmp_path / "m.glassnet")
    assert list(tmp_path.iterdir()) == []


def saved_then(tmp_path, **change):
    save(network(), tmp_path / "m.glassnet")
    for name, value in change.items():
        setattr(Shift, name, value)
    return tmp_path / "m.glassnet"


@pytest.mark.parametrize("shapes, shown", [
    ({"offset": (-1,)}, "array 'offset' has shape \\(-1,\\)"),
    ({"offset": (2**31,)}, "array 'offset' has shape \\(2147483648,\\)"),
    ({"offset": [2]}, "array 'offset' has shape \\[2\\]"),
    ({"offset": (2.0,)}, "array 'offset' has shape \\(2.0,\\)"),
    ({"not a name": (2,)}, "array 'not a name' has shape \\(2,\\)"),
    ({3: (2,)}, "array 3 has shape \\(2,\\)"),
])
def test_array_shapes_that_are_no_identifiers_and_sizes_are_refused_at_load(
        shift_registered, tmp_path, shapes, shown):
    path = saved_then(tmp_path, shapes=shapes)
    with pytest.raises(ModelFileError, match=f"^{path}: layer 1 \\(Shift\\): {shown}; "
                                             f"array_shapes must give identifiers and tuples of "
                                             f"sizes$"):
        load(path)


def test_the_largest_size_below_two_to_the_31_passes_the_shape_check(shift_registered,
                                                                      tmp_path):
    path = saved_then(tmp_path, shapes={"offset": (2**31 - 1,)})
    with pytest.raises(ModelFileError) as caught:  # the file's array is (2,), not that
        load(path)
    assert "array_shapes must give" not in str(caught.value)
    assert "offset" in str(caught.value)


def test_array_shapes_that_fail_on_the_files_config_are_refused(shift_registered, tmp_path):
    path = saved_then(tmp_path, key="width")
    with pytest.raises(ModelFileError, match=f"^{path}: layer 1 \\(Shift\\): 'width'$"):
        load(path)


def test_a_built_layer_holding_arrays_its_class_does_not_declare_is_refused(
        shift_registered, tmp_path):
    path = saved_then(tmp_path, extra=True)
    with pytest.raises(ModelFileError, match=f"^{path}: layer 1 \\(Shift\\): has arrays "
                                             f"\\['offset', 'scale'\\], its class declares "
                                             f"\\['offset'\\]$"):
        load(path)


def test_a_built_layer_whose_array_differs_from_the_files_is_refused(shift_registered,
                                                                    tmp_path):
    path = saved_then(tmp_path, wide=True)
    with pytest.raises(ModelFileError, match=f"^{path}: layer 1 \\(Shift\\): array offset is "
                                             f"float64 \\(3,\\), the file gives float64 "
                                             f"\\(2,\\)$"):
        load(path)


def test_a_layer_that_fails_to_build_makes_a_damaged_file_error(shift_registered, tmp_path):
    path = saved_then(tmp_path, fails=True)
    with pytest.raises(ModelFileError, match=f"^{path}: damaged model file \\(RuntimeError: "
                                             f"cannot build\\)$"):
        load(path)


def test_to_model_that_returns_no_model_is_refused(tmp_path):
    class Pretender:
        def to_model(self):
            return "not a model"

        def __repr__(self):
            return "Pretender()"

    with pytest.raises(TypeError, match="^model must be a glassnet Model, a Sequential network "
                                        "or have a to_model\\(\\) method returning a Model, "
                                        "got Pretender\\(\\)$"):
        save(Pretender(), tmp_path / "m.glassnet")
    with pytest.raises(TypeError, match="got 'x{199}$"):
        save("x" * 300, tmp_path / "m.glassnet")
    save(Model(Sequential([Dense(2, 1, rng=0)])), tmp_path / "m.glassnet")
    assert load(tmp_path / "m.glassnet").task is None
