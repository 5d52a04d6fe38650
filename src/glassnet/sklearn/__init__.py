"""scikit-learn estimators built on glassnet: change one import and keep your pipeline.

    from glassnet.sklearn import MLPClassifier   # instead of sklearn.neural_network

``MLPClassifier`` and ``MLPRegressor`` take scikit-learn's MLP parameters (same names and
defaults) and train through glassnet's own ``training.fit`` and ``solvers.fit_lbfgs``. This
package is the only part of glassnet that imports scikit-learn (the optional extra
``glassnet[sklearn]``); ``import glassnet`` never imports it.
"""

from glassnet.sklearn.classifier import MLPClassifier
from glassnet.sklearn.regressor import MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
