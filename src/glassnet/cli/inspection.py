"""``glassnet inspect MODEL``, ``glassnet gradcheck MODEL data.csv`` and
``glassnet plot MODEL -o FILE.png``: look inside a saved model.

inspect prints the architecture, the parameter count, the columns and the training
summary from the file alone (the network is not run). gradcheck compares backpropagation
with finite differences on the first rows of a CSV file, parameter by parameter. plot draws
the loss curves, and with ``--data`` for a two-feature model the decision boundary.
"""

from __future__ import annotations

import numpy as np

from glassnet.cli.arguments import positive_int
from glassnet.cli.data import read_table
from glassnet.cli.errors import CommandError, listing
from glassnet.cli.outputs import check_outputs, check_picture_name, draw, write_picture
from glassnet.cli.predict import (
    add_target_option,
    labelled_rows,
    model_inputs,
    open_model,
    picture_data,
    target_column,
    true_targets,
)
from glassnet.cli.tables import column_lines
from glassnet.gradcheck import check_gradients
from glassnet.validation import printable

TOLERANCE = 1e-6


def add_parsers(subparsers) -> None:
    inspect = subparsers.add_parser("inspect", help="show what a model file holds",
                                    description="Show a model's architecture, columns and "
                                                "training summary without running it.")
    inspect.add_argument("model", metavar="MODEL")
    inspect.set_defaults(run=run_inspect)
    gradcheck = subparsers.add_parser("gradcheck", help="check a model's gradients on data",
                                      description="Relative error between backpropagation "
                                                  "and finite differences, per parameter.")
    gradcheck.add_argument("model", metavar="MODEL")
    gradcheck.add_argument("data", metavar="DATA.csv", help="rows with the target column")
    gradcheck.add_argument("--rows", type=positive_int, default=20,
                           help="how many rows to use (default 20)")
    add_target_option(gradcheck)
    gradcheck.set_defaults(run=run_gradcheck)
    plot = subparsers.add_parser("plot", help="draw a model's loss curves (PNG, SVG or PDF)",
                                 description="Draw the loss curves (and, with --data, the "
                                             "decision boundary of a two-feature model).")
    plot.add_argument("model", metavar="MODEL")
    plot.add_argument("-o", "--output", required=True, metavar="FILE.png",
                      help="picture to write: .png, .svg or .pdf")
    plot.add_argument("--data", metavar="DATA.csv", help="points for the decision boundary")
    plot.add_argument("--diagram", action="store_true",
                      help="draw the network instead: neurons, weights (width |w|, colour "
                           "the sign) and biases")
    plot.set_defaults(run=run_plot)


def run_inspect(arguments) -> int:
    model = open_model(arguments.model)
    print(f"{arguments.model}: a glassnet {model.task or 'network'} model")
    for index, layer in enumerate(model.network.layers):
        shapes = ", ".join(f"{name} {tuple(value.shape)}" for name, value in layer.params.items())
        print(f"  {index}. {printable(repr(layer), 200)}" + (f"  [{shapes}]" if shapes else ""))
    print(f"parameters: {model.network.n_parameters}")
    print(f"loss: {printable(repr(model.loss), 200)}")
    if model.class_labels is not None:
        print(f"classes: {listing(model.class_labels, most=100)}")
    if model.preprocessing is not None:
        print("\n".join(column_lines(model.preprocessing)))
    elif model.feature_names:
        print(f"features: {listing(model.feature_names, most=100)}")
    for key, value in model.training.items():  # every text here comes from the file
        print(f"{printable(key)}: {printable(value, 400)}")
    return 0


def run_gradcheck(arguments) -> int:
    model = open_model(arguments.model)
    if model.loss is None:
        raise CommandError(f"{arguments.model}: the model has no loss to check against", 65)
    table = read_table(arguments.data)
    target = target_column(model, arguments)
    rows = labelled_rows(model, table, target)[:arguments.rows]  # rows with a target
    inputs = model_inputs(model, table, rows=rows).astype(np.float64)
    targets = true_targets(model, table, target)[rows]
    if model.target_scaling is not None:
        targets = (targets - model.target_scaling["mean"]) / model.target_scaling["scale"]
    network = model.network
    if network.dtype != np.float64:
        print("note: the model is float32; finite differences in float32 are coarse")
    with np.errstate(all="ignore"):  # values near the float limit: nan, shown as LARGE
        errors = check_gradients(network, model.loss, inputs, targets)
    print(f"relative error |backprop - finite differences| / (|backprop| + |finite "
          f"differences|) on {len(inputs)} rows:")
    for name, error in errors.items():
        print(f"  {name:<20} {error:.3g}  {'ok' if error < TOLERANCE else 'LARGE'}")
    worst = max(errors.values(), default=0.0)
    print(f"largest {worst:.3g}: " + ("gradients agree" if worst < TOLERANCE else
                                      "larger than 1e-6 (a ReLU kink, or a bug)"))
    return 0


def run_plot(arguments) -> int:
    check_outputs([("MODEL", arguments.model), ("--data", arguments.data)],
                  [("-o", arguments.output)])
    check_picture_name("-o", arguments.output)
    model = open_model(arguments.model)
    if arguments.diagram:
        return draw_diagram(model, arguments.output)
    table = read_table(arguments.data) if arguments.data else None
    draw(model, arguments.output, *picture_data(model, table))
    return 0


def draw_diagram(model, path: str) -> int:
    """``plot --diagram``: the network's diagram (``glassnet.diagram``) to ``path``."""
    from glassnet.diagram import network_diagram

    names = model.feature_names
    names = names if names and len(names) == model.network.in_features else None
    write_picture(path, lambda: network_diagram(model.network, path, input_names=names),
                  "Diagram")
    return 0
