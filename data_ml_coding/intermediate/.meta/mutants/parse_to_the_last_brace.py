"""Mutant: the parser cuts from the first "{" to the last "}" and calls json.loads.

Trailing text that contains a brace ("{uses your saved preferences}") turns a good call into
invalid JSON.

Caught by: Part 5
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        # raw_decode stops at the end of the first value: trailing prose is not an error.\n        value, _end = _DECODER.raw_decode(body, start)\n",
        '        value = json.loads(body[start : body.rfind("}") + 1])\n',
    ),
)
