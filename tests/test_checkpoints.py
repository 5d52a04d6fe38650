"""ModelCheckpoint (every epoch, best only, {epoch} in the path, a Model with its labels) and
CSVLogger (parsed back, rewritten atomically), on a small real training run."""

from __future__ import annotations

import csv
import os

import numpy as np
import pytest

from glassnet import Adam, Callback, Model, SoftmaxCrossEntropy, fit, load, mlp
from glassnet.checkpoints import CSVLogger, ModelCheckpoint


def blobs(rng, rows=60):
    labels = rng.integers(0, 3, rows)
    inputs = rng.standard_normal((rows, 2)) + 3 * np.eye(3)[labels][:, :2]
    return inputs, labels


def train(rng, callbacks, epochs=4):
    inputs, labels = blobs(rng)
    network = mlp([2, 8, 3], rng=rng)
    history = fit(network, inputs, labels, SoftmaxCrossEntropy(), Adam(0.05), epochs=epochs,
                  batch_size=16, validation_split=0.25, rng=rng, callbacks=callbacks)
    return network, inputs, history


def test_checkpoint_every_epoch_with_epoch_in_the_name(tmp_path, rng):
    checkpoint = ModelCheckpoint(tmp_path / "model-{epoch:02d}.glassnet")
    network, inputs, _ = train(rng, [checkpoint])
    names = sorted(os.listdir(tmp_path))
    assert names == [f"model-{epoch:02d}.glassnet" for epoch in range(1, 5)]
    assert checkpoint.saved == [str(tmp_path / name) for name in names]
    last = load(tmp_path / "model-04.glassnet")
    np.testing.assert_array_equal(last.network.predict(inputs), network.predict(inputs))
    first = load(tmp_path / "model-01.glassnet")
    assert not np.array_equal(first.network.predict(inputs), network.predict(inputs))


def test_checkpoint_best_only_keeps_the_best_epoch(tmp_path, rng):
    path = tmp_path / "best.glassnet"
    checkpoint = ModelCheckpoint(path, monitor="val_loss", save_best_only=True)
    network, inputs, history = train(rng, [checkpoint], epochs=6)
    best = int(np.argmin(history["val_loss"])) + 1
    assert checkpoint.best_epoch == best
    assert len(checkpoint.saved) == sum(
        value < min(history["val_loss"][:index], default=np.inf)
        for index, value in enumerate(history["val_loss"]))
    assert os.listdir(tmp_path) == ["best.glassnet"]  # no temporary file left behind
    if best == 6:
        np.testing.assert_array_equal(load(path).network.predict(inputs),
                                      network.predict(inputs))


def test_checkpoint_saves_the_model_with_its_labels(tmp_path, rng):
    inputs, labels = blobs(rng)
    network = mlp([2, 8, 3], rng=rng)
    model = Model(network, loss=SoftmaxCrossEntropy(), task="classification",
                  class_labels=["a", "b", "c"])
    fit(network, inputs, labels, model.loss, Adam(0.05), epochs=2, batch_size=16,
        callbacks=[ModelCheckpoint(tmp_path / "m.glassnet", model=model)])
    loaded = load(tmp_path / "m.glassnet")
    assert loaded.class_labels == ["a", "b", "c"]
    np.testing.assert_array_equal(loaded.predict(inputs), model.predict(inputs))


def test_checkpoint_refuses_bad_paths_and_unrecorded_keys(tmp_path, rng):
    with pytest.raises(ValueError, match="not a valid format string"):
        ModelCheckpoint(tmp_path / "model-{epoch.glassnet")
    with pytest.raises(ValueError, match="may only name recorded values"):
        ModelCheckpoint(tmp_path / "model-{0}.glassnet")
    with pytest.raises(ValueError, match=r"names \['val_acuracy'\], which the epoch did not"):
        train(rng, [ModelCheckpoint(tmp_path / "{val_acuracy}.glassnet")], epochs=1)
    with pytest.raises(ValueError, match="monitors 'val_f1', which was not recorded"):
        train(rng, [ModelCheckpoint(tmp_path / "m.glassnet", monitor="val_f1",
                                    save_best_only=True)], epochs=1)


def test_checkpoint_refuses_to_replace_a_symlink(tmp_path, rng):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (tmp_path / "link.glassnet").symlink_to(target)
    with pytest.raises(OSError, match="symbolic link"):
        train(rng, [ModelCheckpoint(tmp_path / "link.glassnet")], epochs=1)
    assert target.read_text() == "keep me"


def test_csv_logger_parses_back_to_the_history(tmp_path, rng):
    path = tmp_path / "log.csv"
    _, _, history = train(rng, [CSVLogger(path)], epochs=3)
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 3 and list(rows[0]) == history.keys()
    for row, record in zip(rows, history.records, strict=True):
        assert {key: float(value) for key, value in row.items()} == record
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_csv_logger_rewrites_each_fit_and_checks_its_separator(tmp_path, rng):
    path = tmp_path / "log.tsv"
    train(rng, [CSVLogger(path, separator="\t")], epochs=3)
    train(rng, [CSVLogger(path, separator="\t")], epochs=2)
    lines = path.read_text().splitlines()
    assert len(lines) == 3 and lines[0].startswith("epoch\tloss\t")
    with pytest.raises(ValueError, match="separator must be one character"):
        CSVLogger(path, separator=",,")


def test_a_folder_as_output_is_refused_before_any_training(tmp_path, rng):
    (tmp_path / "folder").mkdir()
    seen = []

    class Count(Callback):
        def on_epoch_end(self, state):
            seen.append(state.epoch)

    for callback in (CSVLogger(tmp_path / "folder"), ModelCheckpoint(tmp_path / "folder")):
        with pytest.raises(OSError, match="is a folder"):
            train(rng, [callback, Count()], epochs=1)
    assert seen == []
