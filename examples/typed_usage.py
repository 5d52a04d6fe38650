"""A short script over the public API that ``mypy`` checks in CI (tests/test_typing.py):
the annotations that ship with glassnet (``py.typed``) are the ones tools see.

Run: python examples/typed_usage.py
"""

from __future__ import annotations

import numpy as np

import glassnet
from glassnet.checkpoints import CSVLogger
from glassnet.classification_metrics import f1_score

rng = np.random.default_rng(0)
inputs: np.ndarray = rng.standard_normal((120, 3))
labels: np.ndarray = (inputs[:, 0] + inputs[:, 1] > 0).astype(np.int64)

network: glassnet.Sequential = glassnet.mlp([3, 8, 2], activation="relu", rng=0)
logger = CSVLogger("history.csv")
history: glassnet.History = glassnet.fit(
    network, inputs, labels, glassnet.SoftmaxCrossEntropy(), glassnet.Adam(0.01), epochs=20,
    batch_size=16, metrics=["accuracy"], callbacks=[glassnet.EarlyStopping("loss"), logger])
outputs: np.ndarray = network.predict(inputs)
final_loss: float = history["loss"][-1]
score: float = f1_score(labels, outputs)
print(f"loss {final_loss:.3f}, f1 {score:.3f}, {network.n_parameters} parameters, {logger!r}")
