"""Shared fixtures for the core tests: one seeded float64 generator, and a warnings guard."""

from __future__ import annotations

import warnings

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh, seeded generator per test, so every test draws the same numbers each run."""
    return np.random.default_rng(20240607)


@pytest.fixture
def no_float_warnings():
    """Turn overflow, invalid-value and divide-by-zero into errors (underflow stays silent)."""
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        yield
