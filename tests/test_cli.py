"""The command line: the demo and think commands through main(argv), and once for real."""

import os
import subprocess
import sys

import pytest

from glassnet.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_demo_prints_the_tutorials_numbers(capsys):
    code, out, err = run(capsys, "demo")
    assert code == 0
    assert "[-0.16595599]" in out and "[ 0.44064899]" in out
    assert "[10.08740896]" in out and "[-4.83757835]" in out
    assert out.strip().endswith("[0.9999584]")
    assert "Considering new situation [1, 0, 0]" in out
    assert err == ""  # no progress bar when stderr is not a terminal


def test_think_answers_for_given_inputs(capsys):
    code, out, _ = run(capsys, "think", "1", "0", "0")
    assert code == 0 and out.strip().endswith("[0.9999584]")
    code, out, _ = run(capsys, "think", "0", "1", "1", "--iterations", "2000")
    assert code == 0
    assert float(out.strip().splitlines()[-1].strip("[]")) < 0.1


def test_demo_with_hidden_layers_learns(capsys):
    code, out, _ = run(capsys, "demo", "--hidden", "8,4", "--iterations", "3000")
    assert code == 0
    assert "hidden [8, 4]" in out
    assert float(out.strip().splitlines()[-1].strip("[]")) > 0.9


def test_demo_explain_shows_the_first_iteration(capsys):
    code, out, _ = run(capsys, "demo", "--explain")
    assert code == 0
    assert "Iteration 1" in out
    for label in ("weighted sums z = X @ w", "sigmoid(z)", "errors = y - o",
                  "sigmoid gradient", "adjustment", "new weights"):
        assert label in out
    # iteration 1's weighted sum for example 1 is the third starting weight
    assert "[-0.99977125]" in out


def test_explain_n_continues_from_n_minus_one_iterations(capsys):
    _, out, _ = run(capsys, "demo", "--explain", "2")
    assert "Iteration 2" in out and "[ 0.12025406]" in out


@pytest.mark.parametrize("iteration", [2, 3])
def test_explain_n_shows_the_loss_after_n_minus_one_iterations(capsys, iteration):
    from glassnet.tutorial import TRAINING_INPUTS, TRAINING_OUTPUTS, NeuralNetwork

    neuron = NeuralNetwork(seed=1)
    neuron.train(TRAINING_INPUTS, TRAINING_OUTPUTS, iteration - 1, learning_rate=1.0)
    loss = float(neuron.explain_step(TRAINING_INPUTS, TRAINING_OUTPUTS, 1.0)["loss"])
    _, out, _ = run(capsys, "demo", "--explain", str(iteration))
    assert out.splitlines()[-1] == f"loss 1/2 sum (y - o)^2 before the update: {loss:.8f}"
    _, first, _ = run(capsys, "demo", "--explain")
    assert first.splitlines()[-1] != out.splitlines()[-1]


def test_demo_interactive_asks_again_after_a_non_number(capsys, monkeypatch):
    answers = iter(["abc", "1", "0", "0"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    code, out, _ = run(capsys, "demo", "--interactive")
    assert code == 0
    assert "'abc' is not a number" in out
    assert out.strip().endswith("[0.9999584]")


def test_demo_interactive_end_of_input_is_clean(capsys, monkeypatch):
    def end_of_input(prompt=""):
        raise EOFError

    monkeypatch.setattr("builtins.input", end_of_input)
    code, _, err = run(capsys, "demo", "--interactive")
    assert code == 0 and "no more input" in err and "Traceback" not in err


def test_ctrl_c_is_exit_130_without_a_traceback(capsys, monkeypatch):
    def interrupt(prompt=""):
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", interrupt)
    code, _, err = run(capsys, "demo", "--interactive")
    assert code == 130 and err.strip() == "interrupted"


def test_an_unexpected_error_is_one_line_and_exit_1_unless_debug(capsys, monkeypatch):
    def broken(prompt=""):
        raise RuntimeError("the keyboard melted")

    monkeypatch.setattr("builtins.input", broken)
    code, _, err = run(capsys, "demo", "--interactive")
    assert code == 1
    assert err.strip() == ("error: RuntimeError: the keyboard melted (run with --debug for "
                           "details)")
    code, _, err = run(capsys, "--debug", "demo", "--interactive")
    assert code == 1 and "Traceback" in err and "the keyboard melted" in err


def test_no_command_prints_the_help_and_exit_2(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and out.startswith("usage: glassnet")


@pytest.mark.parametrize("argv, fragment", [
    (["demo", "--iterations", "x"], "--iterations: expected a whole number, got 'x'"),
    (["demo", "--iterations", "0"], "expected a number >= 1, got '0'"),
    (["demo", "--learning-rate", "-1"], "expected a number > 0, got '-1'"),
    (["demo", "--learning-rate", "nan"], "expected a finite number, got 'nan'"),
    (["demo", "--hidden", "4,x"], "expected layer sizes like 4 or 8,4, got '4,x'"),
    (["demo", "--seed", "-3"], "--seed must be >= 0, got -3"),
    (["demo", "--explain", "--interactive"], "drop --interactive"),
    (["think", "1", "0"], "required"),
    (["think", "1", "0", "z"], "expected a number, got 'z'"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_bad_arguments_get_one_line_and_exit_code_2(capsys, argv, fragment):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert fragment in err
    assert len(err.strip().splitlines()) == 1


def test_help_works_everywhere(capsys):
    for argv in (["--help"], ["demo", "--help"], ["think", "--help"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 0
        assert "usage: glassnet" in capsys.readouterr().out


def test_real_subprocess_interactive_through_stdin():
    environment = dict(os.environ, PYTHONUNBUFFERED="1")
    result = subprocess.run(
        [sys.executable, "-m", "glassnet.cli.main", "demo", "--interactive"],
        input="one\n1\n0\n0\n", capture_output=True, text=True, timeout=120, env=environment)
    assert result.returncode == 0, result.stderr
    assert "'one' is not a number" in result.stdout
    assert result.stdout.strip().endswith("[0.9999584]")
    assert "Traceback" not in result.stderr


def test_real_subprocess_end_of_input_without_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "glassnet.cli.main", "demo", "--interactive"],
        input="1\n", capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "Traceback" not in result.stderr and "no more input" in result.stderr
