"""Mutant: the bootstrap resamples the two models' rows inconsistently.

Champion and challenger are resampled on different rows, so the noise they share (hard rows, easy
rows) no longer cancels: the gain's interval is several times too wide and a real gain is refused.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    gain = bootstrap_ci(challenger - champion, n_resamples, confidence, seed)\n",
        "    rng = np.random.default_rng(seed)\n    champion_rows = rng.integers(0, champion.size, size=(n_resamples, champion.size))\n    challenger_rows = rng.integers(0, challenger.size, size=(n_resamples, challenger.size))\n    gains = challenger[challenger_rows].mean(axis=1) - champion[champion_rows].mean(axis=1)\n    tail = (1 - confidence) / 2\n    low, high = np.quantile(gains, [tail, 1 - tail])\n    gain = Interval(float(challenger.mean() - champion.mean()), float(low), float(high))\n",
    ),
)
