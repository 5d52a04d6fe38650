"""scikit-learn estimators built on glassnet: change one import and keep your pipeline.

    from glassnet.sklearn import MLPClassifier   # instead of sklearn.neural_network

``MLPClassifier`` and ``MLPRegressor`` take scikit-learn's MLP parameters (same names and
defaults) and train through glassnet's own ``training.fit`` and ``solvers.fit_lbfgs``. This
package is the only part of glassnet that imports scikit-learn (the optional extra
``glassnet[sklearn]``); ``import glassnet`` never imports it.

Same as scikit-learn's MLP: labels (LabelBinarizer) and output layers, the losses (1/2 mean
squared error; cross-entropy), the alpha penalty alpha / (2 s) * sum ||W||^2 with s the
batch's total weight (glassnet's ``l2`` is set to alpha / (batch_size * mean weight), equal
for full batches and L-BFGS), SGD with (Nesterov) momentum, "invscaling" and "adaptive"
rates, the stop when the loss (or, with early_stopping, the validation score) has not
improved by ``tol`` for ``n_iter_no_change`` epochs, restoring the best validation weights,
the validation split (``train_test_split``, stratified for one output), batch_size "auto"
= min(200, samples), and a ConvergenceWarning when ``max_iter`` is reached. From identical
starting weights, full-batch SGD and L-BFGS follow scikit-learn's trajectory to rounding.

Where glassnet differs:

- Starting weights are Glorot-uniform, U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), for
  every activation (scikit-learn uses 2 instead of 6 for "logistic"), and biases start at 0
  (scikit-learn draws them too); the same ``random_state`` gives other weights.
- Adam adds epsilon to sqrt(v_hat) (Kingma & Ba), scikit-learn to sqrt(v): trajectories
  agree closely (losses to about 1e-6 relative in the tests), not to rounding.
- In minibatches, l2 is one number, where scikit-learn divides alpha by each batch's own
  weight (they differ for the shorter last batch and for uneven weights).
- ``class_weight`` (classifier), ``dropout`` and ``dtype`` are glassnet's own; a class
  weight acts exactly as the same sample weights.
- The early-stopping validation score is unweighted (scikit-learn weighs it by the
  validation rows' sample_weight).
- ``partial_fit`` does not count stalled epochs across calls (scikit-learn does, and lowers
  an "adaptive" rate); a warm-started ``fit`` restarts that count.
- ``random_state=None`` draws from a fresh unseeded generator, never numpy's global one.
- L-BFGS warns when it used all ``max_iter`` iterations (scikit-learn also when it ran out
  of ``max_fun`` evaluations).
- A diverging run stops at once with a ValueError naming the epoch and batch (scikit-learn
  finishes the epochs, then raises); sparse X is made dense once per call; ``activation``
  also takes glassnet's other activations ("leaky_relu", "elu", ...).
"""

from glassnet.sklearn.classifier import MLPClassifier
from glassnet.sklearn.regressor import MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
