"""glassnet inspect (cli/inspection.py): text from the model file never reaches the terminal
raw; control characters are escaped, long lists are cut."""

from __future__ import annotations

import warnings

import pytest
from cli_helpers import (
    categorical_csv,
    classification_csv,
    huge_regression,
    run,
    write_csv,
)

import glassnet
from glassnet.losses import SoftmaxCrossEntropy
from glassnet.model import Model
from glassnet.network import mlp

HOSTILE = "\x1b[2J\x1b[31mred\x07\u202e"


def hostile_model(tmp_path, classes=3):
    labels = [f"{HOSTILE}{index}" for index in range(classes)]
    model = Model(mlp([2, classes], rng=0), SoftmaxCrossEntropy(), "classification", labels,
                  feature_names=[f"a{HOSTILE}", "b"],
                  training={f"note{HOSTILE}": f"trained by {HOSTILE}", "target": HOSTILE})
    path = tmp_path / "hostile.glassnet"
    glassnet.save(model, path)
    return path


def raw_controls(text: str) -> list[str]:
    return [character for character in text if character in "\x1b\x07\u202e"]


def test_inspect_escapes_control_characters_from_the_file(tmp_path, capsys):
    code, out, err = run(capsys, "inspect", hostile_model(tmp_path))
    assert code == 0, err
    assert raw_controls(out) == []
    assert "\\x1b[31mred\\x07\\u202e" in out
    assert "features: a\\x1b[2J" in out


def test_inspect_cuts_a_long_class_list(tmp_path, capsys):
    code, out, _ = run(capsys, "inspect", hostile_model(tmp_path, classes=150))
    assert code == 0 and "(150 in all)" in out
    assert max(len(line) for line in out.splitlines()) < 6000


def test_error_messages_quoting_file_text_escape_it(tmp_path, capsys):
    model = hostile_model(tmp_path)
    data = write_csv(tmp_path / "d.csv", [f"a{HOSTILE}", "b", HOSTILE],
                     [(1.0, 2.0, f"new{HOSTILE}")])
    code, _, err = run(capsys, "evaluate", model, data)
    assert code == 65 and "is not one the model knows" in err
    assert raw_controls(err) == []
    other = write_csv(tmp_path / "other.csv", [f"z{HOSTILE}", "b"], [(1.0, 2.0)])
    code, _, err = run(capsys, "predict", model, other)
    assert code == 65 and "lacks the column(s)" in err and raw_controls(err) == []
    code, _, err = run(capsys, "train", other, "--target", "nope")
    assert code == 2 and "z\\x1b[2J" in err and raw_controls(err) == []


def test_plot_diagram_labels_the_inputs_with_the_models_feature_names(tmp_path, capsys):
    from glassnet.losses import SquaredError

    path = tmp_path / "named.glassnet"
    glassnet.save(Model(mlp([2, 3, 1], rng=0), SquaredError(),
                        feature_names=["width", "height"]), path)
    code, out, err = run(capsys, "plot", path, "--diagram", "-o", tmp_path / "net.svg")
    assert code == 0, err
    picture = (tmp_path / "net.svg").read_text()
    # matplotlib writes each text of an SVG as glyph paths after a comment holding the text
    assert "<!-- width -->" in picture and "<!-- height -->" in picture
    assert "<!-- x1 -->" not in picture


def test_gradcheck_takes_twenty_rows_by_default(tmp_path, capsys):
    from glassnet.losses import SquaredError

    path = tmp_path / "m.glassnet"
    glassnet.save(Model(mlp([2, 3, 1], activation="tanh", rng=0), SquaredError(),
                        "regression", feature_names=["a", "b"]), path)
    rows = [(index / 10, index % 3, index / 5) for index in range(30)]
    data = write_csv(tmp_path / "d.csv", ["a", "b", "y"], rows)
    code, out, err = run(capsys, "gradcheck", path, data, "--target", "y")
    assert code == 0, err
    assert "on 20 rows:" in out and "gradients agree" in out


def test_inspect_lists_up_to_a_hundred_classes_and_features_in_full(tmp_path, capsys):
    for count, more in ((100, ""), (101, ", ... (101 in all)")):
        labels = [f"c{index}" for index in range(count)]
        names = [f"f{index}" for index in range(count)]
        path = tmp_path / f"wide{count}.glassnet"
        glassnet.save(Model(mlp([count, count], rng=0), SoftmaxCrossEntropy(), "classification",
                            labels, feature_names=names), path)
        code, out, _ = run(capsys, "inspect", path)
        assert code == 0
        assert f"classes: {', '.join(labels[:100])}{more}\n" in out
        assert f"features: {', '.join(names[:100])}{more}\n" in out


@pytest.mark.parametrize("with_data", [False, True])
@pytest.mark.parametrize("make, target", [(classification_csv, "species"),
                                          (categorical_csv, "action")])
def test_plot_draws_any_model_with_or_without_data(tmp_path, capsys, make, target, with_data):
    """Two number columns (a boundary can be drawn) or a category (it cannot), with or
    without --data: always a picture, never an error."""
    data = make(tmp_path / "table.csv", rows=40)
    model = tmp_path / "m.glassnet"
    assert run(capsys, "train", data, "--target", target, "--epochs", "2", "-o", model)[0] == 0
    picture = tmp_path / "p.png"
    code, out, err = run(capsys, "plot", model, *(["--data", data] if with_data else []),
                         "-o", picture)
    assert (code, out.strip(), err) == (0, f"Picture saved to {picture}", "")
    assert picture.read_bytes().startswith(b"\x89PNG")


def test_gradcheck_near_the_float_limit_is_large_without_warnings(tmp_path, capsys):
    model, huge = huge_regression(tmp_path, capsys)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warnings would fail here
        code, out, err = run(capsys, "gradcheck", model, huge)
    assert (code, err) == (0, "") and "LARGE" in out
