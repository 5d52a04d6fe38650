"""The one atomic writer and the same-file check (files.py)."""

import errno
import os
import stat

import pytest

from glassnet.files import (
    NotRegularFileError,
    check_output_path,
    same_file,
    write_atomically,
)


def leftovers(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


@pytest.mark.parametrize("data, expected", [(b"\x00bytes", b"\x00bytes"),
                                            ("text é", "text é".encode()),
                                            (lambda file: file.write(b"callable"), b"callable")])
def test_writes_bytes_text_and_callables(tmp_path, data, expected):
    target = tmp_path / "out.bin"
    write_atomically(target, data)
    assert target.read_bytes() == expected
    assert leftovers(tmp_path) == []


def test_replaces_a_regular_file_and_keeps_its_permission_bits(tmp_path):
    target = tmp_path / "model.bin"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_mode_of_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        write_atomically(tmp_path / "new.bin", b"x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.bin").stat().st_mode) == 0o666 & ~umask


def test_refuses_a_fifo_and_leaves_it_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFileError, match="FIFO"):
        write_atomically(fifo, b"x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert leftovers(tmp_path) == []


def test_refuses_a_symlink_and_leaves_it_and_its_target_alone(tmp_path):
    (tmp_path / "real").write_bytes(b"keep")
    os.symlink(tmp_path / "real", tmp_path / "link")
    with pytest.raises(NotRegularFileError, match="symbolic link"):
        write_atomically(tmp_path / "link", b"x")
    assert os.path.islink(tmp_path / "link")
    assert (tmp_path / "real").read_bytes() == b"keep"


def test_refuses_a_folder(tmp_path):
    (tmp_path / "folder").mkdir()
    with pytest.raises(NotRegularFileError, match="folder"):
        write_atomically(tmp_path / "folder", b"x")
    assert check_output_path(tmp_path / "absent") is None


def test_a_symlink_planted_at_a_guessable_temporary_name_is_not_followed(tmp_path):
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    for guess in (".out.csv.tmp", "out.csv.tmp", ".out.csv.tmp.tmp"):
        os.symlink(victim, tmp_path / guess)
    write_atomically(tmp_path / "out.csv", b"a,b\n")
    assert victim.read_bytes() == b"precious"
    assert (tmp_path / "out.csv").read_bytes() == b"a,b\n"


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"),
                                     KeyboardInterrupt()])
def test_a_full_disk_or_ctrl_c_leaves_no_temporary_file_and_the_old_file_intact(tmp_path,
                                                                             failure):
    target = tmp_path / "model.bin"
    target.write_bytes(b"old")

    def writer(file):
        file.write(b"half")
        raise failure

    with pytest.raises(type(failure)):
        write_atomically(target, writer)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["model.bin"]


def test_a_missing_folder_is_an_os_error_naming_the_file_asked_for(tmp_path):
    target = tmp_path / "no" / "such.bin"
    with pytest.raises(FileNotFoundError) as caught:
        write_atomically(target, b"x")
    assert caught.value.filename == str(target) and ".tmp" not in str(caught.value)


def test_refuses_data_of_another_type(tmp_path):
    with pytest.raises(TypeError, match="data must be"):
        write_atomically(tmp_path / "x", 12)
    assert os.listdir(tmp_path) == []


def test_same_file_sees_through_links_not_spellings(tmp_path, monkeypatch):
    data = tmp_path / "d.csv"
    data.write_text("a\n")
    os.link(data, tmp_path / "hard.csv")
    os.symlink(data, tmp_path / "soft.csv")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert same_file(data, "../d.csv")
    assert same_file(data, tmp_path / "hard.csv")
    assert same_file(tmp_path / "soft.csv", data)
    other = tmp_path / "other.csv"
    other.write_text("a\n")
    assert not same_file(data, other)


def test_two_new_names_are_the_same_when_they_lead_to_the_same_place(tmp_path, monkeypatch):
    os.symlink(tmp_path, tmp_path / "alias")
    monkeypatch.chdir(tmp_path)
    assert same_file("new.png", tmp_path / "alias" / "new.png")
    assert not same_file("new.png", "new.svg")
