"""Mutant: the bandit plays each arm once, then always the arm with the best mean so far.

Without exploration one unlucky first pull of the best arm can lock it out for good.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        if t <= n_arms:\n            arm = t - 1  # play every arm once before trusting any mean\n        else:\n            # UCB1: optimism in the face of uncertainty. An arm played rarely gets a large bonus,\n            # so it is retried until its mean is known well enough to rule it out.\n            arm = max(\n                range(n_arms),\n                key=lambda a: totals[a] / counts[a] + math.sqrt(2 * math.log(t) / counts[a]),\n            )\n",
        "        # Play every arm once, then exploit the best mean so far.\n        arm = t - 1 if t <= n_arms else max(range(n_arms), key=lambda a: totals[a] / counts[a])\n",
    ),
)
