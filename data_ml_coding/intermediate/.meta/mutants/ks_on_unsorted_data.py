"""Mutant: KS evaluates the ECDFs with searchsorted on the unsorted samples.

np.searchsorted assumes sorted input and silently returns nonsense otherwise; the statistic only
matches scipy when the samples happen to arrive sorted.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        '    ref = np.sort(_sample(reference, "reference"))\n    cur = np.sort(_sample(current, "current"))\n',
        '    ref = _sample(reference, "reference")\n    cur = _sample(current, "current")\n',
    ),
)
