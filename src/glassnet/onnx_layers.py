"""The ONNX form of each glassnet layer and of a Model's answers, for ``onnx_export``.

``Graph`` collects nodes, constants, inputs and outputs under fresh names; each writer
``(graph, layer, value) -> value`` adds the nodes that compute the layer's inference-mode
forward pass, with the operations in glassnet's own order and constants in the network's
dtype, so the exported graph agrees with glassnet to rounding. Imports numpy, ``layers``,
``activations``, ``losses``, ``normalization`` and ``preprocessing``; the onnx module is
handed in by ``onnx_export``.
"""

from __future__ import annotations

import numpy as np

from glassnet import activations, layers, losses
from glassnet.normalization import BatchNormalization
from glassnet.preprocessing import Standardize


class Graph:
    """An ONNX graph under construction, in one floating dtype."""

    def __init__(self, onnx, dtype: np.dtype):
        self.onnx, self.dtype = onnx, dtype
        self.nodes: list = []  # onnx NodeProto
        self.constants: list = []  # onnx TensorProto
        self.inputs: list = []  # onnx ValueInfoProto
        self.outputs: list = []
        self.count = 0

    def fresh(self, hint: str) -> str:
        self.count += 1
        return f"{hint}_{self.count}"

    def constant(self, value, dtype=None) -> str:
        """A named initializer holding ``value`` (in the graph's dtype unless given)."""
        array = np.asarray(value, dtype=dtype or self.dtype)
        name = self.fresh("constant")
        self.constants.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def node(self, operation: str, inputs: list[str], domain: str = "", **attributes) -> str:
        output = self.fresh(operation.lower())
        self.nodes.append(self.onnx.helper.make_node(operation, inputs, [output], domain=domain,
                                                     **attributes))
        return output

    def value_info(self, name: str, dtype: np.dtype, shape: list):
        element = self.onnx.helper.np_dtype_to_tensor_dtype(dtype)
        return self.onnx.helper.make_tensor_value_info(name, element, shape)

    def input(self, name: str, dtype: np.dtype, shape: list) -> str:
        self.inputs.append(self.value_info(name, dtype, shape))
        return name

    def output(self, name: str, value: str, dtype: np.dtype, shape: list) -> None:
        self.nodes.append(self.onnx.helper.make_node("Identity", [value], [name]))
        self.outputs.append(self.value_info(name, dtype, shape))

    def one_hot(self, strings: str, categories: list[str]) -> str:
        """(batch, 1) strings -> (batch, categories) 0/1 in the graph's dtype; an unknown
        category makes the runtime fail (``zeros=0``), as glassnet refuses it."""
        encoded = self.node("OneHotEncoder", [strings], domain="ai.onnx.ml",
                            cats_strings=list(categories), zeros=0)  # (batch, 1, categories)
        shape = self.constant([-1, len(categories)], dtype=np.int64)
        flat = self.node("Reshape", [encoded, shape])
        return self.node("Cast", [flat], to=self.onnx.helper.np_dtype_to_tensor_dtype(self.dtype))

    def model(self, name: str, opset: int):
        helper = self.onnx.helper
        graph = helper.make_graph(self.nodes, name, self.inputs, self.outputs, self.constants)
        model = helper.make_model(graph, producer_name="glassnet", opset_imports=[
            helper.make_opsetid("", opset), helper.make_opsetid("ai.onnx.ml", 3)])
        model.ir_version = 8  # readable by every onnxruntime since 1.10
        self.onnx.checker.check_model(model, full_check=True)
        return model


def dense(graph: Graph, layer, value: str) -> str:
    """inputs @ weights + bias."""
    product = graph.node("MatMul", [value, graph.constant(layer.params["weights"])])
    if "bias" not in layer.params:
        return product
    return graph.node("Add", [product, graph.constant(layer.params["bias"])])


def standardize(graph: Graph, layer, value: str) -> str:
    """(inputs - mean) / scale."""
    centred = graph.node("Sub", [value, graph.constant(layer.mean)])
    return graph.node("Div", [centred, graph.constant(layer.scale)])


def batch_normalization(graph: Graph, layer, value: str) -> str:
    """((inputs - running_mean) * s) * gamma + beta, s = 1 / sqrt(running_variance + eps)."""
    variance = layer.buffers["running_variance"]
    inverse = 1.0 / np.sqrt(variance + variance.dtype.type(layer.epsilon))
    centred = graph.node("Sub", [value, graph.constant(layer.buffers["running_mean"])])
    normalized = graph.node("Mul", [centred, graph.constant(inverse)])
    scaled = graph.node("Mul", [normalized, graph.constant(layer.params["gamma"])])
    return graph.node("Add", [scaled, graph.constant(layer.params["beta"])])


def softplus(graph: Graph, layer, value: str) -> str:
    """max(x, 0) + log(1 + exp(-|x|)), the overflow-free form glassnet computes."""
    tail = graph.node("Exp", [graph.node("Neg", [graph.node("Abs", [value])])])
    logarithm = graph.node("Log", [graph.node("Add", [graph.constant(1.0), tail])])
    return graph.node("Add", [graph.node("Relu", [value]), logarithm])


def gelu(graph: Graph, layer, value: str) -> str:
    """x * sigmoid(2 c (x + 0.044715 x^3)), x capped at +-1e5 inside, 0 below -1e5."""
    capped = graph.node("Clip", [value, graph.constant(-1e5), graph.constant(1e5)])
    cube = graph.node("Mul", [graph.node("Mul", [capped, capped]), capped])
    inner = graph.node("Add", [capped, graph.node("Mul", [graph.constant(0.044715), cube])])
    twice = graph.constant(2 * activations.GELU.coefficient)
    gate = graph.node("Sigmoid", [graph.node("Mul", [twice, inner])])
    inside = graph.node("Greater", [value, graph.constant(-1e5)])
    gate = graph.node("Where", [inside, gate, graph.constant(0.0)])
    return graph.node("Mul", [value, gate])


def passing(graph: Graph, layer, value: str) -> str:
    return value


def simple(operation: str, **attributes):
    def write(graph: Graph, layer, value: str) -> str:
        return graph.node(operation, [value], **attributes)
    return write


def leaky_relu(graph: Graph, layer, value: str) -> str:
    """x where x > 0, else slope * x (primitives: onnxruntime has no float64 LeakyRelu)."""
    negative = graph.node("Mul", [graph.constant(layer.slope), value])
    positive = graph.node("Greater", [value, graph.constant(0.0)])
    return graph.node("Where", [positive, value, negative])


def elu(graph: Graph, layer, value: str) -> str:
    """x where x > 0, else alpha * (exp(min(x, 0)) - 1) (onnxruntime has no float64 Elu)."""
    below = graph.node("Min", [value, graph.constant(0.0)])
    excess = graph.node("Sub", [graph.node("Exp", [below]), graph.constant(1.0)])
    negative = graph.node("Mul", [graph.constant(layer.alpha), excess])
    positive = graph.node("Greater", [value, graph.constant(0.0)])
    return graph.node("Where", [positive, value, negative])


LAYER_WRITERS = {
    layers.Dense: dense, layers.Dropout: passing, Standardize: standardize,
    BatchNormalization: batch_normalization, activations.Identity: passing,
    activations.Sigmoid: simple("Sigmoid"), activations.Tanh: simple("Tanh"),
    activations.ReLU: simple("Relu"), activations.Softmax: simple("Softmax", axis=-1),
    activations.LeakyReLU: leaky_relu, activations.ELU: elu, activations.Softplus: softplus,
    activations.GELU: gelu,
}


def probabilities(graph: Graph, loss, logits: str) -> str:
    """What ``loss.probabilities`` computes: softmax, sigmoid or nothing."""
    if isinstance(loss, losses.SoftmaxCrossEntropy):
        return graph.node("Softmax", [logits], axis=-1)
    if isinstance(loss, losses.BinaryCrossEntropy):
        return graph.node("Sigmoid", [logits]) if loss.from_logits else logits
    raise ValueError(f"cannot export the probabilities of a classifier trained with "
                     f"{loss!r:.80}: ONNX export knows SoftmaxCrossEntropy and "
                     f"BinaryCrossEntropy")


def label_constant(graph: Graph, labels: list) -> tuple[str, np.dtype]:
    """The class labels as a tensor: int64 when all are whole numbers, else strings."""
    if all(isinstance(label, int | np.integer) and not isinstance(label, bool)
           for label in labels):
        return graph.constant(labels, dtype=np.int64), np.dtype(np.int64)
    strings = np.array([str(label) for label in labels], dtype=object)
    return graph.constant(strings, dtype=object), np.dtype(object)


def answer_nodes(graph: Graph, model, outputs: str) -> dict[str, tuple]:
    """A Model's answers from the network's outputs, name -> (value, dtype, shape); see
    ``onnx_export``."""
    width = model.outputs
    if model.task == "regression":
        if model.target_scaling is not None:
            scale = graph.constant(model.target_scaling["scale"])
            mean = graph.constant(model.target_scaling["mean"])
            outputs = graph.node("Add", [graph.node("Mul", [outputs, scale]), mean])
        if width == 1:
            outputs = graph.node("Reshape", [outputs, graph.constant([-1], dtype=np.int64)])
        return {"predictions": (outputs, graph.dtype, [None] if width == 1 else [None, width])}
    chances = probabilities(graph, model.loss, outputs)
    if model.task == "multilabel":
        above = graph.node("Greater", [chances, graph.constant(0.5)])
        labels = graph.node("Cast", [above], to=graph.onnx.TensorProto.INT64)
        return {"probabilities": (chances, graph.dtype, [None, width]),
                "labels": (labels, np.dtype(np.int64), [None, width])}
    if width == 1:
        complement = graph.node("Sub", [graph.constant(1.0), chances])
        chances = graph.node("Concat", [complement, chances], axis=1)
    best = graph.node("ArgMax", [chances], axis=1, keepdims=0)
    table, label_type = label_constant(graph, model.class_labels)
    return {"probabilities": (chances, graph.dtype, [None, len(model.class_labels)]),
            "labels": (graph.node("Gather", [table, best]), label_type, [None])}
