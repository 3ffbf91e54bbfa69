"""Mutant: the backtest shuffles each fold's rows before cutting train from test.

A random split: the model learns from days after the ones it is scored on, and the backtest
promises an accuracy production never sees.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        train = frame.iloc[fold.train]\n        test = frame.iloc[fold.test]\n",
        "        rows = np.random.default_rng(number).permutation([*fold.train, *fold.test])\n        train = frame.iloc[rows[: len(fold.train)]]\n        test = frame.iloc[rows[len(fold.train) :]]\n",
    ),
)
