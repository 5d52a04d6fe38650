"""fit's verbose output: silent at 0 and, by default, off a terminal; one line per epoch at
1 and 2 in plain text; a bar only where one can be drawn; never a warning."""

from __future__ import annotations

import io
import re
import warnings

import numpy as np
import pytest

from glassnet import progress
from glassnet.network import mlp
from glassnet.progress import Progress, progress_for
from glassnet.training import fit

INPUTS = np.random.default_rng(0).normal(size=(40, 2))
TARGETS = INPUTS.sum(axis=1)
LINE = r"Epoch {}/3 - [0-9.e-]+s - loss: [0-9.e-]+ - val_loss: [0-9.e-]+ - learning_rate: 0.01"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def train(**arguments):
    return fit(mlp([2, 3, 1], rng=0), INPUTS, TARGETS, "squared_error", "sgd", epochs=3,
               batch_size=8, validation_split=0.25, rng=0, **arguments)


@pytest.mark.parametrize("verbose", [1, 2, True])
def test_plain_output_is_one_line_per_epoch(verbose, capsys):
    history = train(verbose=verbose)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    for epoch, line in enumerate(lines, start=1):
        assert re.fullmatch(LINE.format(epoch), line), line
    assert f"loss: {history['loss'][-1]:.4g}" in lines[-1]


@pytest.mark.parametrize("verbose", [0, False, "auto"])
def test_silent_at_zero_and_by_default_off_a_terminal(verbose, capsys):
    train(verbose=verbose)
    assert capsys.readouterr() == ("", "")


def test_auto_shows_progress_on_a_terminal():
    assert isinstance(progress_for("auto", Terminal()), Progress)
    assert progress_for("auto", io.StringIO()) is None


def test_a_terminal_gets_a_bar_and_the_lines():
    stream = Terminal()
    train(callbacks=[Progress(1, stream)], verbose=0)
    text = stream.getvalue()
    assert "/4 [" in text and "batch/s" in text  # tqdm's bar over the epoch's 4 batches
    lines = [line for line in re.split(r"[\r\n]", text) if line.startswith("Epoch ")
             and " - loss: " in line]
    assert len(lines) == 3


def test_verbose_two_draws_no_bar_even_on_a_terminal():
    stream = Terminal()
    train(callbacks=[Progress(2, stream)], verbose=0)
    assert len(stream.getvalue().splitlines()) == 3 and "\r" not in stream.getvalue()


def test_a_notebook_without_ipywidgets_gets_plain_text_and_no_warning(monkeypatch, capsys):
    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    monkeypatch.setattr(progress.importlib.util, "find_spec", lambda name: None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        train(verbose="auto")
    output = capsys.readouterr()
    assert len(output.out.splitlines()) == 3 and output.err == "" and "\r" not in output.out


def test_in_notebook_is_false_outside_jupyter():
    assert progress.in_notebook() is False


@pytest.mark.parametrize("verbose", [3, -1, "yes", 1.0, None])
def test_bad_verbose_is_refused(verbose):
    with pytest.raises(ValueError, match="verbose must be 0, 1, 2 or 'auto', got"):
        train(verbose=verbose)
