"""Mutant: Bradley–Terry without the prior: plain maximum likelihood, centred to mean zero.

The mean-zero constraint fixes the free constant, but an item that never loses has no finite
maximum: Newton's method keeps pushing its score up, and l2 is ignored.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        gradient = wins - l2 * scores\n",
        "        gradient = wins\n",
    ),
    (
        "        curvature = l2 * np.eye(size)\n",
        "        curvature = np.zeros((size, size))\n",
    ),
    (
        "        step = np.linalg.solve(curvature, gradient)\n        current, scale = objective(scores), 1.0\n        while objective(scores + scale * step) < current - 1e-12 and scale > 1e-6:\n            scale /= 2\n        scores = scores + scale * step\n",
        "        step = np.linalg.pinv(curvature) @ gradient\n        scale = 1.0\n        scores = scores + step\n        scores -= scores.mean()  # the reference constraint: scores sum to zero\n",
    ),
)
