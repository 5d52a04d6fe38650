"""glassnet demo / think (cli/demo.py): the steps and prompts users read, the network with
hidden layers, and the refusals (a negative seed, --explain with --interactive)."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_explain_numbers_its_nine_steps_in_order(capsys):
    code, out, _ = run(capsys, "demo", "--explain", "--learning-rate", "0.5")
    assert code == 0
    assert out.splitlines()[0] == ("Iteration 1, step by step (numbers from glassnet's own "
                                   "forward and backward passes):")
    steps = [line for line in out.splitlines() if line[:1].isdigit()]
    assert steps == ["1. inputs X, one example per row:",
                     "2. weights w before this iteration:",
                     "3. weighted sums z = X @ w:",
                     "4. outputs o = sigmoid(z) = 1 / (1 + exp(-z)):",
                     "5. expected outputs y:",
                     "6. errors = y - o:",
                     "7. sigmoid gradient o * (1 - o):",
                     "8. adjustment = learning_rate * X.T @ (errors * o * (1 - o)):",
                     "9. new weights = w + adjustment:"]


@pytest.mark.parametrize("argv", [
    ["demo", "--seed", "-1"],
    ["think", "1", "0", "0", "--seed", "-1"],
    ["demo", "--hidden", "4", "--seed", "-1"],
    ["demo", "--hidden", "4", "--explain", "--seed", "-1"],
    ["demo", "--explain", "--seed", "-1"],
])
def test_a_negative_seed_is_refused(capsys, argv):
    assert run(capsys, *argv) == (2, "", "--seed must be >= 0, got -1\n")


@pytest.mark.parametrize("argv", [
    ["demo"], ["think", "1", "0", "0"], ["demo", "--hidden", "4"],
    ["demo", "--hidden", "4", "--explain"], ["demo", "--explain"],
])
def test_a_seed_beyond_numpys_random_state_is_refused(capsys, argv):
    assert run(capsys, *argv, "--seed", str(2**32)) == (
        2, "", f"--seed must be <= {2**32 - 1} (numpy's RandomState, as the tutorial uses), "
               f"got {2**32}\n")
    code, out, _ = run(capsys, *argv, "--seed", str(2**32 - 1), "--iterations", "2")
    assert code == 0 and out


def test_seed_zero_is_a_seed(capsys):
    code, out, _ = run(capsys, "demo", "--seed", "0", "--iterations", "10")
    assert code == 0 and out != run(capsys, "demo", "--iterations", "10")[1]
    code, _, _ = run(capsys, "demo", "--hidden", "2", "--explain", "--seed", "0")
    assert code == 0


def test_explain_and_interactive_do_not_go_together(capsys):
    assert run(capsys, "demo", "--explain", "--interactive") == (
        2, "", "--explain shows one training step; drop --interactive\n")


def test_hidden_layers_print_the_network_and_the_final_loss(capsys):
    from glassnet.losses import SquaredError
    from glassnet.optimizers import GradientDescent
    from glassnet.training import fit
    from glassnet.tutorial import (
        TRAINING_INPUTS,
        TRAINING_OUTPUTS,
        layered_network,
    )

    code, out, err = run(capsys, "think", "0", "1", "0.5", "--hidden", "3", "--iterations",
                         "50", "--learning-rate", "0.7", "--seed", "4")
    network = layered_network([3], seed=4)
    history = fit(network, TRAINING_INPUTS, TRAINING_OUTPUTS, SquaredError(reduction="sum"),
                  GradientDescent(0.7), epochs=50, batch_size=None, shuffle=False)
    answer = network.forward(np.array([[0.0, 1.0, 0.5]]))[0]
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Network: 3 inputs -> hidden [3] (sigmoid) -> 1 output (sigmoid)",
        f"Loss 1/2 sum (y - o)^2 after training: {history['loss'][-1]:.8g}",
        "Considering new situation [0, 1, 0.5] -> ?:",
        np.array2string(answer, precision=8)]


def test_interactive_prompts_count_the_inputs_given(capsys, monkeypatch):
    prompts = []
    answers = iter(["1", " x ", "0.5", "-2"])

    def answer(prompt=""):
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)
    code, out, _ = run(capsys, "demo", "--interactive", "--iterations", "20")
    assert code == 0
    assert prompts == ["Input 1: ", "Input 2: ", "Input 2: ", "Input 3: "]
    assert "New situation: user input\n'x' is not a number; type a number such as 1 or 0.5\n" \
           "Considering new situation [1, 0.5, -2] -> ?:\n" in out


@pytest.mark.parametrize("command, description", [
    ("demo", "``glassnet demo`` and ``glassnet think``: the tutorial's program on its embedded "
             "data."),
    ("think", "Train the tutorial's network, then answer for three input values."),
    ("train", "``glassnet train data.csv --target COLUMN``: train a network on a CSV file and "
              "save it."),
    ("predict", "``glassnet predict MODEL data.csv`` and ``glassnet evaluate MODEL data.csv``."),
    ("evaluate", "Score a model on a CSV file that has its target column."),
    ("export", "Write the model, its preprocessing and its answers as an ONNX graph"),
    ("inspect", "Show a model's architecture, columns and training summary without running it."),
    ("gradcheck", "Relative error between backpropagation and finite differences, per "
                  "parameter."),
    ("plot", "Draw the loss curves (and, with --data, the decision boundary of a two-feature "
             "model)."),
    ("playground", "A local web page (on 127.0.0.1 only) where a network trains live"),
])
def test_each_command_describes_itself_in_its_help(capsys, command, description):
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    assert description in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("columns, width", [(46, 45), (54, 53), (30, 40)])
def test_the_layered_explanation_title_wraps_one_column_short_of_the_terminal(
        capsys, monkeypatch, columns, width):
    """... and at 40 columns at least."""
    import textwrap

    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, _ = run(capsys, "demo", "--hidden", "10,4", "--explain")
    title = ("Iteration 1 of 3 inputs -> hidden [10, 4] (sigmoid) -> 1 output (sigmoid), step "
             "by step (numbers from glassnet's own forward, backward and update calls, as fit "
             "makes them):")
    wrapped = textwrap.fill(title, width=width)
    assert code == 0 and out.startswith(wrapped + "\n")
    # the widths chosen wrap the title differently from one column more or less
    assert wrapped not in [textwrap.fill(title, width=width + step) for step in (-1, 1, 2)]


def test_explain_prints_small_numbers_in_fixed_point(capsys):
    """By iteration 1000 the adjustments are small; they are still printed as the other
    numbers are, 8 decimals in fixed point, never in scientific notation."""
    from glassnet.tutorial import TRAINING_INPUTS, TRAINING_OUTPUTS, NeuralNetwork

    neuron = NeuralNetwork(seed=1)
    neuron.train(TRAINING_INPUTS, TRAINING_OUTPUTS, 999, learning_rate=1.0)
    adjustment = neuron.explain_step(TRAINING_INPUTS, TRAINING_OUTPUTS, 1.0)["adjustment"]
    code, out, _ = run(capsys, "demo", "--explain", "1000")
    shown = out.split("8. adjustment = learning_rate * X.T @ (errors * o * (1 - o)):\n")[1]
    expected = np.array2string(adjustment, precision=8, suppress_small=True)
    assert code == 0 and shown.startswith(expected + "\n") and "e-" not in out
    assert "e-" in np.array2string(adjustment, precision=8)  # numpy's own choice
