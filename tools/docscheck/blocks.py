"""Find the fenced code blocks of a Markdown page and what each is for.

A ```python block runs; a ```text block directly after it (only blank lines between) is its
expected output. A ```console block holds ``$ `` commands, each followed by its expected
output; a command ending in ``# exit N`` must exit with N (else 0). Every other block is not
run, nor is a block preceded by the line ``<!-- docs: skip -->``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")
SKIP_MARKER = "<!-- docs: skip -->"
EXIT_COMMENT = re.compile(r"#\s*exit\s+(?P<code>\d+)\s*$")


@dataclass
class Command:
    """One ``$ `` command of a console block, its expected output and exit code."""

    line: int
    command: str
    expected: list[str] = field(default_factory=list)
    exit_code: int = 0


@dataclass
class Block:
    """One fenced block: its language, first code line (1-based), code lines, skip flag."""

    language: str
    line: int
    lines: list[str]
    skipped: bool = False
    expected: list[str] | None = None     # a python block's output, from the text block after it
    expected_line: int = 0

    @property
    def code(self) -> str:
        return "\n".join(self.lines) + "\n"

    @property
    def runs(self) -> bool:
        return self.language in ("python", "console") and not self.skipped


def _fence_end(lines: list[str], start: int, fence: str, indent: str) -> int:
    """The index of the line closing the fence opened at ``start`` (or len(lines))."""
    closing = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
    for index in range(start + 1, len(lines)):
        if closing.match(lines[index]):
            return index
    return len(lines)


def _dedent(lines: list[str], indent: str) -> list[str]:
    return [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines]


def _blocks_with_gaps(text: str) -> list[tuple[Block, list[str]]]:
    """Every fenced block with the lines between it and the block before it."""
    lines = text.splitlines()
    found: list[tuple[Block, list[str]]] = []
    gap_start, index = 0, 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        end = _fence_end(lines, index, opening["fence"], opening["indent"])
        language = (opening["info"].split() or [""])[0].lstrip(".{").lower()
        block = Block(language, index + 2, _dedent(lines[index + 1:end], opening["indent"]))
        found.append((block, lines[gap_start:index]))
        gap_start = index = end + 1
    return found


def parse_page(text: str) -> list[Block]:
    """The page's blocks, each python block holding its expected output when one follows."""
    blocks: list[Block] = []
    for block, gap in _blocks_with_gaps(text):
        meaningful = [line.strip() for line in gap if line.strip()]
        block.skipped = bool(meaningful) and meaningful[-1] == SKIP_MARKER
        previous = blocks[-1] if blocks else None
        if (block.language == "text" and not meaningful and previous is not None
                and previous.language == "python" and previous.expected is None):
            previous.expected, previous.expected_line = block.lines, block.line
            continue
        blocks.append(block)
    return blocks


def console_commands(block: Block) -> list[Command]:
    """The commands of a console block; a line ending in ``\\`` continues on the next."""
    commands: list[Command] = []
    continuing = False
    for offset, line in enumerate(block.lines):
        if continuing:
            commands[-1].command += "\n" + line.removeprefix("> ")
        elif line.startswith("$ "):
            commands.append(Command(block.line + offset, line[2:]))
        elif commands:
            commands[-1].expected.append(line)
            continue
        else:
            raise ValueError(f"line {block.line + offset}: a console block must start with "
                             f"a '$ ' command, not {line[:60]!r}")
        continuing = line.endswith("\\")
    for command in commands:
        exit_comment = EXIT_COMMENT.search(command.command)
        command.exit_code = int(exit_comment["code"]) if exit_comment else 0
    return commands
