"""glassnet export (cli/export.py) at the command line: the refusals before any work. The
ONNX graph itself is tested in test_onnx_export.py."""

from __future__ import annotations

from cli_helpers import run

import glassnet
from glassnet.losses import SquaredError
from glassnet.model import Model
from glassnet.network import mlp


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
