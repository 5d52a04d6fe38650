"""An optional accelerator: the optimizers' steps and the layers' glue compiled by numba.

numpy runs Adam's step as eleven whole-vector passes (``optimizer_steps.adam_step``), each reading
and writing every number again; compiled, the same operations go element by element in one
loop, so each number is read and written once. The formulas, their order and their rounding
are numpy's: every scalar is cast to the vectors' dtype first, as numpy casts a Python float,
and nothing is fused or reordered, so the compiled step gives the numpy step's numbers bit
for bit (tests hold it so, for float32 and float64).

    import glassnet
    glassnet.set_accelerator("numba")   # needs numba: pip install "glassnet[fast]"
    glassnet.set_accelerator(None)      # back to numpy, the default and the reference

The same holds for the passes between a Dense layer's products and its activation's:
``fit`` then runs a network of Dense layers and ReLU as fused pairs (``fused_layers``), bias
and ReLU in one compiled pass, ReLU's derivative and the bias gradient in another
(``compiled_layers``), bit for bit the layers' numbers; and the default SoftmaxCrossEntropy
makes its value and gradient in one go (``fused_loss``, ``compiled_loss``), bit for bit.

The numpy functions stay the reference and the default; ``twin(function)`` hands the
optimizers, ``fused_layers`` and ``fused_loss`` the compiled twin of one only while an
accelerator is set, and only for arrays of float32 or float64. ``set_accelerator("numba")``
imports ``compiled_steps``, ``compiled_layers`` and ``compiled_loss``, which compile the
loops for both dtypes (a few seconds the first time, then read from numba's cache), so no
training step waits for the compiler. numba is imported only there.
"""

from __future__ import annotations

import importlib

import numpy as np

ACCELERATORS = ("numba",)
SETTING = {"name": None, "twins": {}}


def set_accelerator(name: str | None) -> None:
    """Run the optimizers' flat steps compiled by ``name`` ("numba"), or by numpy (None)."""
    if name is None:
        SETTING.update(name=None, twins={})
        return
    if name not in ACCELERATORS:
        raise ValueError(f"unknown accelerator {name!r}; choose from {list(ACCELERATORS)} "
                         "or None")
    try:
        compiled_steps = importlib.import_module("glassnet.compiled_steps")
        compiled_layers = importlib.import_module("glassnet.compiled_layers")
        compiled_loss = importlib.import_module("glassnet.compiled_loss")
    except ImportError as error:  # numba missing or broken
        raise ImportError(f"the accelerator 'numba' needs numba ({error}); install it with "
                          "pip install \"glassnet[fast]\"") from error
    SETTING.update(name=name, twins={**compiled_steps.twins(), **compiled_layers.twins(),
                                           **compiled_loss.twins()})


def get_accelerator() -> str | None:
    """The accelerator set (``"numba"``), or None when numpy runs every step."""
    return SETTING["name"]


def twin(function):
    """``function``'s compiled twin while an accelerator is set, else ``function``. The twin
    takes the same arguments and falls back to ``function`` for other dtypes."""
    return SETTING["twins"].get(function.__name__, function)


def compilable(arrays: tuple[np.ndarray, ...], scalars: tuple = ()) -> bool:
    """Whether the compiled loops give numpy's numbers for these arrays and scalars: arrays
    1-D, contiguous, all float32 or all float64; scalars Python numbers (numpy casts them to
    the arrays' dtype) or numpy scalars of that dtype. Anything else goes to numpy (a
    float64 numpy scalar, say, makes numpy compute a float32 vector's step in float64)."""
    dtype = arrays[0].dtype
    return dtype in (np.float32, np.float64) and all(
        array.dtype == dtype and array.ndim == 1 and array.flags.c_contiguous
        for array in arrays) and all(
        type(scalar) in (float, int) or (isinstance(scalar, np.generic)
                                          and scalar.dtype == dtype)
        for scalar in scalars)
