"""The registry: the one allow-list from names to classes and functions."""

from __future__ import annotations

import pytest

from glassnet import activations, initializers, layers, losses, optimizers
from glassnet.activations import ELU, GELU, Softplus
from glassnet.layers import Dense, Dropout
from glassnet.losses import Huber, MeanAbsoluteError
from glassnet.registry import KINDS, name_of, resolve


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
