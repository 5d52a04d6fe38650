"""Tables as people have them: a pandas DataFrame (or a CSV file read by ``glassnet train``)
with missing values, words, dates, names and IDs, turned into a trained ``Model``.

``fit_table(frame, target="y")`` decides each column's role (``roles``), the task
(``target``), fits the column encoder and the network on the training rows (``fit``) and
trains with early stopping on held-out rows, or on a small table chooses the epoch count by
cross-validation and trains on all rows (``folds``, ``training``). The command line calls
the same functions. ``fit_chunks`` does the same for a table given as DataFrame chunks, too
large for memory (``streaming``; it always holds rows out).
Imports pandas only through the frames it is given; the numpy core never imports this
package.
"""

from glassnet.tabular.fit import Prepared, Settings, prepare
from glassnet.tabular.roles import Decision, TableError, decide_columns
from glassnet.tabular.streaming import fit_chunks
from glassnet.tabular.target import Problem, choose_task
from glassnet.tabular.training import fit_table, train

__all__ = ["Decision", "Prepared", "Problem", "Settings", "TableError", "choose_task",
           "decide_columns", "fit_chunks", "fit_table", "prepare", "train"]
