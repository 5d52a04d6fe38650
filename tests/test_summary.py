"""summary(): the text table (layers, output shapes, counts, totals, dtype) of a Sequential and
a Model; the HTML of Sequential, Model and History parsed back with html.parser."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pytest

from glassnet import Dense, Dropout, History, Model, ReLU, Sequential, Standardize, mlp
from glassnet.losses import SoftmaxCrossEntropy
from glassnet.normalization import BatchNormalization


class Tables(HTMLParser):
    """Collects the cells of every table row, captions and image sources."""

    def __init__(self):
        super().__init__()
        self.rows, self.captions, self.images, self.cell, self.where = [], [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th", "caption"):
            self.cell, self.where = "", tag
        elif tag == "img":
            self.images.append(dict(attrs)["src"])

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self.cell)
            self.cell = None
        elif tag == "caption":
            self.captions.append(self.cell)
            self.cell = None


def parse(markup: str) -> Tables:
    parser = Tables()
    parser.feed(markup)
    parser.close()
    return parser


def example_network():
    return Sequential([Standardize([0.0, 1.0, 2.0], [1.0, 2.0, 3.0]), Dense(3, 16), ReLU(),
                       BatchNormalization(16), Dropout(0.2), Dense(16, 2)])


def test_summary_text_lists_layers_shapes_counts_and_totals():
    lines = []
    example_network().summary(print_fn=lines.append)
    text = lines[0]
    rows = [line.split("  ") for line in text.splitlines()]
    assert "Dense(3, 16)" in text and "(None, 16)" in text and "(None, 2)" in text
    dense_row = next(line for line in text.splitlines() if "Dense(16, 2)" in line)
    assert dense_row.split()[-1] == "34"  # 16 * 2 weights + 2 biases
    norm_row = next(line for line in text.splitlines() if "BatchNormalization" in line)
    assert norm_row.split()[-1] == "64"  # gamma, beta, running mean and variance
    assert "Total parameters: 162" in text  # 64 + 64 + 34
    assert "Trainable parameters: 130" in text and "Non-trainable parameters: 32" in text
    assert text.splitlines()[-1] == "dtype: float64"
    assert len(rows) == 6 + 9


def test_print_of_a_network_stays_short():
    network = mlp([4, 8, 3])
    assert "Parameters" not in repr(network) and len(repr(network).splitlines()) == 6


def test_float32_and_thousands_separator():
    lines = []
    mlp([100, 50, 10], dtype=np.float32).summary(print_fn=lines.append)
    assert "5,050" in lines[0] and "Total parameters: 5,560" in lines[0]
    assert lines[0].endswith("dtype: float32")


def test_network_html_parses_to_the_same_table():
    tables = parse(example_network()._repr_html_())
    assert tables.captions == ["Sequential"]
    assert tables.rows[0] == ["#", "Layer", "Output shape", "Parameters"]
    assert tables.rows[2] == ["1", "Dense(3, 16)", "(None, 16)", "64"]
    assert len(tables.rows) == 7


def test_model_summary_and_html_escape_text_from_the_model():
    network = mlp([2, 3, 2])
    model = Model(network, loss=SoftmaxCrossEntropy(), task="classification",
                  class_labels=["<b>cat</b>", "dog"], feature_names=["x", "y"])
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[0].startswith("Model\n") and "task: classification" in lines[0]
    assert "classes: <b>cat</b>, dog" in lines[0] and "features (2): x, y" in lines[0]
    markup = model._repr_html_()
    assert "<b>cat" not in markup and "&lt;b&gt;cat" in markup
    assert parse(markup).rows[1][1] == "Dense(2, 3)"


def test_history_html_has_the_records_and_a_loss_curve():
    pytest.importorskip("matplotlib")
    history = History([{"epoch": 1, "loss": 0.9, "val_loss": 1.0},
                       {"epoch": 2, "loss": 0.5, "val_loss": 0.7}])
    tables = parse(history._repr_html_())
    assert tables.rows[0] == ["epoch", "loss", "val_loss"]
    assert tables.rows[2] == ["2", "0.5", "0.7"]
    assert tables.captions == ["History: 2 epoch(s)"]
    assert len(tables.images) == 1 and tables.images[0].startswith("data:image/png;base64,")
    import base64

    assert base64.b64decode(tables.images[0].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


def test_history_html_without_matplotlib(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import raises ImportError
    history = History([{"epoch": epoch, "loss": 1.0 / epoch} for epoch in range(1, 31)])
    tables = parse(history._repr_html_())
    assert tables.images == [] and len(tables.rows) == 1 + 20  # first and last ten epochs
    assert tables.rows[-1][0] == "30"
    assert parse(History()._repr_html_()).rows == [[]]
