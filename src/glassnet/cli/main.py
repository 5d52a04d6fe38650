"""Argument parsing, dispatch and exit codes for the ``glassnet`` command.

Exit codes (sysexits): 0 success, 2 usage, 65 bad data, 66 missing input, 73 an output that
cannot be written (a file, or standard output on a full disk), 141 standard output closed by
its reader (``| head``, as a command killed by SIGPIPE), 130 Ctrl-C, 1 anything unexpected.
Errors print one line on stderr; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import traceback

from glassnet.cli import demo, export, inspection, playground, predict, train
from glassnet.cli.errors import (
    EXIT_CANNOT_WRITE,
    EXIT_CLOSED_PIPE,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    CommandError,
    UsageError,
)

FULL_DISK = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and raise instead of exiting."""

    def error(self, message):
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


COMMANDS = [demo, train, predict, inspection, export, playground]


def build_parser() -> Parser:
    parser = Parser(prog="glassnet", description="A see-through neural-network library.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in COMMANDS:
        module.add_parsers(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    try:
        return dispatch(argv)
    except CommandError as error:
        print(f"error: {error}" if error.exit_code != EXIT_USAGE else str(error),
              file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`glassnet inspect MODEL | head`)
        silence_stdout()
        return EXIT_CLOSED_PIPE
    except OSError as error:
        if error.errno not in FULL_DISK:
            return unexpected(error, debug)
        silence_stdout()
        print(f"error: cannot write the output ({error.strerror or error})", file=sys.stderr)
        return EXIT_CANNOT_WRITE
    except Exception as error:  # the last guard: one line, unless --debug
        return unexpected(error, debug)


def dispatch(argv: list[str]) -> int:
    """Parse ``argv`` and run its command; standard output is flushed before returning."""
    arguments = build_parser().parse_args(argv)
    if arguments.command is None:
        build_parser().print_help()
        return EXIT_USAGE
    code = arguments.run(arguments) or 0
    sys.stdout.flush()  # a failing standard output fails here, not at exit
    return code


def unexpected(error: Exception, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    else:
        print(f"error: {type(error).__name__}: {error} (run with --debug for details)",
              file=sys.stderr)
    return EXIT_UNEXPECTED


def silence_stdout() -> None:
    """Point standard output at the null device, so that Python's own flush at exit does
    not fail a second time with a traceback."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # a stand-in stdout (tests) has none
        return
    os.dup2(os.open(os.devnull, os.O_WRONLY), descriptor)


if __name__ == "__main__":
    sys.exit(main())
