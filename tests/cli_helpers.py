"""Small CSV files for the command-line tests, made fresh in each test's folder."""

from __future__ import annotations

import numpy as np

from glassnet.cli import main


def run(capsys, *argv):
    """main(argv) -> (exit code, stdout, stderr)."""
    code = main([str(item) for item in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def train_species(tmp_path, capsys):
    """A classifier trained on the three-species file: (csv path, model path, train output)."""
    data = classification_csv(tmp_path / "species.csv")
    model = tmp_path / "species.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "species", "--epochs", "150",
                         "--hidden", "16", "--learning-rate", "0.02",
                         "--cross-validate-below", "0", "-o", model)  # rows held out
    assert code == 0, err
    return data, model, out


def train_lights(tmp_path, capsys):
    """A small classifier of the lights file (3 epochs): (csv path, model path)."""
    data = categorical_csv(tmp_path / "lights.csv", rows=30)
    model = tmp_path / "lights.glassnet"
    assert run(capsys, "train", data, "--target", "action", "--epochs", "3", "-o", model)[0] == 0
    return data, model


def write_csv(path, header, rows) -> str:
    lines = [",".join(header)] + [",".join(str(value) for value in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def classification_csv(path, rows: int = 120, seed: int = 0) -> str:
    """Two number features; label 'left'/'middle'/'right' from their sum (separable)."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-3, 3, (rows, 2))
    total = points.sum(axis=1)
    labels = np.where(total < -1, "left", np.where(total > 1, "right", "middle"))
    return write_csv(path, ["width", "height", "species"],
                     [(f"{a:.3f}", f"{b:.3f}", label) for (a, b), label in zip(points, labels,
                                                                               strict=True)])


def regression_csv(path, rows: int = 120, seed: int = 1) -> str:
    """price = 3 * size - 2 * age + 50, plus a little noise."""
    rng = np.random.default_rng(seed)
    size, age = rng.uniform(0, 10, rows), rng.uniform(0, 5, rows)
    price = 3 * size - 2 * age + 50 + rng.normal(0, 0.1, rows)
    return write_csv(path, ["size", "age", "price"],
                     [(f"{a:.3f}", f"{b:.3f}", f"{c:.3f}") for a, b, c in zip(size, age, price,
                                                                              strict=True)])


def categorical_csv(path, rows: int = 90, seed: int = 2) -> str:
    """The label follows the colour column (a word) alone; 'noise' is a number."""
    rng = np.random.default_rng(seed)
    colours = rng.choice(["red", "green", "blue"], rows)
    answer = {"red": "stop", "green": "go", "blue": "go"}
    return write_csv(path, ["colour", "noise", "action"],
                     [(colour, f"{rng.normal():.3f}", answer[colour]) for colour in colours])


def huge_regression(tmp_path, capsys):
    """(model, file): a regression model of houses.csv, a file of values near 1e308."""
    data = regression_csv(tmp_path / "houses.csv", rows=40)
    model = tmp_path / "h.glassnet"
    assert run(capsys, "train", data, "--target", "price", "--epochs", "2", "-o", model)[0] == 0
    huge = tmp_path / "huge.csv"
    huge.write_text("size,age,price\n1e308,1,1e308\n-1e308,2,-1e308\n", encoding="utf-8")
    return model, huge
