"""The ``glassnet`` command. ``main(argv)`` is the console script; commands live in their own
modules (``demo``: the tutorial's program). Only this package prints or reads ``sys.argv``."""

from glassnet.cli.main import main

__all__ = ["main"]
