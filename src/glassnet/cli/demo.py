"""``glassnet demo`` and ``glassnet think``: the tutorial's program on its embedded data.

demo: print the random starting weights, train, print the final weights and the answer for
the new situation [1, 0, 0]; ``--interactive`` asks for the inputs as the tutorial does,
``--hidden 8,4`` learns the same problem with hidden layers, ``--explain [N]`` shows
iteration N step by step from the library's own forward and backward passes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap

import numpy as np

from glassnet.callbacks import ProgressBar
from glassnet.cli.acceleration import accelerated, add_accelerator_argument
from glassnet.cli.arguments import finite_float, hidden_sizes, positive_float, positive_int
from glassnet.cli.errors import UsageError
from glassnet.losses import SquaredError
from glassnet.optimizers import GradientDescent
from glassnet.training import fit
from glassnet.tutorial import (
    NEW_SITUATION,
    TRAINING_INPUTS,
    TRAINING_OUTPUTS,
    NeuralNetwork,
    layered_network,
)

MAX_SEED = 2**32 - 1  # numpy.random.RandomState's largest seed
EXPLAIN_STEPS = [
    ("inputs", "inputs X, one example per row"),
    ("weights", "weights w before this iteration"),
    ("weighted_sums", "weighted sums z = X @ w"),
    ("outputs", "outputs o = sigmoid(z) = 1 / (1 + exp(-z))"),
    ("targets", "expected outputs y"),
    ("errors", "errors = y - o"),
    ("sigmoid_gradient", "sigmoid gradient o * (1 - o)"),
    ("adjustment", "adjustment = learning_rate * X.T @ (errors * o * (1 - o))"),
    ("new_weights", "new weights = w + adjustment"),
]


def add_parsers(subparsers) -> None:
    demo = subparsers.add_parser("demo", help="run the tutorial's program",
                                 description=__doc__.split("\n\n")[0])
    add_training_options(demo)
    demo.add_argument("--interactive", action="store_true",
                      help="ask for the three inputs, as the tutorial does")
    demo.add_argument("--explain", nargs="?", const=1, type=positive_int, metavar="N",
                      help="show iteration N (default 1) step by step")
    demo.set_defaults(run=lambda arguments: accelerated_run(run_demo, arguments))
    think = subparsers.add_parser("think", help="train the tutorial's network and answer",
                                  description="Train the tutorial's network, then answer for "
                                              "three input values.")
    think.add_argument("values", nargs=3, type=finite_float, metavar="VALUE",
                       help="the three inputs, e.g. 1 0 0")
    add_training_options(think)
    think.set_defaults(run=lambda arguments: accelerated_run(run_think, arguments))


def add_training_options(parser) -> None:
    parser.add_argument("--iterations", type=positive_int, default=15000,
                        help="training iterations over the whole set (default 15000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--learning-rate", type=positive_float, default=1.0,
                        help="gradient descent step (default 1.0)")
    parser.add_argument("--hidden", type=hidden_sizes, default=None, metavar="SIZES",
                        help="hidden layer sizes, e.g. 4 or 8,4 (default: none, one neuron)")
    add_accelerator_argument(parser, "used with --hidden; the one neuron mostly trains in a "
                                     "loop of its own, without an optimizer")


def check_seed(seed: int) -> None:
    """UsageError unless 0 <= seed <= MAX_SEED, the seeds numpy's RandomState (the
    tutorial's generator) takes."""
    if seed < 0:
        raise UsageError(f"--seed must be >= 0, got {seed}")
    if seed > MAX_SEED:
        raise UsageError(f"--seed must be <= {MAX_SEED} (numpy's RandomState, as the tutorial "
                         f"uses), got {seed}")


def accelerated_run(command, arguments) -> int:
    """``command(arguments)`` with the accelerator --accelerator names, for this run only."""
    with accelerated(arguments.accelerator):
        return command(arguments)


def show(label: str, array) -> None:
    print(label)
    print(np.array2string(np.asarray(array), precision=8, suppress_small=True))


def train(arguments):
    """Build the tutorial's network (or one with hidden layers), train it, return a predictor."""
    check_seed(arguments.seed)
    progress = [ProgressBar(stream=sys.stderr, delay=1.0, description="training")]
    if arguments.hidden is None:
        neuron = NeuralNetwork(seed=arguments.seed)
        show("Random starting synaptic weights:", neuron.synaptic_weights)
        neuron.train(TRAINING_INPUTS, TRAINING_OUTPUTS, arguments.iterations,
                     learning_rate=arguments.learning_rate, callbacks=progress)
        show("Synaptic weights after training:", neuron.synaptic_weights)
        return neuron.think
    network = layered_network(arguments.hidden, seed=arguments.seed)
    print(f"Network: 3 inputs -> hidden {arguments.hidden} (sigmoid) -> 1 output (sigmoid)")
    history = fit(network, TRAINING_INPUTS, TRAINING_OUTPUTS, SquaredError(reduction="sum"),
                  GradientDescent(arguments.learning_rate), epochs=arguments.iterations,
                  batch_size=None, shuffle=False, callbacks=progress, verbose=0)
    print(f"Loss 1/2 sum (y - o)^2 after training: {history['loss'][-1]:.8g}")
    return lambda values: network.forward(np.asarray(values, float).reshape(1, -1))[0]


def run_demo(arguments) -> int:
    if arguments.explain is not None:
        return run_explain(arguments)
    think = train(arguments)
    values = ask_inputs() if arguments.interactive else NEW_SITUATION
    if values is None:
        return 0
    answer(think, values)
    return 0


def run_think(arguments) -> int:
    answer(train(arguments), np.array(arguments.values))
    return 0


def answer(think, values) -> None:
    shown = ", ".join(f"{value:g}" for value in values)
    print(f"Considering new situation [{shown}] -> ?:")
    print(np.array2string(np.asarray(think(values)), precision=8))


def ask_inputs():
    """Ask for three numbers as the tutorial does; None when the input ends."""
    print("New situation: user input")
    values = []
    while len(values) < 3:
        try:
            text = input(f"Input {len(values) + 1}: ")
        except EOFError:
            print("\nno more input; stopping", file=sys.stderr)
            return None
        try:
            values.append(finite_float(text.strip()))
        except argparse.ArgumentTypeError:
            print(f"{text.strip()!r} is not a number; type a number such as 1 or 0.5")
    return np.array(values)


def run_explain(arguments) -> int:
    if arguments.interactive:
        raise UsageError("--explain shows one training step; drop --interactive")
    check_seed(arguments.seed)
    if arguments.hidden is not None:
        return explain_layers(arguments)
    neuron = NeuralNetwork(seed=arguments.seed)
    if arguments.explain > 1:
        neuron.train(TRAINING_INPUTS, TRAINING_OUTPUTS, arguments.explain - 1,
                     learning_rate=arguments.learning_rate)
    numbers = neuron.explain_step(TRAINING_INPUTS, TRAINING_OUTPUTS, arguments.learning_rate)
    print(f"Iteration {arguments.explain}, step by step (numbers from glassnet's own forward "
          f"and backward passes):")
    for step, (key, label) in enumerate(EXPLAIN_STEPS, start=1):
        show(f"{step}. {label}:", numbers[key])
    print(f"loss 1/2 sum (y - o)^2 before the update: {float(numbers['loss']):.8f}")
    return 0


def explain_layers(arguments) -> int:
    """Iteration N of the network with hidden layers, layer by layer, from a trace of the
    step as fit runs it, wrapped to the terminal's width."""
    from glassnet.tracing import trace_step

    network = layered_network(arguments.hidden, seed=arguments.seed)
    loss, optimizer = SquaredError(reduction="sum"), GradientDescent(arguments.learning_rate)
    if arguments.explain > 1:
        fit(network, TRAINING_INPUTS, TRAINING_OUTPUTS, loss, optimizer,
            epochs=arguments.explain - 1, batch_size=None, shuffle=False, verbose=0)
    trace = trace_step(network, TRAINING_INPUTS, TRAINING_OUTPUTS, loss, optimizer)
    width = shutil.get_terminal_size().columns
    print(textwrap.fill(
        f"Iteration {arguments.explain} of 3 inputs -> hidden {arguments.hidden} (sigmoid) -> "
        f"1 output (sigmoid), step by step (numbers from glassnet's own forward, backward and "
        f"update calls, as fit makes them):", width=max(width - 1, 40)))
    print(trace.explain(width))
    return 0
