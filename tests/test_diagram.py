"""Network diagrams and neuron maps: valid SVG and PNG files, not blank, refusals named."""

import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest

from glassnet.diagram import network_diagram, neuron_maps
from glassnet.network import mlp

pytest.importorskip("matplotlib")


def painted_share(path) -> float:
    """Share of pixels that are not white in a PNG."""
    from matplotlib.image import imread

    pixels = imread(str(path))[..., :3]
    return float((pixels.min(axis=2) < 0.95).mean())


@pytest.fixture
def network():
    return mlp([2, 4, 3, 1], activation="tanh", output_activation="sigmoid", rng=1)


def test_diagram_png_and_svg(tmp_path, network):
    network_diagram(network, tmp_path / "net.png")
    network_diagram(network, tmp_path / "net.svg")
    assert painted_share(tmp_path / "net.png") > 0.01
    root = ElementTree.parse(tmp_path / "net.svg").getroot()
    assert root.tag.endswith("svg")
    lines = [element for element in root.iter() if element.tag.endswith("path")]
    assert len(lines) >= 2 * 4 + 4 * 3 + 3  # one path per weight at least


def test_diagram_lines_follow_weight_size_and_sign(network):
    first = network.layers[0].params["weights"]
    first[...] = [[2.0, -2.0, 0.1, -0.1], [1.0, 1.0, 1.0, 1.0]]
    axes = network_diagram(network).axes[0]
    drawn = [line for line in axes.lines][:8]
    widths = [line.get_linewidth() for line in drawn]
    colours = [line.get_color() for line in drawn]
    assert widths[0] == widths[1] > widths[2] == widths[3]
    assert colours[0] != colours[1] and colours[2] != colours[3]


def test_neuron_maps_draw_each_hidden_neuron_and_the_output(tmp_path, network):
    inputs = np.random.default_rng(0).normal(size=(40, 2))
    targets = (inputs[:, 0] * inputs[:, 1] > 0).astype(float)
    figure = neuron_maps(network, inputs, targets, tmp_path / "maps.png")
    titles = [axes.get_title() for axes in figure.axes]
    assert sum(title.startswith("layer 1, neuron") for title in titles) == 4
    assert sum(title.startswith("layer 2, neuron") for title in titles) == 3
    assert "output and decision boundary" in titles
    assert painted_share(tmp_path / "maps.png") > 0.1


def test_neuron_maps_refuse_other_input_counts():
    with pytest.raises(ValueError, match="2 inputs, this one has 3"):
        neuron_maps(mlp([3, 2, 1], rng=0))


def test_diagram_refuses_an_unknown_picture_format(tmp_path, network):
    with pytest.raises(ValueError, match="must end in"):
        network_diagram(network, tmp_path / "net.bmp")
    assert not (tmp_path / "net.bmp").exists()


def test_plot_diagram_command_writes_the_networks_picture(tmp_path, network, capsys):
    from glassnet.cli import main
    from glassnet.losses import SquaredError
    from glassnet.model import Model
    from glassnet.serialization import save

    model_path = tmp_path / "net.glassnet"
    save(Model(network, loss=SquaredError(), feature_names=["a", "b"]), model_path)
    code = main(["plot", str(model_path), "--diagram", "-o", str(tmp_path / "net.svg")])
    assert code == 0 and "Diagram saved" in capsys.readouterr().out
    text = (tmp_path / "net.svg").read_text()
    assert ElementTree.fromstring(text).tag.endswith("svg")
    code = main(["plot", str(model_path), "--diagram", "-o", str(tmp_path / "net.txt")])
    assert code == 2 and "must end in" in capsys.readouterr().err
