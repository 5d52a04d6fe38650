"""Errors the command line turns into one-line messages and exit codes (sysexits), and the
helpers that put text from a file into a message: control characters escaped
(``validation.printable``) and lists cut to a bounded length."""

from glassnet.validation import printable

EXIT_USAGE, EXIT_DATA, EXIT_NO_INPUT, EXIT_CANNOT_WRITE, EXIT_UNEXPECTED = 2, 65, 66, 73, 1
EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE: what a shell reports for `cat big | head`


class CommandError(Exception):
    """An error the user can fix; carries its exit code. The message is printed as is."""

    def __init__(self, message: str, exit_code: int = EXIT_DATA):
        super().__init__(message)
        self.exit_code = exit_code


class UsageError(CommandError):
    """Bad arguments: exit code 2."""

    def __init__(self, message: str):
        super().__init__(message, EXIT_USAGE)


def quoted(value, limit: int = 80) -> str:
    """repr(value) safe for a terminal: control characters escaped, at most ``limit``."""
    return printable(repr(value), limit)


def listing(values, most: int = 20, limit: int = 40) -> str:
    """'a, b, c' of printable values; past ``most`` of them, '..., (N in all)'."""
    values = list(values)
    shown = ", ".join(printable(value, limit) for value in values[:most])
    return shown if len(values) <= most else f"{shown}, ... ({len(values)} in all)"
