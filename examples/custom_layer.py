"""A custom layer, registered once, trains, saves and loads like a built-in.

``Scale`` multiplies each feature by a learned factor: outputs = inputs * factors.
Its parameter shapes come from the class (``array_shapes``), so the loader checks the file
against them before reading any array; loading never imports code named by the file.

Run: python examples/custom_layer.py   (GLASSNET_EXAMPLE_EPOCHS=N trains for N epochs)
"""

import os
import tempfile

import numpy as np

import glassnet
from glassnet.layers import Layer

epochs = int(os.environ.get("GLASSNET_EXAMPLE_EPOCHS", "200"))


@glassnet.register
class Scale(Layer):
    """outputs = inputs * factors (per feature); dL/d factors = sum over the batch of
    G * inputs; dL/d inputs = G * factors. Shapes (batch, features) -> (batch, features)."""

    caches = ("inputs",)

    def __init__(self, features: int):
        super().__init__()
        self.features = self.in_features = self.out_features = int(features)
        self.params = {"factors": np.ones(self.features)}
        self.grads = {"factors": np.zeros(self.features)}

    @classmethod
    def array_shapes(cls, config: dict) -> dict[str, tuple[int, ...]]:
        return {"factors": (int(config["features"]),)}

    def forward(self, inputs, training=False):
        self.inputs = inputs
        return inputs * self.params["factors"]

    def backward(self, grad_output, input_gradient=True):
        # written in place: the array may be a view of the network's flat gradient vector
        np.sum(grad_output * self.inputs, axis=0, out=self.grads["factors"])
        return grad_output * self.params["factors"] if input_gradient else None

    def config(self) -> dict:
        return {"features": self.features}

    def __repr__(self) -> str:
        return f"Scale({self.features})"


rng = np.random.default_rng(0)
inputs = rng.standard_normal((200, 3))
targets = inputs @ np.array([[2.0], [-1.0], [0.5]]) + 0.3

network = glassnet.Sequential([Scale(3), glassnet.Dense(3, 1, rng=0)], rng=0)
history = glassnet.fit(network, inputs, targets, "squared_error", glassnet.Adam(0.05),
                       epochs=epochs, batch_size=32, rng=0)
print(f"final loss: {history['loss'][-1]:.5f}")

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "scaled.glassnet")
    glassnet.save(network, path)
    loaded = glassnet.load(path)
    print(f"loaded layers: {loaded.network.layers}")
    same = np.array_equal(loaded.network.predict(inputs), network.predict(inputs))
    print(f"predictions identical after loading: {same}")
