"""Mutant: evaluate's confusion matrix has the predicted species as rows.

confusion_matrix(y_pred, y_true): the arguments swapped, so a row no longer answers "what
happened to the true Chinstraps".

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    matrix = confusion_matrix(split.y_test.astype(str), predicted.astype(str), labels=SPECIES)\n",
        "    matrix = confusion_matrix(predicted.astype(str), split.y_test.astype(str), labels=SPECIES)\n",
    ),
)
