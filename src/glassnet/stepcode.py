"""One traced training step as the numpy code that computes it, with the real shapes.

    z1 = X @ W1 + b1  # (4, 3) @ (3, 4) + (4,) -> (4, 4)

``step_code(trace)`` writes the forward pass, the loss, the backward pass and the update of
a ``tracing.Trace`` as plain numpy, operation for operation as the library computes them, so
``exec(step_code(trace), step_namespace(trace))`` reproduces the trace's numbers.
``layer_lines(step, "forward" | "backward")`` gives one layer's lines (the playground and
``Trace.explain`` show them beside the numbers). Numpy only.
"""

from __future__ import annotations

import numpy as np


def shape(array) -> str:
    return str(tuple(np.shape(array)))


def weight_symbols(step) -> tuple[str, str]:
    number = step.symbol[1:]
    return f"W{number}", f"b{number}"


def dense_forward(step) -> list[str]:
    weights, bias = weight_symbols(step)
    layer, given = step.layer, step.input_symbol
    has_bias = "bias" in layer.params
    code = f"{step.symbol} = {given} @ {weights}" + (f" + {bias}" if has_bias else "")
    shapes = f"{shape(step.inputs)} @ {shape(layer.params['weights'])}" + \
        (f" + {shape(layer.params['bias'])}" if has_bias else "")
    return [f"{code}  # {shapes} -> {shape(step.outputs)}"]


def dense_backward(step) -> list[str]:
    weights, bias = weight_symbols(step)
    given, grad = step.input_symbol, "d" + step.symbol
    lines = [(f"d{weights} = {given}.T @ {grad}  # {shape(step.inputs.T)} @ "
                f"{shape(step.grad_outputs)} -> {shape(step.layer.params['weights'])}")]
    if "bias" in step.layer.params:
        lines.append(f"d{bias} = {grad}.sum(axis=0)  # {shape(step.grad_outputs)} -> "
                     f"{shape(step.layer.params['bias'])}")
    if step.grad_inputs is not None:
        lines.append(f"d{given} = {grad} @ {weights}.T  # {shape(step.grad_outputs)} @ "
                     f"{shape(step.layer.params['weights'].T)} -> {shape(step.inputs)}")
    return lines


# Element-wise layers: (forward expression, backward expression) of x (input), o (output),
# g (dL/d output), s (the layer's slope), m (the Dropout mask).
ELEMENTWISE = {
    "Sigmoid": ("1 / (1 + np.exp(-{x}))", "{g} * ({o} * (1 - {o}))"),
    "Tanh": ("np.tanh({x})", "{g} * (1 - {o}**2)"),
    "ReLU": ("np.maximum({x}, 0)", "{g} * ({o} > 0)"),
    "LeakyReLU": ("np.where({x} > 0, {x}, {s} * {x})", "np.where({x} > 0, {g}, {s} * {g})"),
    "Identity": ("{x}", "{g}"),
    "Dropout": ("{x} * {m}", "{g} * {m}"),
}


def elementwise(step, direction: str) -> list[str]:
    name = type(step.layer).__name__
    forward, backward = ELEMENTWISE[name]
    mask = f"mask_{step.symbol}" if "mask" in step.extra else None
    if name == "Dropout" and mask is None:
        forward, backward = "{x}", "{g}"  # not active: the identity
    names = dict(x=step.input_symbol, o=step.symbol, g="d" + step.symbol, m=mask,
                 s=repr(getattr(step.layer, "slope", None)))
    if direction == "forward":
        return [f"{step.symbol} = {forward.format(**names)}  # {shape(step.outputs)}"]
    if step.grad_inputs is None:
        return []
    return [f"d{step.input_symbol} = {backward.format(**names)}  # {shape(step.grad_inputs)}"]


def layer_lines(step, direction: str) -> list[str]:
    """The numpy lines of one layer's forward or backward pass."""
    name = type(step.layer).__name__
    if name == "Dense":
        return dense_forward(step) if direction == "forward" else dense_backward(step)
    if name in ELEMENTWISE:
        return elementwise(step, direction)
    raise ValueError(f"no numpy code form for layer {step.layer!r} yet; the trace still "
                     f"holds its numbers")


def loss_lines(trace) -> list[str]:
    """loss = ... and dp = dL/d predictions, as the library's loss computes them."""
    loss, p, y = trace.loss_function, trace.layers[-1].symbol, "y"
    samples, outputs = trace.predictions.shape
    name, mean = type(loss).__name__, getattr(loss, "reduction", "mean") == "mean"
    divide = f" / {float(samples)!r}" if mean else ""
    if name == "SquaredError":
        value = f"(0.5 * (({p} - {y}) ** 2).mean(axis=1)).sum(){divide}"
        per_output = f" / {outputs}" if outputs > 1 else ""  # x / 1 is x exactly
        gradient = f"({p} - {y}){per_output}{divide}"
    elif name == "SoftmaxCrossEntropy":
        return softmax_lines(p, divide)
    elif name == "BinaryCrossEntropy" and loss.from_logits:
        value = (f"(np.maximum({p}, 0) - {p} * {y} + np.log1p(np.exp(-np.abs({p}))))"
                 f".mean(axis=1).sum(){divide}")
        gradient = f"(1 / (1 + np.exp(-{p})) - {y}) / {outputs}{divide}"
    else:
        raise ValueError(f"no numpy code form for the loss {loss!r} yet")
    return [f"data_loss = {value}  # {shape(trace.predictions)} -> a number",
            f"d{p} = {gradient}  # dL/d{p}, {shape(trace.predictions)}"]


def softmax_lines(p: str, divide: str) -> list[str]:
    return [f"largest = {p}.max(axis=1, keepdims=True)",
            f"exponentials = np.exp({p} - largest)",
            "sums = exponentials.sum(axis=1, keepdims=True)",
            f"data_loss = (np.log(sums[:, 0]) + largest[:, 0] - (y * {p}).sum(axis=1)).sum()"
            f"{divide}  # cross-entropy of softmax({p})",
            f"d{p} = (exponentials / sums - y){divide}  # softmax - one-hot targets"]


def penalty_lines(trace) -> tuple[list[str], list[str]]:
    """(the penalty's value line, its gradient lines) for the weights, as regularization."""
    parts = getattr(trace.penalty, "penalties", None) or (trace.penalty,)
    weights = [trace.symbol_of(name) for name in trace.parameters
               if name.endswith(".weights")]
    values, gradients = [], []
    for part in parts:
        kind = type(part).__name__
        if kind == "L2":
            values.append(f"0.5 * l2 * ({' + '.join(f'np.vdot({w}, {w})' for w in weights)})")
            gradients += [f"d{w} = d{w} + l2 * {w}" for w in weights]
        elif kind == "L1":
            values.append(f"l1 * ({' + '.join(f'np.abs({w}).sum()' for w in weights)})")
            gradients += [f"d{w} = d{w} + l1 * np.sign({w})" for w in weights]
    value = [f"penalty = {' + '.join(values) or '0.0'}", "loss = data_loss + penalty"]
    return value, gradients


def update_lines(trace) -> list[str]:
    """The optimizer's step for each parameter (SGD, momentum, Nesterov, Adam)."""
    optimizer, lines = trace.optimizer, []
    kind = type(optimizer).__name__
    for name in trace.parameters:
        w = trace.symbol_of(name)
        if kind in ("SGD", "GradientDescent") and not optimizer.momentum:
            lines.append(f"{w} = {w} - lr * d{w}  # {shape(trace.parameters[name])}")
        elif kind == "SGD":
            lines.append(f"v_{w} = momentum * v_{w} - lr * d{w}")
            lines.append(f"{w} = {w} + (momentum * v_{w} - lr * d{w})" if optimizer.nesterov
                         else f"{w} = {w} + v_{w}")
        elif kind == "Adam":
            lines += [f"t_{w} = t_{w} + 1",
                      f"m_{w} = beta_1 * m_{w} + (1 - beta_1) * d{w}",
                      f"v_{w} = beta_2 * v_{w} + (1 - beta_2) * d{w}**2",
                      f"{w} = {w} - lr * (m_{w} / (1 - beta_1**t_{w})) / "
                      f"(np.sqrt(v_{w} / (1 - beta_2**t_{w})) + epsilon)"]
        else:
            raise ValueError(f"no numpy code form for the optimizer {optimizer!r} yet")
    return lines


def step_code(trace) -> str:
    """The whole step as numpy code: forward, loss (+ penalty), backward, update."""
    penalty_value, penalty_gradients = penalty_lines(trace)
    lines = ["# forward pass"]
    for step in trace.layers:
        lines += layer_lines(step, "forward")
    lines += ["# loss", *loss_lines(trace), *penalty_value, "# backward pass (chain rule)"]
    for step in reversed(trace.layers):
        lines += layer_lines(step, "backward")
    lines += penalty_gradients + [f"# update ({trace.optimizer!r})", *update_lines(trace)]
    return "\n".join(lines) + "\n"


def step_namespace(trace) -> dict:
    """The names the code starts from: np, X, y, the parameters before the step, the
    optimizer's settings and state, penalty strengths and Dropout masks (copies)."""
    optimizer = trace.optimizer
    names = {"np": np, "X": trace.inputs.copy(), "y": trace.targets.copy(),
             "lr": optimizer.learning_rate}
    for key in ("momentum", "beta_1", "beta_2", "epsilon"):
        if hasattr(optimizer, key):
            names[key] = getattr(optimizer, key)
    for part in getattr(trace.penalty, "penalties", None) or (trace.penalty,):
        names[type(part).__name__.lower()] = getattr(part, "strength", 0.0)
    for name, value in trace.parameters.items():
        w = trace.symbol_of(name)
        names[w] = value.copy()
        state = trace.optimizer_state.get(name, {})
        names[f"v_{w}"] = state.get("velocity", np.zeros_like(value)).copy() \
            if "velocity" in state or hasattr(optimizer, "momentum") else None
        if hasattr(optimizer, "beta_1"):
            names[f"m_{w}"] = state.get("m", np.zeros_like(value)).copy()
            names[f"v_{w}"] = state.get("v", np.zeros_like(value)).copy()
            names[f"t_{w}"] = state.get("t", 0)
    for step in trace.layers:
        if "mask" in step.extra:
            names[f"mask_{step.symbol}"] = step.extra["mask"].copy()
    return names
