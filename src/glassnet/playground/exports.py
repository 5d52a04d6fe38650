"""What a learner takes home from the playground: a Python script that repeats the run number
for number (data, network, every epoch and every hand-edited weight), and a ``.glassnet``
model file that ``glassnet predict`` reads. Imports glassnet's serialization and the engine's
pieces; standard library otherwise.
"""

from __future__ import annotations

from glassnet.losses import SoftmaxCrossEntropy
from glassnet.model import Model
from glassnet.modelfile import pack
from glassnet.network import Sequential
from glassnet.preprocessing import Standardize
from glassnet.serialization import describe

SCRIPT = '''"""A glassnet playground run, repeated exactly: {epochs} epochs of {description}.

Run it with python; it prints the final loss and the network's parameters.
"""
import numpy as np

from glassnet.playground.engine import Engine
from glassnet.tracing import trace_step

SETTINGS = {settings!r}
EDITS = {edits!r}  # (epoch, parameter, index, value): weights changed by hand on the page
{csv}
# Engine builds the data, the network, the loss and the optimizer from SETTINGS and the
# seed, as the page did; the loop below is the engine's own epoch, written out.
engine = Engine()
engine.csv = CSV
engine.settings = SETTINGS
engine.reset()
network, loss, optimizer = engine.network, engine.loss, engine.optimizer
rows, batch = engine.train_rows, SETTINGS["batch"]


def apply_edits(epoch):
    for when, name, index, value in EDITS:
        if when == epoch:
            network.parameters()[name][tuple(index)] = value


for epoch in range({epochs}):
    apply_edits(epoch)
    order = engine.order_rng.permutation(len(rows)) if batch < len(rows) else \\
        np.arange(len(rows))
    for start in range(0, len(rows), batch):
        chosen = rows[order[start:start + batch]]
        trace_step(network, engine.inputs[chosen], engine.targets[chosen], loss, optimizer,
                   l1=SETTINGS["l1"], l2=SETTINGS["l2"])
apply_edits({epochs})
print("training loss", engine.data_loss(rows))
for name, value in network.parameters().items():
    print(name, value.tolist())
'''


def script(engine) -> str:
    """The Python source that repeats this run (``exec`` it, or save it and run it)."""
    with engine.lock:
        csv = f"CSV = {engine.csv!r}" if engine.settings["dataset"] == "csv" else "CSV = None"
        description = f"{engine.settings['dataset']} with hidden layers " \
                      f"[{engine.settings['layers']}]"
        return SCRIPT.format(epochs=engine.epoch, settings=engine.settings,
                             edits=[list(edit) for edit in engine.edits], csv=csv,
                             description=description)


def model(engine) -> Model:
    """The run's network as a Model: a classifier for softmax runs, else a model whose
    prediction is the network's output (for classes with squared loss, a score in -1..1:
    above 0 means class 1)."""
    with engine.lock:
        names, network = engine.input_names(), engine.network
        if engine.settings["dataset"] == "csv":  # the file's raw columns, standardised first
            network = Sequential([Standardize(engine.table.mean, engine.table.scale),
                                  *network.layers])
        if isinstance(engine.loss, SoftmaxCrossEntropy):
            return Model(network, loss=engine.loss, task="classification",
                         class_labels=list(range(engine.classes)), feature_names=names,
                         training={"target": "label"})
        return Model(network, loss=engine.loss, task="regression", feature_names=names,
                     training={"target": "score" if engine.classes else "value"})


def model_bytes(engine) -> bytes:
    """The model file's bytes (what ``serialization.save`` writes)."""
    with engine.lock:
        return pack(*describe(model(engine)))
