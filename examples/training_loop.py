"""The training loop written out by hand: forward, loss, backward, optimizer step, with the
same objects ``fit`` uses. Gradients are overwritten by every backward pass, so there is no
``zero_grad``.

Run: python examples/training_loop.py   (GLASSNET_EXAMPLE_EPOCHS=N trains for N epochs)
"""

import os

import numpy as np

import glassnet

epochs = int(os.environ.get("GLASSNET_EXAMPLE_EPOCHS", "60"))
rng = np.random.default_rng(0)
labels = rng.integers(0, 3, 600)
inputs = rng.standard_normal((600, 2)) + 2.5 * np.eye(3, 2)[labels] - 1.0 * (labels == 2)[:, None]

network = glassnet.mlp([2, 16, 3], activation="relu", rng=0)
loss = glassnet.SoftmaxCrossEntropy()
optimizer = glassnet.Adam(0.01)
parameters = network.parameters()  # live arrays, keyed "layers.0.weights" ...

for epoch in range(1, epochs + 1):
    order = rng.permutation(len(inputs))
    total = 0.0
    for start in range(0, len(inputs), 32):
        batch = order[start:start + 32]
        outputs = network.forward(inputs[batch], training=True)
        total += loss.forward(outputs, labels[batch]) * len(batch)
        network.backward(loss.backward())
        optimizer.step(parameters, network.gradients())
    if epoch == 1 or epoch % 20 == 0 or epoch == epochs:
        print(f"epoch {epoch}: loss {total / len(inputs):.4f}")

print(f"accuracy: {glassnet.accuracy(labels, network.predict(inputs)):.3f}")
