"""The page's commands to the server, each a small JSON object with an ``action``.

    {"action": "play"} / "pause" / "reset" / {"action": "step", "epochs": 1}
    {"action": "settings", "settings": {"dataset": "xor", ...}, "csv": {...}}
    {"action": "rewind", "epoch": 12}
    {"action": "edit", "layer": 1, "source": 0, "unit": 2, "value": 0.5, "bias": false}
    {"action": "neuron", "layer": 1, "unit": 2} / {"action": "weight", ...}
    {"action": "code"} / {"action": "gradcheck"} / {"action": "csv_columns", "text": "..."}

Every value is checked here; none is used as a path, a name to import or code to run.
"""

from __future__ import annotations

import csv
import io

from glassnet.playground import views

CSV_KEYS = ("text", "x_column", "y_column", "target_column")


def whole(command: dict, key: str, low: int = 0, high: int = 10**6) -> int:
    value = command.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{key} must be a whole number from {low} to {high}, got {value!r:.40}")
    return value


def run(server, command: dict) -> dict:
    """Carry out ``command`` on ``server`` (a Playground) and return the answer."""
    action, engine = command.get("action"), server.engine
    if action in ("play", "pause"):
        server.playing = action == "play" and engine.problem is None
        return {"playing": server.playing}
    if action == "step":
        server.playing = False
        engine.step(whole(command, "epochs", 1, 100000))
    elif action == "reset":
        server.playing = False
        engine.reset()
    elif action == "settings":
        server.playing = False
        settings = command.get("settings", {})
        if not isinstance(settings, dict):
            raise ValueError("settings must be an object of names and values")
        engine.update(settings, csv_settings(command.get("csv")))
    elif action == "rewind":
        server.playing = False
        engine.rewind(whole(command, "epoch"))
    elif action == "edit":
        return edit(engine, command)
    elif action == "neuron":
        return views.neuron(engine, whole(command, "layer", 1, 7), whole(command, "unit", 0, 8))
    elif action == "weight":
        return views.weight(engine, whole(command, "layer", 1, 7),
                            whole(command, "source", 0, 8), whole(command, "unit", 0, 8))
    elif action == "code":
        return {"code": views.code(engine)}
    elif action == "gradcheck":
        return views.gradient_check(engine)
    elif action == "csv_columns":
        return {"columns": csv_columns(command.get("text"))}
    else:
        raise ValueError(f"unknown action {action!r:.40}")
    return {"epoch": engine.epoch}


def edit(engine, command: dict) -> dict:
    value = command.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"value must be a number, got {value!r:.40}")
    layer = whole(command, "layer", 1, 7)
    dense = views.dense_indices(engine.network)
    if layer > len(dense):
        raise ValueError(f"layer must be between 1 and {len(dense)}, got {layer}")
    unit = whole(command, "unit", 0, 8)
    if command.get("bias"):
        engine.set_weight(f"layers.{dense[layer - 1]}.bias", (unit,), float(value))
    else:
        engine.set_weight(f"layers.{dense[layer - 1]}.weights",
                          (whole(command, "source", 0, 8), unit), float(value))
    return {"epoch": engine.epoch}


def csv_settings(given) -> dict | None:
    """The CSV text and the three chosen column names, or None."""
    if given is None:
        return None
    if not isinstance(given, dict) or set(given) != set(CSV_KEYS) or \
            not all(isinstance(given[key], str) for key in CSV_KEYS):
        raise ValueError(f"csv must be an object with the texts {', '.join(CSV_KEYS)}")
    return {key: given[key] for key in CSV_KEYS}


def csv_columns(text) -> list[str]:
    if not isinstance(text, str) or not text.strip():
        raise ValueError("the CSV is empty")
    header = next(csv.reader(io.StringIO(text[:100_000])), [])
    return [name for name in header if name][:50]
