"""Mutant: score returns accuracy instead of macro-F1.

On imbalanced classes accuracy rewards ignoring the rare class: the majority-class
baseline already earns 0.44, and a depth-1 tree that never predicts Chinstrap 0.78.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, make_scorer\n",
        "from sklearn.metrics import accuracy_score, confusion_matrix, make_scorer\n",
    ),
    (
        '    return float(f1_score(y_true, y_pred, average="macro", zero_division=0))\n',
        "    return float(accuracy_score(y_true, y_pred))\n",
    ),
)
