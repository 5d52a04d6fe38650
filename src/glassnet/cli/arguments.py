"""Argument types every ``glassnet`` command shares: whole numbers, finite numbers,
fractions and layer sizes, each bounded by what the program can use, so that a number too
large is a usage error (exit 2) naming the option, not a failure deep inside numpy.

Imports the standard library only, so every command module can import it.
"""

from __future__ import annotations

import argparse
import math
import os

MAX_COUNT = 2**31 - 1  # epochs, batch sizes, rows: beyond this numpy indices overflow
MAX_WIDTH = 1_000_000  # one layer's width; a wider layer would not fit in memory anyway
# float64 weights, their gradients, Adam's two moments and the best epoch's copy
BYTES_PER_WEIGHT = 5 * 8
UNKNOWN_MEMORY = 2**40  # where the system does not say how much memory it has


def positive_int(text: str, maximum: int = MAX_COUNT) -> int:
    """A whole number in [1, maximum]; argparse's error otherwise."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {text!r}")
    if value > maximum:
        raise argparse.ArgumentTypeError(f"expected a number <= {maximum}, got {text!r}")
    return value


def positive_float(text: str) -> float:
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def fraction(text: str) -> float:
    """A share in [0, 1)."""
    value = finite_float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}")
    return value


def hidden_sizes(text: str) -> list[int]:
    """'8,4' -> [8, 4]; each width in [1, MAX_WIDTH]."""
    try:
        sizes = [positive_int(part.strip()) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected layer sizes like 4 or 8,4, got {text!r}") from None
    if max(sizes) > MAX_WIDTH:
        raise argparse.ArgumentTypeError(f"a layer of {max(sizes)} neurons is more than this "
                                         f"program handles (at most {MAX_WIDTH}), got {text!r}")
    check_fits_in_memory(sizes, text)
    return sizes


def check_fits_in_memory(sizes: list[int], text: str) -> None:
    """Refuse hidden layers whose weights between them alone (before the inputs' and the
    outputs' layers are known) could not be trained in this machine's memory: numpy's
    MemoryError, minutes later, would be the message otherwise."""
    weights = sum(fan_in * fan_out + fan_out
                  for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True))
    needed, memory = weights * BYTES_PER_WEIGHT, memory_bytes()
    if needed > memory:
        raise argparse.ArgumentTypeError(
            f"hidden layers {text.strip()!r} hold {weights} weights between them, about "
            f"{gibibytes(needed)} to train (weights, gradients, optimizer state), more than "
            f"this machine's {gibibytes(memory)} of memory; choose smaller sizes")


def memory_bytes() -> int:
    """The machine's physical memory in bytes (UNKNOWN_MEMORY where the system does not
    say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return UNKNOWN_MEMORY


def gibibytes(count: int) -> str:
    return f"{count / 2**30:.3g} GiB"
