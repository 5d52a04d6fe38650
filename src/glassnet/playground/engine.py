"""The playground's engine: data, network and training, run by glassnet itself.

Each epoch cuts the training rows into batches (a new order per epoch from the run's own
generator; no shuffling when one batch holds them all, as ``fit``) and takes one
``tracing.trace_step`` per batch: the same forward, loss, backward and optimizer calls that
``fit`` makes, with every number kept for the page. After each epoch the engine keeps a
snapshot (parameters, optimizer state, generators), so the run can be rewound to any epoch
and continued exactly as before. The page's words never reach a file path, ``eval`` or
``import``: settings are parsed by ``settings.parse_settings``. Standard library and numpy.
"""

from __future__ import annotations

import threading

import numpy as np

from glassnet.activations import Identity, ReLU, Sigmoid, Tanh
from glassnet.initializers import uniform_symmetric
from glassnet.layers import Dense, Dropout
from glassnet.losses import SoftmaxCrossEntropy, SquaredError
from glassnet.network import Sequential
from glassnet.optimizers import SGD, GradientDescent
from glassnet.playground.datasets import features, generate, parse_csv, split
from glassnet.playground.settings import hidden_widths, layer_activations, parse_settings
from glassnet.tracing import trace_step
from glassnet.tutorial import TRAINING_INPUTS, TRAINING_OUTPUTS

ACTIVATION_LAYERS = {"tanh": Tanh, "relu": ReLU, "sigmoid": Sigmoid, "linear": Identity}
MAX_SNAPSHOTS = 20000
VIEW_ONLY = {"lang", "discretize"}


def build_network(settings: dict, inputs: int, outputs: int, output_layer) -> Sequential:
    """inputs -> [Dense, activation, (Dropout)] per hidden layer -> Dense -> output_layer;
    weights drawn from a generator seeded by ``seed + 1``, Dropout masks by ``seed + 2``."""
    init = np.random.default_rng(settings["seed"] + 1)
    layers, width = [], inputs
    for size, name in zip(hidden_widths(settings["layers"]), layer_activations(settings),
                          strict=True):
        layers += [Dense(width, size, rng=init), ACTIVATION_LAYERS[name]()]
        if settings["dropout"] > 0:
            layers.append(Dropout(settings["dropout"]))
        width = size
    layers += [Dense(width, outputs, rng=init), output_layer]
    return Sequential(layers, rng=np.random.default_rng(settings["seed"] + 2))


def copied(value):
    """A copy of nested dicts of arrays and numbers (optimizer state, generator state)."""
    if isinstance(value, dict):
        return {key: copied(item) for key, item in value.items()}
    return value.copy() if isinstance(value, np.ndarray) else value


class Engine:
    """One playground run. Every public method holds ``lock`` (the server's threads share it)."""

    def __init__(self, query: dict | None = None):
        self.lock = threading.RLock()
        self.settings: dict = parse_settings(query or {})
        self.csv: dict | None = None
        self.reset()

    def update(self, query: dict, csv: dict | None = None) -> None:
        """New settings (merged over the current ones), then a fresh run."""
        with self.lock:
            settings = parse_settings(query, base=self.settings)
            changed = {key for key in settings if settings[key] != self.settings.get(key)}
            if csv is None and changed <= VIEW_ONLY:
                self.settings = settings  # how the page looks: the run goes on
                return
            if csv is not None:
                parse_csv(**csv)  # refused here, before anything changes
                self.csv = csv
            if settings["dataset"] == "csv" and self.csv is None:
                raise ValueError("dataset csv needs a CSV: choose a file first")
            self.settings = settings
            self.reset()

    def reset(self) -> None:
        """Data, network and optimizer from the settings and the seed: the same every time."""
        with self.lock:
            self.make_data()
            self.make_network()
            self.order_rng = np.random.default_rng(self.settings["seed"] + 3)
            self.epoch, self.trace, self.problem = 0, None, None
            self.history, self.edits, self.snapshots = [], [], []
            self.record()

    def make_data(self) -> None:
        settings, rng = self.settings, np.random.default_rng(self.settings["seed"])
        self.classes = 0
        if settings["dataset"] == "tutorial":
            self.points, self.inputs = None, TRAINING_INPUTS.copy()
            labels = TRAINING_OUTPUTS[:, 0].copy()
            self.train_rows, self.test_rows = np.arange(4), np.arange(0)
            self.classes = 2
        else:
            if settings["dataset"] == "csv":
                self.table = parse_csv(**self.csv)
                points, labels, self.classes = (self.table.points, self.table.targets,
                                                self.table.classes)
                self.inputs = self.table.inputs
            else:
                points, labels = generate(settings["dataset"], settings["points"],
                                          settings["noise"], rng)
                self.classes = 0 if settings["dataset"] in ("plane", "multigauss") else \
                    int(labels.max()) + 1
                self.inputs = self.grid_inputs(points)
            self.points = points
            self.train_rows, self.test_rows = split(len(points), settings["train"], rng) \
                if settings["train"] < 100 else (np.arange(len(points)), np.arange(0))
        self.labels = labels

    def grid_inputs(self, points: np.ndarray) -> np.ndarray:
        """The network's inputs for points of the plane (n, 2): the chosen features, or for
        a CSV its columns with the two drawn ones varying and the rest at their means."""
        if self.settings["dataset"] == "csv":
            return self.table.grid_inputs(points)
        return features(points, self.settings["features"].split(","))

    def input_names(self) -> list[str]:
        """The name of each network input, as the page and the model file show them."""
        if self.settings["dataset"] == "tutorial":
            return ["input1", "input2", "input3"]
        if self.settings["dataset"] == "csv":
            return list(self.table.columns)
        return self.settings["features"].split(",")

    @property
    def softmax(self) -> bool:
        return self.classes > 2 or (self.classes == 2 and
                                    self.settings["loss"] == "crossentropy")

    def make_network(self) -> None:
        settings = self.settings
        if settings["dataset"] == "tutorial":
            layer = Dense(3, 1, bias=False, initializer=uniform_symmetric,
                          rng=np.random.RandomState(settings["seed"]))
            self.network = Sequential([layer, Sigmoid()])
            self.loss, self.optimizer = SquaredError(reduction="sum"), \
                GradientDescent(settings["rate"])
            self.targets = self.labels.reshape(-1, 1)
            return
        if self.softmax:
            outputs, last, self.loss = self.classes, Identity(), SoftmaxCrossEntropy()
            self.targets = self.labels.astype(np.int64)
        else:
            outputs, self.loss = 1, SquaredError()
            last = Tanh() if self.classes else Identity()
            self.targets = (2 * self.labels - 1 if self.classes else self.labels).reshape(-1, 1)
        self.network = build_network(settings, self.inputs.shape[1], outputs, last)
        self.optimizer = SGD(settings["rate"])

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` epochs (stops early, with ``problem`` set, if training diverges)."""
        with self.lock:
            for _ in range(epochs):
                if self.problem is not None:
                    return
                self.run_epoch()

    def run_epoch(self) -> None:
        rows, batch = self.train_rows, self.settings["batch"]
        order = self.order_rng.permutation(len(rows)) if batch < len(rows) else \
            np.arange(len(rows))
        for start in range(0, len(rows), batch):
            chosen = rows[order[start:start + batch]]
            self.trace = trace_step(self.network, self.inputs[chosen], self.targets[chosen],
                                    self.loss, self.optimizer, l1=self.settings["l1"],
                                    l2=self.settings["l2"])
            if not self.trace.stepped:
                from glassnet.playground.views import divergence
                self.problem = divergence(self)
                return
        self.epoch += 1
        self.record()

    def record(self) -> None:
        """Losses of this epoch, and a snapshot to rewind to."""
        train, test = self.data_loss(self.train_rows), self.data_loss(self.test_rows)
        self.history.append((self.epoch, train, test))
        if len(self.snapshots) < MAX_SNAPSHOTS:
            self.snapshots.append(self.snapshot())

    def data_loss(self, rows) -> float | None:
        if len(rows) == 0:
            return None
        with np.errstate(all="ignore"):
            outputs = self.network.forward(self.inputs[rows], training=False)
            return float(self.loss.forward(outputs, self.targets[rows]))

    def snapshot(self) -> dict:
        return {"epoch": self.epoch, "history": len(self.history), "edits": len(self.edits),
                "parameters": copied(self.network.parameters()),
                "optimizer": (copied(self.optimizer.state), self.optimizer.iterations),
                "order": copied(self.order_rng.bit_generator.state),
                "masks": copied(self.network.rng.bit_generator.state)
                if hasattr(self.network.rng, "bit_generator") else None}

    def rewind(self, epoch: int) -> None:
        """Back to the end of ``epoch``: training from there repeats the same numbers."""
        with self.lock:
            if not 0 <= epoch < len(self.snapshots):
                raise ValueError(f"epoch must be between 0 and {len(self.snapshots) - 1}, "
                                 f"got {epoch}")
            saved = self.snapshots[epoch]
            for name, value in self.network.parameters().items():
                value[...] = saved["parameters"][name]
            self.optimizer.state = copied(saved["optimizer"][0])
            self.optimizer.iterations = saved["optimizer"][1]
            self.order_rng.bit_generator.state = copied(saved["order"])
            if saved["masks"] is not None:
                self.network.rng.bit_generator.state = copied(saved["masks"])
            self.epoch, self.problem, self.trace = saved["epoch"], None, None
            del self.history[saved["history"]:], self.edits[saved["edits"]:]
            del self.snapshots[epoch + 1:]

    def set_weight(self, name: str, index: tuple, value: float) -> None:
        """Change one weight or bias by hand (kept in ``edits`` for the exported script)."""
        with self.lock:
            parameters = self.network.parameters()
            if name not in parameters:
                raise ValueError(f"no parameter {name!r}; known: {', '.join(parameters)}")
            array, index = parameters[name], tuple(int(i) for i in index)
            if len(index) != array.ndim or any(not 0 <= i < n for i, n in
                                                zip(index, array.shape, strict=True)):
                raise ValueError(f"index {index} is outside {name} of shape {array.shape}")
            if not np.isfinite(value):
                raise ValueError(f"a weight must be a finite number, got {value}")
            array[index] = value
            self.edits.append((self.epoch, name, index, float(value)))
            self.snapshots[-1] = self.snapshot()
