"""Mutant: summarize counts only status "error" as a failure, not "timeout".

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        '        latencies[event.tool].append(event.latency_ms)\n        if event.status != "ok":\n',
        '        latencies[event.tool].append(event.latency_ms)\n        if event.status == "error":\n',
    ),
)
