"""The model file's container (modelfile.py) refusing crafted archives that zipfile itself
would read: a member twice, no manifest, a member without its local header, a directory
that is no zip, a format version that is no whole number >= 1, and the member count at and
just over its limit. More damaged files are in test_model_file_corpus.py."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile

import pytest
from builders import stored_zip

from glassnet.model import Model
from glassnet.modelfile import DIGEST_PREFIX, MAX_MEMBERS
from glassnet.network import mlp
from glassnet.serialization import ModelFileError, describe, load, pack


def with_digest(body: bytes) -> bytes:
    comment = DIGEST_PREFIX + hashlib.sha256(body).hexdigest().encode()
    return body + len(comment).to_bytes(2, "little") + comment


@pytest.fixture(scope="module")
def members() -> list[tuple[str, bytes]]:
    data = pack(*describe(Model(mlp([2, 1], rng=0))))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def refused(tmp_path, data: bytes, message: str):
    path = tmp_path / "crafted.glassnet"
    path.write_bytes(data)
    with pytest.raises(ModelFileError) as caught:
        load(path)
    assert str(caught.value) == f"{path}: {message}"


def test_the_hand_written_archive_loads(members, tmp_path):
    path = tmp_path / "m.glassnet"
    path.write_bytes(with_digest(stored_zip(members)))
    assert load(path).network.in_features == 2


def test_a_member_written_twice_is_refused(members, tmp_path):
    refused(tmp_path, with_digest(stored_zip([*members, members[1]])),
            f"member {members[1][0]!r} appears twice")


def test_an_archive_without_a_manifest_is_refused(members, tmp_path):
    refused(tmp_path, with_digest(stored_zip(members[1:])),
            "no manifest.json: not a glassnet model file")


def test_a_member_without_its_local_header_is_refused(members, tmp_path):
    body = bytearray(stored_zip(members))
    second = body.find(b"PK\x03\x04", 1)
    body[second:second + 4] = b"XX\x03\x04"
    refused(tmp_path, with_digest(bytes(body)),
            f"member {members[1][0]!r} has no local header at byte {second}")


def test_an_end_record_without_a_directory_is_not_a_zip_archive(tmp_path):
    end = struct.pack("<4s4H2L", b"PK\x05\x06", 0, 0, 1, 1, 46, 0)
    refused(tmp_path, with_digest(b"\0" * 10 + end),
            "not a glassnet model file: not a zip archive (another kind of file, or "
            "truncated)")


@pytest.mark.parametrize("version", [0, -1, True, "1", 1.0, None, [1]])
def test_a_format_version_that_is_no_whole_number_from_1_is_refused(members, tmp_path,
                                                                    version):
    manifest = json.loads(members[0][1])
    manifest["format_version"] = version
    changed = [("manifest.json", json.dumps(manifest).encode()), *members[1:]]
    refused(tmp_path, with_digest(stored_zip(changed)),
            f"format_version must be a whole number >= 1, got {version!r}")


def test_exactly_the_most_members_passes_the_count_and_one_more_does_not(members, tmp_path):
    strays = [(f"stray{index}", b"") for index in range(MAX_MEMBERS - len(members))]
    path = tmp_path / "many.glassnet"
    path.write_bytes(with_digest(stored_zip([*members, *strays])))
    with pytest.raises(ModelFileError, match=f"{len(strays)} unexpected member\\(s\\)"):
        load(path)
    refused(tmp_path, with_digest(stored_zip([*members, *strays, ("one more", b"")])),
            f"the archive holds {MAX_MEMBERS + 1} members, more than the {MAX_MEMBERS} a "
            f"glassnet model file can have")
