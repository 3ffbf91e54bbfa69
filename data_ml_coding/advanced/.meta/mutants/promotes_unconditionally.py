"""Mutant: a retrain always promotes the challenger; the gate's verdict is only logged.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    if decision.ship:\n        state = replace(\n            state,\n            champion=challenger,\n            champion_version=state.champion_version + 1,\n            reference_mix=mix,\n            reference_success=decision.comparison.candidate_rate,\n        )\n",
        "    # The challenger was trained on the freshest data, so it goes live; the gate is for the log.\n    state = replace(\n        state,\n        champion=challenger,\n        champion_version=state.champion_version + 1,\n        reference_mix=mix,\n        reference_success=decision.comparison.candidate_rate,\n    )\n",
    ),
    (
        "        decision.ship,\n",
        "        True,\n",
    ),
)
