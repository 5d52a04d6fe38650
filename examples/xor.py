"""XOR, the problem a single neuron cannot solve: a 2-8-1 network learns it.

Run: python examples/xor.py   (GLASSNET_EXAMPLE_EPOCHS=N trains for N epochs instead)
"""

import os

import numpy as np

import glassnet

epochs = int(os.environ.get("GLASSNET_EXAMPLE_EPOCHS", "500"))
inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
targets = np.array([0, 1, 1, 0])

network = glassnet.mlp([2, 8, 1], activation="tanh", rng=0)
loss = glassnet.BinaryCrossEntropy(from_logits=True)
history = glassnet.fit(network, inputs, targets, loss, glassnet.Adam(0.05), epochs=epochs,
                       batch_size=4)

probabilities = loss.probabilities(network.predict(inputs))[:, 0]
for row, probability in zip(inputs, probabilities, strict=True):
    print(f"{row.astype(int)} -> {probability:.3f}")
print(f"final loss: {history['loss'][-1]:.4f}")
print(f"accuracy: {glassnet.accuracy(targets, probabilities):.2f}")
