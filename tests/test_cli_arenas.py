"""cli/arenas.py: at most two malloc arenas for ``train --stream`` where the C library is
glibc, and nothing (no error) where it is not."""

from __future__ import annotations

import ctypes
import platform

import pytest

from glassnet.cli import arenas


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_glibc_takes_the_limit():
    assert arenas.limit_arenas() is True


def test_another_c_library_is_left_alone(monkeypatch):
    class NoMallopt:
        def __init__(self, name):
            pass

    monkeypatch.setattr(ctypes, "CDLL", NoMallopt)
    assert arenas.limit_arenas() is False


def test_the_streamed_command_sets_the_limit(tmp_path, monkeypatch, capsys):
    from cli_helpers import classification_csv, run

    calls = []
    monkeypatch.setattr("glassnet.cli.streaming.limit_arenas", lambda: calls.append(1))
    data = classification_csv(tmp_path / "species.csv", rows=60)
    code, _, err = run(capsys, "train", data, "--target", "species", "--epochs", "1",
                       "--stream", "-o", tmp_path / "model.glassnet")
    assert code == 0 and calls == [1], err
