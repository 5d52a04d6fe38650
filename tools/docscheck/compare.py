"""Compare the output a page shows with the output its code prints.

Line by line; runs of spaces are not compared, line breaks are. ``...`` alone on a line
matches any number of lines, ``...`` inside a line any text within it. Every number shown is
compared with the number at the same place: an integer exactly, a decimal within a relative
difference of ``RELATIVE_TOLERANCE`` or one unit of its last digit shown.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

RELATIVE_TOLERANCE = 1e-4
ELLIPSIS = "..."
NUMBER = r"(?<![\w.])[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?(?!\d)"
TOKEN = re.compile(rf"(?P<ellipsis>\.\.\.)|(?P<number>{NUMBER})|(?P<space>\s+)")


def numbers_agree(expected: str, actual: str) -> bool:
    """Whether ``actual`` equals ``expected`` within the stated tolerance.

    An integer must be equal; a decimal within RELATIVE_TOLERANCE relative, or within one
    unit of the last digit ``expected`` shows (``0.02`` admits 0.01 to 0.03).
    """
    wanted, got = float(expected), float(actual)
    mantissa, _, exponent = expected.lower().partition("e")
    if "." not in mantissa and not exponent:
        return "." not in actual and wanted == got
    decimals = len(mantissa.partition(".")[2])
    unit = 10.0 ** (int(exponent or 0) - decimals)
    difference = abs(got - wanted)
    return (difference <= RELATIVE_TOLERANCE * max(abs(wanted), abs(got))
            or difference <= unit * (1 + 1e-9))


@lru_cache(maxsize=4096)
def _line_pattern(expected: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """A regular expression for one expected line and the numbers it shows, in order."""
    parts, numbers, position = [], [], 0
    for token in TOKEN.finditer(expected):
        parts.append(re.escape(expected[position:token.start()]))
        if token["ellipsis"]:
            parts.append(r".*?")
        elif token["number"]:
            parts.append(rf"\s*({NUMBER})\s*")
            numbers.append(token["number"])
        else:
            parts.append(r"\s*")
        position = token.end()
    parts.append(re.escape(expected[position:]))
    return re.compile(r"\s*" + "".join(parts) + r"\s*"), tuple(numbers)


def line_matches(expected: str, actual: str) -> bool:
    """Whether one actual line matches one expected line (ellipses, spaces, numbers)."""
    pattern, numbers = _line_pattern(expected)
    found = pattern.fullmatch(actual)
    if found is None:
        return False
    pairs = zip(numbers, found.groups(), strict=True)
    return all(numbers_agree(wanted, got) for wanted, got in pairs)


def _trimmed(lines: list[str]) -> list[str]:
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def match_output(expected: list[str], actual: list[str]) -> bool:
    """Whether the actual lines match the expected ones, ``...`` lines matching any lines."""
    wanted, got = _trimmed(expected), _trimmed(actual)
    # reachable[j]: expected lines i.. match actual lines j.. (filled from the end)
    reachable = [j == len(got) for j in range(len(got) + 1)]
    for i in reversed(range(len(wanted))):
        row = [False] * (len(got) + 1)
        for j in reversed(range(len(got) + 1)):
            if wanted[i].strip() == ELLIPSIS:
                row[j] = reachable[j] or (j < len(got) and row[j + 1])
            else:
                row[j] = (j < len(got) and reachable[j + 1]
                          and line_matches(wanted[i], got[j]))
        reachable = row
    return reachable[0]


def first_difference(expected: list[str], actual: list[str]) -> tuple[int, str, str]:
    """The index of the first expected line that finds no match, that line, and the printed
    line closest to it (after a ``...`` line, any later printed line may match)."""
    wanted, got = _trimmed(expected), _trimmed(actual)
    position, floating = 0, False
    for index, line in enumerate(wanted):
        if line.strip() == ELLIPSIS:
            floating = True
            continue
        candidates = got[position:] if floating else got[position:position + 1]
        found = next((offset for offset, printed in enumerate(candidates)
                      if line_matches(line, printed)), None)
        if found is None:
            closest = difflib.get_close_matches(line, candidates, n=1, cutoff=0)
            return index, line, closest[0] if closest else "(no more output)"
        position, floating = position + found + 1, False
    if position < len(got) and not floating:
        return len(wanted), "(end of the expected output)", got[position]
    return len(wanted), "(the whole output)", "(each line matches, but not all in order)"
