"""``export_onnx(model_or_network, path)``: a glassnet network, with a Model's preprocessing
and answers, as an ONNX graph that onnxruntime (or any ONNX runtime) runs without glassnet.

What goes into the graph, in order:
- inputs: a Sequential takes ``inputs`` (batch, features); a Model with a ColumnEncoder takes
  one (batch, 1) input per column, named after it, numbers in the network's dtype and
  strings as ONNX strings, encoded as ``onnx_columns`` describes (missing values filled,
  one-hot categories);
- every layer, written with the same elementwise operations glassnet computes (so float64
  agrees to rounding): Dense (MatMul, Add), Standardize, BatchNormalization (inference
  form, running statistics), Dropout (the identity at predict time) and every activation;
- a Model's answers: ``probabilities`` and ``labels`` for a classifier (softmax or sigmoid
  of the logits; a single logit gives the two columns [1 - p, p]; labels by argmax, as
  ``Model.predict``), 0/1 ``labels`` for multilabel, ``predictions`` with the target
  scaling undone for regression; a bare network gives its raw ``outputs``.
A layer with no ONNX form here is refused with a ValueError naming it. The file is written
through ``files.write_atomically``. Imports numpy, ``files``, ``model``, ``serialization``
(for ``as_model``) and the ONNX node builders of ``onnx_layers`` and ``onnx_columns``;
onnx itself lazily.
"""

from __future__ import annotations

import numpy as np

from glassnet.files import write_atomically
from glassnet.model import Model
from glassnet.network import Sequential
from glassnet.onnx_columns import column_block
from glassnet.onnx_layers import LAYER_WRITERS, Graph, answer_nodes

INSTALL_HINT = 'ONNX export needs the onnx package: pip install "glassnet[onnx]"'
OPSET = 17


def export_onnx(model_or_network, path) -> None:
    """Write ``model_or_network`` (a Model, a Sequential or anything with ``to_model()``)
    as an ONNX file at ``path``, atomically; see the module for what the graph holds."""
    onnx = import_onnx()
    write_atomically(path, to_onnx(model_or_network, onnx).SerializeToString())


def import_onnx():
    try:
        import onnx
    except ImportError:
        raise ImportError(INSTALL_HINT) from None
    return onnx


def to_onnx(model_or_network, onnx=None):
    """The checked ``onnx.ModelProto`` of a Model or network (nothing written)."""
    onnx = onnx or import_onnx()
    if isinstance(model_or_network, Sequential):
        model, bare = Model(model_or_network), True
    else:
        from glassnet.serialization import as_model

        model, bare = as_model(model_or_network), False
    network = model.network
    graph = Graph(onnx, np.dtype(network.dtype))
    values = graph_inputs(graph, model)
    for index, layer in enumerate(network.layers):
        writer = LAYER_WRITERS.get(type(layer))
        if writer is None:
            known = ", ".join(sorted(kind.__name__ for kind in LAYER_WRITERS))
            raise ValueError(f"cannot export layer {index} ({layer!r:.80}) to ONNX: no ONNX "
                             f"form for {type(layer).__name__}; exportable layers: {known}")
        values = writer(graph, layer, values)
    if bare or model.task is None:
        outputs = {"outputs": (values, graph.dtype, [None, model.outputs])}
    else:
        outputs = answer_nodes(graph, model, values)
    for name, (value, dtype, shape) in outputs.items():
        graph.output(name, value, dtype, shape)
    return graph.model(f"glassnet {model.task or 'network'}", OPSET)


def graph_inputs(graph: Graph, model: Model) -> str:
    """The graph's inputs, encoded into the network's input matrix; its value name."""
    encoder = model.preprocessing
    if encoder is None:
        return graph.input("inputs", graph.dtype, [None, model.network.in_features])
    blocks = [column_block(graph, column) for column in encoder.columns]
    return blocks[0] if len(blocks) == 1 else graph.node("Concat", blocks, axis=1)
