"""History: round trips through dict, JSON and CSV with one encoding for nan and infinity,
and refusal of bad data."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest

from glassnet.history import History


def test_history_round_trips_through_dict_json_and_csv(tmp_path):
    history = History([{"epoch": 1, "loss": 0.5, "val_loss": math.nan, "time": 0.1},
                       {"epoch": 2, "loss": 0.25, "val_loss": math.inf, "time": 0.1,
                        "layers.0.weight_norm": 3.0}], stopped_early=True)
    history.to_json(tmp_path / "history.json")
    text = (tmp_path / "history.json").read_text()
    assert '"nan"' in text and '"inf"' in text and "NaN" not in text  # strict JSON
    back = History.from_json(tmp_path / "history.json")
    assert back.stopped_early and not back.interrupted
    assert back["loss"] == [0.5, 0.25] and back["epoch"] == [1, 2]
    assert math.isnan(back["val_loss"][0]) and back["val_loss"][1] == math.inf
    assert math.isnan(back["layers.0.weight_norm"][0])  # absent in epoch 1
    assert json.loads(json.dumps(history.to_dict(), allow_nan=True))["records"][0]["loss"] == 0.5
    # One encoding (issue 10): to_dict is strict JSON with the strings; null reads as nan.
    assert history.to_dict()["records"][0]["val_loss"] == "nan"
    assert history.to_dict()["records"][1]["val_loss"] == "inf"
    assert json.dumps(history.to_dict(), allow_nan=False)
    old_file = History.from_dict({"records": [{"epoch": 1, "learning_rate": None}]})
    assert math.isnan(old_file["learning_rate"][0])
    assert History.from_dict(history.to_dict()).to_dict() == history.to_dict()
    history.to_csv(tmp_path / "history.csv")
    with open(tmp_path / "history.csv", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["epoch", "loss", "val_loss", "time", "layers.0.weight_norm"]
    assert rows[1] == ["1", "0.5", "nan", "0.1", ""] and float(rows[2][1]) == 0.25

def test_history_lookups_repr_and_value_types():
    history = History([{"epoch": 1, "loss": 2.0}, {"epoch": 2, "loss": -math.inf, "acc": 0.5}])
    assert history.epochs == len(history) == 2 and "acc" in history and "val" not in history
    assert history.keys() == ["epoch", "loss", "acc"] and math.isnan(history["acc"][0])
    assert repr(history) == "History(epochs=2, last={'epoch': 2, 'loss': -inf, 'acc': 0.5})"
    assert repr(History()) == "History(epochs=0, last={})"
    with pytest.raises(KeyError, match=r"history has no 'val_loss'; it has \['epoch', 'loss'"):
        history["val_loss"]
    assert history.to_dict()["records"][1]["loss"] == "-inf"
    assert History.from_dict(history.to_dict())["loss"] == [2.0, -math.inf]
    numpy_values = History([{"epoch": np.int64(3), "loss": np.float32(0.5)}]).to_dict()
    assert numpy_values["records"] == [{"epoch": 3, "loss": 0.5}]
    assert type(numpy_values["records"][0]["epoch"]) is int
    with pytest.raises(ValueError, match="history value 'flag' must be a number, got True"):
        History([{"flag": True}]).to_dict()


@pytest.mark.parametrize(("data", "message"), [
    ([], "data must be a dict"),
    ({"records": [1]}, r"data\['records'\]\[0\] must be a dict"),
    ({"records": [{"loss": "low"}]}, "history value 'loss' must be a number"),
    ({"records": [{"": 1.0}]}, "history keys must be non-empty strings"),
    ({"records": [{3: 1.0}]}, "history keys must be non-empty strings, got 3"),
    ({"records": [], "stopped_early": 1}, "data\\['stopped_early'\\] must be true or false"),
    ({"records": [], "interrupted": "yes"}, "data\\['interrupted'\\] must be true or false"),
])
def test_history_from_dict_refuses_bad_data(data, message):
    with pytest.raises(ValueError, match=message):
        History.from_dict(data)


def test_a_history_read_without_its_flags_was_neither_stopped_nor_interrupted():
    history = History.from_dict({"records": [{"epoch": 1, "loss": 0.5}]})
    assert history.stopped_early is False and history.interrupted is False


def test_history_repr_shows_the_last_of_several_epochs():
    history = History([{"epoch": 1, "loss": 3.0}, {"epoch": 2, "loss": 2.0},
                       {"epoch": 3, "loss": 1.0}])
    assert repr(history) == "History(epochs=3, last={'epoch': 3, 'loss': 1.0})"
