"""Errors the command line turns into one-line messages and exit codes (sysexits)."""

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
