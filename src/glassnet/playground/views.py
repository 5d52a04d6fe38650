"""What the page shows, as JSON-ready dicts: the run's state (network, heatmaps, losses,
points, accuracy, confusion matrix), one neuron's or one weight's numbers from the last
traced step with the numpy code of that step, a gradient check, and why training diverged.
Numpy and glassnet only.
"""

from __future__ import annotations

import numpy as np

from glassnet.gradcheck import check_gradients
from glassnet.playground.datasets import DOMAIN
from glassnet.stepcode import layer_lines, loss_lines, step_code

GRID = 24  # heatmap resolution: GRID x GRID points over the domain


def rounded(array, digits: int = 4) -> list:
    return np.round(np.nan_to_num(np.asarray(array, float), nan=0.0, posinf=1e9,
                                  neginf=-1e9), digits).tolist()


def finite(value):
    """A number the JSON can carry: None for NaN, infinity or no value."""
    return value if value is not None and np.isfinite(value) else None


def dense_indices(network) -> list[int]:
    return [i for i, layer in enumerate(network.layers) if "weights" in layer.params]


def grid_points() -> np.ndarray:
    axis = np.linspace(-DOMAIN, DOMAIN, GRID)
    x, y = np.meshgrid(axis, axis[::-1])  # row 0 at the top of the picture
    return np.column_stack([x.ravel(), y.ravel()])


def neuron_maps(engine) -> tuple[list, list]:
    """Each hidden neuron's activation and the output, over the grid (GRID * GRID values)."""
    if engine.points is None:
        return [], []
    network = engine.network
    outputs = engine.grid_inputs(grid_points())
    layers, maps = network.layers, []
    wanted = {index + 1 if not layers[index + 1].params else index
              for index in dense_indices(network)[:-1]}
    with np.errstate(all="ignore"):
        for index, layer in enumerate(layers):
            outputs = layer.forward(outputs, training=False)
            if index in wanted:
                maps.append(rounded(outputs.T, 3))
    return maps, rounded(output_surface(engine, outputs), 3)


def output_surface(engine, outputs: np.ndarray) -> np.ndarray:
    """-1..1 for two classes (the chance of class 1, rescaled), the class for more, or the
    predicted value."""
    if engine.softmax:
        probabilities = engine.loss.probabilities(outputs)
        if engine.classes == 2:
            return 2 * probabilities[:, 1] - 1
        return probabilities.argmax(axis=1).astype(float)
    return outputs[:, 0]


def predicted_classes(engine, rows) -> np.ndarray:
    outputs = engine.network.forward(engine.inputs[rows], training=False)
    if engine.softmax:
        return outputs.argmax(axis=1)
    return (outputs[:, 0] > (0.5 if engine.settings["dataset"] == "tutorial" else 0.0)
            ).astype(int)


def scores(engine) -> dict:
    """Accuracy on the training and test rows and the test (or training) confusion matrix."""
    if not engine.classes:
        return {}
    result = {}
    for part, rows in (("train", engine.train_rows), ("test", engine.test_rows)):
        if len(rows):
            with np.errstate(all="ignore"):
                predicted = predicted_classes(engine, rows)
            truth = engine.labels[rows].astype(int)
            result[f"{part}_accuracy"] = float((predicted == truth).mean())
            matrix = np.zeros((engine.classes, engine.classes), int)
            np.add.at(matrix, (truth, predicted), 1)
            result["confusion"] = matrix.tolist()
    return result


def state(engine, maps: bool = True) -> dict:
    """Everything the page draws, after the last epoch."""
    with engine.lock:
        network = engine.network
        dense = [network.layers[i] for i in dense_indices(network)]
        result = {
            "epoch": engine.epoch, "settings": engine.settings, "classes": engine.classes,
            "inputs": engine.input_names(),
            "widths": [dense[0].in_features] + [layer.out_features for layer in dense],
            "weights": [rounded(layer.params["weights"]) for layer in dense],
            "biases": [rounded(layer.params.get("bias", np.zeros(layer.out_features)))
                       for layer in dense],
            "history": [[e, finite(train), finite(test)] for e, train, test in
                        engine.history[-400:]],
            "problem": engine.problem, "rewind": len(engine.snapshots) - 1,
            "traced": engine.trace is not None, **scores(engine)}
        if maps:
            result["maps"], result["output"] = neuron_maps(engine)
            result["grid"] = GRID
            result["points"] = points(engine)
        if engine.settings["dataset"] == "tutorial":
            with np.errstate(all="ignore"):
                answer = network.forward(np.array([[1.0, 0.0, 0.0]]))
            result["answer"] = float(answer[0, 0])
        return result


def points(engine) -> dict:
    if engine.points is None:
        return {"train": [], "test": []}
    return {part: rounded(np.column_stack([engine.points[rows], engine.labels[rows]]), 3)
            for part, rows in (("train", engine.train_rows), ("test", engine.test_rows))}


def neuron(engine, layer: int, unit: int, rows: int = 4) -> dict:
    """The numbers of neuron ``unit`` of Dense layer ``layer`` (1-based, as drawn) in the
    last step: its weights, bias, weighted sums, activations, dL/dz, the gradients and the
    updates, with the numpy lines of its layer."""
    with engine.lock:
        trace = engine.trace
        dense = dense_indices(engine.network)
        if not 1 <= layer <= len(dense):
            raise ValueError(f"layer must be between 1 and {len(dense)}, got {layer}")
        width = engine.network.layers[dense[layer - 1]].out_features
        if not 0 <= unit < width:
            raise ValueError(f"unit must be between 0 and {width - 1}, got {unit}")
        if trace is None:
            return {"layer": layer, "unit": unit, "traced": False}
        step = trace.layers[dense[layer - 1]]
        after = trace.layers[step.index + 1] if step.index + 1 < len(trace.layers) else step
        name = f"layers.{step.index}."
        shown = slice(0, rows)
        result = {"layer": layer, "unit": unit, "traced": True, "batch": len(trace.inputs),
                  "inputs": rounded(step.inputs[shown], 5),
                  "weights": rounded(trace.parameters[name + "weights"][:, unit], 6),
                  "z": rounded(step.outputs[shown, unit], 6),
                  "a": rounded(after.outputs[shown, unit], 6),
                  "dz": rounded(step.grad_outputs[shown, unit], 6),
                  "da": rounded(after.grad_outputs[shown, unit], 6)
                  if after.grad_outputs is not None else None,
                  "weight_gradients": rounded(trace.gradients[name + "weights"][:, unit], 6),
                  "new_weights": rounded(trace.new_parameters[name + "weights"][:, unit], 6),
                  "code": layer_lines(step, "forward") + (layer_lines(after, "forward")
                                                          if after is not step else []) +
                  (loss_lines(trace) if layer == len(dense) else []) +
                  layer_lines(step, "backward")}
        if name + "bias" in trace.parameters:
            result.update(bias=float(trace.parameters[name + "bias"][unit]),
                          bias_gradient=float(trace.gradients[name + "bias"][unit]),
                          new_bias=float(trace.new_parameters[name + "bias"][unit]))
        result["symbols"] = [step.input_symbol, step.symbol, after.symbol]
        return result


def weight(engine, layer: int, source: int, unit: int) -> dict:
    """One weight's value, gradient and update in the last step."""
    with engine.lock:
        dense = dense_indices(engine.network)
        if not 1 <= layer <= len(dense):
            raise ValueError(f"layer must be between 1 and {len(dense)}, got {layer}")
        name = f"layers.{dense[layer - 1]}.weights"
        array = engine.network.parameters()[name]
        if not (0 <= source < array.shape[0] and 0 <= unit < array.shape[1]):
            raise ValueError(f"weight ({source}, {unit}) is outside {array.shape}")
        result = {"name": name, "index": [source, unit], "value": float(array[source, unit])}
        trace = engine.trace
        if trace is not None:
            result.update(before=float(trace.parameters[name][source, unit]),
                          gradient=float(trace.gradients[name][source, unit]),
                          data_gradient=float(trace.data_gradients[name][source, unit]),
                          after=float(trace.new_parameters[name][source, unit]),
                          rate=float(engine.optimizer.learning_rate))
        return result


def code(engine) -> str:
    with engine.lock:
        return step_code(engine.trace) if engine.trace is not None else ""


def gradient_check(engine, rows: int = 20) -> dict:
    """Backpropagation against finite differences on the first training rows (float64)."""
    with engine.lock:
        chosen = engine.train_rows[:rows]
        errors = check_gradients(engine.network, engine.loss, engine.inputs[chosen],
                                 engine.targets[chosen])
        return {"errors": errors, "rows": len(chosen),
                "ok": bool(max(errors.values(), default=0.0) < 1e-6)}


def divergence(engine) -> str:
    """Which number blew up, and the step that sent it there."""
    trace = engine.trace
    finite = {name: np.where(np.isfinite(value), np.abs(value), 0.0)
              for name, value in trace.gradients.items()}
    name = max(finite, key=lambda key: finite[key].max())
    where = np.unravel_index(finite[name].argmax(), finite[name].shape)
    rate = engine.optimizer.learning_rate
    return (f"training stopped at epoch {engine.epoch + 1}: {trace.problems[0]}. The largest "
            f"finite gradient was {name}{list(map(int, where))} = "
            f"{trace.gradients[name][where]:.3g} at weight {trace.parameters[name][where]:.3g}; "
            f"with learning rate {rate:g} one step moves it by {rate * finite[name].max():.3g}, "
            f"so the weights grow each step until they overflow. Lower the learning rate, "
            f"rewind and play again.")
