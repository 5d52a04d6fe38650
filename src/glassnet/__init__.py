"""glassnet: a see-through neural-network library; every weight, gradient and update is numpy.

This module only re-exports the public API.
"""

from glassnet.accelerator import get_accelerator, set_accelerator
from glassnet.activations import (
    ELU,
    GELU,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from glassnet.callbacks import Callback, EarlyStopping, ProgressBar
from glassnet.checkpoints import CSVLogger, ModelCheckpoint
from glassnet.diagnostics import Diagnostics
from glassnet.flat import parameters_to_vector, vector_to_parameters
from glassnet.gradcheck import check_gradients, numerical_gradient
from glassnet.initializers import glorot_uniform, he_normal, uniform_symmetric, zeros
from glassnet.layers import Dense, Dropout
from glassnet.losses import (
    BinaryCrossEntropy,
    Huber,
    MeanAbsoluteError,
    SoftmaxCrossEntropy,
    SquaredError,
)
from glassnet.metrics import accuracy, mean_absolute_error, mean_squared_error
from glassnet.model import Model
from glassnet.network import Sequential, mlp
from glassnet.normalization import BatchNormalization
from glassnet.onnx_export import export_onnx
from glassnet.optimizers import SGD, Adam, GradientDescent
from glassnet.preprocessing import ColumnEncoder, Standardize
from glassnet.rate_finder import LearningRateFinder
from glassnet.registry import register
from glassnet.schedules import (
    Constant,
    ExponentialDecay,
    InverseScaling,
    ReduceOnPlateau,
    StepDecay,
)
from glassnet.serialization import ModelFileError, load, save
from glassnet.solvers import fit_lbfgs
from glassnet.sums import batch_sums
from glassnet.training import History, TrainingDiverged, fit
from glassnet.tutorial import NeuralNetwork
from glassnet.version import __version__

__all__ = [
    "register", "__version__",
    "SGD", "Adam", "BinaryCrossEntropy", "Callback", "Dense", "GradientDescent", "History",
    "Identity", "LeakyReLU", "NeuralNetwork", "ProgressBar", "ReLU", "Sequential", "Sigmoid",
    "Softmax", "SoftmaxCrossEntropy", "SquaredError", "Tanh", "accuracy", "check_gradients",
    "fit", "glorot_uniform", "he_normal", "mean_squared_error", "mlp", "numerical_gradient",
    "uniform_symmetric", "zeros",
    "ColumnEncoder", "Model", "ModelFileError", "Standardize", "load", "save",
    "Constant", "Diagnostics", "Dropout", "ELU", "EarlyStopping", "ExponentialDecay", "GELU",
    "Huber", "InverseScaling", "MeanAbsoluteError", "ReduceOnPlateau", "Softplus", "StepDecay",
    "TrainingDiverged", "fit_lbfgs", "mean_absolute_error",
    "BatchNormalization", "CSVLogger", "LearningRateFinder", "ModelCheckpoint", "export_onnx",
    "batch_sums", "parameters_to_vector", "vector_to_parameters",
    "get_accelerator", "set_accelerator",
]
