"""Mutant: any TimeoutError counts as the task's timeout, even one the tool raised itself.

A tool reporting an upstream timeout (its own TimeoutError) is reported as "timeout" rather
than as the tool's error, so the error says the executor cut it short when it did not.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        '            error = "timeout" if scope.expired() else f"{type(exc).__name__}: {exc}"\n',
        '            error = "timeout" if isinstance(exc, TimeoutError) else f"{type(exc).__name__}: {exc}"\n',
    ),
)
