"""The registry: the one allow-list from names to classes and functions."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import activations, initializers, layers, losses, optimizers, registry
from glassnet.activations import ELU, GELU, Activation, Softplus
from glassnet.gradcheck import check_gradients, numerical_gradient, relative_error
from glassnet.layers import Dense, Dropout, Layer
from glassnet.losses import Huber, MeanAbsoluteError, SquaredError
from glassnet.model import Model
from glassnet.network import Sequential, mlp
from glassnet.registry import KINDS, name_of, register, resolve
from glassnet.serialization import ModelFileError, describe, load, pack, save


def test_resolve_known_names():
    assert resolve("activation", "relu") is activations.ReLU
    assert resolve("activation", "logistic") is activations.Sigmoid
    assert resolve("activation", "linear") is activations.Identity
    assert resolve("loss", "softmax_cross_entropy") is losses.SoftmaxCrossEntropy
    assert resolve("initializer", "he_normal") is initializers.he_normal
    assert resolve("optimizer", "adam") is optimizers.Adam
    assert resolve("layer", "Dense") is layers.Dense
    assert resolve("layer", "Tanh") is activations.Tanh


def test_resolve_ignores_case_and_surrounding_spaces():
    assert resolve("activation", "  ReLU ") is activations.ReLU
    assert resolve("optimizer", "SGD") is optimizers.SGD


def test_resolve_passes_objects_through():
    relu = activations.ReLU()
    assert resolve("activation", relu) is relu
    assert resolve("activation", activations.Tanh) is activations.Tanh


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_unknown_name_lists_every_known_name(kind):
    with pytest.raises(ValueError, match=f"unknown {kind} 'nope'; known: ") as raised:
        resolve(kind, "nope")
    known = str(raised.value).split("known: ")[1].split(", ")
    assert known == sorted(KINDS[kind])


@pytest.mark.parametrize(
    "name", ["__class__", "__import__", "os.system", "Sigmoid.__init__", "activations.ReLU"]
)
def test_names_never_reach_attribute_lookup(name):
    with pytest.raises(ValueError, match="unknown activation"):
        resolve("activation", name)


@pytest.mark.parametrize(
    ("kind", "name"), [(kind, name) for kind, table in KINDS.items() for name in table]
)
def test_name_of_and_resolve_round_trip(kind, name):
    value = resolve(kind, name)
    assert resolve(kind, name_of(kind, value)) is value


def test_name_of_gives_the_first_registered_name_and_accepts_instances():
    assert name_of("activation", activations.Sigmoid) == "sigmoid"
    assert name_of("activation", activations.Identity()) == "identity"
    assert name_of("activation", activations.LeakyReLU(slope=0.2)) == "leaky_relu"
    assert name_of("loss", losses.BinaryCrossEntropy(from_logits=False)) == "binary_cross_entropy"
    assert name_of("initializer", initializers.glorot_uniform) == "glorot_uniform"
    assert name_of("optimizer", optimizers.Adam()) == "adam"
    assert name_of("layer", layers.Dense(2, 3)) == "Dense"


def test_name_of_refuses_unregistered_values():
    with pytest.raises(ValueError, match="is not a registered activation"):
        name_of("activation", layers.Dense)
    with pytest.raises(ValueError, match="is not a registered initializer"):
        name_of("initializer", lambda shape, rng, dtype: None)


def test_layer_names_resolve_regardless_of_case():

    assert resolve("layer", "dense") is Dense
    assert resolve("layer", " DENSE ") is Dense
    with pytest.raises(ValueError, match="unknown layer 'densely'"):
        resolve("layer", "densely")


def test_new_pieces_are_registered():
    assert resolve("activation", "elu") is ELU
    assert resolve("activation", "softplus") is Softplus
    assert resolve("activation", "gelu") is GELU
    assert resolve("loss", "mean_absolute_error") is MeanAbsoluteError
    assert resolve("loss", "huber") is Huber
    assert resolve("layer", "Dropout") is Dropout
    assert Dropout(0.25).config() == {"rate": 0.25}
    assert ELU(alpha=0.5).config() == {"alpha": 0.5}


# register: a user's own classes saved and loaded like built-ins.

@pytest.fixture
def clean_registry():
    """Whatever a test registers is gone afterwards (the registry is global)."""
    saved = {kind: dict(table) for kind, table in registry.KINDS.items()}
    yield
    for kind, table in registry.KINDS.items():
        table.clear()
        table.update(saved[kind])


class Scale(Layer):
    """outputs = inputs * weights + offset: weights (features,) trained, offset (features,) a
    buffer (saved, not trained). dL/d weights = sum over the batch of G * inputs;
    dL/d inputs = G * weights."""

    caches = ("inputs",)

    def __init__(self, features: int):
        super().__init__()
        self.in_features = self.out_features = features
        self.params = {"weights": np.ones(features)}
        self.grads = {"weights": np.zeros(features)}
        self.buffers = {"offset": np.zeros(features)}

    @classmethod
    def array_shapes(cls, config):
        return {"weights": (config["features"],), "offset": (config["features"],)}

    def forward(self, inputs, training=False):
        self.inputs = inputs
        return inputs * self.params["weights"] + self.buffers["offset"]

    def backward(self, grad_output, input_gradient=True):
        self.grads["weights"] = (grad_output * self.inputs).sum(axis=0)
        return grad_output * self.params["weights"] if input_gradient else None

    def config(self):
        return {"features": self.in_features}


class Cube(Activation):
    """o = x^3;  do/dx = 3 x^2."""

    caches = ("inputs",)

    def forward(self, inputs, training=False):
        self.inputs = inputs
        return inputs**3

    def derivative(self, grad_output):
        return grad_output * 3 * self.inputs**2


def custom_network(rng) -> Sequential:
    network = Sequential([Dense(3, 4, rng=rng), Cube(), Scale(4), Dense(4, 2, rng=rng)])
    network.layers[2].params["weights"][...] = rng.standard_normal(4)
    network.layers[2].buffers["offset"][...] = rng.standard_normal(4)
    return network


def test_the_custom_layer_gradients_match_finite_differences(rng):
    network = custom_network(rng)
    inputs, targets = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    errors = check_gradients(network, SquaredError(), inputs, targets)
    assert set(errors) == {"layers.0.weights", "layers.0.bias", "layers.2.weights",
                           "layers.3.weights", "layers.3.bias"}
    assert max(errors.values()) < 1e-6
    layer, upstream = network.layers[2], rng.standard_normal((5, 4))
    features = rng.standard_normal((5, 4))
    numerical = numerical_gradient(lambda: float(np.sum(layer.forward(features) * upstream)),
                                   features)
    layer.forward(features)
    assert relative_error(layer.backward(upstream), numerical) < 1e-7


def test_a_registered_layer_and_activation_round_trip_and_predict_identically(
        clean_registry, tmp_path, rng):
    assert register(Scale) is Scale
    register(name="cube")(Cube)
    network = custom_network(rng)
    save(network, tmp_path / "custom.glassnet")
    loaded = load(tmp_path / "custom.glassnet").network
    assert [type(layer) for layer in loaded.layers] == [Dense, Cube, Scale, Dense]
    np.testing.assert_array_equal(loaded.layers[2].buffers["offset"],
                                  network.layers[2].buffers["offset"])
    inputs = rng.standard_normal((6, 3))
    np.testing.assert_array_equal(loaded.predict(inputs), network.predict(inputs))
    assert "layers.2.offset" in loaded.buffers() and "layers.2.offset" not in loaded.parameters()
    assert resolve("activation", "CUBE") is Cube and mlp([2, 2, 1], activation="cube", rng=0)


def test_register_works_as_a_bare_decorator(clean_registry):
    @register
    class Halve(Activation):
        def forward(self, inputs, training=False):
            return inputs / 2

        def derivative(self, grad_output):
            return grad_output / 2

    assert registry.LAYERS["Halve"] is Halve and registry.ACTIVATIONS["Halve"] is Halve


def test_an_unregistered_class_is_refused_on_save_and_on_load(clean_registry, tmp_path, rng):
    with pytest.raises(ValueError, match=r"cannot save Scale: it is not registered; call "
                                         r"glassnet.register\(Scale\)"):
        save(Sequential([Scale(2)]), tmp_path / "refused.glassnet")
    assert not (tmp_path / "refused.glassnet").exists()
    register(Scale)
    save(Sequential([Scale(2)]), tmp_path / "scale.glassnet")
    del registry.LAYERS["Scale"]  # another program, which never registered Scale
    with pytest.raises(ModelFileError, match=r"unknown layer type 'Scale'; if it is your own "
                                             r"class, call glassnet.register\(Scale\) before "
                                             r"glassnet.load"):
        load(tmp_path / "scale.glassnet")


def test_names_that_clash_are_refused(clean_registry):
    class Dense(Layer):  # noqa: F811 - the clash is the point
        pass

    with pytest.raises(ValueError, match="the name is taken by glassnet.layers.Dense"):
        register(Dense)
    with pytest.raises(ValueError, match="'relu'.*taken by glassnet.activations.ReLU"):
        register(Cube, name="relu")
    register(Scale)
    register(Scale)  # the same class under the same name again changes nothing

    class Other(Layer):
        pass

    with pytest.raises(ValueError, match="taken by .*Scale"):
        register(Other, name="scale")
    with pytest.raises(ValueError, match="Scale is already registered as 'Scale'"):
        register(Scale, name="Stretch")


@pytest.mark.parametrize("thing, error, message", [
    (Scale(2), TypeError, "register takes a class, got"),
    (dict, TypeError, "subclass of glassnet.layers.Layer"),
    ("Scale", TypeError, "register takes a class"),
])
def test_what_is_not_a_layer_class_is_refused(thing, error, message, clean_registry):
    with pytest.raises(error, match=message):
        register(thing)


@pytest.mark.parametrize("name", ["", "a b", "1abc", "x\x1b[2J", "x" * 101, 5])
def test_bad_names_are_refused(name, clean_registry):
    with pytest.raises(ValueError, match="name must be letters"):
        register(Scale, name=name)


def test_register_is_exported_from_the_package():
    import glassnet

    assert glassnet.register is register and "register" in glassnet.__all__


def test_a_layer_whose_array_shapes_disagree_with_its_arrays_is_not_saved(clean_registry,
                                                                          tmp_path):
    @register
    class Forgetful(Scale):
        @classmethod
        def array_shapes(cls, config):
            return {"weights": (config["features"],)}  # forgot the offset buffer

    with pytest.raises(ValueError, match=r"cannot save Forgetful: its array_shapes\(config\(\)\) "
                                         r"gives \{'weights': \(3,\)\} but it holds arrays"):
        save(Sequential([Forgetful(3)]), tmp_path / "forgetful.glassnet")
    assert not (tmp_path / "forgetful.glassnet").exists()


def test_a_class_whose_arrays_differ_from_what_it_declares_is_refused_on_load(clean_registry,
                                                                             tmp_path):
    register(Scale)
    save(Sequential([Scale(3)]), tmp_path / "scale.glassnet")

    class Forgetful(Scale):
        @classmethod
        def array_shapes(cls, config):
            return {"weights": (config["features"],)}

    class Bufferless(Scale):
        def __init__(self, features):
            super().__init__(features)
            self.buffers = {}

    registry.LAYERS["Scale"] = Forgetful  # another program's Scale, declaring less
    with pytest.raises(ModelFileError, match=r"unexpected member.*layers.0.offset.npy"):
        load(tmp_path / "scale.glassnet")
    registry.LAYERS["Scale"] = Bufferless  # declaring the buffer but not holding it
    with pytest.raises(ModelFileError, match=r"layer 0 \(Scale\): has arrays \['weights'\], "
                                             r"its class declares \['offset', 'weights'\]"):
        load(tmp_path / "scale.glassnet")


@pytest.mark.parametrize("features", [[3], None])
@pytest.mark.parametrize("name, shown", [  # named in up to 60 characters
    ("Counted", "Counted"), ("Counted" + "_" * 53, "Counted" + "_" * 53),
    ("Counted" + "_" * 54, "Counted" + "_" * 50 + r"\.\.\.")])
def test_a_config_that_breaks_a_classs_array_shapes_is_a_model_file_error(features, name,
                                                                          shown,
                                                                          clean_registry,
                                                                          tmp_path):
    class Counted(Scale):
        @classmethod
        def array_shapes(cls, config):
            features = int(config["features"])  # a list or None: TypeError
            return {"weights": (features,), "offset": (features,)}

    register(Counted, name=name)
    manifest, arrays = describe(Model(Sequential([Counted(3)])))
    manifest["layers"][0]["config"]["features"] = features
    path = tmp_path / "crafted.glassnet"
    path.write_bytes(pack(manifest, arrays))
    with pytest.raises(ModelFileError, match=rf"layer 0 \({shown}\): "):
        load(path)
