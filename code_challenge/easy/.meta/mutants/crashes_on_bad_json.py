"""Mutant: no try around json.loads, so one truncated line crashes the whole parse.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        '    try:\n        record = json.loads(line)\n    except (ValueError, RecursionError) as error:\n        return "bad_json", str(error)\n',
        "    record = json.loads(line)\n",
    ),
)
