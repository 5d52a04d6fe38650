"""Pictures: loss curves and decision boundaries written as real PNG files (signature, size,
and matplotlib reads them back), through plotting.py and through the commands; and the
message when matplotlib is missing."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import classification_csv, regression_csv, run

from glassnet import load
from glassnet.plotting import INSTALL_HINT, can_draw_boundary, save_figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_png(path) -> np.ndarray:
    from matplotlib.image import imread

    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and len(data) > 5000
    image = imread(path)
    assert image.ndim == 3 and image.shape[2] in (3, 4)
    assert image[..., :3].std() > 0.05  # not a blank canvas
    return image


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plots")
    data = classification_csv(folder / "species.csv", rows=90)
    model = folder / "species.glassnet"
    code = run_quietly("train", data, "--target", "species", "--epochs", "20", "-o", model)
    assert code == 0
    return folder, data, model


def run_quietly(*argv) -> int:
    from glassnet.cli import main

    return main([str(item) for item in argv])


def test_train_plot_writes_curves_and_boundary(tmp_path, capsys):
    data = classification_csv(tmp_path / "species.csv", rows=90)
    picture = tmp_path / "curve.png"
    code, out, _ = run(capsys, "train", data, "--target", "species", "--epochs", "15",
                       "-o", tmp_path / "m.glassnet", "--plot", picture)
    assert code == 0 and f"Picture saved to {picture}" in out
    image = read_png(picture)
    assert image.shape[1] > 1.5 * image.shape[0]  # two panels side by side


def test_a_table_with_gaps_draws_its_boundary_with_train_and_plot(tmp_path, capsys):
    lines = Path(classification_csv(tmp_path / "full.csv", rows=90)).read_text().splitlines()
    lines[3] = "," + lines[3].split(",", 1)[1]  # width missing
    lines[5] = lines[5].split(",")[0] + ",NA," + lines[5].split(",")[2]  # height missing
    lines[7] = lines[7].rsplit(",", 1)[0] + ","  # species missing
    data = tmp_path / "gaps.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    picture, model = tmp_path / "curve.png", tmp_path / "m.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "species", "--epochs", "5",
                         "-o", model, "--plot", picture)
    assert code == 0 and f"Picture saved to {picture}" in out, err
    assert read_png(picture).shape[1] > 1.5 * read_png(picture).shape[0]
    code, out, err = run(capsys, "plot", model, "-o", tmp_path / "again.png", "--data", data)
    assert code == 0, err
    read_png(tmp_path / "again.png")


def test_plot_command_with_and_without_data(trained, tmp_path, capsys):
    folder, data, model = trained
    code, _, _ = run(capsys, "plot", model, "-o", tmp_path / "curves.png")
    curves = read_png(tmp_path / "curves.png")
    code, _, _ = run(capsys, "plot", model, "-o", tmp_path / "both.png", "--data", data)
    both = read_png(tmp_path / "both.png")
    assert code == 0 and both.shape[1] > curves.shape[1]


def test_save_figure_for_a_regression_surface(tmp_path, capsys):
    data = regression_csv(tmp_path / "houses.csv", rows=60)
    code, _, _ = run(capsys, "train", data, "--target", "price", "--epochs", "5",
                     "-o", tmp_path / "h.glassnet")
    model = load(tmp_path / "h.glassnet")
    assert code == 0 and can_draw_boundary(model)
    points = {"size": np.linspace(0, 10, 20), "age": np.linspace(0, 5, 20)}
    save_figure(model, tmp_path / "surface.png", points, np.linspace(40, 80, 20))
    read_png(tmp_path / "surface.png")


def test_missing_matplotlib_says_how_to_install_it(trained, tmp_path, capsys, monkeypatch):
    folder, data, model = trained
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import now fails
    code, _, err = run(capsys, "plot", model, "-o", tmp_path / "p.png")
    assert code == 1 and INSTALL_HINT in err and 'pip install "glassnet[plot]"' in err
    code, out, err = run(capsys, "train", data, "--target", "species", "-o",
                         tmp_path / "new.glassnet", "--plot", tmp_path / "p.png")
    assert code == 1 and INSTALL_HINT in err and out == ""  # refused before training
    assert not (tmp_path / "new.glassnet").exists()


@pytest.mark.parametrize("name", ["curve.jpg", "curve", "curve.png.txt"])
def test_a_name_without_a_picture_format_is_refused_and_nothing_written(trained, tmp_path,
                                                                        name):
    _, _, model = trained
    with pytest.raises(ValueError, match=r"must end in \.png, \.svg, \.pdf"):
        save_figure(load(model), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_the_format_follows_the_suffix_in_any_case(trained, tmp_path):
    _, _, model = trained
    save_figure(load(model), tmp_path / "curve.SVG")
    assert b"<svg" in (tmp_path / "curve.SVG").read_bytes()[:400]
