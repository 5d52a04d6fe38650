"""A ``tracing.Trace`` in words: layer by layer for the terminal, as a table, as HTML.

Every quantity is shown with the numpy line that computed it (``stepcode``) and its values,
wrapped to the given width. Numpy only.
"""

from __future__ import annotations

import html
import textwrap

import numpy as np

from glassnet.stepcode import layer_lines, loss_lines, penalty_lines, update_lines

ROLES = {"Dense": "weighted sums", "Dropout": "dropout", "Identity": "outputs"}


def values(array, width: int, indent: str = "    ") -> str:
    """The array as numpy prints it, at most ``width`` characters a line, indented."""
    text = np.array2string(np.asarray(array), precision=6, suppress_small=True,
                           max_line_width=max(width - len(indent), 20), threshold=60)
    return "\n".join(indent + line for line in text.splitlines())


def heading(trace, width: int = 100) -> str:
    chain = " -> ".join(repr(step.layer) for step in trace.layers)
    return textwrap.fill(f"One training step of {chain} on a batch of {len(trace.inputs)} "
                         f"(loss {trace.loss_function!r}, optimizer {trace.optimizer!r})",
                         width=max(width - 1, 40))


def explain(trace, width: int = 100) -> str:
    """Forward pass, loss, backward pass and update, each line of code then its values."""
    out = [heading(trace, width), "", "FORWARD PASS: each layer's inputs -> outputs",
           f"  X, the inputs {np.shape(trace.inputs)}:", values(trace.inputs, width)]
    for step in trace.layers:
        out.append(f"  layer {step.index + 1}: {step.layer!r}")
        for kind, value in step.layer.params.items():
            symbol = trace.symbol_of(f"layers.{step.index}.{kind}")
            out += [f"    {symbol} ({kind}) {np.shape(value)}:",
                    values(trace.parameters[f'layers.{step.index}.{kind}'], width, " " * 6)]
        out += [f"    {line}" for line in layer_lines(step, "forward")]
        out.append(values(step.outputs, width, " " * 6))
    out += ["", "LOSS", "  y, the targets:", values(trace.targets, width)]
    out += [f"  {line}" for line in loss_lines(trace)[:-1]]
    out.append(f"    = {trace.data_loss:.10g}")
    if trace.penalty_value:
        out.append(f"  penalty {trace.penalty!r} = {trace.penalty_value:.10g}")
    out += ["", "BACKWARD PASS: from the loss back to the first layer (dz2 means dL/dz2)",
            f"  {loss_lines(trace)[-1]}", values(trace.layers[-1].grad_outputs, width)]
    for step in reversed(trace.layers):
        lines = layer_lines(step, "backward")
        if not lines:
            continue
        out.append(f"  layer {step.index + 1}: {step.layer!r}")
        for line in lines:
            out.append(f"    {line}")
            out.append(values(backward_value(trace, step, line), width, " " * 6))
    out += ["", "UPDATE: gradients (penalty included) -> new values"]
    out += [f"  {line}" for line in penalty_lines(trace)[1] + update_lines(trace)]
    for name, value in trace.new_parameters.items():
        out += [f"  new {trace.symbol_of(name)}:", values(value, width)]
    out += [f"  stopped before the update: {problem}" for problem in trace.problems]
    return "\n".join(out)


def backward_value(trace, step, line: str):
    """The number a backward line computed: a parameter's data gradient or dL/d inputs."""
    target = line.split(" = ")[0][1:]  # dW1 -> W1
    for kind in step.layer.params:
        name = f"layers.{step.index}.{kind}"
        if trace.symbol_of(name) == target:
            return trace.data_gradients[name]
    return step.grad_inputs


def rows(trace):
    """(where, quantity, shape, values) rows of the whole step."""
    yield "data", "X (inputs)", trace.inputs
    for step in trace.layers:
        role = ROLES.get(type(step.layer).__name__, "activations")
        yield f"layer {step.index + 1} {step.layer!r}", f"{step.symbol} ({role})", step.outputs
    yield "loss", "y (targets)", trace.targets
    yield "loss", f"L = {trace.loss:.8g}", np.asarray(trace.loss)
    for step in reversed(trace.layers):
        if step.grad_outputs is not None:
            yield f"layer {step.index + 1} {step.layer!r}", f"dL/d{step.symbol}", \
                step.grad_outputs
    for name in trace.parameters:
        symbol = trace.symbol_of(name)
        yield name, f"{symbol} before", trace.parameters[name]
        yield name, f"dL/d{symbol}", trace.gradients[name]
        yield name, f"{symbol} after", trace.new_parameters[name]


def table(trace, width: int = 100) -> str:
    """One row per quantity: where, what, shape, values (flattened, shortened)."""
    lines = [f"{'where':<24} {'quantity':<18} {'shape':<9} values"]
    for where, quantity, array in rows(trace):
        flat = np.asarray(array).ravel()
        text = " ".join(f"{value:.4g}" for value in flat[:8]) + (" ..." if flat.size > 8 else "")
        lines.append(f"{where[:24]:<24} {quantity[:18]:<18} {str(np.shape(array)):<9} "
                     f"{text}"[:width])
    return "\n".join(lines)


def html_table(trace) -> str:
    """The table as HTML, for notebooks (``Trace._repr_html_``)."""
    cells = ["<tr><th>where</th><th>quantity</th><th>shape</th><th>values</th></tr>"]
    for where, quantity, array in rows(trace):
        text = np.array2string(np.asarray(array), precision=4, threshold=40)
        cells.append(f"<tr><td>{html.escape(where)}</td><td>{html.escape(quantity)}</td>"
                     f"<td>{np.shape(array)}</td><td><pre>{html.escape(text)}</pre></td></tr>")
    return f"<table><caption>{html.escape(heading(trace))}</caption>{''.join(cells)}</table>"
