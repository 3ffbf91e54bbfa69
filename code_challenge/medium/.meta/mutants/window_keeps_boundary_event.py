"""Mutant: an event exactly `window` seconds old is still counted (`<` instead of `<=`).

The window is (now - window, now]: at now = 60 with a 60 s window, the event at 0 has left.
Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        while events and events[0][0] <= horizon:\n",
        "        while events and events[0][0] < horizon:\n",
    ),
)
