"""Mutant: a feature drifts only when PSI AND KS both say so.

Either test alone should raise the alarm; requiring both misses shifts that only one of them sees
(KS catches a small shift of the median; PSI a change in the tails).

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        drifted = value > psi_threshold or ks.pvalue < ks_alpha\n",
        "        drifted = value > psi_threshold and ks.pvalue < ks_alpha\n",
    ),
)
