"""Mutant: fit_on_train fits the preprocessing on train and test rows together.

The thought: "the scaler never sees a label, so fitting it on every row is harmless". It
is not: the medians, means and most frequent values now carry the test rows, and the
hold-out score measures a model that has peeked.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    return make_pipeline(model).fit(split.X_train, split.y_train)\n",
        "    pipeline = make_pipeline(model)\n    everything = pd.concat([split.X_train, split.X_test])\n    pipeline[:-1].fit(everything)\n    pipeline[-1].fit(pipeline[:-1].transform(split.X_train), split.y_train)\n    return pipeline\n",
    ),
)
