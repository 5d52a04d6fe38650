"""What ``fit`` and ``fit_lbfgs`` accept as loss, optimizer, callbacks and verbose.

Each is an object or a registry name ("softmax_cross_entropy", "adam", "early_stopping",
"step_decay"); a name builds the registered class with its defaults, an unknown name lists
the known ones (``registry.resolve``). A class where an instance belongs (``SquaredError``
for ``SquaredError()``), or a loss and an optimizer swapped, is a TypeError that says so.
Imports ``registry``, ``callbacks``, ``losses``, ``optimizers`` and ``progress``.
"""

from __future__ import annotations

from glassnet.callbacks import CallbackList
from glassnet.losses import Loss
from glassnet.optimizers import Optimizer
from glassnet.progress import progress_for
from glassnet.registry import KINDS, resolve

# Keras's default: many noisy steps per epoch train and generalise better than one
# full-batch step, and 32 rows still keep BLAS busy.
DEFAULT_BATCH_SIZE = 32

LOSS_METHODS = ("forward", "backward", "prepare_targets")
EXAMPLES = {"loss": "SquaredError()", "optimizer": "Adam()", "callback": "EarlyStopping()"}


def training_objects(loss, optimizer, callbacks, verbose):
    """(loss, optimizer, CallbackList) from objects or names, checked; ``verbose`` adds the
    ``progress.Progress`` callback it asks for."""
    return as_loss(loss), as_optimizer(optimizer), as_callbacks(callbacks, verbose)


def built(kind: str, value):
    """The object a registry name stands for (its class built with defaults), or ``value``
    itself; a class is refused, naming what it is."""
    if isinstance(value, str):
        return resolve(kind, value)()
    if isinstance(value, type):
        what = kind_of(value)
        said = f" (a class of {what}, not of {kind})" if what not in (None, kind) else ""
        raise TypeError(f"{kind} must be an instance such as {EXAMPLES[kind]} or a name, got "
                        f"the class {value.__name__}{said}; write {value.__name__}() to make "
                        "one")
    return value


def kind_of(value) -> str | None:
    """"loss", "optimizer" or None for a class or instance."""
    cls = value if isinstance(value, type) else type(value)
    if issubclass(cls, Loss):
        return "loss"
    if issubclass(cls, Optimizer):
        return "optimizer"
    return None


def as_loss(loss):
    """A loss object with forward/backward/prepare_targets (see ``losses.Loss``)."""
    loss = built("loss", loss)
    if kind_of(loss) == "optimizer":
        raise TypeError(f"loss got the optimizer {loss!r:.80}; are loss and optimizer swapped? "
                        "The order is fit(network, inputs, targets, loss, optimizer)")
    missing = [name for name in LOSS_METHODS if not callable(getattr(loss, name, None))]
    if missing:
        known = ", ".join(sorted(KINDS["loss"]))
        raise TypeError(f"loss must be a Loss such as SquaredError() or one of {known}; got "
                        f"{loss!r:.80}, which lacks {', '.join(missing)}")
    return loss


def as_optimizer(optimizer):
    """An optimizer object with ``step(parameters, gradients)`` and ``learning_rate``."""
    optimizer = built("optimizer", optimizer)
    if kind_of(optimizer) == "loss":
        raise TypeError(f"optimizer got the loss {optimizer!r:.80}; are loss and optimizer "
                        "swapped? The order is fit(network, inputs, targets, loss, optimizer)")
    if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "learning_rate"):
        known = ", ".join(sorted(KINDS["optimizer"]))
        raise TypeError(f"optimizer must be an Optimizer such as Adam() or one of {known}; got "
                        f"{optimizer!r:.80}")
    return optimizer


def as_callbacks(callbacks, verbose="auto", stream=None) -> CallbackList:
    """A CallbackList from a list of callbacks or names, with ``verbose``'s progress last."""
    if not isinstance(callbacks, list | tuple):
        raise TypeError(f"callbacks must be a list of Callback objects or names, got "
                        f"{callbacks!r:.80}")
    objects = [built("callback", callback) for callback in callbacks]
    progress = progress_for(verbose, stream)
    return CallbackList(objects if progress is None else [*objects, progress])
