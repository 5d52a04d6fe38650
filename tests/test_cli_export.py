"""glassnet export (cli/export.py) at the command line: the refusals before any work. The
ONNX graph itself is tested in test_onnx_export.py."""

from __future__ import annotations

import sys

import pytest
from cli_helpers import run

import glassnet
from glassnet import registry
from glassnet.activations import Activation
from glassnet.layers import Dense
from glassnet.losses import SquaredError
from glassnet.model import Model
from glassnet.network import Sequential, mlp
from glassnet.registry import register


def saved_model(tmp_path):
    path = tmp_path / "m.glassnet"
    glassnet.save(Model(mlp([2, 1], rng=0), SquaredError(), "regression"), path)
    return path


def test_export_without_an_output_is_a_usage_error(tmp_path, capsys):
    code, out, err = run(capsys, "export", saved_model(tmp_path))
    assert code == 2 and "the following arguments are required: -o/--output" in err
    assert out == "" and "Traceback" not in err


def test_export_refuses_a_name_without_onnx_and_writes_nothing(tmp_path, capsys):
    code, _, err = run(capsys, "export", saved_model(tmp_path), "-o", tmp_path / "m.txt")
    assert code == 2 and "an ONNX file's name must end in .onnx" in err
    assert not (tmp_path / "m.txt").exists()


def test_export_without_the_onnx_package_exits_1_with_the_install_hint(tmp_path, capsys,
                                                                       monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` raises ImportError
    code, out, err = run(capsys, "export", saved_model(tmp_path), "-o", tmp_path / "m.onnx")
    assert code == 1 and out == ""
    assert err == 'error: ONNX export needs the onnx package: pip install "glassnet[onnx]"\n'
    assert not (tmp_path / "m.onnx").exists()


class Cube(Activation):
    """o = x^3: a registered activation that ONNX export has no form for."""

    def forward(self, inputs, training=False):
        return inputs**3

    def derivative(self, grad_output):
        return grad_output


@pytest.fixture
def cube_registered():
    saved = {kind: dict(table) for kind, table in registry.KINDS.items()}
    register(Cube)
    yield
    for kind, table in registry.KINDS.items():
        table.clear()
        table.update(saved[kind])


def test_export_of_a_layer_with_no_onnx_form_is_a_data_error_naming_the_file(
        tmp_path, capsys, cube_registered):
    pytest.importorskip("onnx")
    path = tmp_path / "cube.glassnet"
    glassnet.save(Model(Sequential([Dense(2, 2, rng=0), Cube(), Dense(2, 1, rng=0)]),
                        SquaredError(), "regression"), path)
    code, out, err = run(capsys, "export", path, "-o", tmp_path / "cube.onnx")
    assert code == 65 and out == ""
    assert err.startswith(f"error: {path}: cannot export layer 1 (")
    assert "no ONNX form for Cube" in err and err.count("\n") == 1
    assert not (tmp_path / "cube.onnx").exists()


def test_export_prints_the_file_and_the_input_names(tmp_path, capsys):
    pytest.importorskip("onnx")
    code, out, err = run(capsys, "export", saved_model(tmp_path), "-o", tmp_path / "M.ONNX")
    assert code == 0 and err == ""
    assert out == f"wrote {tmp_path / 'M.ONNX'}: inputs inputs\n"
    assert (tmp_path / "M.ONNX").stat().st_size > 0
