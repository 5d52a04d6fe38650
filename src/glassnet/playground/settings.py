"""The playground's settings: every choice on the page, as the URL carries it.

``parse_settings(query)`` turns text values (from the URL or the page) into checked
settings, each bounded as TensorFlow Playground bounds it; unknown keys are refused by name.
``PRESETS`` are named starting points, the seed tutorial's neuron first. Standard library only.
"""

from __future__ import annotations

import math

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
LOSSES = ("squared", "crossentropy")
DATASETS = ("circle", "xor", "gauss", "spiral", "blobs", "plane", "multigauss", "tutorial",
            "csv")
FEATURE_NAMES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")

DEFAULTS = {
    "dataset": "circle", "noise": 0.0, "train": 50.0, "batch": 10, "rate": 0.03,
    "activation": "tanh", "activations": "", "l1": 0.0, "l2": 0.0, "layers": "4,2",
    "features": "x1,x2", "seed": 1, "loss": "squared", "dropout": 0.0, "points": 500,
    "discretize": 0, "lang": "en",
}

PRESETS = {
    "tutorial": {"dataset": "tutorial", "layers": "", "rate": 1.0, "batch": 4,
                 "activation": "sigmoid", "loss": "squared", "seed": 1, "train": 100.0},
    "xor": {"dataset": "xor", "layers": "4", "activation": "tanh", "rate": 0.03},
    "spiral": {"dataset": "spiral", "layers": "8,8,4", "activation": "tanh", "rate": 0.03,
               "features": "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2"},
    "softmax": {"dataset": "blobs", "layers": "4", "loss": "crossentropy", "rate": 0.1},
    "regression": {"dataset": "multigauss", "layers": "8,4", "rate": 0.01},
}

BOUNDS = {"noise": (0, 50), "train": (10, 100), "batch": (1, 500), "rate": (1e-5, 10.0),
          "l1": (0, 10.0), "l2": (0, 10.0), "seed": (0, 2**31 - 1), "dropout": (0, 0.9),
          "points": (4, 2000), "discretize": (0, 1)}
INTEGERS = ("batch", "seed", "points", "discretize")
CHOICES = {"activation": ACTIVATIONS, "loss": LOSSES, "dataset": DATASETS,
           "lang": ("en", "zh")}


def parse_settings(query: dict, base: dict | None = None) -> dict:
    """Settings from ``query`` ({key: text or value}) over ``base`` (the defaults); a
    ``preset`` key applies that preset first. ValueError names the key and the value."""
    settings = dict(DEFAULTS if base is None else base)
    query = dict(query)
    preset = query.pop("preset", None)
    if preset:
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
        view = {key: settings[key] for key in ("lang", "discretize")}  # how the page looks
        settings = {**DEFAULTS, **PRESETS[preset], **view}
    for key, value in query.items():
        if key not in DEFAULTS:
            raise ValueError(f"unknown setting {key!r}")
        settings[key] = parse_value(key, value)
    return settings


def parse_value(key: str, value):
    text = str(value).strip()[:200]
    if key in CHOICES:
        if text not in CHOICES[key]:
            raise ValueError(f"{key} must be one of {', '.join(CHOICES[key])}, got {text!r}")
        return text
    if key == "layers":
        return ",".join(str(width) for width in hidden_widths(text))
    if key == "features":
        names = [name for name in text.split(",") if name]
        if not names or any(name not in FEATURE_NAMES for name in names):
            raise ValueError(f"features must be some of {', '.join(FEATURE_NAMES)}, got "
                             f"{text!r}")
        return ",".join(dict.fromkeys(names))
    if key == "activations":
        names = [name for name in text.split(",") if name]
        if any(name not in ACTIVATIONS for name in names):
            raise ValueError(f"activations must be among {', '.join(ACTIVATIONS)}, got "
                             f"{text!r}")
        return ",".join(names)
    return bounded_number(key, text)


def bounded_number(key: str, text: str):
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{key} must be a number, got {text!r}") from None
    low, high = BOUNDS[key]
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"{key} must be between {low} and {high}, got {text!r}")
    if key in INTEGERS:
        if number != int(number):
            raise ValueError(f"{key} must be a whole number, got {text!r}")
        return int(number)
    return number


def hidden_widths(text: str) -> list[int]:
    """'4,2' -> [4, 2]: 0 to 6 hidden layers of 1 to 8 neurons."""
    parts = [part for part in str(text).split(",") if part.strip()]
    try:
        widths = [int(part) for part in parts]
    except ValueError:
        raise ValueError(f"layers must be widths like 4,2, got {text!r}") from None
    if len(widths) > 6 or any(not 1 <= width <= 8 for width in widths):
        raise ValueError(f"layers: 0 to 6 hidden layers of 1 to 8 neurons, got {text!r}")
    return widths


def layer_activations(settings: dict) -> list[str]:
    """The activation of each hidden layer: the per-layer list, filled with the default."""
    widths = hidden_widths(settings["layers"])
    chosen = [name for name in settings["activations"].split(",") if name]
    return [chosen[i] if i < len(chosen) else settings["activation"]
            for i in range(len(widths))]
