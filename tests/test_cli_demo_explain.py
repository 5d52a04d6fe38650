"""``glassnet demo --hidden SIZES --explain [N]``: one step of a network, layer by layer."""

import numpy as np

from glassnet.cli import main
from glassnet.losses import SquaredError
from glassnet.optimizers import GradientDescent
from glassnet.training import fit
from glassnet.tutorial import TRAINING_INPUTS, TRAINING_OUTPUTS, layered_network


def explain(capsys, monkeypatch, *argv, columns=80):
    monkeypatch.setenv("COLUMNS", str(columns))
    code = main(["demo", *argv])
    return code, capsys.readouterr().out


def test_hidden_explain_shows_every_layer_forward_backward_and_update(capsys, monkeypatch):
    code, out = explain(capsys, monkeypatch, "--hidden", "4", "--explain")
    assert code == 0 and "Iteration 1" in out
    for line in ("z1 = X @ W1 + b1  # (4, 3) @ (3, 4) + (4,) -> (4, 4)",
                 "a1 = 1 / (1 + np.exp(-z1))", "z2 = a1 @ W2 + b2", "data_loss =",
                 "dz2 = da2 * (a2 * (1 - a2))", "dW1 = X.T @ dz1", "da1 = dz2 @ W2.T",
                 "W1 = W1 - lr * dW1", "new b2:"):
        assert line in out, line


def test_explain_n_shows_the_numbers_of_fits_nth_step(capsys, monkeypatch):
    _, out = explain(capsys, monkeypatch, "--hidden", "3", "--explain", "5", columns=200)
    network = layered_network([3], seed=1)
    fit(network, TRAINING_INPUTS, TRAINING_OUTPUTS, SquaredError(reduction="sum"),
        GradientDescent(1.0), epochs=5, shuffle=False)
    assert "Iteration 5" in out
    new_bias = out.split("new b2:")[1].split("\n")[1].strip()
    expected = np.array2string(network.layers[2].bias, precision=6, suppress_small=True)
    assert new_bias == expected


def test_explain_lines_fit_a_narrow_terminal(capsys, monkeypatch):
    _, out = explain(capsys, monkeypatch, "--hidden", "8,8", "--explain", columns=60)
    number_lines = [line for line in out.splitlines() if line.strip().startswith(("[", "-"))]
    assert number_lines and max(len(line) for line in number_lines) <= 60


def test_one_neuron_explain_is_unchanged(capsys, monkeypatch):
    _, out = explain(capsys, monkeypatch, "--explain")
    assert "1. inputs X, one example per row:" in out and "[-0.99977125]" in out
