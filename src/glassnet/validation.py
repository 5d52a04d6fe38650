"""Input checks and random-generator handling shared by every module.

Numpy only; imports nothing else from glassnet. Every message names the argument and the
bad value, so a user sees at once what to change.
"""

from __future__ import annotations

import numbers
import unicodedata

import numpy as np


def as_rng(seed_or_rng=None):
    """Return a random generator: an existing Generator/RandomState, or a new one from a seed.

    An int seeds a ``numpy.random.Generator``; pass ``numpy.random.RandomState(seed)`` to get
    the legacy stream the tutorial used.
    """
    if isinstance(seed_or_rng, np.random.Generator | np.random.RandomState):
        return seed_or_rng
    if seed_or_rng is None or (
        isinstance(seed_or_rng, numbers.Integral) and not isinstance(seed_or_rng, bool)
    ):
        if seed_or_rng is not None and seed_or_rng < 0:
            raise ValueError(f"seed must be >= 0, got {seed_or_rng}")
        return np.random.default_rng(seed_or_rng)
    raise TypeError(
        f"rng must be an int seed, None, numpy.random.Generator or RandomState, "
        f"got {seed_or_rng!r}"
    )


def check_positive(name: str, value, *, integer: bool = False, allow_zero: bool = False):
    """Return ``value`` if it is a finite number > 0 (>= 0 with allow_zero), else raise."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = "an integer" if integer else "a number"
        raise TypeError(f"{name} must be {expected}, got {value!r}")
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return value


def check_fraction(name: str, value, *, allow_zero: bool = True, allow_one: bool = False):
    """Return ``value`` if it is a number in [0, 1) (bounds as asked), else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    low_ok = value > 0 or (allow_zero and value == 0)
    high_ok = value < 1 or (allow_one and value == 1)
    if not (low_ok and high_ok):
        low = "[0" if allow_zero else "(0"
        high = "1]" if allow_one else "1)"
        raise ValueError(f"{name} must be in {low}, {high}, got {value!r}")
    return float(value)


def check_dtype(dtype):
    """Return ``numpy.float32`` or ``numpy.float64``; anything else is refused."""
    try:
        resolved = np.dtype(dtype)
    except TypeError as error:
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}") from error
    if resolved not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
    return resolved.type


def as_float_array(name: str, values, *, dtype=np.float64, ndim: int | None = 2):
    """Convert ``values`` to a finite float array of ``ndim`` dimensions, or raise ValueError.

    1-D input is accepted where 2 dimensions are wanted only by the caller reshaping it; this
    function refuses it so that a feature/sample mix-up never passes silently.
    """
    if isinstance(values, str | bytes):
        raise ValueError(f"{name} must be an array of numbers, got the string {values!r}")
    try:
        array = np.asarray(values)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {error}") from error
    if array.dtype == object or array.dtype.kind in "USV":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{name} must contain only numbers: {error}") from error
    refuse_complex(name, array)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must contain numbers, got dtype {array.dtype}")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(
            f"{name} must be {ndim}-dimensional (samples, features), got shape {array.shape}"
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    given = array
    with np.errstate(over="ignore"):  # a float64 beyond float32's range: named below
        array = np.asarray(array, dtype=dtype)
    check_finite(name, array, given=given)
    return array


def refuse_complex(name: str, array: np.ndarray) -> None:
    """ValueError for an array of complex numbers: casting one to float would silently drop
    the imaginary parts."""
    if array.dtype.kind == "c":
        raise ValueError(f"{name} holds complex numbers (dtype {array.dtype}); glassnet works "
                         f"with real numbers only")


def real_array(name: str, values, dtype=np.float64) -> np.ndarray:
    """``numpy.asarray(values, dtype)``, refusing complex numbers instead of dropping their
    imaginary parts."""
    array = np.asarray(values)
    refuse_complex(name, array)
    return array.astype(dtype, copy=False)


def check_finite(name: str, array: np.ndarray, block_elements: int = 1 << 16,
                 given: np.ndarray | None = None) -> None:
    """Raise ValueError naming the first NaN or infinity of ``array`` and its index; where
    ``given`` (what ``array`` was cast from) holds a finite number there, the message says
    it is too large for ``array``'s dtype (1e300 in float32) instead.

    Checked block by block of rows (about ``block_elements`` values each), so that a large
    array never gets a full-size boolean copy: the extra memory stays a few tens of KiB.
    """
    if array.ndim == 0:
        blocks = [(0, array.reshape(1))]
    else:
        rows = max(1, block_elements // max(1, array[0].size))
        blocks = ((start, array[start:start + rows]) for start in range(0, len(array), rows))
    for start, block in blocks:
        finite = np.isfinite(block)
        if not finite.all():
            position = tuple(int(i) for i in np.argwhere(~finite)[0])
            position = (start + position[0], *position[1:])[:array.ndim]
            if given is not None and np.isfinite(given[position]):
                raise ValueError(f"{name} holds {given[position].item()!r} at index "
                                 f"{position}, too large for {array.dtype} (at most "
                                 f"{float(np.finfo(array.dtype).max):.4g})")
            raise ValueError(
                f"{name} contains a non-finite value {array[position]} at index {position}"
            )


def check_same_length(first_name: str, first, second_name: str, second) -> None:
    """Raise ValueError when two arrays disagree on their number of samples."""
    if len(first) != len(second):
        raise ValueError(
            f"{first_name} has {len(first)} samples but {second_name} has {len(second)}"
        )


ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
UNPRINTABLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # controls, format (bidi, zero-width), surrogates


def printable(value, limit: int = 80) -> str:
    """``value`` as text safe for a terminal, at most ``limit`` characters.

    Text read from a file or typed by a user (labels, layer names, column names) may hold
    escape sequences that would recolour, move or rewrite the terminal: every control
    character (C0, DEL, C1, ESC, Unicode format and line separators) is written as an escape
    (``\\x1b``, ``\\n``, ``\\u202e``). Longer results are cut to ``limit`` characters ending in
    ``...``. Only the first ``limit`` characters of ``value`` are looked at.
    """
    if isinstance(limit, bool) or not isinstance(limit, numbers.Integral) or limit < 3:
        raise ValueError(f"limit must be a whole number >= 3, got {limit!r}")
    text = value if isinstance(value, str) else str(value)
    pieces = [escape(character) for character in text[:limit + 1]]
    if len(text) <= limit and sum(map(len, pieces)) <= limit:
        return "".join(pieces)
    kept, length = [], len("...")
    for piece in pieces:  # whole escapes only: never cut "\x1b" to "\x1"
        if length + len(piece) > limit:
            break
        kept.append(piece)
        length += len(piece)
    return "".join(kept) + "..."


def escape(character: str) -> str:
    """One character, escaped when a terminal would act on it instead of showing it."""
    if character in ESCAPES:
        return ESCAPES[character]
    if unicodedata.category(character) not in UNPRINTABLE:
        return character
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
        else f"\\U{code:08x}"
