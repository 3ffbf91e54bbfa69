"""Mutant: negative_latency is checked before unknown_status, against the prompt's order.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        '    if record["status"] not in STATUSES:\n        return "unknown_status", f"status {record[\'status\']!r} is not one of {STATUSES}"\n',
        "",
    ),
    (
        '        return "negative_latency", f"latency_ms is {latency}"\n',
        '        return "negative_latency", f"latency_ms is {latency}"\n    if record["status"] not in STATUSES:\n        return "unknown_status", f"status {record[\'status\']!r} is not one of {STATUSES}"\n',
    ),
)
