"""scikit-learn's MLP parameters turned into one call of glassnet's training.

``fit_stochastic`` builds the optimizer, the callbacks (glassnet's EarlyStopping,
ReduceOnPlateau, InverseScaling) and the weights from the estimator's parameters and calls
``glassnet.training.fit`` once; ``fit_lbfgs_solver`` calls ``glassnet.solvers.fit_lbfgs``.
No training loop lives here. Imports scikit-learn, numpy and glassnet.

L2: scikit-learn adds (alpha / (2 s)) * sum ||W||^2 to each batch's loss, s being the
batch's total sample weight (its size without weights); glassnet's ``l2`` is one number for
the whole fit, so it is set to alpha / (batch_size * mean weight): the same for full
batches and L-BFGS, and for minibatches except scikit-learn's shorter last batch. The weight
of a row is sample_weight * class_weight, so a class weight acts exactly as the same sample
weights (and integer weights as repeated rows).
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.model_selection import train_test_split

from glassnet.callbacks import Callback, EarlyStopping, Monitor
from glassnet.optimizers import SGD, Adam
from glassnet.schedules import InverseScaling, ReduceOnPlateau
from glassnet.training import fit
from glassnet.training_data import class_weights

RATE_FLOOR = 1e-6  # scikit-learn's "adaptive" stops at a plateau once the rate is this low


class RunningBest(Monitor):
    """scikit-learn's improvement rule: an epoch improves only if it beats the best so far by
    at least ``min_delta`` (``tol``), but the best follows every better value, however small
    the gain. (glassnet's Monitor moves the best only on an improvement by more than
    min_delta, so a slow steady decrease would never stall there.)"""

    def improved(self, value: float) -> bool:
        if math.isnan(value):
            return False
        if math.isnan(self.best):
            self.best = value
            return True
        gain = value - self.best if self.mode == "max" else self.best - value
        if gain > 0:
            self.best = value
        return gain >= self.min_delta


class RateFloor(Callback):
    """"adaptive": a plateau met when the rate is already <= 1e-6 ends training.

    Runs after ReduceOnPlateau: a rate lowered during this epoch means a plateau."""

    def on_epoch_begin(self, state):
        self.rate = state.optimizer.learning_rate

    def on_epoch_end(self, state):
        if state.optimizer.learning_rate < self.rate <= RATE_FLOOR:
            state.optimizer.learning_rate = self.rate  # stopping, not lowering, as scikit-learn
            state.stop_training = True


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


def callbacks_for(estimator, incremental: bool) -> list:
    """Stopping, best-weight keeping and schedules as scikit-learn's MLP would apply them."""
    callbacks = []
    key = "val_score" if estimator.early_stopping else "loss"
    if estimator.early_stopping:  # keep (and restore) the weights of the best val score
        callbacks.append(EarlyStopping(key, patience=estimator.max_iter + 1, mode="max"))
    sgd = estimator.solver == "sgd"
    if sgd and estimator.learning_rate == "invscaling":
        start = estimator.learning_rate_init / (estimator.t_ + 1) ** estimator.power_t
        callbacks.append(InverseScaling(estimator.power_t, initial_learning_rate=start))
    if not incremental and estimator.n_iter_no_change != np.inf:
        patience = int(estimator.n_iter_no_change) + 1  # scikit-learn: count > n_iter_no_change
        mode = "max" if estimator.early_stopping else "min"
        if sgd and estimator.learning_rate == "adaptive":
            plateau = ReduceOnPlateau(key, factor=0.2, patience=patience, min_delta=estimator.tol)
            plateau.tracker = RunningBest(key, mode, estimator.tol, owner="adaptive")
            callbacks += [plateau, RateFloor()]
        else:
            stopper = EarlyStopping(key, patience=patience, restore_best_weights=False)
            stopper.tracker = RunningBest(key, mode, estimator.tol, owner="n_iter_no_change")
            callbacks.append(stopper)
    return callbacks + ([PrintLosses()] if estimator.verbose else [])


def split_for_validation(estimator, X, targets, weights, rng):
    """scikit-learn's split for early stopping (stratified for one-output classification)."""
    stratify = targets[:, 0] if estimator._stratify_validation(targets) else None
    arrays = (X, targets) if weights is None else (X, targets, weights)
    parts = train_test_split(*arrays, random_state=rng, test_size=estimator.validation_fraction,
                             stratify=stratify)
    if len(parts[1]) < 2:
        raise ValueError(f"validation_fraction={estimator.validation_fraction} leaves "
                         f"{len(parts[1])} validation sample(s) of {len(X)}; early stopping "
                         "needs at least 2")
    training, validation = parts[0::2], tuple(parts[1::2])
    return (*training, None)[:3], validation


def combined_weights(estimator, targets, weights):
    """sample_weight times class_weight per row (glassnet's ``class_weights``), so that the
    L2 scale below sees the same total weight either way; None when there are neither."""
    class_weight = estimator._class_weight_indices()
    if class_weight is None:
        return weights
    per_row = class_weights(class_weight, estimator.loss_function_, targets)
    return per_row if weights is None else weights * per_row


def fit_stochastic(estimator, X, targets, weights, rng, incremental: bool):
    """Minibatch training: ``max_iter`` epochs (one for partial_fit) through ``training.fit``."""
    from glassnet.sklearn.base import batch_size_for

    if estimator.early_stopping and incremental:
        raise ValueError("partial_fit does not support early_stopping=True")
    optimizer = getattr(estimator, "optimizer_", None) if incremental else None
    if optimizer is None:
        optimizer = estimator.optimizer_ = make_optimizer(estimator)
    validation, weights = None, combined_weights(estimator, targets, weights)
    if estimator.early_stopping:
        (X, targets, weights), validation = split_for_validation(estimator, X, targets,
                                                                 weights, rng)
    batch_size = batch_size_for(estimator, len(X))
    mean_weight = 1.0 if weights is None else float(np.mean(weights))
    history = fit(estimator.network_, X, targets, estimator.loss_function_, optimizer,
                  epochs=1 if incremental else estimator.max_iter, batch_size=batch_size,
                  shuffle=estimator.shuffle, rng=rng,
                  callbacks=callbacks_for(estimator, incremental),
                  validation_data=validation,
                  metrics={"score": estimator._score_outputs} if validation else (),
                  sample_weight=weights, l2=estimator.alpha / (batch_size * mean_weight),
                  verbose=0)
    estimator._finish(history, len(X), incremental)
    return history


def fit_lbfgs_solver(estimator, X, targets, weights):
    """Full-batch L-BFGS through ``glassnet.solvers.fit_lbfgs``; l2 = alpha / total weight."""
    from glassnet.solvers import fit_lbfgs

    weights = combined_weights(estimator, targets, weights)
    total_weight = len(X) if weights is None else float(np.sum(weights))
    history = fit_lbfgs(estimator.network_, X, targets, estimator.loss_function_,
                        max_iterations=estimator.max_iter, tolerance=estimator.tol,
                        l2=estimator.alpha / total_weight, sample_weight=weights,
                        callbacks=[PrintLosses()] if estimator.verbose else [],
                        max_evaluations=estimator.max_fun, verbose=0)
    estimator._finish(history, len(X), incremental=False)
    return history
