"""The library's version, in one place: ``glassnet.__version__`` and the model file's
``glassnet_version`` both read it. Imports nothing."""

__version__ = "0.1.0"
