"""Mutant: scale-down ignores min_sandboxes.

The warm pool the policy pays to keep drains away at the first quiet minute, and the next
burst pays every cold start again.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        while (\n            idle\n            and t - idle[0] >= policy.idle_timeout_s\n            and len(idle) > policy.target_idle\n            and total > policy.min_sandboxes\n        ):\n",
        "        while idle and t - idle[0] >= policy.idle_timeout_s and len(idle) > policy.target_idle:\n",
    ),
)
