"""Pictures of a trained model: its loss curves and, for two number features, its decision
boundary (or prediction surface) with the data points.

matplotlib (the ``plot`` extra) is imported only when a picture is asked for, and only its
object API (``matplotlib.figure.Figure`` with the Agg canvas): no window, no pyplot global
state, so it works on a server. The file goes through ``files.write_atomically`` in the
format its name asks for. Imports numpy and ``files``; matplotlib lazily.
"""

from __future__ import annotations

import math
import os

import numpy as np

from glassnet.files import write_atomically

INSTALL_HINT = 'plots need matplotlib: pip install "glassnet[plot]"'
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def import_matplotlib():
    """matplotlib's Figure class and Agg canvas, or ImportError saying how to install the
    extra."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(INSTALL_HINT) from None
    return Figure, FigureCanvasAgg


def plot_losses(history, axes) -> None:
    """Training loss (and validation loss, when recorded) per epoch, on a log scale."""
    epochs = [record["epoch"] for record in history.records]
    for key, label in (("loss", "training loss"), ("val_loss", "validation loss")):
        values = [record.get(key, math.nan) for record in history.records]
        if any(math.isfinite(value) for value in values):
            axes.plot(epochs, values, label=label)
    validation = [record.get("val_loss", math.nan) for record in history.records]
    if any(math.isfinite(value) for value in validation):
        best = epochs[int(np.nanargmin(validation))]
        axes.axvline(best, color="grey", linestyle="--", label=f"best epoch ({best})")
    finite = [value for record in history.records for key, value in record.items()
              if key in ("loss", "val_loss") and math.isfinite(value)]
    if finite and min(finite) > 0:
        axes.set_yscale("log")
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss")
    axes.set_title("loss per epoch")
    axes.legend()


def can_draw_boundary(model) -> bool:
    """True for a model whose inputs are exactly two number columns."""
    encoder = model.preprocessing
    return encoder is not None and len(encoder.names) == 2 and \
        all(column["categories"] is None for column in encoder.columns) and \
        model.task in ("classification", "regression")


def plot_boundary(model, table, targets, axes, resolution: int = 150) -> None:
    """Predicted class regions (or values) over the plane of the two features, with the
    points of ``table`` (name -> values) coloured by ``targets`` (class codes or values)."""
    first, second = model.preprocessing.names
    x = np.asarray(table[first], dtype=float)
    y = np.asarray(table[second], dtype=float)
    grid_x, grid_y = np.meshgrid(padded_range(x, resolution), padded_range(y, resolution))
    grid = {first: grid_x.ravel(), second: grid_y.ravel()}
    if targets is None:  # no true targets given: colour the points by the prediction
        targets = model.predict_proba(table).argmax(axis=1) \
            if model.task == "classification" else model.predict(table)
    if model.task == "classification":
        plot_classes(model, grid, (grid_x, grid_y), (x, y, targets), axes)
    else:
        plot_values(model, grid, (grid_x, grid_y), (x, y, targets), axes)
    axes.set_xlabel(first)
    axes.set_ylabel(second)


def plot_classes(model, grid, mesh, points, axes) -> None:
    """Predicted class regions, and the points coloured by their class."""
    classes = len(model.class_labels)
    surface = model.predict_proba(grid).argmax(axis=1).reshape(mesh[0].shape)
    axes.contourf(*mesh, surface, levels=np.arange(classes + 1) - 0.5, cmap="tab10", vmin=0,
                  vmax=9, alpha=0.3)
    scattered = axes.scatter(*points[:2], c=points[2], cmap="tab10", vmin=0, vmax=9, s=14,
                             edgecolors="black", linewidths=0.3)
    handles = [axes.scatter([], [], color=scattered.cmap(index), label=str(label))
               for index, label in enumerate(model.class_labels[:10])]
    axes.legend(handles=handles, title="class", fontsize="small")
    axes.set_title("decision boundary")


def plot_values(model, grid, mesh, points, axes) -> None:
    """Predicted values as filled contours, and the points coloured by their value."""
    surface = model.predict(grid).reshape(mesh[0].shape)
    filled = axes.contourf(*mesh, surface, levels=20, cmap="viridis", alpha=0.6)
    axes.scatter(*points[:2], c=points[2], cmap="viridis", norm=filled.norm, s=14,
                 edgecolors="black", linewidths=0.3)
    axes.figure.colorbar(filled, ax=axes, label="prediction")
    axes.set_title("predictions")


def padded_range(values: np.ndarray, count: int) -> np.ndarray:
    """``count`` points from a little below the smallest finite value to a little above the
    largest (missing values, NaN, left out)."""
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 0.0)
    margin = 0.05 * (high - low) or 1.0
    return np.linspace(low - margin, high + margin, count)


def figure_format(path) -> str:
    """'png', 'svg' or 'pdf' from the name's suffix (any case); ValueError for another."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in FORMATS:
        raise ValueError(f"{os.fspath(path)}: a picture's name must end in "
                         f"{', '.join(FORMATS)} (the format it is written in)")
    return FORMATS[suffix]


def save_figure(model, path, table=None, targets=None) -> None:
    """Write the loss curves, and the decision boundary when ``table`` is given and the
    model has two number features, as PNG, SVG or PDF (from the name), atomically."""
    image_format = figure_format(path)
    Figure, FigureCanvasAgg = import_matplotlib()
    boundary = table is not None and can_draw_boundary(model)
    figure = Figure(figsize=(11.0 if boundary else 6.0, 4.5))
    FigureCanvasAgg(figure)  # the headless raster canvas: no window, no pyplot state
    axes = figure.subplots(1, 2 if boundary else 1, squeeze=False)[0]
    if len(model.history):
        plot_losses(model.history, axes[0])
    else:
        axes[0].text(0.5, 0.5, "no training history", ha="center", va="center")
    if boundary:
        plot_boundary(model, table, targets, axes[1])
    figure.tight_layout()
    write_atomically(path, lambda file: figure.savefig(file, format=image_format, dpi=100))
