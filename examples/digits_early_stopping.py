"""Handwritten digits (scikit-learn's 8x8 digits, shipped with it, no download) with
minibatches, a validation split and early stopping that keeps the best epoch's weights.

Run: python examples/digits_early_stopping.py   (needs scikit-learn;
GLASSNET_EXAMPLE_EPOCHS=N caps the epochs)
"""

import os

import numpy as np
from sklearn.datasets import load_digits

import glassnet

epochs = int(os.environ.get("GLASSNET_EXAMPLE_EPOCHS", "200"))
digits = load_digits()
inputs, labels = digits.data / 16.0, digits.target
order = np.random.default_rng(0).permutation(len(inputs))
test, train = order[:360], order[360:]

network = glassnet.mlp([64, 64, 10], activation="relu", rng=0)
stopping = glassnet.EarlyStopping(monitor="val_loss", patience=5)
history = glassnet.fit(network, inputs[train], labels[train], glassnet.SoftmaxCrossEntropy(),
                       glassnet.Adam(0.001), epochs=epochs, batch_size=32,
                       validation_split=0.2, metrics=["accuracy"], callbacks=[stopping],
                       rng=0)

print(f"epochs run: {len(history)}, stopped early: {history.stopped_early}, "
      f"best epoch: {stopping.best_epoch}")
print(f"best validation accuracy: {history['val_accuracy'][stopping.best_epoch - 1]:.3f}")
test_accuracy = glassnet.accuracy(labels[test], network.predict(inputs[test]))
print(f"test accuracy: {test_accuracy:.3f}")
