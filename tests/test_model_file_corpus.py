"""A corpus of damaged, tampered and foreign model files: every one is refused with
ModelFileError (pytest.raises lets any other exception fail the test), and nothing in a
file is ever executed or allowed to allocate more than the file holds."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import pickle
import tracemalloc
import zipfile

import numpy as np
import pytest
from builders import stored_zip

from glassnet.layers import Dense
from glassnet.losses import SoftmaxCrossEntropy
from glassnet.model import Model
from glassnet.modelfile import DIGEST_PREFIX
from glassnet.network import Sequential, mlp
from glassnet.preprocessing import Standardize
from glassnet.serialization import ModelFileError, describe, load, pack, pack_members, save


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A valid classification model file, its bytes, its manifest and arrays."""
    model = Model(mlp([2, 3, 3], activation="tanh", rng=0), SoftmaxCrossEntropy(),
                  "classification", ["a", "b", "c"], ["x", "y"])
    path = tmp_path_factory.mktemp("good") / "model.glassnet"
    save(model, path)
    manifest, arrays = describe(model)
    return {"path": path, "bytes": path.read_bytes(), "manifest": manifest, "arrays": arrays}


def refused(tmp_path, data: bytes, match: str | None = None) -> str:
    path = tmp_path / "bad.glassnet"
    path.write_bytes(data)
    with pytest.raises(ModelFileError, match=match) as caught:
        load(path)
    assert str(path) in str(caught.value)  # the message names the file
    return str(caught.value)


def test_the_good_file_loads(good):
    assert load(good["path"]).class_labels == ["a", "b", "c"]


def test_truncated_at_every_offset_is_refused(good, tmp_path):
    data = good["bytes"]
    for length in range(0, len(data), 7):
        refused(tmp_path, data[:length], "truncated|checksum")


def test_every_flipped_byte_is_refused(good, tmp_path):
    data = good["bytes"]
    for position in range(0, len(data), 3):
        damaged = bytearray(data)
        damaged[position] ^= 0x04
        refused(tmp_path, bytes(damaged), "checksum|truncated")


@pytest.mark.parametrize("data", [b"", b"x", b"a,b,c\n1,2,3\n", pickle.dumps([1, 2, 3]),
                                  b"PK\x05\x06" + bytes(18)])
def test_foreign_files_are_refused(data, tmp_path):
    refused(tmp_path, data, "not a glassnet model file")


def test_a_numpy_npz_file_is_refused(tmp_path):
    buffer = io.BytesIO()
    np.savez(buffer, weights=np.ones((2, 2)))
    refused(tmp_path, buffer.getvalue(), "not a glassnet model file")


def tampered(good, change) -> bytes:
    """The good model's manifest and arrays, changed, packed with a valid checksum."""
    manifest, arrays = copy.deepcopy(good["manifest"]), copy.deepcopy(good["arrays"])
    change(manifest, arrays)
    return pack(manifest, arrays)


def members_of(good) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(good["bytes"])) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


CHANGES = {
    "transposed weights": (lambda m, a: a.update({"layers.0.weights": a["layers.0.weights"].T}),
                           "declares dtype float64 and shape \\(3, 2\\).*needs"),
    "float32 weights": (lambda m, a: a.update({"layers.0.bias": a["layers.0.bias"]
                                              .astype(np.float32)}), "declares dtype float32"),
    "NaN weights": (lambda m, a: a["layers.2.weights"].__setitem__((0, 0), np.nan),
                    "NaN or infinite weights"),
    "infinite bias": (lambda m, a: a["layers.0.bias"].__setitem__(1, np.inf), "NaN or infinite"),
    "missing array": (lambda m, a: a.pop("layers.2.bias"), "layers.2.bias.npy is missing"),
    "extra array": (lambda m, a: a.update({"extra": np.ones(2)}), "unexpected member"),
    "unknown layer": (lambda m, a: m["layers"][1].update(name="os.system"),
                      "unknown layer type 'os.system'"),
    "dunder layer": (lambda m, a: m["layers"][1].update(name="__import__"), "unknown layer"),
    "unknown loss": (lambda m, a: m["loss"].update(name="eval"), "unknown loss 'eval'"),
    "widths disagree": (lambda m, a: m["layers"][2]["config"].update(in_features=4),
                        "declares dtype float64 and shape \\(3, 3\\)"),
    "bad config value": (lambda m, a: m["layers"][1].update(name="LeakyReLU",
                                                           config={"slope": 5}), "slope"),
    "config asks for rng": (lambda m, a: m["layers"][0]["config"].update(rng=0),
                            "unknown config key"),
    "newer format": (lambda m, a: m.update(format_version=99), "format version 99"),
    "foreign format": (lambda m, a: m.update(format="keras"), "not a glassnet model"),
    "missing key": (lambda m, a: m.pop("task"), "missing \\['task'\\]"),
    "bad dtype": (lambda m, a: m.update(dtype="object"), "dtype must be float32 or float64"),
    "labels disagree": (lambda m, a: m.update(class_labels=["a", "b"]), "2 labels"),
    "unknown task": (lambda m, a: m.update(task="world domination"), "task must be one of"),
    "training target not a name": (lambda m, a: m["training"].update(target={"a": 1}),
                                   "training target must be a column name, got \\{'a': 1\\}"),
    "bad history": (lambda m, a: m["history"].update(records=[{"loss": "high"}]),
                    "history records"),
    "too many feature names": (lambda m, a: m.update(feature_names=["x", "y", "z"]),
                               "3 feature names for 2"),
    "empty layers": (lambda m, a: m.update(layers=[]), "non-empty list"),
    "preprocessing without columns": (lambda m, a: m.update(preprocessing={"missing": []}),
                                      "preprocessing must be {'columns'"),
    "preprocessing with a stray key": (lambda m, a: m.update(preprocessing={
        "columns": [], "eval": "x"}), "preprocessing must be {'columns'"),
    "bias as text": (lambda m, a: m["layers"][0]["config"].update(bias="yes"),
                     "layer 0 \\(Dense\\): config bias must be true or false, got 'yes'"),
    "bias as a number": (lambda m, a: m["layers"][0]["config"].update(bias=1),
                         "config bias must be true or false, got 1"),
    "slope as text": (lambda m, a: m["layers"][1].update(name="LeakyReLU",
                                                        config={"slope": "0.1"}),
                      "layer 1 \\(LeakyReLU\\): config slope must be a number, got '0.1'"),
    "slope as a flag": (lambda m, a: m["layers"][1].update(name="LeakyReLU",
                                                          config={"slope": False}),
                        "config slope must be a number, got False"),
    "reduction as a number": (lambda m, a: m["loss"]["config"].update(reduction=5),
                              "loss \\('softmax_cross_entropy'\\): config reduction must be a "
                              "string, got 5"),
    "from_logits as text": (lambda m, a: m.update(loss={"name": "binary_cross_entropy",
                                                        "config": {"from_logits": "no"}}),
                            "config from_logits must be true or false, got 'no'"),
    "a regression with a classifier's loss": (
        lambda m, a: m.update(task="regression", class_labels=None),
        "inconsistent model: a regression model needs a loss for values .*got "
        "SoftmaxCrossEntropy"),
    "a regression with class labels": (
        lambda m, a: m.update(task="regression", loss={"name": "squared_error",
                                                       "config": {"reduction": "mean"}}),
        "a regression model has no class_labels, got \\['a', 'b', 'c'\\]"),
    "a multilabel model with softmax": (lambda m, a: m.update(task="multilabel"),
                                        "a multilabel model needs binary_cross_entropy"),
    "three classes with binary cross-entropy": (
        lambda m, a: m.update(loss={"name": "binary_cross_entropy", "config": {}}),
        "BinaryCrossEntropy has one output \\(two classes\\), got 3 outputs"),
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_tampered_manifests_and_arrays_are_refused(name, good, tmp_path):
    change, match = CHANGES[name]
    refused(tmp_path, tampered(good, change), match)


def test_layers_whose_widths_disagree_are_refused(good, tmp_path):
    def change(manifest, arrays):
        manifest["layers"][2]["config"].update(in_features=4)
        arrays["layers.2.weights"] = np.ones((4, 3))

    refused(tmp_path, tampered(good, change), "takes 4 features but the layer before gives 3")


def test_a_pickle_inside_is_never_unpickled(good, tmp_path):
    marker = tmp_path / "pickle-ran"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    members = members_of(good)
    for name in ("arrays/layers.0.weights.npy", "manifest.json"):
        changed = dict(members, **{name: pickle.dumps(Exploit())})
        refused(tmp_path, pack_members(changed))
    object_array = io.BytesIO()
    np.save(object_array, np.array([Exploit()], dtype=object), allow_pickle=True)
    changed = dict(members, **{"arrays/layers.0.weights.npy": object_array.getvalue()})
    refused(tmp_path, pack_members(changed), "declares dtype object")
    assert not marker.exists()


def test_a_header_claiming_a_huge_array_is_refused_before_allocating(good, tmp_path):
    huge = 10**6  # Dense(10^6, 10^6): 8 terabytes of float64
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                                  "shape": (huge, huge)})
    members = members_of(good)
    manifest = json.loads(members["manifest.json"])
    manifest["layers"][0]["config"].update(in_features=huge, out_features=huge)
    manifest["layers"][2]["config"].update(in_features=huge)
    members["manifest.json"] = json.dumps(manifest).encode()
    members["arrays/layers.0.weights.npy"] = header.getvalue() + bytes(64)
    tracemalloc.start()
    try:
        message = refused(tmp_path, pack_members(members), "holds 64 bytes of data")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "needs 8000000000000" in message
    assert peak < 50 * 2**20


def npy_header(text: bytes, version: bytes = b"\x01\x00") -> bytes:
    """A .npy member: magic, version, a header padded to 128 bytes, then 16 bytes of data."""
    padded = text + b" " * (118 - len(text)) + b"\n"
    return b"\x93NUMPY" + version + len(padded).to_bytes(2, "little") + padded + bytes(16)


BAD_NPY = {
    "unparsable header": (npy_header(b"\\x"), "Cannot parse header"),
    "unknown version": (npy_header(b"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2)}",
                                   b"\x03\x00"), "\\(3, 0\\)"),
    "header cut short": (b"\x93NUMPY\x01\x00\x76", "EOF"),
    "wrong magic": (b"\x93NUMPZ\x01\x00", "the magic string is not correct"),
}


@pytest.mark.parametrize("name", sorted(BAD_NPY))
def test_a_damaged_npy_header_is_named_as_such(name, good, tmp_path):
    data, detail = BAD_NPY[name]
    members = members_of(good)
    members["arrays/layers.0.weights.npy"] = data
    refused(tmp_path, pack_members(members),
            f"arrays/layers.0.weights.npy is not a valid .npy array \\(.*{detail}")


def test_compressed_members_are_refused(good, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members_of(good).items():
            archive.writestr(name, data)
    body = buffer.getvalue()[:-2]
    # the real checksum, so the zip check is hit
    comment = DIGEST_PREFIX + hashlib.sha256(body).hexdigest().encode()
    refused(tmp_path, body + len(comment).to_bytes(2, "little") + comment, "compressed")


def test_non_json_manifests_are_refused(good, tmp_path):
    members = members_of(good)
    for text in (b"\xff\xfe not utf-8", b"{", b'{"format": NaN}', b"[" * 100000):
        refused(tmp_path, pack_members(dict(members, **{"manifest.json": text})),
                "manifest.json is not valid JSON")
    refused(tmp_path, pack_members(dict(members, **{"manifest.json": b"[1, 2]"})),
            "not a glassnet model file")


# Reading stays bounded by the file: overlapping or outside members, non-regular files, huge
# listings; text from the file is escaped; values that parse but make no sense are refused.

def with_digest(body: bytes) -> bytes:
    """An archive (without its comment) given glassnet's valid checksum comment."""
    comment = DIGEST_PREFIX + hashlib.sha256(body).hexdigest().encode()
    return body + len(comment).to_bytes(2, "little") + comment


def central_entries(body: bytes) -> list[int]:
    """Offsets of the central directory records in a zip body."""
    offsets, position = [], body.find(b"PK\x01\x02")
    while position != -1:
        offsets.append(position)
        position = body.find(b"PK\x01\x02", position + 46)
    return offsets


CENTRAL_FIELDS = {"offset": (42,), "size": (20, 24)}  # local header offset; both sizes


def patched(good, record: int, field: str, value: int) -> bytes:
    """The good file with one field of central directory record ``record`` changed."""
    body = bytearray(good["bytes"][:-(len(DIGEST_PREFIX) + 64 + 2)])
    start = central_entries(bytes(body))[record]
    for position in CENTRAL_FIELDS[field]:
        body[start + position:start + position + 4] = value.to_bytes(4, "little")
    return with_digest(bytes(body))


def test_two_members_pointing_at_the_same_bytes_are_refused(good, tmp_path):
    # member 2 made to start where member 1 starts: the classic overlapping-member zip bomb
    first = zipfile.ZipFile(io.BytesIO(good["bytes"])).infolist()[1].header_offset
    message = refused(tmp_path, patched(good, 2, "offset", first), "overlaps member")
    assert len(message.splitlines()) == 1


def test_a_member_whose_size_reaches_into_the_next_one_is_refused(good, tmp_path):
    manifest_size = zipfile.ZipFile(io.BytesIO(good["bytes"])).infolist()[0].file_size
    refused(tmp_path, patched(good, 0, "size", manifest_size + 40), "overlaps member")


def test_members_outside_the_file_are_refused(good, tmp_path):
    refused(tmp_path, patched(good, 3, "offset", 2**31), "outside the archive")
    refused(tmp_path, patched(good, 4, "size", 2**30), "beyond the archive")


def test_the_hand_written_zip_is_a_zip_glassnet_reads(good, tmp_path):
    path = tmp_path / "by_hand.glassnet"
    path.write_bytes(with_digest(stored_zip(members_of(good).items())))
    assert load(path).class_labels == ["a", "b", "c"]


def test_a_hundred_thousand_stray_members_are_refused_before_the_directory_is_read(
        good, tmp_path):
    members = dict(members_of(good), **{f"stray/{index}": b"" for index in range(100_000)})
    # (zipfile itself would take seconds to parse this directory: it is refused before that)
    message = refused(tmp_path, with_digest(stored_zip(members.items())),
                      "holds 65535 or more members, more than the 10000")
    assert len(message) < 300


def test_thousands_of_stray_members_give_one_short_line(good, tmp_path):
    members = dict(members_of(good), **{f"stray/{index}": b"" for index in range(5_000)})
    message = refused(tmp_path, with_digest(stored_zip(members.items())), "5000 unexpected member")
    assert len(message) < 1000 and "\n" not in message and "and 4995 more" in message


def test_a_fifo_and_a_folder_are_refused_before_reading(tmp_path):
    import os

    fifo = tmp_path / "model.glassnet"
    os.mkfifo(fifo)  # nobody writes to it: reading it would wait for ever
    with pytest.raises(ModelFileError, match="is a FIFO, not a model file"):
        load(fifo)
    with pytest.raises(ModelFileError, match="is a folder, not a model file"):
        load(tmp_path)


def test_control_characters_from_the_file_never_reach_a_message(good, tmp_path):
    hostile = "\x1b]0;owned\x07\x1b[2J\r\n\x9b"
    for change in (lambda m, a: m["layers"][1].update(name=hostile),
                   lambda m, a: m.update(class_labels=[hostile, hostile, "c"]),
                   lambda m, a: m["layers"][1].update(name=hostile * 100_000),
                   lambda m, a: m.update(feature_names=[hostile, 5])):
        message = refused(tmp_path, tampered(good, change))
        assert not any(ord(character) < 32 or 0x7f <= ord(character) <= 0x9f
                       for character in message), repr(message)
        assert len(message) < 1000 and "\\x1b" in message


@pytest.mark.parametrize("labels, shown", [([1, "1", "c"], "1 and '1'"),
                                           ([1, 1.0, "c"], "1 and 1.0"),
                                           ([1, True, "c"], "1 and True"),
                                           (["c", "c", "d"], "'c' and 'c'")])
def test_class_labels_that_collide_are_refused(labels, shown, good, tmp_path):
    refused(tmp_path, tampered(good, lambda m, a: m.update(class_labels=labels)),
            f"class_labels holds {shown}, the same label")


def standardized_members(tmp_path) -> dict[str, bytes]:
    network = Sequential([Standardize([1.0, 2.0], [0.5, 4.0]), Dense(2, 1, rng=0)])
    save(network, tmp_path / "standardized.glassnet")
    with zipfile.ZipFile(tmp_path / "standardized.glassnet") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("scale, message", [("1e400", "scale contains a non-finite value"),
                                            ("1e-310", "scale must be a normal number")])
def test_standardize_scales_that_make_no_sense_are_refused(scale, message, tmp_path):
    members = standardized_members(tmp_path)
    text = members["manifest.json"].decode()
    assert text.count("0.5") == 1  # the first scale, replaced as JSON text (1e400 parses to inf)
    members["manifest.json"] = text.replace("0.5", scale).encode()
    refused(tmp_path, pack_members(members), f"layer 0 \\(Standardize\\).*{message}")


def test_a_target_scaling_that_does_not_fit_the_outputs_is_refused(good, tmp_path):
    scaling = {"mean": [0.0, 1.0], "scale": [1.0, 2.0]}

    def regression(manifest, arrays):
        manifest.update(task="regression", class_labels=None, target_scaling=scaling,
                        loss={"name": "squared_error", "config": {"reduction": "mean"}})

    refused(tmp_path, tampered(good, regression), "target_scaling has 2 means but the network "
                                                  "has 3 output")
    refused(tmp_path, tampered(good, lambda m, a: m.update(target_scaling=scaling)),
            "target_scaling is given for a 'classification' model")


def test_a_format_1_file_written_before_the_layer_protocol_still_loads():
    """tests/data/format1.glassnet was saved by glassnet before the model file modules were
    reorganised (Standardize, LeakyReLU(0.2), Dropout, History with a NaN)."""
    from pathlib import Path

    data = Path(__file__).parent / "data"
    model = load(data / "format1.glassnet")
    inputs = np.load(data / "format1_inputs.npy")
    np.testing.assert_array_equal(model.network.predict(inputs),
                                  np.load(data / "format1_outputs.npy"))
    assert model.network.layers[2].slope == 0.2 and model.class_labels == ["low", "mid", "high"]
    assert np.isnan(model.history["val_accuracy"][0]) and model.training == {"epochs": 3}


def test_a_manifest_over_sixteen_mebibytes_is_refused_and_one_at_the_limit_loads(good, tmp_path):
    members = members_of(good)
    manifest = members["manifest.json"]
    limit = 16 * 2**20
    at_limit = manifest + b" " * (limit - len(manifest))  # JSON allows trailing spaces
    path = tmp_path / "big.glassnet"
    path.write_bytes(pack_members(dict(members, **{"manifest.json": at_limit})))
    assert load(path).class_labels == ["a", "b", "c"]
    over = pack_members(dict(members, **{"manifest.json": at_limit + b" "}))
    refused(tmp_path, over, f"manifest.json is {limit + 1} bytes, over the {limit} limit")


def test_a_file_holding_only_a_valid_checksum_is_refused_for_having_no_archive(tmp_path):
    refused(tmp_path, with_digest(b""), "no zip end record")  # the checksum of nothing


@pytest.mark.parametrize(("flag", "match"), [(0x1, "'manifest.json' is encrypted"),
                                             (0x8, "'manifest.json' uses a data descriptor")])
def test_encrypted_members_and_data_descriptors_are_refused(flag, match, good, tmp_path):
    body = bytearray(good["bytes"][:-(len(DIGEST_PREFIX) + 64 + 2)])
    start = central_entries(bytes(body))[0] + 8  # the general purpose flags of the manifest
    body[start:start + 2] = flag.to_bytes(2, "little")
    refused(tmp_path, with_digest(bytes(body)), match)


def test_files_are_written_in_format_version_1_and_version_2_is_refused(good, tmp_path):
    # a file says which format it is in, so that an older glassnet refuses a newer file
    assert json.loads(members_of(good)["manifest.json"])["format_version"] == 1
    newer = tampered(good, lambda m, a: m.update(format_version=2))
    refused(tmp_path, newer, "format version 2 by a newer glassnet .*reads up to 1$")


def test_a_member_starting_too_close_to_the_directory_for_its_header_is_refused(good,
                                                                              tmp_path):
    end = zipfile.ZipFile(io.BytesIO(good["bytes"])).start_dir  # where the members must end
    refused(tmp_path, patched(good, 3, "offset", end - 10),
            f"starts at byte {end - 10}, outside the archive's {end} bytes")
