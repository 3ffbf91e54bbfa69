"""Mutant: cross_validate_model cross-validates on the training and the test rows together.

"More data makes the CV estimate tighter" - and spends the hold-out: the rows kept for
the final check have now helped choose the model.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    scores = cross_val_score(\n        make_pipeline(clone(model)), split.X_train, split.y_train, cv=cv, scoring=make_scorer(score)\n    )\n",
        "    X = pd.concat([split.X_train, split.X_test])\n    y = pd.concat([split.y_train, split.y_test])\n    scores = cross_val_score(make_pipeline(clone(model)), X, y, cv=cv, scoring=make_scorer(score))\n",
    ),
)
