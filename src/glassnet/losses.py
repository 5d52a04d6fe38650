"""Every loss, gathered: a number that says how wrong the predictions are, and its gradient.

The losses live in three modules, imported here so that ``glassnet.losses.X`` names each one:

    loss_base              Loss (the protocol, the reduction over samples), check_weights
    regression_losses      SquaredError, MeanAbsoluteError, Huber
    classification_losses  BinaryCrossEntropy, SoftmaxCrossEntropy (from logits)

The reduction is the same for every loss: mean  L = sum_i w_i l_i / sum_i w_i,  or
sum  L = sum_i w_i l_i  (``loss_base``). Defines nothing of its own; imports those three
modules (and re-exports the ``activation_functions`` it used to import).
"""

# Re-exported: every name below was importable from glassnet.losses and stays so.
from glassnet.activation_functions import row_maximum, row_sums, sigmoid, softmax  # noqa: F401
from glassnet.classification_losses import BinaryCrossEntropy, SoftmaxCrossEntropy  # noqa: F401
from glassnet.loss_base import CACHES, Loss, check_weights, is_prepared  # noqa: F401
from glassnet.regression_losses import Huber, MeanAbsoluteError, SquaredError  # noqa: F401
