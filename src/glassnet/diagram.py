"""Pictures of a network's insides: its diagram, and what each hidden neuron has learned.

``network_diagram`` draws neurons as circles, one column per layer, and each weight as a
line whose width grows with |w| and whose colour gives its sign (blue > 0, orange < 0); each
neuron's bias is the small square on its left, coloured the same way, and the activation is
written under its column. ``neuron_maps`` draws, for a network with two inputs, one small
heatmap per hidden neuron (its activation over the input plane) beside the network's output
map (the decision boundary) with the data. Both return a matplotlib Figure and write PNG, SVG
or PDF (from the name) atomically. Imports numpy, ``plotting`` and ``files``; matplotlib lazily.
"""

from __future__ import annotations

import numpy as np

from glassnet.files import write_atomically
from glassnet.plotting import figure_format, import_matplotlib

POSITIVE, NEGATIVE = "#1f77b4", "#ff7f0e"


def dense_layers(network) -> list[tuple[object, str]]:
    """(Dense layer, name of what follows it) for each layer with weights, in order."""
    layers, found = network.layers, []
    for index, layer in enumerate(layers):
        if "weights" in getattr(layer, "params", {}):
            following = layers[index + 1] if index + 1 < len(layers) else None
            name = type(following).__name__ if following is not None and \
                not getattr(following, "params", None) else "Identity"
            found.append((layer, name))
    if not found:
        raise ValueError(f"the network has no layer with weights to draw: {network!r:.120}")
    return found


def neuron_positions(widths: list[int]) -> list[np.ndarray]:
    """(count, 2) centres per column: x = column, y spread evenly around 0."""
    return [np.column_stack([np.full(width, column, float),
                             (np.arange(width) - (width - 1) / 2.0)[::-1]])
            for column, width in enumerate(widths)]


def draw_network(network, axes, input_names=None) -> None:
    """The diagram on ``axes`` (see the module docstring)."""
    layers = dense_layers(network)
    widths = [layers[0][0].params["weights"].shape[0]] + \
        [layer.params["weights"].shape[1] for layer, _ in layers]
    positions = neuron_positions(widths)
    largest = max(float(np.abs(layer.params["weights"]).max()) for layer, _ in layers) or 1.0
    for column, (layer, activation) in enumerate(layers):
        weights = layer.params["weights"]
        for (i, j), weight in np.ndenumerate(weights):
            (x0, y0), (x1, y1) = positions[column][i], positions[column + 1][j]
            axes.plot([x0, x1], [y0, y1], color=POSITIVE if weight >= 0 else NEGATIVE,
                      linewidth=0.3 + 4.0 * abs(weight) / largest, zorder=1,
                      solid_capstyle="round")
        draw_biases(axes, layer, positions[column + 1], largest)
        axes.text(column + 1, positions[column + 1][:, 1].min() - 0.8, activation,
                  ha="center", va="top", fontsize=8)
    for centres in positions:
        axes.scatter(centres[:, 0], centres[:, 1], s=380, color="white", edgecolors="black",
                     linewidths=1.2, zorder=3)
    names = input_names or [f"x{i + 1}" for i in range(widths[0])]
    for (x, y), name in zip(positions[0], names, strict=False):
        axes.text(x - 0.22, y, str(name), ha="right", va="center", fontsize=8)
    axes.set_xlim(-0.8, len(widths) - 0.5)
    axes.set_ylim(-max(widths) / 2 - 1.2, max(widths) / 2 + 0.2)
    axes.set_axis_off()
    axes.set_title("blue weight > 0, orange < 0, width |w|; square = bias", fontsize=9)


def draw_biases(axes, layer, centres, largest: float) -> None:
    bias = layer.params.get("bias")
    if bias is None:
        return
    for (x, y), value in zip(centres, bias, strict=True):
        size = 20 + 100 * min(abs(float(value)) / largest, 1.0)
        axes.scatter([x - 0.18], [y], marker="s", s=size, zorder=4,
                     color=POSITIVE if value >= 0 else NEGATIVE, edgecolors="black",
                     linewidths=0.4)


def network_diagram(network, path=None, input_names=None):
    """A Figure of the network's diagram; written to ``path`` (.png, .svg or .pdf) if given."""
    Figure, FigureCanvasAgg = import_matplotlib()
    layers = dense_layers(network)
    widest = max([layers[0][0].params["weights"].shape[0]] +
                 [layer.params["weights"].shape[1] for layer, _ in layers])
    figure = Figure(figsize=(1.6 + 1.7 * len(layers), 1.5 + 0.55 * widest))
    FigureCanvasAgg(figure)
    draw_network(network, figure.add_subplot(1, 1, 1), input_names)
    figure.tight_layout()
    if path is not None:
        save(figure, path)
    return figure


def save(figure, path) -> None:
    image_format = figure_format(path)
    write_atomically(path, lambda file: figure.savefig(file, format=image_format, dpi=100))


def hidden_activations(network, grid: np.ndarray) -> list[np.ndarray]:
    """Each hidden layer's activations (grid points, neurons): the output of the layer that
    follows each Dense layer but the last (or of the Dense itself when nothing follows)."""
    found, outputs, layers = [], grid, network.layers
    dense_indices = [i for i, layer in enumerate(layers) if "weights" in
                     getattr(layer, "params", {})]
    wanted = {i + 1 if i + 1 < len(layers) and not getattr(layers[i + 1], "params", None)
              else i for i in dense_indices[:-1]}
    for index, layer in enumerate(layers):
        outputs = layer.forward(outputs, training=False)
        if index in wanted:
            found.append(outputs)
    return found, outputs


def neuron_maps(network, inputs=None, targets=None, path=None, resolution: int = 60,
                extent=None):
    """For a 2-input network: a heatmap per hidden neuron and the output map with the points.

    inputs (samples, 2) and targets (samples,) colour the points; ``extent`` (low, high)
    sets the plane drawn, else it spans the inputs (or [-1, 1]).
    """
    if network.in_features != 2:
        raise ValueError(f"neuron maps need a network with 2 inputs, this one has "
                         f"{network.in_features}")
    points = None if inputs is None else network.check_inputs(inputs)
    low, high = extent or ((float(points.min()) - 0.5, float(points.max()) + 0.5)
                           if points is not None else (-1.0, 1.0))
    axis = np.linspace(low, high, resolution)
    grid_x, grid_y = np.meshgrid(axis, axis)
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(network.dtype)
    hidden, outputs = hidden_activations(network, grid)
    Figure, FigureCanvasAgg = import_matplotlib()
    columns = max([layer.shape[1] for layer in hidden] + [1])
    figure = Figure(figsize=(1.5 * columns + 4.0, 1.6 * max(len(hidden), 1) + 0.6))
    FigureCanvasAgg(figure)
    grid_spec = figure.add_gridspec(max(len(hidden), 1), columns + 3)
    for row, layer in enumerate(hidden):
        for neuron in range(layer.shape[1]):
            axes = figure.add_subplot(grid_spec[row, neuron])
            axes.imshow(layer[:, neuron].reshape(resolution, resolution), origin="lower",
                        extent=(low, high, low, high), cmap="RdBu")
            axes.set_xticks([])
            axes.set_yticks([])
            axes.set_title(f"layer {row + 1}, neuron {neuron + 1}", fontsize=7)
    draw_output(figure.add_subplot(grid_spec[:, columns:]), outputs, resolution,
                (low, high), points, targets)
    if path is not None:
        save(figure, path)
    return figure


def draw_output(axes, outputs, resolution, bounds, points, targets) -> None:
    """The network's output over the plane (class for several outputs), 0.5 boundary."""
    low, high = bounds
    surface = outputs.argmax(axis=1) if outputs.shape[1] > 1 else outputs[:, 0]
    surface = surface.reshape(resolution, resolution)
    axes.imshow(surface, origin="lower", extent=(low, high, low, high), cmap="RdBu",
                alpha=0.8)
    if outputs.shape[1] == 1:
        middle = 0.5 if surface.min() >= 0 and surface.max() <= 1 else 0.0
        if surface.min() < middle < surface.max():
            axis = np.linspace(low, high, resolution)
            axes.contour(axis, axis, surface, levels=[middle], colors="black", linewidths=1)
    if points is not None:
        colours = "black" if targets is None else np.asarray(targets, float).ravel()
        axes.scatter(points[:, 0], points[:, 1], c=colours, cmap="RdBu", s=12,
                     edgecolors="black", linewidths=0.4)
    axes.set_title("output and decision boundary", fontsize=9)
