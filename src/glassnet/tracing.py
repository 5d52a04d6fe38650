"""Tracing: every number of one training step, recorded from the calls ``fit`` makes.

``trace_step(network, inputs, targets, loss, optimizer)`` runs one step exactly as ``fit``
runs a batch (``training.training_step``: forward in training mode, loss + penalty, backward,
penalty gradients; then ``optimizer.step``) while
light recorders around each layer's ``forward`` and ``backward`` copy what goes in and out.
The numbers are therefore ``fit``'s bit for bit. The ``Trace`` it returns shows them as text
(``explain``, ``table``), as HTML in a notebook, and as numpy code (``glassnet.stepcode``).
Imports numpy and core modules only; the core never imports it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from glassnet.flat import flatten_if_possible
from glassnet.regularization import penalty as make_penalty
from glassnet.training import NO_PENALTY, training_step
from glassnet.training_data import prepare_targets


@dataclass
class LayerStep:
    """One layer's numbers in the step: inputs (batch, in), outputs (batch, out), dL/d outputs
    and dL/d inputs (None where backward stopped: a first layer's inputs are data)."""

    index: int
    layer: object
    symbol: str  # the name of the layer's output in the numpy code (z1, a1, ...)
    input_symbol: str
    inputs: np.ndarray | None = None
    outputs: np.ndarray | None = None
    grad_outputs: np.ndarray | None = None
    grad_inputs: np.ndarray | None = None
    extra: dict = field(default_factory=dict)  # a Dropout mask, ...


@dataclass
class Trace:
    """Every number of one training step; parameter dicts keyed like ``network.parameters()``.

    ``loss`` = ``data_loss`` + ``penalty_value`` (what fit records as the batch loss);
    ``gradients`` are the ones the optimizer used (penalty included); ``updates`` are
    new - old values.
    """

    layers: list[LayerStep]
    inputs: np.ndarray
    targets: np.ndarray
    loss_function: object
    optimizer: object
    data_loss: float
    penalty_value: float
    penalty: object
    parameters: dict[str, np.ndarray]
    data_gradients: dict[str, np.ndarray]
    gradients: dict[str, np.ndarray]
    new_parameters: dict[str, np.ndarray]
    optimizer_state: dict = field(default_factory=dict)  # before the step (copies)
    stepped: bool = True
    problems: list[str] = field(default_factory=list)

    @property
    def loss(self) -> float:
        return self.data_loss + self.penalty_value

    @property
    def predictions(self) -> np.ndarray:
        return self.layers[-1].outputs

    @property
    def updates(self) -> dict[str, np.ndarray]:
        return {name: self.new_parameters[name] - self.parameters[name]
                for name in self.parameters}

    def symbol_of(self, name: str) -> str:
        """The code symbol of a parameter: "layers.0.weights" -> "W1"."""
        index, kind = name.split(".")[1:]
        return parameter_symbol(self.layers[int(index)].symbol, kind)

    def explain(self, width: int = 100) -> str:
        from glassnet.tracetext import explain
        return explain(self, width)

    def table(self) -> str:
        from glassnet.tracetext import table
        return table(self)

    def code(self) -> str:
        from glassnet.stepcode import step_code
        return step_code(self)

    def _repr_html_(self) -> str:
        from glassnet.tracetext import html_table
        return html_table(self)

    def __repr__(self) -> str:
        return (f"Trace({len(self.layers)} layers, batch {len(self.inputs)}, "
                f"loss {self.loss:.6g})")


def parameter_symbol(layer_symbol: str, kind: str) -> str:
    """z1 + "weights" -> W1, z1 + "bias" -> b1; other names keep theirs (z1_gamma)."""
    number = layer_symbol[1:]
    return {"weights": "W", "bias": "b"}.get(kind, layer_symbol + "_" + kind) + \
        (number if kind in ("weights", "bias") else "")


def symbols(network) -> list[tuple[str, str]]:
    """(input symbol, output symbol) per layer: Dense k gives ``z<k>``, the layers after it
    ``a<k>`` (activations), ``d<k>`` (Dropout) or ``h<i>`` (any other layer); the data is X."""
    pairs, current, dense = [], "X", 0
    for index, layer in enumerate(network.layers):
        name = type(layer).__name__
        if name == "Dense":
            dense += 1
            output = f"z{dense}"
        elif name == "Dropout":
            output = f"d{dense}" if f"d{dense}" not in (p[1] for p in pairs) else f"h{index}"
        elif not getattr(layer, "params", None) and dense and \
                f"a{dense}" not in (p[1] for p in pairs):
            output = f"a{dense}"
        else:
            output = f"h{index}"
        pairs.append((current, output))
        current = output
    return pairs


@contextmanager
def recording(network, steps: list[LayerStep]):
    """Wrap each layer's forward and backward (instance attributes, removed afterwards) so
    that every call is copied into ``steps``; the layers compute exactly as without."""
    layers = network.layers
    try:
        for layer, step in zip(layers, steps, strict=True):
            layer.forward = recorded_forward(layer, step)
            layer.backward = recorded_backward(layer, step)
        yield
    finally:
        for layer in layers:
            for method in ("forward", "backward"):
                layer.__dict__.pop(method, None)


def recorded_forward(layer, step: LayerStep):
    forward = type(layer).forward.__get__(layer)

    def record(inputs, training=False):
        outputs = forward(inputs, training=training)
        step.inputs, step.outputs = inputs.copy(), outputs.copy()
        mask = getattr(layer, "scaled_mask", None)
        if mask is not None:
            step.extra["mask"] = mask.copy()
        return outputs
    return record


def recorded_backward(layer, step: LayerStep):
    backward = type(layer).backward.__get__(layer)

    def record(grad_output, *arguments, **keywords):
        grad_input = backward(grad_output, *arguments, **keywords)
        step.grad_outputs = grad_output.copy()
        step.grad_inputs = None if grad_input is None else grad_input.copy()
        return grad_input
    return record


def trace_step(network, inputs, targets, loss, optimizer, l1: float = 0.0,
               l2: float = 0.0) -> Trace:
    """Run one training step of ``network`` on the batch (inputs (batch, features), targets
    as ``fit`` takes them) and return every number of it; the network and the optimizer
    change exactly as one full-batch step of ``fit(..., l2=l2)`` changes them.

    A non-finite loss or gradient stops before the update, as fit does; the Trace then has
    ``stepped=False`` and ``problems`` naming what blew up.
    """
    inputs = network.check_inputs(inputs)
    targets = prepare_targets(network, loss, inputs, targets)
    flatten_if_possible(network)  # as fit does: the optimizer then steps one flat vector
    parameters = network.parameters()
    penalty = make_penalty(parameters, l1=l1, l2=l2)
    before = {name: value.copy() for name, value in parameters.items()}
    steps = [LayerStep(index, layer, output, given)
             for index, (layer, (given, output)) in enumerate(zip(network.layers,
                                                                  symbols(network),
                                                                  strict=True))]
    with recording(network, steps):
        # fit's own training_step, its penalty added below in the same operations, so that
        # the data gradients can be kept before the penalty's share joins them.
        data_loss = training_step(network, loss, inputs, targets, None, NO_PENALTY)
    penalty_value = penalty.value()
    gradients = network.gradients()
    data_gradients = {name: value.copy() for name, value in gradients.items()}
    penalty.add_gradients(gradients)
    problems = find_problems(data_loss + penalty_value, gradients, before)
    state = {name: {key: value.copy() if isinstance(value, np.ndarray) else value
                    for key, value in entries.items()}
             for name, entries in getattr(optimizer, "state", {}).items()}
    if not problems:
        optimizer.step(parameters, gradients)
    return Trace(steps, inputs, targets, loss, optimizer, data_loss, penalty_value, penalty,
                 before, data_gradients, {name: value.copy() for name, value in
                                          gradients.items()},
                 {name: value.copy() for name, value in parameters.items()},
                 optimizer_state=state, stepped=not problems, problems=problems)


def find_problems(loss_value: float, gradients: dict, parameters: dict) -> list[str]:
    """What is not finite, in words: the loss, then each gradient and parameter by name."""
    problems = [] if np.isfinite(loss_value) else [f"the loss is {loss_value}"]
    for kind, arrays in (("weights", parameters), ("gradient", gradients)):
        for name, value in arrays.items():
            bad = ~np.isfinite(value)
            if bad.any():
                where = tuple(int(i) for i in np.argwhere(bad)[0])
                problems.append(f"{kind} of {name} at {where} is {value[where]}")
    return problems
