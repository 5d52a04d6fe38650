"""``--accelerator``, shared by ``train``, ``demo`` and ``think``: the optimizers' steps
compiled by numba (``glassnet.accelerator``) for one command's run.

The accelerator is a setting of the whole process, and ``main`` may run inside a program or a
test that has its own: ``accelerated`` sets the one the option names (numpy without it) for
the run and puts the one before back however the run ends. Without numba the command stops
before any work, in one line naming the extra to install.
"""

from __future__ import annotations

import contextlib

from glassnet.accelerator import ACCELERATORS, get_accelerator, set_accelerator
from glassnet.cli.errors import EXIT_UNEXPECTED, CommandError
from glassnet.validation import printable

INSTALL = 'pip install "glassnet[fast]"'


def add_accelerator_argument(parser, applies: str) -> None:
    """--accelerator {numba}; ``applies`` says which of the command's steps it runs."""
    parser.add_argument("--accelerator", choices=ACCELERATORS, default=None,
                        help=f"run the optimizer's steps compiled by numba ({INSTALL}), the "
                             f"same weights bit for bit; {applies} (default: numpy)")


@contextlib.contextmanager
def accelerated(name: str | None):
    """Run the block with accelerator ``name`` (None: numpy), then restore the one before."""
    before = get_accelerator()
    try:
        set_accelerator(name)
    except ImportError as error:  # numba missing or broken: say why, in one line
        reason = printable(str(error.__cause__ or error), 120)
        raise CommandError(f"--accelerator {name} needs numba ({reason}): {INSTALL}",
                           EXIT_UNEXPECTED) from None
    try:
        yield
    finally:
        set_accelerator(before)
