"""Mutant: the loop saves its state once, after the last batch.

A crash mid-stream loses every batch processed so far: nothing to resume from.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        _save_state(state, state_path)\n",
        "",
    ),
    (
        '        raise ValueError("nothing to do: no saved state and no batches")\n',
        '        raise ValueError("nothing to do: no saved state and no batches")\n    _save_state(state, state_path)\n',
    ),
)
