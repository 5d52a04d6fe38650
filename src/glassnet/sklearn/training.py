"""scikit-learn's MLP parameters turned into one call of glassnet's training.

``fit_stochastic`` builds the optimizer and the callbacks from the estimator's parameters and
calls ``glassnet.training.fit`` once; ``fit_lbfgs_solver`` calls
``glassnet.solvers.fit_lbfgs``. No training loop lives here. Imports scikit-learn, numpy and
glassnet.
"""

from __future__ import annotations

from glassnet.callbacks import Callback
from glassnet.optimizers import SGD, Adam
from glassnet.training import fit


class PrintLosses(Callback):
    """``verbose=True``: print each epoch's loss, as scikit-learn's MLP does. The estimators
    are at the library's edge, where printing is allowed; the core never prints."""

    def on_epoch_end(self, state):
        print(f"Iteration {state.logs['epoch']}, loss = {state.logs['loss']:.8f}")
        if "val_score" in state.logs:
            print(f"Validation score: {state.logs['val_score']:f}")


def make_optimizer(estimator):
    """Adam or SGD (Nesterov momentum by default) with the estimator's settings."""
    if estimator.solver == "adam":
        return Adam(estimator.learning_rate_init, beta_1=estimator.beta_1,
                    beta_2=estimator.beta_2, epsilon=estimator.epsilon)
    nesterov = estimator.nesterovs_momentum and estimator.momentum > 0
    return SGD(estimator.learning_rate_init, momentum=estimator.momentum, nesterov=nesterov)


def fit_stochastic(estimator, X, targets, weights, rng, incremental: bool):
    """Minibatch training: ``max_iter`` epochs (one for partial_fit) through ``training.fit``."""
    from glassnet.sklearn.base import batch_size_for

    if estimator.early_stopping and incremental:
        raise ValueError("partial_fit does not support early_stopping=True")
    optimizer = getattr(estimator, "optimizer_", None) if incremental else None
    if optimizer is None:
        optimizer = estimator.optimizer_ = make_optimizer(estimator)
    callbacks = [PrintLosses()] if estimator.verbose else []
    history = fit(estimator.network_, X, targets, estimator.loss_function_, optimizer,
                  epochs=1 if incremental else estimator.max_iter,
                  batch_size=batch_size_for(estimator, len(X)), shuffle=estimator.shuffle,
                  rng=rng, callbacks=callbacks)
    estimator._finish(history, len(X), incremental)
    return history


def fit_lbfgs_solver(estimator, X, targets, weights):
    """Full-batch L-BFGS through ``glassnet.solvers.fit_lbfgs``."""
    from glassnet.solvers import fit_lbfgs

    history = fit_lbfgs(estimator.network_, X, targets, estimator.loss_function_,
                        max_iterations=estimator.max_iter, tolerance=estimator.tol,
                        sample_weight=weights)
    estimator._finish(history, len(X), incremental=True)
    return history
